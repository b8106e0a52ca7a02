"""Quotes, invoices and credit notes over the REST API: the pages' forms, checks and audit.

Drafts are created, changed (lines are replaced as a whole when `lines` is sent, the
discounts and charges on the whole document when `adjustments` is) and deleted; `POST …/issue` issues one or answers 422 with every reason it cannot be; an
issued document answers 422 to any change. `POST …/send` queues the email (202) the page's
form would; an accepted quote gives its deposit and final invoices, a pro-forma its invoice.
"""

import json
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Schema

from patron.api.errors import ValidationErrors, validation_errors
from patron.api.fields import Money
from patron.billing.api.documents import router
from patron.billing.books import tables
from patron.billing.books.archive import archive_of, request_archive
from patron.billing.books.archive import download as archive_download
from patron.billing.books.social import as_data, declarations
from patron.billing.books.thresholds import checks
from patron.billing.books.vat_return import vat_return


class PeriodIn(Schema):
    start: date
    end: date


class ArchiveOut(Schema):
    start: date
    end: date
    state: str  # queued, building, ready or failed
    documents: int  # in the period (known once building)
    done: int  # of those, in the archive so far
    size: int
    error: str
    requested_at: datetime
    built_at: datetime | None
    status_url: str
    download_url: str | None

    @staticmethod
    def resolve_status_url(archive):
        return f"{reverse('api:billing_books_archive_status')}?{period_query(archive)}"

    @staticmethod
    def resolve_download_url(archive):
        if archive.state != archive.State.READY:
            return None
        return f"{reverse('api:billing_books_archive')}?{period_query(archive)}"


def period_query(archive):
    return f"start={archive.start.isoformat()}&end={archive.end.isoformat()}"


def asked_period(query):
    try:
        return tables.Period(query.start, query.end), None
    except ValidationError as e:
        return None, validation_errors(e, "No archive was made.")


@router.get(
    "/books/archive",
    url_name="billing_books_archive",
    response={200: None, 202: ArchiveOut, 422: ValidationErrors},
    summary="The accountant's ZIP of a period (documents, lines, payments and expenses "
    "as CSV, each invoice's and credit note's PDF and XML): 200 with the file "
    "once the worker has built it; until then 202, its preparation queued "
    "(shared by every request for the period), and a status URL to poll",
)
def books_archive(request: HttpRequest, query: Query[PeriodIn]):
    period, refused = asked_period(query)
    if refused:
        return refused
    response = archive_download(archive_of(period))
    if response is not None:
        return response
    return 202, request_archive(period)


@router.post(
    "/books/archive",
    url_name="billing_books_archive_prepare",
    response={202: ArchiveOut, 422: ValidationErrors},
    summary="Have the worker build the period's archive again (it replaces the "
    "one built before): 202 and the status URL",
)
def books_archive_prepare(request: HttpRequest, payload: PeriodIn):
    period, refused = asked_period(payload)
    if refused:
        return refused
    return 202, request_archive(period, again=True)


@router.get(
    "/books/archive/status",
    url_name="billing_books_archive_status",
    response={200: ArchiveOut, 404: dict, 422: ValidationErrors},
    summary="How the period's archive is coming along; its download URL once ready",
)
def books_archive_status(request: HttpRequest, query: Query[PeriodIn]):
    period, refused = asked_period(query)
    if refused:
        return refused
    archive = archive_of(period)
    if archive is None:
        return 404, {"detail": "No archive was asked for this period."}
    return 200, archive


class BoxOut(Schema):
    code: str
    label: str
    amount: Money | None
    vat: Money | None
    unconfirmed: str = ""  # what the sources could not confirm about the box


class VatReturnOut(Schema):
    country: str
    basis: str
    boxes: list[BoxOut]
    notes: list[str]


@router.get(
    "/books/vat",
    url_name="billing_books_vat",
    response={200: VatReturnOut | None, 422: ValidationErrors},
    summary="The period's VAT return, box by box (null under the VAT franchise)",
)
def books_vat(request: HttpRequest, query: Query[PeriodIn]):
    try:
        period = tables.Period(query.start, query.end)
    except ValidationError as e:
        return validation_errors(e, "No VAT return was made.")
    return 200, vat_return(period, request.business)


class LimitOut(Schema):
    kind: str
    name: str
    year: int
    turnover: Money
    limit: Money
    tolerance: Money | None
    percent: int
    level: str
    source: str
    unconfirmed: str  # what the sources could not confirm about the limit, or ""


@router.get(
    "/books/limits",
    response=list[LimitOut],
    url_name="billing_books_limits",
    summary="The year's turnover against the VAT franchise threshold and the micro "
    "ceiling; level ok, warning (80 %), over or ended",
)
def books_limits(request: HttpRequest, year: int | None = None):
    year = year if year and 2000 <= year <= 2100 else timezone.localdate().year
    return [
        {
            "kind": c.kind,
            "name": c.name,
            "year": c.year,
            "turnover": c.turnover,
            "limit": c.limit.amount,
            "tolerance": c.limit.tolerance,
            "percent": c.percent,
            "level": c.level,
            "source": c.limit.source,
            "unconfirmed": str(c.limit.unconfirmed),
        }
        for c in checks(request.business, year)
    ]


@router.get(
    "/books/social",
    url_name="billing_books_social",
    response={200: dict, 422: ValidationErrors},
    summary="The year's social declarations: URSSAF periods for a French micro-entrepreneur, "
    "provisional contributions for a Belgian self-employed",
)
def books_social(request: HttpRequest, year: int | None = None):
    today = timezone.localdate()
    year = year or today.year
    found = declarations(request.business, year, today) if 2000 <= year <= today.year else None
    if found is None:
        return 422, {
            "detail": "No declarations.",
            "errors": {
                "year": [
                    "Choose a social regime in the business profile and a year up to this one."
                ]
            },
        }
    return 200, json.loads(json.dumps(as_data(found), default=str))
