"""The year's turnover against the limits that change a freelancer's regime: the VAT
franchise threshold (Belgium and France) and the French micro-entrepreneur's turnover
ceiling, with a warning from 80 %.

The limits are dated reference data (rule 1 of the design), with their sources in
docs/facts/tax-figures.md §3 and docs/facts/invoicing-law.md §2.1; a year without a figure
shows none rather than a guess, and a figure the sources could not confirm says so
(`unconfirmed`). Belgium counts the turnover invoiced (invoices less credit
notes, excl. VAT, a final invoice without the deposit it deducts); France counts what was
received (recettes encaissées), as URSSAF and the tax office do for services.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from patron.billing.books.vat_return import paid_groups
from patron.billing.documents.deposits import deducted_totals
from patron.billing.models import Allocation, Document, Kind, Payment, Status
from patron.money import cents

WARNING_AT = Decimal("0.80")
ZERO = Decimal("0.00")
MICRO_2026 = _(
    "Announced by URSSAF on 20 February 2026 and reported by the press as awaiting their "
    "legal text, which was not read."
)


@dataclass(frozen=True)
class Limit:
    country: str
    kind: str  # "vat_franchise", "vat_franchise_sales", "micro_services" or "micro_sales"
    amount: Decimal
    tolerance: Decimal | None  # France: beyond it the franchise ends at once
    valid_from: date
    valid_to: date | None
    source: str
    unconfirmed: str = ""  # what is not confirmed about the figure, if anything


LIMITS = (
    Limit("BE", "vat_franchise", Decimal("25000"), None, date(2025, 1, 1), None,
          "SPF Finances, Régime de la franchise de taxe pour les petites entreprises: "
          "≤ €25,000 excl. VAT a year, from 2025"),
    Limit("FR", "vat_franchise", Decimal("37500"), Decimal("41250"), date(2025, 1, 1),
          date(2026, 12, 31),
          "CGI art. 293 B, other services, 2025 and 2026 (loi 2025-1044 "
          "of 3 Nov 2025 kept them; BOI-RES-TVA-000198 of 28 May 2025)"),
    Limit("FR", "vat_franchise_sales", Decimal("85000"), Decimal("93500"), date(2025, 1, 1),
          date(2026, 12, 31),
          "CGI art. 293 B, sales of goods, catering, accommodation, "
          "2025 and 2026 (loi 2025-1044 of 3 Nov 2025)"),
    Limit("FR", "micro_services", Decimal("77700"), None, date(2023, 1, 1), date(2025, 12, 31),
          "micro ceiling, services BIC and BNC, 2023–2025: décret 2023-422 of 31 May "
          "2023"),
    Limit("FR", "micro_services", Decimal("83600"), None, date(2026, 1, 1), date(2028, 12, 31),
          "micro ceiling, services BIC and BNC, 2026–2028: URSSAF, 20 Feb 2026 "
          "(journaldeleconomie, 4 Mar 2026)", MICRO_2026),
    Limit("FR", "micro_sales", Decimal("188700"), None, date(2023, 1, 1), date(2025, 12, 31),
          "micro ceiling, sales and accommodation, 2023–2025: décret 2023-422"),
    Limit("FR", "micro_sales", Decimal("203100"), None, date(2026, 1, 1), date(2028, 12, 31),
          "micro ceiling, sales and accommodation, 2026–2028: URSSAF, 20 Feb 2026 "
          "(journaldeleconomie, 4 Mar 2026)", MICRO_2026),
)  # fmt: skip

NAMES = {
    "vat_franchise": _("VAT franchise threshold"),
    "vat_franchise_sales": _("VAT franchise threshold (sales)"),
    "micro_services": _("Micro-entrepreneur turnover ceiling (services)"),
    "micro_sales": _("Micro-entrepreneur turnover ceiling (sales)"),
}


def limit(country, kind, year):
    day = date(year, 1, 1)
    for found in LIMITS:
        if found.country == country and found.kind == kind and found.valid_from <= day:
            if found.valid_to is None or day <= found.valid_to:
                return found
    return None


def invoiced(year):
    """Invoices less credit notes issued in the year, excl. VAT, in euros."""
    return invoiced_between(date(year, 1, 1), date(year, 12, 31))


def invoiced_between(start, end):
    """Invoices less credit notes issued from `start` to `end`, excl. VAT, in euros; a final
    invoice without the deposit it deducts, which counted when it was invoiced."""
    documents = Document.objects.filter(
        issue_date__gte=start, issue_date__lte=end, currency="EUR"
    ).exclude(status=Status.DRAFT)
    sums = {
        kind: documents.filter(kind=kind).aggregate(t=Sum("total_excl_vat", default=ZERO))["t"]
        for kind in (Kind.INVOICE, Kind.CREDIT_NOTE)
    }
    deducted, _vat = deducted_totals(documents).get("EUR", (ZERO, ZERO))
    return cents(sums[Kind.INVOICE] - sums[Kind.CREDIT_NOTE] - deducted)


def received(year):
    """What clients paid in the year, less refunds, without the VAT the invoices charged."""
    return received_between(date(year, 1, 1), date(year, 12, 31))


def received_between(start, end):
    """What clients paid from `start` to `end`, less refunds, without VAT: the turnover
    received (recettes encaissées), in euros. The VAT taken out is the one the French
    return counts (vat_return.paid_groups): each payment's share of what its invoice asked,
    and each refund's share of its credit note's VAT."""
    payments = Payment.objects.filter(date__gte=start, date__lte=end, currency="EUR")
    money_in = payments.filter(direction=Payment.Direction.RECEIVED)
    total = money_in.aggregate(t=Sum("amount", default=ZERO))["t"]
    refunded = payments.filter(direction=Payment.Direction.REFUNDED)
    total -= refunded.aggregate(t=Sum("amount", default=ZERO))["t"]
    allocations = Allocation.objects.filter(payment__in=payments)
    vat = sum((vat for _category, _rate, _base, vat in paid_groups(allocations)), ZERO)
    return cents(total - vat)


@dataclass
class Check:
    kind: str
    name: str
    year: int
    turnover: Decimal
    limit: Limit

    @property
    def ratio(self):
        return self.turnover / self.limit.amount

    @property
    def percent(self):
        return int(self.ratio * 100)

    @property
    def level(self):
        """ok, warning (from 80 %), over (past the limit), or ended (France: past the
        tolerance, the franchise ends at once)."""
        if self.limit.tolerance is not None and self.turnover > self.limit.tolerance:
            return "ended"
        if self.turnover > self.limit.amount:
            return "over"
        return "warning" if self.ratio >= WARNING_AT else "ok"


def checks(business, year):
    """The limits that apply to the business in the year, each with its turnover."""
    if business is None:
        return []
    kinds = []
    sales = business.country == "FR" and business.social_regime == "fr-micro-bic-sales"
    if business.vat_regime == "franchise":
        kinds.append("vat_franchise_sales" if sales else "vat_franchise")
    if business.country == "FR" and (
        business.legal_form == "micro" or business.social_regime.startswith("fr-micro")
    ):
        kinds.append("micro_sales" if sales else "micro_services")
    turnover = received(year) if business.country == "FR" else invoiced(year)
    found = []
    for kind in kinds:
        applies = limit(business.country, kind, year)
        if applies is not None:
            found.append(Check(kind, str(NAMES[kind]), year, turnover, applies))
    return found
