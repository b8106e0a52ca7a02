"""Quotes, invoices and credit notes over the REST API: the pages' forms, checks and audit.

Drafts are created, changed (lines are replaced as a whole when `lines` is sent, the
discounts and charges on the whole document when `adjustments` is) and deleted; `POST …/issue` issues one or answers 422 with every reason it cannot be; an
issued document answers 422 to any change. `POST …/send` queues the email (202) the page's
form would; an accepted quote gives its deposit and final invoices, a pro-forma its invoice.
"""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from patron.api.errors import ValidationErrors, form_errors, validation_errors
from patron.api.errors import api_actor as actor
from patron.api.fields import Money
from patron.api.forms import patch_form
from patron.audit.log import record
from patron.billing.documents.drafting import (
    Grouping,
    do_create_from_work,
    do_credit_note,
    do_delete_draft,
    new_draft,
    refresh_draft,
    save_adjustments,
    save_lines,
)
from patron.billing.documents.exchange import do_take_ecb_rate
from patron.billing.documents.issuing import do_issue
from patron.billing.documents.quotes import (
    do_deposit_invoice,
    do_final_invoice,
    do_invoice_from_proforma,
)
from patron.billing.documents.sending import default_message, do_send, do_send_again
from patron.billing.einvoice.rendering import download
from patron.billing.forms.documents import (
    MAX_ADJUSTMENTS,
    MAX_LINES,
    AdjustmentForm,
    DocumentForm,
    LineForm,
)
from patron.billing.models import ChargeReason, Document, Kind, Sending
from patron.billing.payments.ledger import STATES, filter_state, open_amount, state_of, with_states
from patron.contacts.models import Contact
from patron.work.models import Project

router = Router(tags=["billing"])

HEADER_FIELDS = [
    "language", "currency", "exchange_rate", "treatment", "due_date", "valid_until",
    "service_start", "service_end", "buyer_reference", "deposit_percent", "notes", "terms",
]  # fmt: skip


class LineSchema(Schema):
    description: str
    quantity: Decimal = Decimal(1)
    unit: str = "C62"
    unit_price: Decimal
    discount_percent: Decimal = Decimal(0)
    vat_rate: Decimal


class LineOut(LineSchema):
    category: str
    net: Money


class VatGroupOut(Schema):
    category: str
    rate: Decimal
    taxable: Money
    vat: Money


class AdjustmentSchema(Schema):
    """A discount (`charge` false) or a charge on the whole document: a `percent` of the
    lines at its `vat_rate` (of every rate when the rate is null), or a fixed `amount` at
    its rate. `reason_code`: UNCL 5189 for a discount (95 by default), UNCL 7161 for a
    charge (ABK by default)."""

    charge: bool = False
    reason_code: str = ""
    reason: str = ""
    percent: Decimal | None = None
    amount: Decimal | None = None
    vat_rate: Decimal | None = None


class AdjustmentOut(Schema):
    charge: bool
    reason_code: str
    reason: str
    percent: Decimal | None
    amount: Money | None
    vat_rate: Decimal | None
    category: str

    @staticmethod
    def resolve_charge(obj):
        return obj.is_charge


class AppliedOut(Schema):
    """A discount or charge as the e-invoice states it, one per VAT group it applies to."""

    charge: bool
    reason_code: str
    reason: str
    category: str
    rate: Decimal
    percent: Decimal | None
    base: Money | None
    amount: Money

    @staticmethod
    def resolve_charge(obj):
        return obj.is_charge


class DocumentOut(Schema):
    id: int
    kind: str
    status: str
    number: str
    client_id: int
    project_id: int | None
    issue_date: date | None
    due_date: date | None
    valid_until: date | None
    service_start: date | None
    service_end: date | None
    currency: str
    language: str
    treatment: str
    buyer_reference: str
    notes: str
    terms: str
    deposit_percent: Decimal | None
    corrects_id: int | None
    structured_reference: str
    exchange_rate: Decimal | None
    exchange_rate_date: date | None
    exchange_rate_source: str
    total_lines: Money
    total_allowances: Money
    total_charges: Money
    total_excl_vat: Money
    total_vat: Money
    total_incl_vat: Money
    prepaid: Money
    amount_due: Money
    total_vat_eur: Money | None
    hash: str
    lines: list[LineOut]
    adjustments: list[AdjustmentOut]
    applied: list[AppliedOut]
    vat_groups: list[VatGroupOut]
    created_at: datetime
    state: str
    paid: Money
    credited: Money
    outstanding: Money

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())

    @staticmethod
    def resolve_adjustments(obj):
        return list(obj.adjustments.all())

    @staticmethod
    def resolve_applied(obj):
        return list(obj.totals().applied)

    @staticmethod
    def resolve_vat_groups(obj):
        return list(obj.totals().groups)

    @staticmethod
    def resolve_total_lines(obj):
        """BT-106, the sum of the line nets, before the discounts and charges."""
        return obj.totals().lines

    @staticmethod
    def resolve_total_allowances(obj):
        return obj.totals().allowances

    @staticmethod
    def resolve_total_charges(obj):
        return obj.totals().charges

    @staticmethod
    def resolve_state(obj):
        """The status a user would say: with payments, paid, partially_paid, overdue…"""
        return state_of(obj)

    @staticmethod
    def resolve_outstanding(obj):
        """What the document still asks: an invoice's balance, a credit note's refund."""
        if obj.is_draft or obj.kind not in (Kind.INVOICE, Kind.CREDIT_NOTE):
            return obj.amount_due
        return open_amount(obj)


