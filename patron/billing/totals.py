"""A document's amounts, computed the one way EN 16931 accepts (rule 1 of the design).

A line's net is rounded half-up to the cent; lines are grouped by VAT category and rate,
and VAT is computed once per group on the sum of its nets (BR-CO-17), never summed from
per-line VAT. Totals follow BR-CO-10 to BR-CO-16.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from patron.billing.vat import STANDARD

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def cents(amount):
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineAmounts:
    gross: Decimal  # quantity × unit price, to the cent
    allowance: Decimal  # the line's discount, to the cent
    net: Decimal  # BT-131


def line_amounts(quantity, unit_price, discount_percent=ZERO):
    gross = cents(quantity * unit_price)
    allowance = cents(gross * discount_percent / HUNDRED) if discount_percent else ZERO
    return LineAmounts(gross, allowance, gross - allowance)


@dataclass(frozen=True)
class VatGroup:
    category: str  # UNCL5305: S, Z, E, AE, O
    rate: Decimal
    taxable: Decimal  # BT-116
    vat: Decimal  # BT-117


@dataclass(frozen=True)
class Totals:
    lines: Decimal  # BT-106, the sum of line nets
    groups: tuple[VatGroup, ...]
    excl_vat: Decimal  # BT-109
    vat: Decimal  # BT-110
    incl_vat: Decimal  # BT-112
    prepaid: Decimal  # BT-113, e.g. a deposit invoiced and paid before
    due: Decimal  # BT-115


def compute(lines, prepaid=ZERO):
    """Totals of (category, rate, net) triples; VAT only in the standard category."""
    taxable = defaultdict(lambda: ZERO)
    for category, rate, net in lines:
        taxable[(category, Decimal(rate))] += net
    groups = tuple(
        VatGroup(
            category, rate, base, cents(base * rate / HUNDRED) if category == STANDARD else ZERO
        )
        for (category, rate), base in sorted(
            taxable.items(), key=lambda item: (item[0][0], -item[0][1])
        )
    )
    total_lines = sum((group.taxable for group in groups), ZERO)
    total_vat = sum((group.vat for group in groups), ZERO)
    incl = total_lines + total_vat
    return Totals(
        total_lines, groups, total_lines, total_vat, incl, cents(prepaid), incl - cents(prepaid)
    )
