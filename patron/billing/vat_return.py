"""The VAT return of a period: what Patron's documents and expenses put in each box of the
Belgian periodic return or the French CA3, with the box numbers the forms print.

Belgium taxes a service when it is invoiced (VAT Code art. 22 and 22bis): the invoices and
credit notes *issued* in the period count. France taxes services when they are paid (CGI
art. 269-2-c, VAT on receipts unless the business opted for debits): the *payments*
received in the period count, each for the VAT share of the invoice it settles. Input VAT
is the VAT of the expenses dated in the period. Only what Patron knows is filled in (no
imports, no intra-EU purchases of goods): the return shows it as a draft to check and
complete, never as a filed return.

A business under the VAT franchise files no periodic return: `vat_return` says so.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patron.billing.models import Allocation, Document, Kind, Payment, Status
from patron.billing.totals import cents
from patron.billing.vat import EXEMPT, OUTSIDE, REVERSE, STANDARD, ZERO
from patron.work.models import Expense

ZERO_EUR = Decimal("0.00")

# Belgian periodic return (déclaration périodique / periodieke aangifte), boxes by number.
BELGIAN_BOXES = {
    "00": gettext_lazy("Operations at 0 % and special regimes"),
    "01": gettext_lazy("Operations at 6 %"),
    "02": gettext_lazy("Operations at 12 %"),
    "03": gettext_lazy("Operations at 21 %"),
    "44": gettext_lazy("Services to EU businesses, VAT due by the client (reverse charge)"),
    "47": gettext_lazy("Other exempt operations and operations outside Belgium"),
    "48": gettext_lazy("Credit notes issued for operations in box 44"),
    "49": gettext_lazy("Credit notes issued for other operations"),
    "54": gettext_lazy("VAT due on the operations in boxes 01, 02 and 03"),
    "64": gettext_lazy("VAT to recover on credit notes issued"),
    "82": gettext_lazy("Purchases of services and miscellaneous goods (excl. VAT)"),
    "59": gettext_lazy("Deductible VAT"),
    "71": gettext_lazy("VAT to pay to the State"),
    "72": gettext_lazy("VAT the State owes you"),
}
BELGIAN_RATE_BOX = {Decimal("6"): "01", Decimal("12"): "02", Decimal("21"): "03"}

# French CA3 (formulaire 3310-CA3), lines by reference.
FRENCH_BOXES = {
    "A1": gettext_lazy("Sales and services (excl. VAT)"),
    "E2": gettext_lazy("Other operations not taxable in France"),
    "08": gettext_lazy("Standard rate 20 %: base and VAT"),
    "9B": gettext_lazy("Reduced rate 10 %: base and VAT"),
    "09": gettext_lazy("Reduced rate 5.5 %: base and VAT"),
    "16": gettext_lazy("Total gross VAT due"),
    "20": gettext_lazy("Deductible VAT on other goods and services"),
    "23": gettext_lazy("Total deductible VAT"),
    "28": gettext_lazy("Net VAT due"),
    "25": gettext_lazy("VAT credit"),
}
FRENCH_RATE_BOX = {Decimal("20"): "08", Decimal("10"): "9B", Decimal("5.5"): "09"}


@dataclass
class Box:
    code: str
    label: str
    amount: Decimal | None = None  # a Belgian box's amount; a French line's base
    vat: Decimal | None = None  # a French rate line's VAT


@dataclass
class VatReturn:
    country: str
    basis: str  # "invoices" or "payments"
    boxes: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def box(self, code):
        return next((b for b in self.boxes if b.code == code), None)


def groups_of(document):
    """(category, rate, base, VAT) of a document's VAT groups, as its totals state them."""
    return [(g.category, g.rate, g.taxable, g.vat) for g in document.compute_totals().groups]


def issued_in(period, kind):
    return (
        Document.objects.filter(kind=kind, issue_date__gte=period.start, issue_date__lte=period.end)
        .exclude(status=Status.DRAFT)
        .filter(currency="EUR")
        .prefetch_related("lines")
    )


def input_vat(period):
    expenses = Expense.objects.filter(on__gte=period.start, on__lte=period.end, currency="EUR")
    totals = expenses.aggregate(
        base=Sum("amount_excl_vat", default=ZERO_EUR), vat=Sum("vat_amount", default=ZERO_EUR)
    )
    return cents(totals["base"]), cents(totals["vat"])


