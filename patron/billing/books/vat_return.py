"""The VAT return of a period: what Patron's documents and expenses put in each box of the
Belgian periodic return or the French CA3, with the box numbers the forms print and the
meaning each has (docs/facts/tax-figures.md §4 and §5, with their sources).

Belgium taxes a service when it is invoiced (VAT Code art. 22 and 22bis): the invoices and
credit notes *issued* in the period count. France taxes services when they are paid (CGI
art. 269-2-c, VAT on receipts unless the business opted for debits): the *payments*
received in the period count, each for the VAT share of the invoice it settles, and the
refunds of credit notes come off. Input VAT is the VAT of the expenses dated in the period.

A deposit invoice counts in the period it is issued (or paid, in France); the final
invoice that deducts it counts only for the rest (deposits.py), so that the deposit's VAT is
never declared twice. Only what Patron knows is filled in (no imports, no intra-EU
purchases of goods): the return is a draft to check and complete, never a filed return.

A business under the VAT franchise files no periodic return: `vat_return` says so.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patron.billing.documents.deposits import deductions, remainder, share_of_rest
from patron.billing.models import Allocation, Document, Kind, Payment, Status
from patron.billing.rules.vat import EXEMPT, OUTSIDE, REVERSE, STANDARD, ZERO
from patron.money import cents
from patron.work.models import Expense

ZERO_EUR = Decimal("0.00")

# Belgian periodic return (déclaration périodique / periodieke aangifte), the grids Patron
# fills, in the order of the form (docs/facts/tax-figures.md §4).
BELGIAN_BOXES = {
    "00": gettext_lazy("Operations at 0 % and special regimes"),
    "01": gettext_lazy("Operations at 6 %"),
    "02": gettext_lazy("Operations at 12 %"),
    "03": gettext_lazy("Operations at 21 %"),
    "44": gettext_lazy(
        "Services to businesses in another EU country, VAT due by the client (reverse charge)"
    ),
    "47": gettext_lazy("Other exempt operations and operations outside Belgium"),
    "48": gettext_lazy("Credit notes issued for the operations of boxes 44 and 46"),
    "49": gettext_lazy("Credit notes issued for the other outgoing operations"),
    "82": gettext_lazy("Purchases of services and miscellaneous goods (excl. VAT)"),
    "85": gettext_lazy("Credit notes received for the other incoming operations"),
    "54": gettext_lazy("VAT due on the operations of boxes 01, 02 and 03"),
    "63": gettext_lazy("VAT to repay on credit notes received"),
    "XX": gettext_lazy("Total of the VAT due (54 + 55 + 56 + 57 + 61 + 63)"),
    "59": gettext_lazy("Deductible VAT"),
    "64": gettext_lazy("VAT to recover on credit notes issued"),
    "YY": gettext_lazy("Total of the VAT deductible (59 + 62 + 64)"),
    "71": gettext_lazy("VAT to pay to the State (XX − YY)"),
    "72": gettext_lazy("VAT the State owes you (YY − XX)"),
}
BELGIAN_RATE_BOX = {Decimal("6"): "01", Decimal("12"): "02", Decimal("21"): "03"}

# French CA3 (formulaire 3310-CA3-SD, 2024 millésime), the lines Patron fills, in the order
# of the form (docs/facts/tax-figures.md §5).
FRENCH_BOXES = {
    "A1": gettext_lazy("Sales and services (excl. VAT)"),
    "E2": gettext_lazy("Other operations not taxable in France"),
    "08": gettext_lazy("Standard rate 20 %: base and VAT"),
    "09": gettext_lazy("Reduced rate 5.5 %: base and VAT"),
    "9B": gettext_lazy("Reduced rate 10 %: base and VAT"),
    "T6": gettext_lazy("Rate 2.1 % (mainland France): base and VAT"),
    "16": gettext_lazy("Total gross VAT due"),
    "20": gettext_lazy("Deductible VAT on other goods and services"),
    "23": gettext_lazy("Total deductible VAT"),
    "TD": gettext_lazy("VAT due (16 − 23)"),
    "25": gettext_lazy("VAT credit (23 − 16)"),
    "28": gettext_lazy("Net VAT due (TD − X5)"),
    "32": gettext_lazy("Total to pay (28 + 29 − AB)"),
}
FRENCH_RATE_BOX = {
    Decimal("20"): "08",
    Decimal("5.5"): "09",
    Decimal("10"): "9B",
    Decimal("2.1"): "T6",
}
# What the sources could not confirm about a line, shown beside it (docs/facts/tax-figures.md
# §5).
FRENCH_UNCONFIRMED = {
    "E2": gettext_lazy(
        "The services to businesses in another EU country are put here, as the "
        "DGFiP notice is understood to want; some software puts them on line F2. "
        "The notice's text was not read."
    ),
}
BELGIAN_UNCONFIRMED_DEPOSIT = gettext_lazy(
    "When the VAT of a deposit on a service to a business in another EU country (box 44) is "
    "due is not confirmed: it is counted like any deposit, in the period of its invoice."
)


@dataclass
class Box:
    code: str
    label: str
    amount: Decimal | None = None  # a Belgian box's amount; a French line's base
    vat: Decimal | None = None  # a French rate line's VAT
    unconfirmed: str = ""  # what the sources could not confirm about this box, if anything


@dataclass
class VatReturn:
    country: str
    basis: str  # "invoices" or "payments"
    boxes: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def box(self, code):
        return next((b for b in self.boxes if b.code == code), None)


def issued_in(period, kind):
    return (
        Document.objects.filter(kind=kind, issue_date__gte=period.start, issue_date__lte=period.end)
        .exclude(status=Status.DRAFT)
        .filter(currency="EUR")
        .prefetch_related("lines", "adjustments")
    )


def taxed_groups(documents):
    """(document, [(category, rate, base, VAT)]) of each document: its VAT groups, less the
    deposit a final invoice deducts."""
    documents = list(documents)
    deducted = deductions(documents)
    for document in documents:
        yield document, remainder(document, deducted.get(document.pk, ()))


def expenses_in(period):
    return Expense.objects.filter(on__gte=period.start, on__lte=period.end, currency="EUR")


def input_vat(period):
    """(base, VAT) of the period's expenses, supplier credit notes (booked negative) off."""
    totals = expenses_in(period).aggregate(
        base=Sum("amount_excl_vat", default=ZERO_EUR), vat=Sum("vat_amount", default=ZERO_EUR)
    )
    return cents(totals["base"]), cents(totals["vat"])


