"""The year's turnover against the limits that change a freelancer's regime: the VAT
franchise threshold (Belgium and France) and the French micro-entrepreneur's turnover
ceiling, with a warning from 80 %.

The limits are dated reference data (rule 1 of the design) from
../shared/reference/invoicing-rules.md (§2.5 and §5.2); a year without a figure shows none
rather than a guess. Belgium counts the turnover invoiced (invoices less credit notes,
excl. VAT); France counts what was received (recettes encaissées), as URSSAF and the tax
office do for services.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from patron.billing.models import Allocation, Document, Kind, Payment, Status
from patron.billing.totals import cents

WARNING_AT = Decimal("0.80")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Limit:
    country: str
    kind: str  # "vat_franchise", "micro_services" or "micro_sales"
    amount: Decimal
    tolerance: Decimal | None  # France: beyond it the franchise ends at once
    valid_from: date
    valid_to: date | None
    source: str


LIMITS = (
    Limit("BE", "vat_franchise", Decimal("25000"), None, date(2025, 1, 1), None,
          "invoicing-rules.md §2.5 [39][41][42]: ≤ €25,000 excl. VAT a year, 2025–2026"),
    Limit("FR", "vat_franchise", Decimal("37500"), Decimal("41250"), date(2026, 1, 1), None,
          "invoicing-rules.md §2.5 [64a][64b][64c]: services €37,500, tolerance €41,250, 2026"),
    Limit("FR", "micro_services", Decimal("77700"), None, date(2023, 1, 1), date(2025, 12, 31),
          "invoicing-rules.md §5.2 [63a]: services BIC/BNC, 2023–2025"),
    Limit("FR", "micro_services", Decimal("83600"), None, date(2026, 1, 1), date(2028, 12, 31),
          "invoicing-rules.md §5.2 [63a][63b][63c]: services BIC/BNC, 2026–2028"),
    Limit("FR", "micro_sales", Decimal("188700"), None, date(2023, 1, 1), date(2025, 12, 31),
          "invoicing-rules.md §5.2 [63a]: sales and accommodation, 2023–2025"),
    Limit("FR", "micro_sales", Decimal("203100"), None, date(2026, 1, 1), date(2028, 12, 31),
          "invoicing-rules.md §5.2 [63a][63b][63c]: sales and accommodation, 2026–2028"),
)  # fmt: skip

NAMES = {
    "vat_franchise": _("VAT franchise threshold"),
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
    """Invoices less credit notes issued from `start` to `end`, excl. VAT, in euros."""
    documents = Document.objects.filter(
        issue_date__gte=start, issue_date__lte=end, currency="EUR"
    ).exclude(status=Status.DRAFT)
    sums = {
        kind: documents.filter(kind=kind).aggregate(t=Sum("total_excl_vat", default=ZERO))["t"]
        for kind in (Kind.INVOICE, Kind.CREDIT_NOTE)
    }
    return cents(sums[Kind.INVOICE] - sums[Kind.CREDIT_NOTE])


def received(year):
    """What clients paid in the year, less refunds, without the VAT the invoices charged."""
    return received_between(date(year, 1, 1), date(year, 12, 31))


def received_between(start, end):
    """What clients paid from `start` to `end`, less refunds, without the VAT the invoices
    they settled charged: the turnover received (recettes encaissées), in euros."""
    payments = Payment.objects.filter(date__gte=start, date__lte=end, currency="EUR")
    money_in = payments.filter(direction=Payment.Direction.RECEIVED)
    total = money_in.aggregate(t=Sum("amount", default=ZERO))["t"]
    refunded = payments.filter(direction=Payment.Direction.REFUNDED)
    total -= refunded.aggregate(t=Sum("amount", default=ZERO))["t"]
    vat = ZERO
    for allocation in Allocation.objects.filter(payment__in=money_in).select_related("document"):
        invoice = allocation.document
        if invoice.total_incl_vat > 0 and invoice.total_vat:
            vat += allocation.amount * invoice.total_vat / invoice.total_incl_vat
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
    if business.vat_regime == "franchise":
        kinds.append("vat_franchise")
    if business.country == "FR" and (
        business.legal_form == "micro" or business.social_regime.startswith("fr-micro")
    ):
        sales = business.social_regime == "fr-micro-bic-sales"
        kinds.append("micro_sales" if sales else "micro_services")
    turnover = received(year) if business.country == "FR" else invoiced(year)
    found = []
    for kind in kinds:
        applies = limit(business.country, kind, year)
        if applies is not None:
            found.append(Check(kind, str(NAMES[kind]), year, turnover, applies))
    return found