class DocumentIn(Schema):
    kind: str | None = None
    client_id: int | None = None
    project_id: int | None = None
    language: str | None = None
    currency: str | None = None
    treatment: str | None = None
    due_date: date | None = None
    valid_until: date | None = None
    service_start: date | None = None
    service_end: date | None = None
    buyer_reference: str | None = None
    deposit_percent: Decimal | None = None
    notes: str | None = None
    terms: str | None = None
    exchange_rate: Decimal | None = None
    lines: list[LineSchema] | None = None
    adjustments: list[AdjustmentSchema] | None = None


class DocumentFilters(Schema):
    kind: str = ""
    status: str = ""  # a stored status or a state: paid, partially_paid, overdue, credited…
    client_id: int | None = None
    issued_from: date | None = None
    issued_to: date | None = None


class FromWorkIn(Schema):
    client_id: int
    project_id: int | None = None
    since: date | None = None
    until: date | None = None
    grouping: str = Grouping.TASK
    with_expenses: bool = True


class CreditIn(Schema):
    full: bool = True


class SendIn(Schema):
    """Each left out takes what the page's form starts from: the client's address, and the
    subject and text in the document's language ({link} becomes the portal link)."""

    to: str | None = None
    subject: str | None = None
    body: str | None = None


class SendingOut(Schema):
    id: int
    document_id: int
    to: str
    subject: str
    state: str  # queued, sending, interrupted (the worker died: sent again shortly), sent, failed
    error: str
    message_id: str
    created_at: datetime
    sent_at: datetime | None

    @staticmethod
    def resolve_state(sending):
        return sending.display_state


def documents():
    return with_states(Document.objects.prefetch_related("lines", "adjustments"))


def header_form(document, payload):
    current = {name: getattr(document, name) for name in HEADER_FIELDS}
    current["client"], current["project"] = document.client_id, document.project_id
    return patch_form(
        DocumentForm, current, payload, exclude={"lines", "adjustments", "kind"}, instance=document
    )


def line_objects(lines):
    """Line instances from the payload, or ValidationError naming each bad field."""
    if len(lines) > MAX_LINES:
        raise ValidationError({"lines": [f"{MAX_LINES} lines at most."]})
    objects, errors = [], {}
    for number, line in enumerate(lines):
        form = LineForm(line.dict())
        if form.is_valid():
            objects.append(form.save(commit=False))
        else:
            for field, messages in form.errors.items():
                errors[f"lines.{number}.{field}"] = [str(m) for m in messages]
    if errors:
        raise ValidationError(errors)
    return objects


def adjustment_objects(adjustments, language):
    """Adjustment instances from the payload, or ValidationError naming each bad field."""
    if len(adjustments) > MAX_ADJUSTMENTS:
        raise ValidationError({"adjustments": [f"{MAX_ADJUSTMENTS} at most."]})
    objects, errors = [], {}
    for number, adjustment in enumerate(adjustments):
        data = adjustment.dict()
        charge = data.pop("charge")
        code = data["reason_code"] or (ChargeReason.MISCELLANEOUS if charge else "95")
        form = AdjustmentForm({**data, "reason_code": code}, language=language)
        if form.is_valid() and (form.cleaned_data["reason_code"] in ChargeReason.values) != charge:
            form.add_error(
                "reason_code",
                "Give a UNCL 7161 code to a charge, a UNCL 5189 code to a discount.",
            )
        if form.is_valid():
            objects.append(form.save(commit=False))
        else:
            for field, messages in form.errors.items():
                errors[f"adjustments.{number}.{field}"] = [str(m) for m in messages]
    if errors:
        raise ValidationError(errors)
    return objects


