"""The time report behind `patron report`: seconds and billable money per project,
client, tag or day, summed by the database.

One query does the work whatever the number of entries: it groups finished
entries by the key and by project (each project has its own rate and billing
increment) and sums, per group, the tracked seconds and the billed seconds
(each entry rounded up to the project's increment, in SQL). Python then turns
billed seconds into money with Decimal and folds the projects of each key.
By day, the key is the local date of the business (LocalDate), and a first,
small query reads the period the entries cover.

The JSON form is read by scripts; keep it stable:
{"from": "YYYY-MM-DD" or null, "to": "YYYY-MM-DD" or null, "total_seconds": int,
 "rows": [{"key": str, "seconds": int, "amount": "123.45" or null}]}
An amount is null when no time in the row is billed by the hour or the day at a
known rate (fixed-price and non-billable projects have no amount).
"""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Case, F, IntegerField, Max, Min, Sum, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from patron.business.profile import get_business
from patron.money import amount_text, cents
from patron.work.models import Project, TimeEntry

GROUPINGS = ("project", "client", "tag", "day")
NO_CLIENT = "(no client)"
NO_TAG = "(no tag)"


def business_zone(business):
    return ZoneInfo(business.time_zone) if business else timezone.get_current_timezone()


def entries_between(start_on=None, end_on=None, zone=None):
    """Entries started from start_on to end_on included, local days of the business."""
    zone = zone or timezone.get_current_timezone()
    entries = TimeEntry.objects.all()
    if start_on:
        entries = entries.filter(start__gte=datetime.combine(start_on, time.min, zone))
    if end_on:
        next_day = datetime.combine(end_on + timedelta(days=1), time.min, zone)
        entries = entries.filter(start__lt=next_day)
    return entries


def utc_offsets(zone, since, until):
    """[(from, seconds)]: the zone's UTC offset from each instant on, oldest first,
    enough for any moment from `since` to `until`.

    The offset is read once a day and, where it changed, the second it did is
    found by bisection (no zone changes its clocks twice in a day).
    """

    def offset(timestamp):
        return int(datetime.fromtimestamp(timestamp, zone).utcoffset().total_seconds())

    day = 86400
    moment = int(since.timestamp()) // day * day
    found = [(moment, offset(moment))]
    while moment <= until.timestamp():
        if offset(moment + day) != found[-1][1]:
            low, high = moment, moment + day  # the old offset at low, the new one at high
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if offset(middle) == found[-1][1] else (low, middle)
            found.append((high, offset(high)))
        moment += day
    return [(datetime.fromtimestamp(timestamp, UTC), seconds) for timestamp, seconds in found]


class LocalDate(TruncDate):
    """The date of a moment in the business's zone, in SQL.

    PostgreSQL knows time zones and does it as TruncDate does. SQLite does not:
    there Django calls back into Python for every row, which takes seconds over
    years of entries. Here SQLite gets the zone's UTC offsets over the period
    instead (`utc_offsets`) and shifts each moment with its own date() function.
    """

    def __init__(self, expression, zone, since, until):
        super().__init__(expression, tzinfo=zone)
        self.since, self.until = since, until

    def as_sqlite(self, compiler, connection, **extra_context):
        moment, params = compiler.compile(self.lhs)
        if self.since is None:  # nothing to report
            return f"date({moment})", params
        adapt = connection.ops.adapt_datetimefield_value
        offsets = utc_offsets(self.tzinfo, self.since, self.until)
        cases, case_params = [], []
        # The latest first: recent entries find their offset at once.
        for since, seconds in reversed(offsets[1:]):
            cases.append(f"WHEN {moment} >= %s THEN %s")
            case_params += [*params, adapt(since), f"{seconds:+d} seconds"]
        shift = f"{offsets[0][1]:+d} seconds"
        if not cases:
            return f"date({moment}, %s)", (*params, shift)
        return (
            f"date({moment}, CASE {' '.join(cases)} ELSE %s END)",
            (*params, *case_params, shift),
        )


