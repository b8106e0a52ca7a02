"""Expenses over the REST API: the same form, checks and audit trail as the pages.

Receipts travel separately: `POST /api/expenses/{id}/receipt` (multipart, field
`file`) stores one after the same content checks, `GET` downloads it.
A supplier's e-invoice is booked with `POST /api/expenses/import` (multipart, field
`file`): 201 and the new expense, 200 and the one already booked for that invoice, or 422
with the reason and the EN 16931 rule it breaks. The amounts of such an expense are the
invoice's: a change to them is refused.
"""

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from patron.api.errors import ValidationErrors, form_errors
from patron.api.errors import api_actor as actor
from patron.api.fields import Money
from patron.api.forms import patch_form
from patron.business.profile import get_business
from patron.system.importing import ImportRefused
from patron.work.expenses.supplier_invoices import do_import_supplier_invoice
from patron.work.expenses.views import (
    EINVOICE_FIELDS,
    EXPENSE_FIELDS,
    ExpenseForm,
    do_delete_expense,
    do_save_expense,
    receipt_response,
    vat_for,
)
from patron.work.models import Expense
from patron.work.reports import business_zone

router = Router(tags=["expenses"])


class ExpenseOut(Schema):
    id: int
    on: date
    supplier: str
    description: str
    category: str
    amount_excl_vat: Money
    vat_rate: Decimal
    vat_amount: Money
    amount_incl_vat: Money
    currency: str
    billable: bool
    client_id: int | None
    project_id: int | None
    has_receipt: bool
    number: str
    due_on: date | None
    supplier_contact_id: int | None
    einvoice_format: str
    created_at: datetime

    @staticmethod
    def resolve_amount_incl_vat(obj):
        return obj.amount_excl_vat + obj.vat_amount

    @staticmethod
    def resolve_has_receipt(obj):
        return bool(obj.receipt)


class ExpenseLineOut(Schema):
    position: int
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    net_amount: Money
    vat_category: str
    vat_rate: Decimal


class ExpenseVatOut(Schema):
    vat_category: str
    vat_rate: Decimal
    taxable_amount: Decimal
    vat_amount: Decimal


class ExpenseDetailOut(ExpenseOut):
    """An expense with the lines and VAT per rate of the e-invoice it was booked from."""

    lines: list[ExpenseLineOut]
    vat_groups: list[ExpenseVatOut]


class ImportedExpenseOut(ExpenseDetailOut):
    """The expense a supplier's e-invoice was booked as, and what the import said of it: a
    line's description shortened to fit, a new supplier's detail left out."""

    warnings: list[str]

    @staticmethod
    def resolve_warnings(obj):
        return getattr(obj, "import_warnings", [])


class Refusal(Schema):
    detail: str
    rule: str


class ExpenseIn(Schema):
    on: date | None = None
    supplier: str | None = None
    description: str | None = None
    category: str | None = None
    amount_excl_vat: Decimal | None = None
    vat_rate: Decimal | None = None
    vat_amount: Decimal | None = None
    currency: str | None = None
    billable: bool | None = None
    client_id: int | None = None
    project_id: int | None = None


class ExpenseFilters(Schema):
    date_from: date | None = None
    date_to: date | None = None
    category: str = ""
    billable: bool | None = None
    project_id: int | None = None
    client_id: int | None = None
    currency: str = ""


def expense_form(payload, expense=None, files=None):
    """An ExpenseForm from the expense's current values and the payload's changes.

    As on the page, a VAT amount that was computed is computed again when the
    amount or rate changes; one that was typed stays until it is sent again.
    """
    data = {}
    if expense is None:
        business = get_business()
        data["currency"] = business.currency if business else "EUR"
        # Today where the business is, as on the page.
        data["on"] = timezone.localdate(timezone=business_zone(business))
    else:
        for field in EXPENSE_FIELDS:
            if field == "receipt":
                continue
            data[field] = getattr(
                expense, f"{field}_id" if field in ("client", "project") else field
            )
        if expense.vat_amount == vat_for(expense.amount_excl_vat, expense.vat_rate):
            del data["vat_amount"]
    return patch_form(ExpenseForm, data, payload, files=files, instance=expense)


