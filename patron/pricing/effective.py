"""The effective hourly rate: what tracked time truly earned, per project, client and month.

    effective rate = money / every hour tracked (billable or not)

where the money is what was invoiced (invoices less the credit notes against them, excl.
VAT) and, for time not invoiced yet, its billable value: its billed hours at the rate that
applies (reports.hourly_rate), or a fixed-price project's agreed price while nothing of the
project was invoiced. A fixed-price project thus shows what it truly paid per hour, and
hours marked non-billable lower the rate as they lower a freelancer's real earnings.

A deposit invoice counts until the final invoice that deducts it is issued; from then on the
final invoice carries the whole amount. Only documents in the business currency count (there
is no exchange rate to add the others). A period holds the time *tracked* in it and the
documents *issued* in it: work invoiced a month after it was done lands in a later month.

The database does the sums, one query per kind of figure whatever the number of projects
(`money_by`, `time_by_project`, `shared_documents`); Python folds them by the grouping asked.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from patron.billing.models import Document, Kind, Status
from patron.business.profile import get_business
from patron.contacts.models import display_name
from patron.money import cents, in_hours
from patron.work.models import Project, TimeEntry
from patron.work.reports import billed_seconds_expression, business_zone, hourly_rate

ZERO = Decimal("0.00")
NEAR = Decimal("0.10")  # within 10 % below the target: amber
GROUPINGS = ("project", "client", "month")
NO_PROJECT = _("(no project)")
NO_CLIENT = _("(no client)")


@dataclass
class Row:
    """One project, client or month: its hours and the money they brought."""

    key: object  # the project's or client's id, the month's first day; None for "none"
    label: str
    seconds: int = 0
    invoiced: Decimal = ZERO  # invoices less credit notes, excl. VAT
    unbilled: Decimal = ZERO  # the billable value of the time not invoiced yet
    client_id: int | None = None

    @property
    def money(self):
        return cents(self.invoiced + self.unbilled)

    @property
    def hours(self):
        return in_hours(self.seconds)

    @property
    def rate(self):
        """Money per hour tracked, None without hours."""
        if not self.seconds:
            return None
        return cents((self.invoiced + self.unbilled) * 3600 / self.seconds)


def verdict(rate, target_rate):
    """ "above" (green) at or above the target, "near" (amber) within 10 % below it, "below"
    (red) further down; "" when either is unknown."""
    if rate is None or not target_rate:
        return ""
    if rate >= target_rate:
        return "above"
    if rate >= target_rate * (1 - NEAR):
        return "near"
    return "below"


def average(rows):
    """The rate of all the rows together: their money over their hours."""
    total = Row(
        None,
        "",
        sum(r.seconds for r in rows),
        sum((r.invoiced for r in rows), ZERO),
        sum((r.unbilled for r in rows), ZERO),
    )
    return total


def ranked(rows, reference):
    """The rows that drag the average down first: the largest shortfall against `reference`
    (the target's rate, else the average), hours × (reference − rate), then the others by
    rate; rows without hours last."""
    reference = reference or Decimal(0)

    def drag(row):
        rate = row.rate
        if rate is None:
            return (2, Decimal(0))
        return (0 if rate < reference else 1, -(reference - rate) * row.seconds)

    return sorted(rows, key=drag)


def local_midnight(day, zone):
    return datetime.combine(day, time.min, zone)


def period_entries(since, until, zone):
    """Finished entries started from `since` to `until` (local days, both included)."""
    entries = TimeEntry.objects.filter(end__isnull=False)
    if since:
        entries = entries.filter(start__gte=local_midnight(since, zone))
    if until:
        entries = entries.filter(start__lt=local_midnight(until + timedelta(days=1), zone))
    return entries


def invoiced_documents(currency, since=None, until=None):
    """Issued invoices and credit notes in `currency` issued in the period, without the
    deposit invoices a final invoice has taken in since."""
    deducted = Document.objects.filter(
        quote=OuterRef("quote"), kind=Kind.INVOICE, is_deposit=False
    ).exclude(status=Status.DRAFT)
    documents = (
        Document.objects.filter(kind__in=[Kind.INVOICE, Kind.CREDIT_NOTE], currency=currency)
        .exclude(status=Status.DRAFT)
        .exclude(Q(is_deposit=True) & Exists(deducted))
    )
    if since:
        documents = documents.filter(issue_date__gte=since)
    if until:
        documents = documents.filter(issue_date__lte=until)
    return documents


def signed_net():
    """A document's amount excl. VAT, negative for a credit note."""
    return Case(
        When(kind=Kind.CREDIT_NOTE, then=-F("total_excl_vat")),
        default=F("total_excl_vat"),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def money_by(documents, *fields):
    """{(field values): signed net} of the documents, summed in one query."""
    groups = documents.values(*fields).annotate(net=Sum(signed_net())).order_by()
    return {tuple(g[f] for f in fields): g["net"] or ZERO for g in groups}


def unbilled_parts(entries):
    """The entries' billable time not on an issued invoice: on none (read through the
    partial index `work_entry_unbilled`), and on a draft (a few rows at most)."""
    billable = entries.filter(billable=True)
    drafts = Document.objects.filter(status=Status.DRAFT).values("pk")
    return [billable.filter(invoice__isnull=True), billable.filter(invoice__in=drafts)]


def time_by_project(entries, months=(), seconds=True):
    """One dict per project: its tracked seconds (unless `seconds` is False), its unbilled
    billed seconds (`unbilled`) and their raw seconds (`unbilled_seconds`), and the billed
    ones per month when `months` [(first day, start, end)] are given; the project's own
    columns come with it (`with_projects`). A constant number of queries whatever the number
    of projects: the whole time is read once, the unbilled time through its index."""
    groups = {}

    def group_of(project_id):
        return groups.setdefault(
            project_id,
            {
                "project_id": project_id,
                "seconds": 0,
                "unbilled": 0,
                "unbilled_seconds": 0,
                **{f"unbilled_{index}": 0 for index in range(len(months))},
            },
        )

    if seconds:
        for row in entries.values("project_id").annotate(total=Sum("duration_seconds")).order_by():
            group_of(row["project_id"])["seconds"] = row["total"] or 0
    sums = {
        "unbilled": Sum(billed_seconds_expression()),
        "unbilled_seconds": Sum("duration_seconds"),
    }
    keys = ["project_id"]
    if months:
        keys.append("month")
    parts = unbilled_parts(entries)
    # First the projects with unbilled time, from the index alone; the time of those not
    # billed at all (internal work piles up there for years) is worth nothing: the detailed
    # sums below, which join each entry to its project, leave it out.
    found = set()
    for part in parts:
        found.update(part.order_by().values_list("project_id", flat=True).distinct())
    billed_projects = list(
        Project.objects.filter(pk__in=found)
        .exclude(billing_mode=Project.BillingMode.NON_BILLABLE)
        .values_list("pk", flat=True)
    )
    for part in parts:
        part = part.filter(project__in=billed_projects)
        if months:
            part = part.annotate(month=month_index(months))
        for row in part.values(*keys).annotate(**sums).order_by():
            group = group_of(row["project_id"])
            for name in sums:
                group[name] += row[name] or 0
            if row.get("month") is not None:
                group[f"unbilled_{row['month']}"] += row["unbilled"] or 0
    return with_projects(list(groups.values()))


def month_index(months):
    """The index in `months` [(first day, start, end)] of the month a moment falls in, in
    SQL: one CASE rather than a filtered sum per month."""
    # Before the first month: NULL at the first test (most unbilled time of a long-lived
    # business is older internal time); then each month by its end alone.
    before = [When(start__lt=months[0][1], then=Value(None))]
    return Case(
        *before,
        *[
            When(start__lt=end, then=Value(index))
            for index, (_first, _start, end) in enumerate(months)
        ],
        output_field=IntegerField(),
    )


def with_projects(groups):
    """The groups with their project's name, client, billing mode and rates, and whether a
    fixed-price one was ever invoiced: one query for the projects, one for the invoices."""
    columns = ("pk", "name", "client_id", "billing_mode", "rate", "client__hourly_rate")
    ids = [group["project_id"] for group in groups]
    projects = {row["pk"]: row for row in Project.objects.filter(pk__in=ids).values(*columns)}
    fixed = [pk for pk, row in projects.items() if row["billing_mode"] == Project.BillingMode.FIXED]
    invoiced = set()
    if fixed:
        invoiced = set(
            Document.objects.filter(project__in=fixed, kind=Kind.INVOICE)
            .exclude(status=Status.DRAFT)
            .values_list("project_id", flat=True)
        )
    for group in groups:
        project = projects[group["project_id"]]
        group.update(
            {
                "project__name": project["name"],
                "project__client_id": project["client_id"],
                "project__billing_mode": project["billing_mode"],
                "project__rate": project["rate"],
                "project__client__hourly_rate": project["client__hourly_rate"],
                "invoiced_before": project["pk"] in invoiced,
            }
        )
    return groups


def unbilled_value(group, business):
    """What the project's unbilled time in the group is worth, billed."""
    seconds = group["unbilled"] or 0
    if not seconds:
        return ZERO
    if group["project__billing_mode"] == Project.BillingMode.FIXED:
        # The agreed price, as long as nothing of it was invoiced.
        price = group["project__rate"]
        return price if price is not None and not group["invoiced_before"] else ZERO
    rate = hourly_rate(group, business)
    if rate is None:
        return ZERO
    money, per_hours = rate
    return Decimal(seconds) / 3600 / per_hours * money


def shared_documents(documents):
    """{(document id): {project id: seconds}} for the documents without a project: their
    money goes to the projects of the time they bill, in proportion to its seconds."""
    entries = (
        TimeEntry.objects.filter(invoice__in=documents.filter(project__isnull=True))
        .values("invoice_id", "project_id")
        .annotate(seconds=Sum("duration_seconds"))
        .order_by()
    )
    shares = defaultdict(dict)
    for entry in entries:
        shares[entry["invoice_id"]][entry["project_id"]] = entry["seconds"] or 0
    return shares


def client_labels(ids):
    """{client id: display name}, one query."""
    from patron.contacts.models import Contact

    fields = ("pk", "is_organisation", "name", "first_name", "last_name", "email")
    return {
        row[0]: display_name(*row[1:])
        for row in Contact.objects.filter(pk__in=[i for i in ids if i]).values_list(*fields)
    }


@dataclass
class Figures:
    rows: list = field(default_factory=list)
    total: Row | None = None


def by_project(since=None, until=None, business=None):
    """A Row per project with time or money in the period."""
    business = business or get_business()
    zone = business_zone(business)
    groups = time_by_project(period_entries(since, until, zone))
    rows = {}
    for group in groups:
        row = rows[group["project_id"]] = Row(
            group["project_id"], group["project__name"], client_id=group["project__client_id"]
        )
        row.seconds = group["seconds"] or 0
        row.unbilled = unbilled_value(group, business)
    documents = invoiced_documents(business.currency, since, until)
    # Credit notes without a project follow the invoice they correct.
    for (project_id, client_id), net in money_by(
        documents.filter(project__isnull=False), "project_id", "project__client_id"
    ).items():
        row = rows.setdefault(project_id, Row(project_id, "", client_id=client_id))
        row.invoiced += net
    loose = documents.filter(project__isnull=True)
    shares = shared_documents(loose)
    for (pk, corrects, client_id), net in money_by(loose, "pk", "corrects_id", "client_id").items():
        share = shares.get(pk) or shares.get(corrects)
        if not share or not sum(share.values()):
            row = rows.setdefault(None, Row(None, str(NO_PROJECT)))
            row.invoiced += net
            continue
        whole = sum(share.values())
        for project_id, seconds in share.items():
            row = rows.setdefault(project_id, Row(project_id, "", client_id=client_id))
            row.invoiced += net * seconds / whole
    unnamed = [pk for pk, row in rows.items() if pk is not None and not row.label]
    if unnamed:
        names = dict(Project.objects.filter(pk__in=unnamed).values_list("pk", "name"))
        for pk in unnamed:
            rows[pk].label = names.get(pk, "")
    return list(rows.values())


def by_client(since=None, until=None, business=None):
    """A Row per client: the time of their projects, the documents addressed to them."""
    business = business or get_business()
    zone = business_zone(business)
    rows = {}
    for group in time_by_project(period_entries(since, until, zone)):
        client_id = group["project__client_id"]
        row = rows.setdefault(client_id, Row(client_id, "", client_id=client_id))
        row.seconds += group["seconds"] or 0
        row.unbilled += unbilled_value(group, business)
    documents = invoiced_documents(business.currency, since, until)
    for (client_id,), net in money_by(documents, "client_id").items():
        row = rows.setdefault(client_id, Row(client_id, "", client_id=client_id))
        row.invoiced += net
    labels = client_labels(rows)
    for client_id, row in rows.items():
        row.label = labels.get(client_id, "") if client_id else str(NO_CLIENT)
    return list(rows.values())


def month_starts(last_month, count):
    """The first days of `count` months ending with the month of `last_month`, oldest first."""
    year, month = last_month.year, last_month.month
    firsts = []
    for _i in range(count):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def next_month(day):
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def month_bounds(last_month, count, zone):
    """[(first day, start, end)] of the `count` months up to the one of `last_month`."""
    return [
        (first, local_midnight(first, zone), local_midnight(next_month(first), zone))
        for first in month_starts(last_month, count)
    ]


def by_month(last_month, count=12, business=None, unbilled_groups=None):
    """A Row per month, the `count` months up to the one of `last_month`, oldest first: the
    time tracked in the month, the documents issued in it, and the unbilled value of its
    time. `unbilled_groups`: time_by_project of the unbilled time with these months, when
    the caller has it already (the dashboard reads it for its unbilled time too)."""
    business = business or get_business()
    zone = business_zone(business)
    months = month_bounds(last_month, count, zone)
    firsts = [first for first, _start, _end in months]
    window = TimeEntry.objects.filter(start__gte=months[0][1], start__lt=months[-1][2])
    # Every second of the months from the (start, duration) index alone, each entry put in
    # its month by one CASE (a running entry counts nothing yet).
    seconds = dict(
        window.annotate(month=month_index(months))
        .values("month")
        .annotate(total=Sum("duration_seconds"))
        .order_by()
        .values_list("month", "total")
    )
    rows = [Row(first, first.isoformat()[:7]) for first in firsts]
    for index, row in enumerate(rows):
        row.seconds = seconds.get(index) or 0
    if unbilled_groups is None:
        unbilled_groups = time_by_project(window.filter(end__isnull=False), months, seconds=False)
    for group in unbilled_groups:
        value = unbilled_value(group, business)
        whole = group["unbilled"] or 0
        for index, row in enumerate(rows):
            part = group[f"unbilled_{index}"] or 0
            if whole and part:
                row.unbilled += value * part / whole
    documents = invoiced_documents(
        business.currency, firsts[0], next_month(firsts[-1]) - timedelta(days=1)
    )
    by_month_issued = (
        documents.annotate(month=TruncMonth("issue_date"))
        .values("month")
        .annotate(net=Sum(signed_net()))
        .order_by()
    )
    issued = {row["month"]: row["net"] or ZERO for row in by_month_issued}
    for row in rows:
        row.invoiced += issued.get(row.key, ZERO)
    return rows


def effective_rates(by, since=None, until=None, business=None):
    """The rows of a grouping (project or client) and their total."""
    if by not in ("project", "client"):
        raise ValueError(f"by must be one of project, client, not {by!r}")
    rows = (by_project if by == "project" else by_client)(since, until, business)
    return Figures(rows, average(rows))