def save_draft(request, document, payload, created):
    form = header_form(document, payload)
    if not form.is_valid():
        return form_errors(form, "The document was not saved.")
    try:
        lines = line_objects(payload.lines) if payload.lines is not None else None
        adjustments = (
            adjustment_objects(payload.adjustments, form.cleaned_data.get("language"))
            if payload.adjustments is not None
            else None
        )
        with transaction.atomic():
            document = form.save()
            if lines is not None:
                save_lines(document, lines)
            if adjustments is not None:
                save_adjustments(document, adjustments)
            refresh_draft(document)
            record(
                request.user,
                "create" if created else "update",
                document,
                {"api": "saved"},
                actor=actor(request),
            )
    except ValidationError as e:
        return validation_errors(e, "The document was not saved.")
    return (201 if created else 200), get_object_or_404(documents(), pk=document.pk)


@router.get(
    "/documents",
    response=list[DocumentOut],
    url_name="billing_documents",
    summary="List quotes, invoices and credit notes",
)
@paginate(PageNumberPagination, page_size=50)
def list_documents(request: HttpRequest, filters: Query[DocumentFilters]):
    found = documents().order_by("-created_at", "-pk")
    if filters.kind in Kind.values:
        found = found.filter(kind=filters.kind)
    if filters.status in STATES:
        found = filter_state(found, filters.status)
    if filters.client_id:
        found = found.filter(client_id=filters.client_id)
    if filters.issued_from:
        found = found.filter(issue_date__gte=filters.issued_from)
    if filters.issued_to:
        found = found.filter(issue_date__lte=filters.issued_to)
    return found


@router.post(
    "/documents",
    response={201: DocumentOut, 422: ValidationErrors},
    url_name="billing_create",
    summary="Create a draft (invoice by default)",
)
def create_document(request: HttpRequest, payload: DocumentIn):
    kind = payload.kind or Kind.INVOICE
    if kind not in Kind.values:
        return 422, {
            "detail": "The document was not created.",
            "errors": {"kind": [f"One of {', '.join(Kind.values)}."]},
        }
    client = Contact.objects.filter(pk=payload.client_id).first() if payload.client_id else None
    if client is None:
        return 422, {
            "detail": "The document was not created.",
            "errors": {"client_id": ["Give the id of an existing contact."]},
        }
    project = Project.objects.filter(pk=payload.project_id).first() if payload.project_id else None
    return save_draft(request, new_draft(client, kind, project=project), payload, created=True)


@router.get(
    "/documents/{int:document_id}",
    response=DocumentOut,
    url_name="billing_read",
    summary="Read a document with its lines and totals",
)
def read_document(request: HttpRequest, document_id: int):
    return get_object_or_404(documents(), pk=document_id)


@router.patch(
    "/documents/{int:document_id}",
    response={200: DocumentOut, 422: ValidationErrors},
    url_name="billing_update",
    summary="Change a draft (`lines` replaces them all)",
)
def update_document(request: HttpRequest, document_id: int, payload: DocumentIn):
    document = get_object_or_404(Document, pk=document_id)
    if not document.is_draft:
        return validation_errors(
            ValidationError("An issued document cannot be changed: correct it with a credit note."),
            "The document was not saved.",
        )
    return save_draft(request, document, payload, created=False)


@router.delete(
    "/documents/{int:document_id}",
    response={204: None, 422: ValidationErrors},
    url_name="billing_delete",
    summary="Delete a draft",
)
def delete_document(request: HttpRequest, document_id: int):
    try:
        do_delete_draft(request.user, get_object_or_404(Document, pk=document_id))
    except ValidationError as e:
        return validation_errors(e, "The document was not deleted.")
    return 204, None


@router.post(
    "/documents/{int:document_id}/issue",
    response={200: DocumentOut, 422: ValidationErrors},
    url_name="billing_issue",
    summary="Issue a draft: number, freeze, chain; 422 with every reason it cannot be",
)
def issue_document(request: HttpRequest, document_id: int):
    try:
        document = do_issue(
            request.user, get_object_or_404(Document, pk=document_id), actor=actor(request)
        )
    except ValidationError as e:
        return validation_errors(e, "The document was not issued.")
    return get_object_or_404(documents(), pk=document.pk)


@router.post(
    "/documents/{int:document_id}/ecb-rate",
    response={200: DocumentOut, 422: ValidationErrors},
    url_name="billing_ecb_rate",
    summary="Put the ECB's reference rate of the day on a draft in another currency; "
    "422 when the ECB cannot be reached (then send `exchange_rate`)",
)
def take_ecb_rate(request: HttpRequest, document_id: int):
    try:
        document = do_take_ecb_rate(request.user, get_object_or_404(Document, pk=document_id))
    except ValidationError as e:
        return validation_errors(e, "No exchange rate was set.")
    return 200, get_object_or_404(documents(), pk=document.pk)


@router.post(
    "/documents/{int:document_id}/credit-note",
    response={201: DocumentOut, 422: ValidationErrors},
    url_name="billing_credit",
    summary="A draft credit note for an issued invoice (full: a copy of its lines)",
)
def credit_document(request: HttpRequest, document_id: int, payload: CreditIn):
    try:
        note = do_credit_note(
            request.user, get_object_or_404(Document, pk=document_id), full=payload.full
        )
    except ValidationError as e:
        return validation_errors(e, "No credit note was created.")
    return 201, get_object_or_404(documents(), pk=note.pk)


