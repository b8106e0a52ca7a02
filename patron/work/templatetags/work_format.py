"""How the work pages write durations."""

from django import template

from patron.work.timing import format_duration

register = template.Library()


@register.filter
def duration(seconds):
    """7200 → 2h, 5400 → 1h30, 0 → 0m: the form people type durations in."""
    return format_duration(seconds or 0)
