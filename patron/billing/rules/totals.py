"""A document's amounts, computed the one way EN 16931 accepts (rule 1 of the design).

A line's net is rounded half-up to the cent; lines are grouped by VAT category and rate.
Discounts and charges on the whole document (BG-20 / BG-21) are then applied to their
group: a fixed amount has its own category and rate, a percentage is of the line nets of
its group, and a percentage given for every rate is applied to each group of the lines in
turn. VAT is computed once per group on its taxable amount, the line nets less its
discounts plus its charges (BR-CO-17, BR-S-08…), never summed from per-line VAT. Totals
follow BR-CO-10 to BR-CO-16.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from patron.billing.rules.vat import STANDARD
from patron.money import cents

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
# What the amount columns hold (14 digits, 2 of them decimals): anything larger is refused
# before it is stored, or a later read of the row would fail.
MAX_AMOUNT = Decimal("999999999999.99")


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
class Applied:
    """One document-level allowance (BG-20) or charge (BG-21) as the e-invoice states it."""

    is_charge: bool
    reason: str  # BT-97 / BT-104
    reason_code: str  # BT-98 (UNCL5189) / BT-105 (UNCL7161)
    category: str  # BT-95 / BT-102
    rate: Decimal  # BT-96 / BT-103
    percent: Decimal | None  # BT-94 / BT-101
    base: Decimal | None  # BT-93 / BT-100: the line nets of the group the percentage is of
    amount: Decimal  # BT-92 / BT-99

    @property
    def signed(self):
        """What it adds to the total excluding VAT: negative for a discount."""
        return self.amount if self.is_charge else -self.amount


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
    applied: tuple[Applied, ...] = ()
    allowances: Decimal = ZERO  # BT-107
    charges: Decimal = ZERO  # BT-108

    def amounts(self):
        """Every amount of the totals, to check that each fits where it is stored."""
        yield from (self.lines, self.excl_vat, self.vat, self.incl_vat, self.prepaid, self.due)
        yield from (self.allowances, self.charges)
        for group in self.groups:
            yield from (group.taxable, group.vat)
        for applied in self.applied:
            yield applied.amount


def too_large(totals):
    return any(abs(amount) > MAX_AMOUNT for amount in totals.amounts())


def apply(adjustment, nets):
    """The Applied pieces of one adjustment (an object with is_charge, reason, reason_code,
    category, vat_rate, percent and amount), given the line nets of each group."""
    fields = (adjustment.is_charge, adjustment.reason, adjustment.reason_code)
    percent = adjustment.percent
    if adjustment.vat_rate is None:  # a percentage of the lines of every rate
        for (category, rate), base in sorted(nets.items(), key=order):
            if base:
                yield Applied(*fields, category, rate, percent, base, cents(base * percent / 100))
        return
    group = (adjustment.category, Decimal(adjustment.vat_rate))
    if percent is not None:
        base = nets.get(group, ZERO)
        yield Applied(*fields, *group, percent, base, cents(base * percent / HUNDRED))
    else:
        yield Applied(*fields, *group, None, None, cents(adjustment.amount))


def order(item):
    """Groups by category, then highest rate first."""
    (category, rate), _amount = item
    return category, -rate


def compute(lines, prepaid=ZERO, adjustments=()):
    """Totals of (category, rate, net) triples and of the document's adjustments (see the
    top); VAT only in the standard category."""
    nets = defaultdict(lambda: ZERO)
    for category, rate, net in lines:
        nets[(category, Decimal(rate))] += net
    nets = dict(nets)
    applied = tuple(piece for adjustment in adjustments for piece in apply(adjustment, nets))
    taxable = defaultdict(lambda: ZERO, nets)
    for piece in applied:
        taxable[(piece.category, piece.rate)] += piece.signed
    groups = tuple(
        VatGroup(
            category, rate, base, cents(base * rate / HUNDRED) if category == STANDARD else ZERO
        )
        for (category, rate), base in sorted(taxable.items(), key=order)
    )
    total_lines = sum(nets.values(), ZERO)
    allowances = sum((piece.amount for piece in applied if not piece.is_charge), ZERO)
    charges = sum((piece.amount for piece in applied if piece.is_charge), ZERO)
    excl = total_lines - allowances + charges
    total_vat = sum((group.vat for group in groups), ZERO)
    incl = excl + total_vat
    return Totals(
        total_lines,
        groups,
        excl,
        total_vat,
        incl,
        cents(prepaid),
        incl - cents(prepaid),
        applied,
        allowances,
        charges,
    )


@dataclass(frozen=True)
class EuroGroup:
    category: str
    rate: Decimal
    taxable: Decimal  # the group's taxable amount in euros
    vat: Decimal  # its VAT in euros


def in_euros(amount, exchange_rate):
    """An amount in another currency, in euros at `exchange_rate` (units of the currency for
    one euro, as the ECB quotes its reference rates), rounded half-up to the cent."""
    return cents(Decimal(amount) / Decimal(exchange_rate))


def euro_groups(totals, exchange_rate):
    """The VAT groups in euros: each group converted on its own, so that a VAT return finds
    the base and VAT of each rate; the VAT total in euros (BT-111) is their sum."""
    return tuple(
        EuroGroup(
            group.category,
            group.rate,
            in_euros(group.taxable, exchange_rate),
            in_euros(group.vat, exchange_rate),
        )
        for group in totals.groups
    )