def purchases(period):
    """(base, VAT) of the purchases, and (base, VAT) of the supplier credit notes as positive
    amounts: a Belgian return puts them in different boxes."""
    negative = Q(amount_excl_vat__lt=0)
    totals = expenses_in(period).aggregate(
        base=Sum("amount_excl_vat", filter=~negative, default=ZERO_EUR),
        vat=Sum("vat_amount", filter=~negative, default=ZERO_EUR),
        credited=Sum("amount_excl_vat", filter=negative, default=ZERO_EUR),
        vat_credited=Sum("vat_amount", filter=negative, default=ZERO_EUR),
    )
    return (
        (cents(totals["base"]), cents(totals["vat"])),
        (cents(-totals["credited"]), cents(-totals["vat_credited"])),
    )


def belgian_return(period):
    sums = defaultdict(lambda: ZERO_EUR)
    reverse_deposit = False
    for invoice, groups in taxed_groups(issued_in(period, Kind.INVOICE)):
        for category, rate, base, vat in groups:
            if category == STANDARD and rate in BELGIAN_RATE_BOX:
                sums[BELGIAN_RATE_BOX[rate]] += base
                sums["54"] += vat
            elif category == REVERSE:
                sums["44"] += base
            elif category in (OUTSIDE, EXEMPT):
                sums["47"] += base
            else:
                sums["00"] += base
        if invoice.is_deposit or invoice.prepaid:
            reverse_deposit |= any(category == REVERSE for category, *_rest in groups)
    for _note, groups in taxed_groups(issued_in(period, Kind.CREDIT_NOTE)):
        for category, _rate, base, vat in groups:
            sums["48" if category == REVERSE else "49"] += base
            sums["64"] += vat
    (bought, paid_vat), (credited, credited_vat) = purchases(period)
    # A supplier's credit note: its base in 85 and off 82, its VAT to repay in 63
    # (docs/facts/tax-figures.md §4).
    sums["82"], sums["85"] = bought - credited, credited
    sums["59"], sums["63"] = paid_vat, credited_vat
    sums["XX"] = sums["54"] + sums["63"]
    sums["YY"] = sums["59"] + sums["64"]
    balance = sums["XX"] - sums["YY"]
    sums["71"], sums["72"] = max(balance, ZERO_EUR), max(-balance, ZERO_EUR)
    boxes = [Box(code, str(label), cents(sums[code])) for code, label in BELGIAN_BOXES.items()]
    if reverse_deposit:
        boxes[list(BELGIAN_BOXES).index("44")].unconfirmed = str(BELGIAN_UNCONFIRMED_DEPOSIT)
    notes = [
        _(
            "Invoices and credit notes issued in the period, in euros; a final invoice counts "
            "without the deposit it deducts, declared with the deposit invoice. Purchases are "
            "all put in box 82: move goods for resale (81) and investments (83) where they "
            "belong, and add the VAT you cannot deduct to their base."
        ),
    ]
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