@router.get("", response=list[ExpenseOut], url_name="expenses_list", summary="List expenses")
@paginate(PageNumberPagination, page_size=50)
def list_expenses(request: HttpRequest, filters: Query[ExpenseFilters]):
    expenses = Expense.objects.all()
    if filters.date_from:
        expenses = expenses.filter(on__gte=filters.date_from)
    if filters.date_to:
        expenses = expenses.filter(on__lte=filters.date_to)
    if filters.category:
        expenses = expenses.filter(category__iexact=filters.category.strip())
    if filters.billable is not None:
        expenses = expenses.filter(billable=filters.billable)
    if filters.project_id:
        expenses = expenses.filter(project_id=filters.project_id)
    if filters.client_id:
        expenses = expenses.filter(client_id=filters.client_id)
    if filters.currency:
        expenses = expenses.filter(currency=filters.currency.strip().upper())
    return expenses


@router.post(
    "",
    response={201: ExpenseOut, 422: ValidationErrors},
    url_name="expenses_create",
    summary="Add an expense (dated today and VAT computed when left out)",
)
def create_expense(request: HttpRequest, payload: ExpenseIn):
    form = expense_form(payload)
    if not form.is_valid():
        return form_errors(form, "The expense was not added.")
    return 201, do_save_expense(request.user, form, actor=actor(request))


def detailed(expense_id):
    return get_object_or_404(Expense.objects.prefetch_related("lines", "vat_groups"), pk=expense_id)


@router.get(
    "/{int:expense_id}",
    response=ExpenseDetailOut,
    url_name="expenses_read",
    summary="Read an expense (with the lines of its e-invoice, if booked from one)",
)
def read_expense(request: HttpRequest, expense_id: int):
    return detailed(expense_id)


@router.post(
    "/import",
    response={201: ImportedExpenseOut, 200: ImportedExpenseOut, 422: Refusal},
    url_name="expenses_import",
    summary="Book a supplier's e-invoice (Factur-X/ZUGFeRD PDF, CII or UBL XML; multipart, "
    "field `file`): 201 new, 200 already booked",
)
def import_einvoice(request: HttpRequest, file: UploadedFile = File(...)):  # noqa: B008
    try:
        booked = do_import_supplier_invoice(
            file.read(settings.MAX_IMPORT_BYTES + 1), user=request.user, actor=actor(request)
        )
    except ImportRefused as e:
        return 422, {"detail": str(e), "rule": getattr(e, "rule", "")}
    expense = detailed(booked.expense.pk)
    expense.import_warnings = [str(warning) for warning in booked.warnings]
    return (201 if booked.created else 200), expense


def locked_fields(expense, given):
    """The fields of `given` that an expense booked from an e-invoice keeps as the invoice says."""
    if not expense.einvoice_format:
        return []
    names = {key.removesuffix("_id") for key in given}
    return sorted(names & set(EINVOICE_FIELDS))


def locked(fields):
    message = "An expense booked from a supplier's e-invoice keeps the invoice's values."
    return 422, {
        "detail": f"The expense was not changed. {message}",
        "errors": {field: [message] for field in fields},
    }


@router.patch(
    "/{int:expense_id}",
    response={200: ExpenseOut, 422: ValidationErrors},
    url_name="expenses_update",
    summary="Change some fields of an expense",
)
def update_expense(request: HttpRequest, expense_id: int, payload: ExpenseIn):
    expense = get_object_or_404(Expense, pk=expense_id)
    fields = locked_fields(expense, payload.dict(exclude_unset=True))
    if fields:
        return locked(fields)
    form = expense_form(payload, expense)
    if not form.is_valid():
        return form_errors(form, "The expense was not changed.")
    return do_save_expense(request.user, form, actor=actor(request))


@router.delete(
    "/{int:expense_id}",
    response={204: None},
    url_name="expenses_delete",
    summary="Delete an expense and its receipt",
)
def delete_expense(request: HttpRequest, expense_id: int):
    do_delete_expense(request.user, get_object_or_404(Expense, pk=expense_id), actor=actor(request))
    return 204, None


@router.get(
    "/{int:expense_id}/receipt",
    url_name="expenses_receipt",
    summary="Download the receipt (PDF, PNG or JPEG)",
)
def download_receipt(request: HttpRequest, expense_id: int):
    return receipt_response(get_object_or_404(Expense, pk=expense_id))


@router.post(
    "/{int:expense_id}/receipt",
    response={200: ExpenseOut, 422: ValidationErrors},
    url_name="expenses_receipt_upload",
    summary="Attach or replace the receipt (multipart, field `file`)",
)
def upload_receipt(request: HttpRequest, expense_id: int, file: UploadedFile = File(...)):  # noqa: B008
    expense = get_object_or_404(Expense, pk=expense_id)
    if expense.einvoice_format:
        return locked(["receipt"])
    form = expense_form(ExpenseIn(), expense, files={"receipt": file})
    if not form.is_valid():
        return form_errors(form, "The receipt was not stored.")
    return do_save_expense(request.user, form, actor=actor(request))
