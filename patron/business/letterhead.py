"""The letterhead preview: the brand kit drawn on a sample invoice."""

from decimal import Decimal

from django.core.exceptions import ValidationError

from patron.business.brand import TYPEFACES, check_colour, contrast_warnings, font_stack
from patron.business.models import Business
from patron.money import format_money


def letterhead_context(business, data=None, warnings=True):
    """What the letterhead preview shows: saved values, or the ones being typed,
    with the contrast warnings unless the page has no use for them."""
    data = data or {}

    def pick(name, check):
        if data.get(name):
            try:
                return check(data[name])
            except ValidationError:
                pass
        return getattr(business, name) if business else Business._meta.get_field(name).default

    primary = pick("primary_colour", check_colour)
    accent = pick("accent_colour", check_colour)
    typeface = data.get("typeface") if data.get("typeface") in TYPEFACES else None
    typeface = typeface or (business.typeface if business else "inter")
    currency = business.currency if business else "EUR"
    return {
        "sample_number": "F-2026-0001",
        "sample_line": format_money(Decimal("2400"), currency),
        "sample_total": format_money(Decimal("2904"), currency),
        "preview_primary": primary,
        "preview_accent": accent,
        "preview_font": font_stack(typeface),
        "preview_warnings": contrast_warnings(primary, accent) if warnings else [],
    }