def paid_groups(allocations):
    """(category, rate, base, VAT) of what each allocated part of a payment paid: a payment
    received on an invoice pays its share of what the invoice itself asks (its groups less
    the deposit it deducts, which was paid on the deposit invoice); a refund of a credit
    note takes back its share of the credit note's groups (negative)."""
    allocations = list(
        allocations.filter(document__currency="EUR")
        .filter(
            Q(payment__direction=Payment.Direction.RECEIVED, document__kind=Kind.INVOICE)
            | Q(payment__direction=Payment.Direction.REFUNDED, document__kind=Kind.CREDIT_NOTE)
        )
        .select_related("document", "payment")
        .prefetch_related("document__lines", "document__adjustments")
    )
    deducted = deductions([allocation.document for allocation in allocations])
    for allocation in allocations:
        document = allocation.document
        share = share_of_rest(document, allocation.amount)
        if document.kind == Kind.CREDIT_NOTE:
            share = -share
        if not share:
            continue
        for category, rate, base, vat in remainder(document, deducted.get(document.pk, ())):
            yield category, rate, base * share, vat * share


def received_in(period):
    """The allocations of the payments and refunds dated in the period."""
    return Allocation.objects.filter(payment__date__gte=period.start, payment__date__lte=period.end)


def french_return(period):
    bases, taxes = defaultdict(lambda: ZERO_EUR), defaultdict(lambda: ZERO_EUR)
    for category, rate, base, vat in paid_groups(received_in(period)):
        if category == STANDARD and rate in FRENCH_RATE_BOX:
            code = FRENCH_RATE_BOX[rate]
            bases[code] += base
            taxes[code] += vat
        elif category in (REVERSE, OUTSIDE, ZERO):
            bases["E2"] += base
    rate_lines = FRENCH_RATE_BOX.values()
    # A1 is the sum of the taxed bases, each rounded as its line shows it.
    bases["A1"] = sum((cents(bases[code]) for code in rate_lines), ZERO_EUR)
    gross = sum((cents(taxes[code]) for code in rate_lines), ZERO_EUR)
    _base, deductible = input_vat(period)
    due = max(gross - deductible, ZERO_EUR)
    values = {
        "16": (None, gross),
        "20": (None, deductible),
        "23": (None, deductible),
        "TD": (None, due),
        "25": (None, max(deductible - gross, ZERO_EUR)),
        "28": (None, due),  # X5 (a credit set off) is not known to Patron: 0
        "32": (None, due),  # 29 (taxes assimilées) and AB (a group head's payment): 0
    }
    boxes = []
    for code, label in FRENCH_BOXES.items():
        if code in values:
            amount, vat = values[code]
        elif code in rate_lines:
            amount, vat = cents(bases[code]), cents(taxes[code])
        else:
            amount, vat = cents(bases[code]), None
        boxes.append(Box(code, str(label), amount, vat, str(FRENCH_UNCONFIRMED.get(code, ""))))
    notes = [
        _(
            "VAT on services is due when they are paid: the payments received in the period "
            "count, each for the VAT of the invoice it settles (a final invoice without the "
            "deposit it deducts), and the refunds of credit notes come off. If you opted for "
            "VAT on debits, count the invoices issued instead."
        ),
    ]
    if any(box.code in rate_lines and box.amount < 0 for box in boxes):
        notes.append(
            _(
                "Refunds exceed what was received at one rate, whose line is negative: the form "
                "takes no negative amount there. Type 0 and put that VAT in the VAT to deduct "
                "(line 21, other VAT to deduct: not confirmed by Patron's reference)."
            )
        )
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
