"""The dashboard's numbers: revenue against the target, the effective rate over twelve
months, unbilled time, invoices overdue and due soon, the pipeline, follow-ups due, the
running timer, and what of the year's money is really the freelancer's.

Each figure is one aggregate query (or two), whatever the years of data behind it: the page
costs a constant number of queries. The JSON of /api/dashboard is `as_data(figures(...))`.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case, Count, F, Q, Sum, When
from django.utils import timezone

from patron.billing.books.tables import Period
from patron.billing.documents.deposits import deducted_totals
from patron.billing.models import Allocation, Document, Kind, Payment, Status
from patron.billing.payments.ledger import filter_state, with_states
from patron.contacts.models import Contact
from patron.money import amount_text, cents, in_hours
from patron.pricing.effective import (
    ZERO,
    by_month,
    invoiced_documents,
    month_bounds,
    next_month,
    signed_net,
    time_by_project,
    unbilled_value,
    verdict,
)
from patron.pricing.target import current_target
from patron.work.models import Expense, Project, TimeEntry
from patron.work.reports import business_zone
from patron.work.timing import running_entry

DUE_SOON_DAYS = 14


@dataclass
class Revenue:
    """Invoiced (less credit notes, excl. VAT) in a period, against the target's share."""

    period: str  # month, quarter, year
    start: date
    end: date
    amount: Decimal
    target: Decimal | None

    period_end: date | None = None

    @property
    def expected(self):
        """The target's share of the days gone: the pace the colour is judged against."""
        if not self.target or self.period_end is None:
            return None
        days = (self.period_end - self.start).days + 1
        gone = (self.end - self.start).days + 1
        return cents(self.target * gone / days)

    @property
    def state(self):
        return verdict(self.amount, self.expected)

    @property
    def percent(self):
        return int(self.amount * 100 / self.target) if self.target else None


@dataclass
class Yours:
    """Of the money received this year: the VAT, contributions and tax to set aside, and what
    remains. The contributions and tax are None without a target."""

    received: Decimal  # payments received less refunds, VAT included
    received_excl_vat: Decimal
    vat: Decimal
    contributions: Decimal | None
    income_tax: Decimal | None

    @property
    def remains(self):
        if self.contributions is None:
            return None
        return cents(self.received - self.vat - self.contributions - self.income_tax)


@dataclass
class Figures:
    today: date
    currency: str
    target: object | None  # pricing.target.Target
    revenue: list = field(default_factory=list)
    trend: list = field(default_factory=list)  # effective.Row per month
    unbilled_seconds: int = 0
    unbilled_value: Decimal = ZERO
    overdue_count: int = 0
    overdue_amount: Decimal = ZERO
    due_soon_count: int = 0
    due_soon_amount: Decimal = ZERO
    quotes_count: int = 0
    quotes_amount: Decimal = ZERO
    proposals_count: int = 0
    proposals_amount: Decimal = ZERO
    follow_ups: int = 0
    timer: object | None = None  # the running TimeEntry
    yours: Yours | None = None
    vat_basis: str = ""  # invoices, payments, or "" when no VAT is due (franchise)

    @property
    def pipeline(self):
        return self.quotes_amount + self.proposals_amount

    @property
    def unbilled_hours(self):
        return in_hours(self.unbilled_seconds)