def billed_seconds_expression():
    """An entry's seconds as billed, in SQL: each started increment counts whole.

    The same rule as timing.billable_seconds, with integer division on both
    SQLite and PostgreSQL; entries marked not billable bill nothing.
    """
    step = F("project__billing_increment_minutes") * 60
    return Case(
        When(billable=True, then=(F("duration_seconds") + step - 1) / step * step),
        default=Value(0),
        output_field=IntegerField(),
    )


def hourly_rate(group, business):
    """(rate, per) for a group's project: money per `per` hours, or None if not billed by time."""
    mode = group["project__billing_mode"]
    if mode not in (Project.BillingMode.HOURLY, Project.BillingMode.DAILY):
        return None
    per_day = business.planned_hours_per_day if business else Decimal(8)
    if group["project__rate"] is not None:
        rate = group["project__rate"]
        return (rate, per_day) if mode == Project.BillingMode.DAILY else (rate, Decimal(1))
    borrowed = group["project__client__hourly_rate"]
    if borrowed is None and business:
        borrowed = business.default_hourly_rate
    if borrowed is None:
        return None
    if mode == Project.BillingMode.DAILY:
        # As projects.applicable_rate does: the day's rate, rounded, then per planned hours.
        return cents(borrowed * per_day), per_day
    return borrowed, Decimal(1)


def key_of(group, by):
    if by == "project":
        return group["project__name"]
    if by == "client":
        if group["project__client_id"] is None:
            return NO_CLIENT
        if group["project__client__is_organisation"]:
            return group["project__client__name"]
        person = f"{group['project__client__first_name']} {group['project__client__last_name']}"
        return person.strip() or group["project__client__name"] or NO_CLIENT
    if by == "tag":
        return group["tags__name"] or NO_TAG
    return group["day"].isoformat()


KEY_FIELDS = {
    "project": ["project__name"],
    "client": [
        "project__client_id",
        "project__client__is_organisation",
        "project__client__name",
        "project__client__first_name",
        "project__client__last_name",
    ],
    "tag": ["tags__name"],
    "day": ["day"],
}


def time_report(start_on=None, end_on=None, by="project", business=None):
    """The report as the JSON object described at the top of this module."""
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}")
    business = business or get_business()
    zone = business_zone(business)
    entries = entries_between(start_on, end_on, zone).filter(end__isnull=False)
    if by == "day":
        span = entries.aggregate(since=Min("start"), until=Max("start"))
        entries = entries.annotate(day=LocalDate("start", zone, span["since"], span["until"]))
    groups = (
        entries.values(
            *KEY_FIELDS[by],
            "project_id",
            "project__billing_mode",
            "project__rate",
            "project__client__hourly_rate",
        )
        .annotate(seconds=Sum("duration_seconds"), billed=Sum(billed_seconds_expression()))
        .order_by()
    )
    rows = {}
    for group in groups:
        row = rows.setdefault(key_of(group, by), {"seconds": 0, "amount": None})
        row["seconds"] += group["seconds"] or 0
        rate = hourly_rate(group, business)
        if rate is not None:
            money, per_hours = rate
            value = Decimal(group["billed"] or 0) / 3600 / per_hours * money
            row["amount"] = (row["amount"] or Decimal(0)) + value
    if by == "tag":
        # An entry with two tags counts in two rows, but once in the total.
        total = entries.aggregate(total=Sum("duration_seconds"))["total"] or 0
    else:
        total = sum(row["seconds"] for row in rows.values())
    return {
        "from": start_on.isoformat() if start_on else None,
        "to": end_on.isoformat() if end_on else None,
        "total_seconds": int(total),
        "rows": [
            {
                "key": key,
                "seconds": int(row["seconds"]),
                "amount": amount_text(row["amount"]),
            }
            for key, row in sorted(rows.items(), key=lambda item: item[0].casefold())
        ],
    }


def time_log(start_on=None, end_on=None, project=None, business=None):
    """Entries in order, with their project, task and tags, for `patron log`."""
    zone = business_zone(business or get_business())
    entries = entries_between(start_on, end_on, zone)
    if project is not None:
        entries = entries.filter(project=project)
    return entries.select_related("project", "task").prefetch_related("tags").order_by("start")
