"""`{% load pricing %}{% rate_warning price currency unit %}`: the shortfall message of a
rate below the target, or nothing. The target is read once per page."""

from django import template
from django.utils.html import format_html

from patron.pricing.target import current_target
from patron.pricing.warnings import shortfall

register = template.Library()

MISSING = object()


@register.simple_tag(takes_context=True)
def rate_warning(context, rate, currency, unit="hour"):
    target = context.render_context.get("pricing_target", MISSING)
    if target is MISSING:
        target = current_target()
        context.render_context["pricing_target"] = target
    if target is None:
        return ""
    found = shortfall(rate, currency, unit, target=target)
    if found is None:
        return ""
    return format_html('<small class="rate-warning" role="status">{}</small>', found.message)