def quarter_start(today):
    return date(today.year, (today.month - 1) // 3 * 3 + 1, 1)


def revenue(currency, today, target):
    """This month's, quarter's and year's revenue to date, in one query."""
    starts = {
        "month": today.replace(day=1),
        "quarter": quarter_start(today),
        "year": date(today.year, 1, 1),
    }
    months = {"month": 1, "quarter": 3, "year": 12}
    sums = invoiced_documents(currency, starts["year"], today).aggregate(
        **{
            name: Sum(signed_net(), filter=Q(issue_date__gte=start), default=ZERO)
            for name, start in starts.items()
        }
    )
    ends = {
        "month": next_month(starts["month"]) - timedelta(days=1),
        "quarter": next_month(next_month(next_month(starts["quarter"]))) - timedelta(days=1),
        "year": date(today.year, 12, 31),
    }
    return [
        Revenue(
            name,
            start,
            today,
            sums[name],
            cents(target.monthly_turnover * months[name]) if target else None,
            ends[name],
        )  # fmt: skip
        for name, start in starts.items()
    ]


def unbilled(business, months):
    """(seconds, value, groups) of the billable time not on an issued invoice: the time
    `drafting.unbilled_time` would bill, and the time on a draft already; the groups
    (time_by_project, with `months`) serve the effective rate's months too."""
    finished = TimeEntry.objects.filter(end__isnull=False)
    groups = time_by_project(finished, months, seconds=False)
    seconds, value = 0, ZERO
    for group in groups:
        if group["project__billing_mode"] != Project.BillingMode.NON_BILLABLE:
            seconds += group["unbilled_seconds"]
            value += unbilled_value(group, business)
    return seconds, cents(value), groups


def open_invoices(today):
    """Overdue invoices and those due within DUE_SOON_DAYS: (count, amount still asked)."""
    invoices = with_states(Document.objects.filter(kind=Kind.INVOICE))
    overdue = filter_state(invoices, "overdue", today).aggregate(
        count=Count("pk"), amount=Sum("outstanding", default=ZERO)
    )
    soon = (
        invoices.exclude(status=Status.DRAFT)
        .filter(outstanding__gt=0, due_date__gte=today)
        .filter(due_date__lte=today + timedelta(days=DUE_SOON_DAYS))
        .exclude(credited__gte=F("total_incl_vat"), total_incl_vat__gt=0)
        .aggregate(count=Count("pk"), amount=Sum("outstanding", default=ZERO))
    )
    return overdue, soon


def pipeline(currency, today):
    """Open quotes (issued or sent, not expired) and projects in proposal, excl. VAT."""
    quotes = (
        Document.objects.filter(
            kind=Kind.QUOTE, status__in=[Status.ISSUED, Status.SENT], currency=currency
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .aggregate(count=Count("pk"), amount=Sum("total_excl_vat", default=ZERO))
    )
    # A proposal is worth its budget, else a fixed price; an hourly one without a budget
    # counts without a value.
    worth = Case(
        When(budget_amount__isnull=False, then=F("budget_amount")),
        When(billing_mode=Project.BillingMode.FIXED, then=F("rate")),
        default=None,
    )
    proposals = Project.objects.filter(status=Project.Status.PROPOSAL).aggregate(
        count=Count("pk"), amount=Sum(worth, default=ZERO)
    )
    return quotes, proposals


def paid_vat(allocations):
    """The VAT share of allocated payments: each part at its invoice's own VAT share,
    summed per invoice by the database."""
    shares = (
        allocations.filter(document__total_incl_vat__gt=0)
        .values("document__total_vat", "document__total_incl_vat")
        .annotate(paid=Sum("amount"))
        .order_by()
    )
    return sum(
        (s["paid"] * s["document__total_vat"] / s["document__total_incl_vat"] for s in shares),
        ZERO,
    )


def received_this_year(currency, today):
    """(received, received excl. VAT): payments less refunds since 1 January; the VAT share
    of each allocated part is its invoice's own, and a refund's its credit note's."""
    year = date(today.year, 1, 1)
    payments = Payment.objects.filter(currency=currency, date__gte=year, date__lte=today)
    totals = payments.aggregate(
        received=Sum("amount", filter=Q(direction=Payment.Direction.RECEIVED), default=ZERO),
        refunded=Sum("amount", filter=Q(direction=Payment.Direction.REFUNDED), default=ZERO),
    )
    # Filtered through the join, not `payment__in=payments`: SQLite would then look up
    # every invoice ever issued against the list of the year's payments (70 ms a query).
    vat = net_paid_vat(
        Allocation.objects.filter(
            payment__currency=currency, payment__date__gte=year, payment__date__lte=today
        )
    )
    received = totals["received"] - totals["refunded"]
    return received, cents(received - vat)


def net_paid_vat(allocations):
    """The VAT the payments among `allocations` paid on invoices, less the VAT the refunds
    among them gave back on credit notes: what the French return counts (a final invoice
    asks only for the rest once its deposit is deducted, at the same VAT share)."""
    received = allocations.filter(
        payment__direction=Payment.Direction.RECEIVED, document__kind=Kind.INVOICE
    )
    refunded = allocations.filter(
        payment__direction=Payment.Direction.REFUNDED, document__kind=Kind.CREDIT_NOTE
    )
    return paid_vat(received) - paid_vat(refunded)


def input_vat_of(period):
    """The VAT of the period's expenses in euros, as vat_return.input_vat counts it, read
    through the date index (grouped by currency rather than filtered on it, which would
    send SQLite through every expense of that currency)."""
    by_currency = (
        Expense.objects.filter(on__gte=period.start, on__lte=period.end)
        .values("currency")
        .annotate(vat=Sum("vat_amount"))
        .order_by()
    )
    return cents(next((row["vat"] for row in by_currency if row["currency"] == "EUR"), ZERO))


def vat_to_pay(business, today):
    """(VAT of the year's operations less the deductible VAT, basis), as the year's VAT
    return to date counts them (vat_return.py: box 71 − 72, that is 54 + 63 − 59 − 64, in
    Belgium; line 16 − 23 in France) but summed by the database; (0, "") for a business
    that charges no VAT."""
    if business.vat_regime == "franchise" or business.country not in ("BE", "FR"):
        return ZERO, ""
    period = Period(date(today.year, 1, 1), today)
    deductible = input_vat_of(period)
    if business.country == "BE":
        documents = Document.objects.filter(
            kind__in=[Kind.INVOICE, Kind.CREDIT_NOTE],
            currency="EUR",
            issue_date__gte=period.start,
            issue_date__lte=period.end,
        ).exclude(status=Status.DRAFT)
        issued = documents.aggregate(
            vat=Sum(
                Case(When(kind=Kind.CREDIT_NOTE, then=-F("total_vat")), default=F("total_vat")),
                default=ZERO,
            )
        )
        # The final invoices' VAT less the deposits' they deduct, declared with the deposits.
        _base, deducted = deducted_totals(documents).get("EUR", (ZERO, ZERO))
        return cents(issued["vat"] - deducted - deductible), "invoices"
    allocations = Allocation.objects.filter(
        payment__date__gte=period.start,
        payment__date__lte=period.end,
        document__currency="EUR",
    )
    return cents(net_paid_vat(allocations) - deductible), "payments"


def figures(business, today=None):
    today = today or timezone.localdate()
    currency = business.currency
    target = current_target()
    found = Figures(today=today, currency=currency, target=target)
    found.revenue = revenue(currency, today, target)
    months = month_bounds(today, 12, business_zone(business))
    found.unbilled_seconds, found.unbilled_value, groups = unbilled(business, months)
    found.trend = by_month(today, 12, business, groups)
    overdue, soon = open_invoices(today)
    found.overdue_count, found.overdue_amount = overdue["count"], overdue["amount"]
    found.due_soon_count, found.due_soon_amount = soon["count"], soon["amount"]
    quotes, proposals = pipeline(currency, today)
    found.quotes_count, found.quotes_amount = quotes["count"], quotes["amount"]
    found.proposals_count, found.proposals_amount = proposals["count"], proposals["amount"]
    found.follow_ups = Contact.objects.due_for_follow_up(today).count()
    found.timer = running_entry()
    received, received_excl_vat = received_this_year(currency, today)
    vat, found.vat_basis = vat_to_pay(business, today)
    contributions = income_tax = None
    if target is not None:
        aside = target.set_aside(received_excl_vat, today.month)
        contributions, income_tax = cents(aside.contributions), cents(aside.income_tax)
    found.yours = Yours(received, received_excl_vat, cents(vat), contributions, income_tax)
    return found


def as_data(found):
    """The figures as JSON-ready data: amounts as strings with their currency's places, hours
    with two decimals."""
    target, currency = found.target, found.currency
    return {
        "date": found.today.isoformat(),
        "currency": found.currency,
        "target": None
        if target is None
        else {
            "name": target.name,
            "hourly_rate": amount_text(target.hourly_rate, currency),
            "monthly_turnover": amount_text(target.monthly_turnover, currency),
            "yearly_turnover": amount_text(target.yearly_turnover, currency),
        },
        "revenue": {
            r.period: {
                "from": r.start.isoformat(),
                "to": r.end.isoformat(),
                "amount": amount_text(r.amount, currency),
                "target": amount_text(r.target, currency),
                "expected_to_date": amount_text(r.expected, currency),
                "state": r.state,
            }
            for r in found.revenue
        },
        "effective_rate": [
            {
                "month": row.key.isoformat()[:7],
                "hours": str(row.hours),
                "money": amount_text(row.money, currency),
                "rate": amount_text(row.rate, currency),
                "state": verdict(row.rate, target.hourly_rate if target else None),
            }
            for row in found.trend
        ],
        "unbilled": {
            "hours": str(found.unbilled_hours),
            "value": amount_text(found.unbilled_value, currency),
        },
        "overdue": {
            "count": found.overdue_count,
            "amount": amount_text(found.overdue_amount, currency),
        },
        "due_soon": {
            "count": found.due_soon_count,
            "amount": amount_text(found.due_soon_amount, currency),
            "days": DUE_SOON_DAYS,
        },
        "pipeline": {
            "quotes": {
                "count": found.quotes_count,
                "amount": amount_text(found.quotes_amount, currency),
            },
            "proposals": {
                "count": found.proposals_count,
                "amount": amount_text(found.proposals_amount, currency),
            },
            "amount": amount_text(found.pipeline, currency),
        },
        "follow_ups_due": found.follow_ups,
        "timer": None
        if found.timer is None
        else {
            "project": found.timer.project.name,
            "since": found.timer.start.isoformat(),
            "seconds": found.timer.elapsed_seconds(),
        },
        "yours": {
            "received": amount_text(found.yours.received, currency),
            "received_excl_vat": amount_text(found.yours.received_excl_vat, currency),
            "vat": amount_text(found.yours.vat, currency),
            "vat_basis": found.vat_basis,
            "contributions": amount_text(found.yours.contributions, currency),
            "income_tax": amount_text(found.yours.income_tax, currency),
            "remains": amount_text(found.yours.remains, currency),
        },
    }
