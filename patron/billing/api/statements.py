"""Bank statements over the REST API, as on the page: upload a camt.053 or CSV statement
(multipart; `mapping` names the bank's CSV layout) and get its lines with their proposed
matches; list statements and lines; confirm a line (its proposal, or `document_id`) or
ignore it; the banks' CSV layouts. Refusals answer 422 with the reason and change nothing.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from patron.api.errors import ValidationErrors, form_errors, validation_errors
from patron.api.fields import Money
from patron.audit.log import record
from patron.billing.forms.statements import BankMappingForm
from patron.billing.models import BankMapping, Document, Statement, StatementLine
from patron.billing.statements.matching import (
    do_confirm_line,
    do_ignore_line,
    do_restore_line,
    statement_counts,
)
from patron.billing.statements.reading import StatementImporter
from patron.system.importing import ImportRefused, check_size

router = Router(tags=["bank statements"])
REFUSED = "Nothing was imported."


class LineOut(Schema):
    id: int
    statement_id: int
    row: int
    booking_date: date
    amount: Money
    currency: str
    counterparty: str
    iban: str
    communication: str
    bank_reference: str
    state: str
    rule: str
    document_id: int | None
    document_number: str | None
    payment_id: int | None

    @staticmethod
    def resolve_document_number(obj):
        return obj.document.number if obj.document_id else None


class StatementSummary(Schema):
    id: int
    file_name: str
    format: str
    account_iban: str
    mapping: str | None
    imported_at: datetime
    lines: dict[str, int]

    @staticmethod
    def resolve_mapping(obj):
        return obj.mapping.name if obj.mapping_id else None

    @staticmethod
    def resolve_lines(obj):
        counts = {state: getattr(obj, f"n_{state}") for state in StatementLine.State.values}
        return {**counts, "debits": obj.n_debits}


class StatementOut(StatementSummary):
    entries: list[LineOut]

    @staticmethod
    def resolve_entries(obj):
        return list(obj.lines.select_related("document").order_by("row", "pk"))


class ImportOut(Schema):
    new_lines: int
    proposed: int
    already_imported: int
    statement: StatementOut | None


class LineFilters(Schema):
    statement_id: int | None = None
    state: str = ""


class ConfirmIn(Schema):
    document_id: int | None = None


class MappingOut(Schema):
    id: int
    name: str
    delimiter: str
    encoding: str
    skip_rows: int
    decimal_comma: bool
    date_column: str
    date_format: str
    amount_column: str
    credit_column: str
    debit_column: str
    currency_column: str
    name_column: str
    iban_column: str
    communication_column: str
    reference_column: str


class MappingIn(Schema):
    name: str
    delimiter: str = ";"
    encoding: str = "auto"
    skip_rows: int = 0
    decimal_comma: bool = True
    date_column: str
    date_format: str = "%d/%m/%Y"
    amount_column: str = ""
    credit_column: str = ""
    debit_column: str = ""
    currency_column: str = ""
    name_column: str = ""
    iban_column: str = ""
    communication_column: str = ""
    reference_column: str = ""


def statements():
    return statement_counts(Statement.objects.select_related("mapping"))


@router.post(
    "",
    response={200: ImportOut, 201: ImportOut, 422: ValidationErrors},
    url_name="statements_import",
    summary="Import a statement (multipart `file`, and `mapping` for a CSV): its lines "
    "and proposed matches; 201 when new lines were added, 200 when none",
)
def import_statement(
    request: HttpRequest,
    file: UploadedFile = File(...),  # noqa: B008
    mapping: str = Form(""),
):
    try:
        check_size(file.size)
        importer = StatementImporter(mapping=mapping or None, file_name=file.name or "")
        plan = importer.plan(file.read())
    except ImportRefused as e:
        return 422, {"detail": REFUSED, "errors": {"file": [str(e)]}}
    if not plan.ok:
        return 422, {"detail": REFUSED, "errors": {"rows": [str(e) for e in plan.errors[:100]]}}
    try:
        counts = importer.apply(plan, user=request.user)
    except ImportRefused as e:
        return 422, {"detail": REFUSED, "errors": {"file": [str(e)]}}
    statement = statements().get(pk=importer.statement.pk) if importer.statement else None
    body = {
        "new_lines": counts["statement lines"],
        "proposed": counts["proposed matches"],
        "already_imported": counts.get("skipped as already imported", 0),
        "statement": statement,
    }
    return (201 if counts["statement lines"] else 200), body


@router.get(
    "",
    response=list[StatementSummary],
    url_name="statements_list",
    summary="Imported statements, newest first, with their lines counted by state",
)
@paginate(PageNumberPagination, page_size=50)
def list_statements(request: HttpRequest):
    return statements().order_by("-imported_at", "-pk")


@router.get(
    "/lines",
    response=list[LineOut],
    url_name="statements_lines",
    summary="Statement lines; `state` unmatched, proposed, confirmed, ignored or debits",
)
@paginate(PageNumberPagination, page_size=100)
def list_lines(request: HttpRequest, filters: Query[LineFilters]):
    lines = StatementLine.objects.select_related("document").order_by("statement", "row", "pk")
    if filters.statement_id:
        lines = lines.filter(statement_id=filters.statement_id)
    if filters.state in StatementLine.State.values:
        lines = lines.filter(state=filters.state, amount__gt=0)
    elif filters.state == "debits":
        lines = lines.filter(amount__lt=0)
    return lines


@router.get(
    "/mappings",
    response=list[MappingOut],
    url_name="statements_mappings",
    summary="The banks' CSV layouts",
)
def list_mappings(request: HttpRequest):
    return list(BankMapping.objects.all())


@router.post(
    "/mappings",
    response={201: MappingOut, 422: ValidationErrors},
    url_name="statements_mapping_create",
    summary="Save a bank's CSV layout",
)
def create_mapping(request: HttpRequest, payload: MappingIn):
    return save_mapping(request, payload, None)


def save_mapping(request, payload, mapping):
    # A form field left out is a checkbox left unticked: decimal_comma false is left out.
    data = {k: v for k, v in payload.dict().items() if v is not False}
    form = BankMappingForm(data, instance=mapping)
    if not form.is_valid():
        return form_errors(form, "The layout was not saved.")
    saved = form.save()
    record(request.user, "update" if mapping else "create", saved, {"name": saved.name})
    return (200 if mapping else 201), saved


@router.put(
    "/mappings/{int:mapping_id}",
    response={200: MappingOut, 422: ValidationErrors},
    url_name="statements_mapping_update",
    summary="Replace a bank's CSV layout (every field, as when created)",
)
def update_mapping(request: HttpRequest, mapping_id: int, payload: MappingIn):
    return save_mapping(request, payload, get_object_or_404(BankMapping, pk=mapping_id))


@router.delete(
    "/mappings/{int:mapping_id}",
    response={204: None},
    url_name="statements_mapping_delete",
    summary="Delete a bank's CSV layout",
)
def delete_mapping(request: HttpRequest, mapping_id: int):
    mapping = get_object_or_404(BankMapping, pk=mapping_id)
    record(request.user, "delete", mapping)
    mapping.delete()
    return 204, None


@router.get(
    "/{int:statement_id}",
    response=StatementOut,
    url_name="statements_read",
    summary="A statement with its lines and their proposed matches",
)
def read_statement(request: HttpRequest, statement_id: int):
    return get_object_or_404(statements(), pk=statement_id)


def line_out(line):
    return StatementLine.objects.select_related("document").get(pk=line.pk)


@router.post(
    "/lines/{int:line_id}/confirm",
    response={200: LineOut, 422: ValidationErrors},
    url_name="statements_line_confirm",
    summary="Record the payment a credit line is: of its proposed invoice, or of "
    "`document_id`; 422 with the reason, nothing recorded",
)
def confirm_line(request: HttpRequest, line_id: int, payload: ConfirmIn):
    line = get_object_or_404(StatementLine, pk=line_id)
    chosen = None
    if payload.document_id is not None:
        chosen = Document.objects.filter(pk=payload.document_id).first()
        if chosen is None:
            return 422, {
                "detail": "No payment was recorded.",
                "errors": {"document_id": ["Give the id of an open invoice."]},
            }
    try:
        do_confirm_line(request.user, line, chosen)
    except ValidationError as e:
        return validation_errors(e, "No payment was recorded.")
    return 200, line_out(line)


@router.post(
    "/lines/{int:line_id}/ignore",
    response={200: LineOut, 422: ValidationErrors},
    url_name="statements_line_ignore",
    summary="Leave a line out of the matching (a confirmed one cannot be)",
)
def ignore_line(request: HttpRequest, line_id: int):
    line = get_object_or_404(StatementLine, pk=line_id)
    try:
        do_ignore_line(request.user, line)
    except ValidationError as e:
        return validation_errors(e, "The line was not changed.")
    return 200, line_out(line)


@router.post(
    "/lines/{int:line_id}/restore",
    response=LineOut,
    url_name="statements_line_restore",
    summary="An ignored line back in the matching",
)
def restore_line(request: HttpRequest, line_id: int):
    return line_out(do_restore_line(request.user, get_object_or_404(StatementLine, pk=line_id)))
