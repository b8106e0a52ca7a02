"""The brand kit's rules: typefaces on offer and colour contrast."""

import re

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

# The bundled open typefaces (static/vendor/fonts, SIL Open Font License).
TYPEFACES = {
    "inter": ("Inter", "sans-serif"),
    "ibm-plex-sans": ("IBM Plex Sans", "sans-serif"),
    "atkinson-hyperlegible": ("Atkinson Hyperlegible", "sans-serif"),
    "source-serif-4": ("Source Serif 4", "serif"),
    "lora": ("Lora", "serif"),
}
TYPEFACE_CHOICES = [(slug, family) for slug, (family, _generic) in TYPEFACES.items()]

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# WCAG 2.1 AA for normal text.
MIN_CONTRAST = 4.5


def font_stack(slug):
    family, generic = TYPEFACES.get(slug, TYPEFACES["inter"])
    return f"'{family}', {generic}"


def check_colour(value):
    value = (value or "").strip()
    if not HEX_COLOUR.match(value):
        raise ValidationError(
            _("“%(value)s” is not a colour: use the form #1a2b3c."),
            code="invalid",
            params={"value": value[:20]},
        )
    return value.lower()


def relative_luminance(hex_colour):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_with_white(hex_colour):
    """The WCAG contrast ratio between the colour and white, 1 to 21."""
    return round(1.05 / (relative_luminance(hex_colour) + 0.05), 2)


CONTRAST_WARNINGS = {
    "primary": _(
        "The primary colour has a contrast of %(ratio)s:1 against white, below the "
        "4.5:1 that WCAG AA asks for text: it will be hard to read."
    ),
    "accent": _(
        "The accent colour has a contrast of %(ratio)s:1 against white, below the "
        "4.5:1 that WCAG AA asks for text: it will be hard to read."
    ),
}


def contrast_warnings(primary, accent):
    """A message for each brand colour too pale to carry white text or sit on white."""
    warnings = []
    for role, colour in (("primary", primary), ("accent", accent)):
        if not colour or not HEX_COLOUR.match(colour):
            continue
        ratio = contrast_with_white(colour)
        if ratio < MIN_CONTRAST:
            ratio_text = number_format(ratio, 2, use_l10n=True)
            warnings.append(CONTRAST_WARNINGS[role] % {"ratio": ratio_text})
    return warnings
