"""The dashboard's numbers and the effective rates over the REST API, as JSON.

    GET /api/dashboard                       the dashboard's figures (figures.as_data)
    GET /api/effective-rate?by=client        per client, project or month; `from` and `to`
                                             (YYYY-MM-DD) bound the period of clients and
                                             projects; months are the last twelve
Amounts are strings with their currency's places, rates per hour excl. VAT, null when unknown.
"""

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from patron.api.errors import ValidationErrors
from patron.business.profile import get_business
from patron.dashboard.figures import as_data, figures
from patron.money import amount_text
from patron.pricing.effective import GROUPINGS, average, by_month, effective_rates, ranked, verdict
from patron.pricing.target import current_target

router = Router(tags=["dashboard"])
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


@router.get("/dashboard", summary="The dashboard's figures", url_name="dashboard")
def dashboard(request: HttpRequest):
    return as_data(figures(get_business()))


def parse_day(text, name, errors):
    if not text:
        return None
    try:
        day = date.fromisoformat(text[:20])
    except ValueError:
        errors[name] = ["Give a date as YYYY-MM-DD."]
        return None
    if not EARLIEST <= day <= LATEST:
        errors[name] = ["Give a date from 2000-01-01 to 2100-12-31."]
        return None
    return day


def row_data(row, reference, currency):
    key = row.key.isoformat()[:7] if isinstance(row.key, date) else row.key
    return {
        "key": key,
        "label": row.label,
        "hours": str(row.hours),
        "invoiced": amount_text(row.invoiced, currency),
        "not_invoiced": amount_text(row.unbilled, currency),
        "money": amount_text(row.money, currency),
        "rate": amount_text(row.rate, currency),
        "state": verdict(row.rate, reference),
    }


@router.get(
    "/effective-rate",
    response={200: dict, 422: ValidationErrors},
    summary="The effective hourly rate per client, project or month",
    url_name="effective_rate",
)
def effective_rate(request: HttpRequest, by: str = "client"):
    errors = {}
    if by not in GROUPINGS:
        errors["by"] = [f"Choose one of: {', '.join(GROUPINGS)}."]
    since = parse_day(request.GET.get("from", ""), "from", errors)
    until = parse_day(request.GET.get("to", ""), "to", errors)
    if since and until and since > until:
        errors["to"] = ["The period ends before it starts."]
    if errors:
        return 422, {"detail": "The query is not understood.", "errors": errors}
    business = get_business()
    target = current_target()
    reference = target.hourly_rate if target else None
    if by == "month":
        rows = by_month(timezone.localdate(), 12, business)
        total = average(rows)
    else:
        found = effective_rates(by, since, until, business)
        rows, total = ranked(found.rows, reference or found.total.rate), found.total
    return {
        "by": by,
        "from": since.isoformat() if since and by != "month" else None,
        "to": until.isoformat() if until and by != "month" else None,
        "currency": business.currency,
        "target_hourly_rate": amount_text(reference, business.currency),
        "rows": [row_data(row, reference, business.currency) for row in rows],
        "total": {
            k: v
            for k, v in row_data(total, reference, business.currency).items()
            if k not in ("key", "label")
        },
    }
