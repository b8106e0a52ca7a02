from datetime import date, timedelta

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patron.accounts.access import owner_required
from patron.accounts.models import ApiToken
from patron.business.letterhead import letterhead_context
from patron.dashboard import charts
from patron.dashboard.figures import figures
from patron.pricing.effective import GROUPINGS, average, by_month, ranked, verdict
from patron.pricing.effective import effective_rates as rates_of
from patron.pricing.target import current_target
from patron.system.fragments import page_or_fragment, wants_fragment

PERIODS = {
    "12m": gettext_lazy("Last 12 months"),
    "year": gettext_lazy("This year"),
    "all": gettext_lazy("All time"),
}
REVENUE_LABELS = {
    "month": gettext_lazy("This month"),
    "quarter": gettext_lazy("This quarter"),
    "year": gettext_lazy("This year"),
}


def link(name, **query):
    url = reverse(name)
    return f"{url}?{urlencode(query)}" if query else url


def books_link(start, end):
    return link("billing:books", start=start.isoformat(), end=end.isoformat())


def checklist(business):
    items = [
        ("business:settings_profile", business.iban != "", _("Add your IBAN so clients can pay you")),
        ("business:settings_brand", bool(business.logo), _("Upload your logo")),
        ("accounts:tokens", ApiToken.objects.active().exists(), _("Create an API token")),
    ]  # fmt: skip
    return items if not all(done for _url, done, _label in items) else []


@owner_required
def home(request):
    business = request.business
    found = figures(business)
    target = found.target
    rate_target = target.hourly_rate if target else None
    trend = charts.bar_chart(
        _("Effective hourly rate, month by month"),
        [(row.key, row.rate, verdict(row.rate, rate_target)) for row in found.trend],
        found.currency,
        target=rate_target,
    )
    revenue = [
        (
            charts.progress(REVENUE_LABELS[r.period], r.amount, r.target, found.currency, r.state),
            books_link(r.start, r.end),
            r,
        )
        for r in found.revenue
    ]
    today = found.today
    context = {
        **letterhead_context(business, warnings=False),
        "checklist": checklist(business),
        "f": found,
        "revenue": revenue,
        "trend": trend,
        "trend_rows": list(zip(trend.bars, found.trend, strict=True)),
        "calculator_url": reverse("pricing:calculator"),
        "links": {
            "effective": link("dashboard:effective_rate", by="month"),
            "unbilled": reverse("billing:from_work"),
            "overdue": link("billing:list", kind="invoice", status="overdue"),
            "due_soon": link("billing:list", kind="invoice"),
            "quotes": link("billing:list", kind="quote"),
            "proposals": link("work:projects", status="proposal"),
            "follow_ups": reverse("contacts:reconnect"),
            "timer": reverse("work:entries"),
            "received": reverse("billing:payments"),
            "vat": books_link(date(today.year, 1, 1), today),
        },
    }
    return render(request, "dashboard/home.html", context)


def period_of(name, today):
    if name == "year":
        return date(today.year, 1, 1), today
    if name == "all":
        return None, None
    return (today.replace(day=1) - timedelta(days=335)).replace(day=1), today


def row_link(by, row):
    if row.key is None:
        return ""
    if by == "project":
        return reverse("work:project", args=[row.key])
    if by == "client":
        return reverse("contacts:detail", args=[row.key])
    last = (row.key.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return link("work:entries", **{"from": row.key.isoformat(), "to": last.isoformat()})


# The rows the page shows at first and adds at each "show more": the ranking puts those that
# drag the rate down first, and ten years of projects are thousands of rows.
PAGE_ROWS = 50


def shown_count(value, count):
    """How many rows to show from `?shown=`: a number (at least a page), "all", else a page."""
    if value == "all":
        return max(count, PAGE_ROWS)
    if value.isdigit() and len(value) < 7:
        return max(int(value), PAGE_ROWS)
    return PAGE_ROWS


@owner_required
def effective_rate(request):
    by = request.GET.get("by", "")
    by = by if by in GROUPINGS else "client"
    period = request.GET.get("period", "")
    period = period if period in PERIODS else "12m"
    today = timezone.localdate()
    target = current_target()
    if by == "month":
        rows = by_month(today, 12, request.business)
        total = average(rows)
    else:
        since, until = period_of(period, today)
        found = rates_of(by, since, until, request.business)
        total = found.total
        rows = ranked(found.rows, target.hourly_rate if target else total.rate)
    reference = target.hourly_rate if target else None
    shown = shown_count(request.GET.get("shown", ""), len(rows))
    first = 0
    if wants_fragment(request):
        # "Show more" asks for the rows after those on the page, which it replaces.
        after = request.GET.get("after", "")
        first = min(int(after), shown) if after.isdigit() and len(after) < 7 else 0
    more = max(len(rows) - shown, 0)
    query = {"by": by, "period": period}
    context = {
        "by": by,
        "period": period,
        "groupings": [
            ("client", _("By client")),
            ("project", _("By project")),
            ("month", _("By month")),
        ],  # fmt: skip
        "periods": list(PERIODS.items()),
        "rows": [
            (row, verdict(row.rate, reference), row_link(by, row)) for row in rows[first:shown]
        ],
        "count": len(rows),
        "shown": shown,
        "more": more,
        "next_rows": min(more, PAGE_ROWS),
        "next_url": link("dashboard:effective_rate", **query, shown=shown + PAGE_ROWS),
        "next_fragment": link(
            "dashboard:effective_rate", **query, shown=shown + PAGE_ROWS, after=shown
        ),
        "all_url": link("dashboard:effective_rate", **query, shown="all"),
        "all_fragment": link("dashboard:effective_rate", **query, shown="all", after=shown),
        "total": total,
        "total_state": verdict(total.rate, reference),
        "target": target,
        "currency": request.business.currency,
        "calculator_url": reverse("pricing:calculator"),
    }
    return page_or_fragment(request, "dashboard/effective.html", "rows", context)
