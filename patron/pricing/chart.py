"""The breakdown as one stacked bar (server-rendered SVG: widths as attributes, colours
from classes, as the CSP wants)."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

WIDTH = 1000

PARTS = (
    ("net", _("Net income")),
    ("income_tax", _("Income tax")),
    ("contributions", _("Social contributions")),
    ("costs", _("Business costs")),
    ("vat", _("VAT (passed on)")),
)


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    amount: Decimal
    x: int
    width: int
    percent: int


def segments(result):
    """The parts of the gross turnover, left to right, in SVG units of a WIDTH-wide bar."""
    amounts = dict(result.breakdown())
    total = amounts["gross_turnover"]
    shown, x = [], 0
    for key, label in PARTS:
        amount = max(amounts[key], Decimal(0))
        if total <= 0:
            width = 0
        else:
            width = int(round(amount * WIDTH / total))
        width = min(width, WIDTH - x)
        percent = int(round(amount * 100 / total)) if total > 0 else 0
        shown.append(Segment(key, str(label), amount, x, width, percent))
        x += width
    return shown