def belgian_return(period):
    sums = defaultdict(lambda: ZERO_EUR)
    for invoice in issued_in(period, Kind.INVOICE):
        for category, rate, base, vat in groups_of(invoice):
            if category == STANDARD and rate in BELGIAN_RATE_BOX:
                sums[BELGIAN_RATE_BOX[rate]] += base
                sums["54"] += vat
            elif category == REVERSE:
                sums["44"] += base
            elif category in (OUTSIDE, EXEMPT):
                sums["47"] += base
            else:
                sums["00"] += base
    for note in issued_in(period, Kind.CREDIT_NOTE):
        for category, _rate, base, vat in groups_of(note):
            sums["48" if category == REVERSE else "49"] += base
            sums["64"] += vat
    sums["82"], sums["59"] = input_vat(period)
    balance = sums["54"] - sums["59"] - sums["64"]
    sums["71"], sums["72"] = max(balance, ZERO_EUR), max(-balance, ZERO_EUR)
    boxes = [Box(code, str(label), cents(sums[code])) for code, label in BELGIAN_BOXES.items()]
    notes = [
        _("Invoices and credit notes issued in the period, in euros; purchases are all put in "
          "box 82: move goods for resale (81) and investments (83) where they belong."),
    ]  # fmt: skip
    return VatReturn("BE", "invoices", boxes, notes + foreign_note(period))


def foreign_note(period):
    """A sentence when documents in another currency are left out (no exchange rates)."""
    count = (
        Document.objects.filter(
            kind__in=[Kind.INVOICE, Kind.CREDIT_NOTE],
            issue_date__gte=period.start,
            issue_date__lte=period.end,
        )
        .exclude(status=Status.DRAFT)
        .exclude(currency="EUR")
        .count()
    )
    if not count:
        return []
    return [
        _(
            "%(count)s document(s) in another currency are not counted: add them in euros at "
            "the exchange rate of their date."
        )
        % {"count": count}
    ]


def paid_shares(period):
    """(invoice, share) of each payment received in the period: the part of the invoice it
    settled, as a fraction of what the invoice asked."""
    allocations = (
        Allocation.objects.filter(
            payment__date__gte=period.start,
            payment__date__lte=period.end,
            payment__direction=Payment.Direction.RECEIVED,
            document__kind=Kind.INVOICE,
            document__currency="EUR",
        )
        .select_related("document")
        .prefetch_related("document__lines")
    )
    for allocation in allocations:
        invoice = allocation.document
        if invoice.total_incl_vat > 0:
            yield invoice, allocation.amount / invoice.total_incl_vat


def french_return(period):
    bases, taxes = defaultdict(lambda: ZERO_EUR), defaultdict(lambda: ZERO_EUR)
    for invoice, share in paid_shares(period):
        for category, rate, base, vat in groups_of(invoice):
            if category == STANDARD and rate in FRENCH_RATE_BOX:
                code = FRENCH_RATE_BOX[rate]
                bases[code] += base * share
                taxes[code] += vat * share
                bases["A1"] += base * share
            elif category in (REVERSE, OUTSIDE, ZERO):
                bases["E2"] += base * share
    gross = sum((cents(taxes[code]) for code in FRENCH_RATE_BOX.values()), ZERO_EUR)
    _base, deductible = input_vat(period)
    net = gross - deductible
    values = {
        "16": (None, gross),
        "20": (None, deductible),
        "23": (None, deductible),
        "28": (None, max(net, ZERO_EUR)),
        "25": (None, max(-net, ZERO_EUR)),
    }
    boxes = []
    for code, label in FRENCH_BOXES.items():
        if code in values:
            amount, vat = values[code]
        elif code in FRENCH_RATE_BOX.values():
            amount, vat = cents(bases[code]), cents(taxes[code])
        else:
            amount, vat = cents(bases[code]), None
        boxes.append(Box(code, str(label), amount, vat))
    notes = [
        _("VAT on services is due when they are paid: the payments received in the period "
          "count, each for the VAT of the invoice it settles. If you opted for VAT on debits, "
          "count the invoices issued instead."),
    ]  # fmt: skip
    return VatReturn("FR", "payments", boxes, notes + foreign_note(period))


def vat_return(period, business):
    """The period's return for the business's country, or None with nothing to file."""
    if business is None or business.vat_regime == "franchise":
        return None
    if business.country == "BE":
        return belgian_return(period)
    if business.country == "FR":
        return french_return(period)
    return None
