"""`{% load money %}`: amounts and percentages written the way the page's language writes them."""

from django import template

from patron.money import format_money, format_percentage

register = template.Library()


@register.filter
def money(amount, currency):
    """{{ amount|money:currency }} → 85,00 € (fr) or €85.00 (en); nothing for None."""
    return format_money(amount, currency)


@register.filter
def percent(value):
    """{{ 21|percent }} → 21 % (fr) or 21% (en); nothing for None."""
    return format_percentage(value)
