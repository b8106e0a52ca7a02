"""How the work pages write durations."""

from django import template

from patron.work.timing import format_duration

register = template.Library()


@register.filter
def duration(seconds):
    """7200 → 2h, 5400 → 1h30, 0 → 0m: the form people type durations in."""
    return format_duration(seconds or 0)


@register.filter
def hours(seconds):
    """Seconds as decimal hours for <progress> and <meter>: 5400 → 1.5."""
    return round((seconds or 0) / 3600, 2)