@router.post(
    "/documents/{int:document_id}/send",
    response={202: SendingOut, 422: ValidationErrors},
    url_name="billing_send",
    summary="Email an issued document with its files and portal link (queued: 202)",
)
def send_document(request: HttpRequest, document_id: int, payload: SendIn):
    document = get_object_or_404(Document.objects.select_related("client"), pk=document_id)
    subject, body = default_message(document) if not document.is_draft else ("", "")
    try:
        sending = do_send(
            request.user,
            document,
            base_url=request.build_absolute_uri("/"),
            to=(payload.to if payload.to is not None else document.client.email).strip(),
            subject=payload.subject if payload.subject is not None else subject,
            body=payload.body if payload.body is not None else body,
        )
    except ValidationError as e:
        return validation_errors(e, "Nothing was sent.")
    return 202, sending


@router.get(
    "/documents/{int:document_id}/sendings",
    response=list[SendingOut],
    url_name="billing_sendings",
    summary="The emails of a document, newest first",
)
def document_sendings(request: HttpRequest, document_id: int):
    document = get_object_or_404(Document, pk=document_id)
    return list(Sending.objects.filter(document=document).order_by("-created_at", "-id"))


@router.post(
    "/sendings/{int:sending_id}/retry",
    response={202: SendingOut, 422: ValidationErrors},
    url_name="billing_sending_retry",
    summary="Send a failed or interrupted email again (the same message and Message-ID)",
)
def retry_sending(request: HttpRequest, sending_id: int):
    sending = get_object_or_404(Sending, pk=sending_id)
    try:
        do_send_again(request.user, sending)
    except ValidationError as e:
        return validation_errors(e, "The email was not sent again.")
    sending.refresh_from_db()
    return 202, sending


def follow_up(request, document_id, make):
    try:
        invoice = make(request.user, get_object_or_404(Document, pk=document_id))
    except ValidationError as e:
        return validation_errors(e, "No invoice was created.")
    return 201, get_object_or_404(documents(), pk=invoice.pk)


@router.post(
    "/documents/{int:document_id}/deposit-invoice",
    response={201: DocumentOut, 422: ValidationErrors},
    url_name="billing_deposit",
    summary="A draft invoice of an accepted quote's deposit",
)
def deposit_invoice(request: HttpRequest, document_id: int):
    return follow_up(request, document_id, do_deposit_invoice)


@router.post(
    "/documents/{int:document_id}/final-invoice",
    response={201: DocumentOut, 422: ValidationErrors},
    url_name="billing_final",
    summary="A draft invoice of an accepted quote, less its issued deposit invoices",
)
def final_invoice(request: HttpRequest, document_id: int):
    return follow_up(request, document_id, do_final_invoice)


@router.post(
    "/documents/{int:document_id}/invoice",
    response={201: DocumentOut, 422: ValidationErrors},
    url_name="billing_from_proforma",
    summary="A draft invoice with the lines of an issued pro-forma",
)
def invoice_from_proforma(request: HttpRequest, document_id: int):
    return follow_up(request, document_id, do_invoice_from_proforma)


@router.get(
    "/documents/{int:document_id}/files/{fmt}",
    url_name="billing_file",
    summary="Download a rendering: pdf (Factur-X), cii or ubl (XML); 404 when there is none",
)
def document_file(request: HttpRequest, document_id: int, fmt: str):
    return download(get_object_or_404(Document, pk=document_id), fmt)


@router.post(
    "/from-work",
    response={201: DocumentOut, 422: ValidationErrors},
    url_name="billing_from_work",
    summary="A draft invoice of a client's (or project's) unbilled time and expenses",
)
def from_work(request: HttpRequest, payload: FromWorkIn):
    client = Contact.objects.filter(pk=payload.client_id).first()
    project = Project.objects.filter(pk=payload.project_id).first() if payload.project_id else None
    if client is None or (payload.project_id and project is None):
        return 422, {
            "detail": "No invoice was created.",
            "errors": {"client_id": ["Give the id of an existing contact (and project)."]},
        }
    if payload.grouping not in dict(Grouping.CHOICES):
        return 422, {
            "detail": "No invoice was created.",
            "errors": {"grouping": ["One of task, day, one."]},
        }
    try:
        document = do_create_from_work(
            request.user,
            client,
            project=project,
            since=payload.since,
            until=payload.until,
            grouping=payload.grouping,
            with_expenses=payload.with_expenses,
        )
    except ValidationError as e:
        return validation_errors(e, "No invoice was created.")
    return 201, get_object_or_404(documents(), pk=document.pk)
