"""Quotes, invoices and credit notes over the REST API: the pages' forms, checks and audit.

Drafts are created, changed (lines are replaced as a whole when `lines` is sent, the
discounts and charges on the whole document when `adjustments` is) and deleted; `POST …/issue` issues one or answers 422 with every reason it cannot be; an
issued document answers 422 to any change. `POST …/send` queues the email (202) the page's
form would; an accepted quote gives its deposit and final invoices, a pro-forma its invoice.
"""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Schema
from ninja.pagination import PageNumberPagination, paginate

from patron.api.errors import ValidationErrors, validation_errors
from patron.api.fields import Money
from patron.billing.api.documents import router
from patron.billing.models import Document, Payment
from patron.billing.payments.recording import (
    LargeOverpayment,
    do_delete_payment,
    do_record_payment,
    do_use_credit,
)
from patron.contacts.models import Contact


class AllocationOut(Schema):
    document_id: int
    number: str
    amount: Money

    @staticmethod
    def resolve_number(obj):
        return obj.document.number


class PaymentOut(Schema):
    id: int
    client_id: int
    direction: str
    date: date
    amount: Money
    currency: str
    method: str
    reference: str
    note: str
    allocations: list[AllocationOut]
    unallocated: Money
    created_at: datetime

    @staticmethod
    def resolve_allocations(obj):
        return list(obj.allocations.all())

    @staticmethod
    def resolve_unallocated(obj):
        return obj.amount - sum((a.amount for a in obj.allocations.all()), Decimal("0"))


class PaymentIn(Schema):
    """A payment received (settling invoices) or refunded (settling credit notes). Without
    document_ids it settles the client's open ones, oldest first; the rest of a payment
    stays as the client's credit, up to as much again as it settles: beyond that (or with
    nothing due) it is refused unless confirm_overpayment is true."""

    client_id: int | None = None
    document_ids: list[int] = []
    date: date
    amount: str
    currency: str | None = None
    method: str = Payment.Method.TRANSFER
    reference: str = ""
    note: str = ""
    direction: str = Payment.Direction.RECEIVED
    confirm_overpayment: bool = False


class PaymentFilters(Schema):
    client_id: int | None = None
    direction: str = ""
    date_from: date | None = None
    date_to: date | None = None


def payments():
    return Payment.objects.prefetch_related("allocations__document")


@router.get(
    "/payments",
    response=list[PaymentOut],
    url_name="billing_payments",
    summary="Payments and refunds, newest first",
)
@paginate(PageNumberPagination, page_size=50)
def list_payments(request: HttpRequest, filters: Query[PaymentFilters]):
    found = payments().order_by("-date", "-pk")
    if filters.client_id:
        found = found.filter(client_id=filters.client_id)
    if filters.direction in Payment.Direction.values:
        found = found.filter(direction=filters.direction)
    if filters.date_from:
        found = found.filter(date__gte=filters.date_from)
    if filters.date_to:
        found = found.filter(date__lte=filters.date_to)
    return found


@router.post(
    "/payments",
    response={201: PaymentOut, 422: ValidationErrors},
    url_name="billing_payment_create",
    summary="Record a payment or a refund; 422 with the reason, nothing recorded",
)
def create_payment(request: HttpRequest, payload: PaymentIn):
    refused = "No payment was recorded."
    chosen = list(Document.objects.filter(pk__in=payload.document_ids[:100]))
    if len(chosen) != len(set(payload.document_ids)):
        return 422, {"detail": refused, "errors": {"document_ids": ["Give ids of documents."]}}
    client_id = payload.client_id or (chosen[0].client_id if chosen else None)
    client = Contact.objects.filter(pk=client_id).first() if client_id else None
    if client is None:
        return 422, {"detail": refused, "errors": {"client_id": ["Give the id of a contact."]}}
    currency = payload.currency or (chosen[0].currency if chosen else "EUR")
    try:
        recorded = do_record_payment(
            request.user,
            client=client,
            date=payload.date,
            amount=payload.amount,
            currency=currency,
            method=payload.method,
            reference=payload.reference,
            note=payload.note,
            direction=payload.direction,
            documents=chosen or None,
            overpayment_confirmed=payload.confirm_overpayment,
        )
    except LargeOverpayment as e:
        status, body = validation_errors(e, refused)
        body["errors"]["confirm_overpayment"] = ["Send confirm_overpayment: true to record it."]
        return status, body
    except ValidationError as e:
        return validation_errors(e, refused)
    return 201, get_object_or_404(payments(), pk=recorded.payment.pk)


@router.get("/payments/{int:payment_id}", response=PaymentOut, url_name="billing_payment")
def read_payment(request: HttpRequest, payment_id: int):
    return get_object_or_404(payments(), pk=payment_id)


@router.delete(
    "/payments/{int:payment_id}",
    response={204: None},
    url_name="billing_payment_delete",
    summary="Delete a payment recorded by mistake: what it settled is due again",
)
def delete_payment(request: HttpRequest, payment_id: int):
    do_delete_payment(request.user, get_object_or_404(Payment, pk=payment_id))
    return 204, None


class CreditUsedOut(Schema):
    used: Money


@router.post(
    "/documents/{int:document_id}/use-credit",
    response={200: CreditUsedOut, 422: ValidationErrors},
    url_name="billing_use_credit",
    summary="Settle an invoice with the client's credit (what they paid beyond)",
)
def use_credit(request: HttpRequest, document_id: int):
    invoice = get_object_or_404(Document, pk=document_id)
    try:
        return 200, {"used": do_use_credit(request.user, invoice)}
    except ValidationError as e:
        return validation_errors(e, "No credit was used.")
