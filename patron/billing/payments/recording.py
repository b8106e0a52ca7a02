"""Payments: recording them, spreading them over invoices and credit notes, refusing the
ones that cannot be right.

Every change locks the client's row first: two payments of one client recorded at the same
moment are spread one after the other, never over the same open amount (what is open is
read from ledger.py under that lock).
"""

from dataclasses import dataclass
from datetime import date as Date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from patron.audit.log import record
from patron.billing.models import Allocation, Document, Kind, Payment, StatementLine, Status
from patron.billing.payments.ledger import (
    RECEIVED,
    REFUNDED,
    STATES,
    ZERO,
    client_credit,
    open_amount,
    outstanding,
    state_of,
    with_balances,
)
from patron.contacts.models import Contact
from patron.money import cents, format_money

MAX_AMOUNT = Decimal("9999999999.99")
EARLIEST = Date(2000, 1, 1)


def checked_amount(value):
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("The amount is not a number.")) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError(_("The amount must be more than zero."))
    if amount > MAX_AMOUNT or amount != cents(amount):
        raise ValidationError(_("The amount must be at most 9,999,999,999.99, to the cent."))
    return cents(amount)


def checked_date(value):
    if not isinstance(value, Date):
        raise ValidationError(_("Give the date of the payment."))
    if value > timezone.localdate():
        raise ValidationError(_("A payment cannot be dated in the future."))
    if value < EARLIEST:
        raise ValidationError(_("A payment cannot be dated before 2000."))
    return value


def checked_documents(documents, client, currency, direction):
    kind = Kind.INVOICE if direction == RECEIVED else Kind.CREDIT_NOTE
    for document in documents:
        if document.is_draft or document.kind != kind:
            raise ValidationError(
                _("A payment settles issued invoices, a refund issued credit notes: not %(doc)s.")
                % {"doc": str(document)}
            )
        if document.client_id != client.pk:
            raise ValidationError(
                _("%(number)s is another client's.") % {"number": document.number}
            )
        if document.currency != currency:
            raise ValidationError(
                _("%(number)s is in %(currency)s.")
                % {"number": document.number, "currency": document.currency}
            )


# What a payment may leave as the client's credit without a question, as a share of what it
# settles: as much again. A client rounding up, paying a bank fee back or sending the same
# payment twice is recorded as it came, the rest kept as credit (and said). An extra zero
# typed (ten times), a thousand times the balance, or money with nothing due to settle is
# a mistake more often than not: the user confirms it first.
OVERPAYMENT_TOLERANCE = Decimal("1")


class LargeOverpayment(ValidationError):
    """A payment that would leave as the client's credit more than OVERPAYMENT_TOLERANCE of
    what it settles; the page, the API and the command line each say how to confirm."""

    def __init__(self, amount, settled, currency):
        self.amount, self.settled, self.credit = amount, settled, amount - settled
        if settled:
            message = _(
                "%(amount)s is %(credit)s more than the %(settled)s still due: the difference "
                "would be kept as the client's credit. Check the amount, or confirm it."
            )
        else:
            message = _(
                "Nothing is due on what this payment settles: all of %(amount)s would be kept "
                "as the client's credit. Check the amount, or confirm it."
            )
        values = {
            "amount": format_money(amount, currency),
            "credit": format_money(self.credit, currency),
            "settled": format_money(settled, currency),
        }
        super().__init__({"amount": [ValidationError(message % values, code="overpayment")]})


def check_overpayment(amount, settled, currency):
    """LargeOverpayment when `amount` leaves more than the tolerance of `settled` unsettled."""
    if amount - settled > settled * OVERPAYMENT_TOLERANCE:
        raise LargeOverpayment(amount, settled, currency)


@dataclass
class Recorded:
    payment: Payment
    allocated: dict  # number -> amount
    credit: Decimal  # what the payment left as the client's credit


def open_documents(client, currency, direction):
    """The client's documents a payment (invoices) or a refund (credit notes) may settle,
    the oldest first (their balances read in the same query)."""
    kind = Kind.INVOICE if direction == RECEIVED else Kind.CREDIT_NOTE
    documents = Document.objects.filter(client=client, kind=kind, currency=currency).exclude(
        status=Status.DRAFT
    )
    documents = with_balances(documents.order_by("issue_date", "sequence_number"))
    return [d for d in documents if open_amount(d) > 0]


def also_payable(document, limit=50):
    """The client's other open documents that one payment (or refund) may settle together
    with `document`, the oldest first."""
    if document.kind not in (Kind.INVOICE, Kind.CREDIT_NOTE) or document.is_draft:
        return []
    direction = REFUNDED if document.kind == Kind.CREDIT_NOTE else RECEIVED
    others = open_documents(document.client_id, document.currency, direction)
    return [d for d in others if d.pk != document.pk][:limit]


@transaction.atomic
def do_record_payment(
    user,
    *,
    client,
    date,
    amount,
    currency="EUR",
    method=Payment.Method.TRANSFER,
    reference="",
    note="",
    direction=RECEIVED,
    documents=None,
    overpayment_confirmed=False,
):
    """Record a payment (or a refund) and spread it over `documents` in their order, each up
    to what it still asks, else over the client's open ones, oldest first. A payment's rest
    stays as the client's credit, unasked up to as much again as it settles, beyond that
    only when `overpayment_confirmed` (see OVERPAYMENT_TOLERANCE); a refund may not give back more
    than is owed. Refused with a ValidationError, and nothing recorded, when the input
    cannot be right."""
    client = Contact.objects.select_for_update().get(pk=client.pk)  # see the module's docstring
    amount, date = checked_amount(amount), checked_date(date)
    if direction not in (RECEIVED, REFUNDED):
        raise ValidationError(_("A payment is received or refunded."))
    if method not in Payment.Method.values:
        raise ValidationError(_("Choose how it was paid."))
    reference, note = " ".join(reference.split()), note.strip()
    for field, value in (("reference", reference), ("note", note)):
        limit = Payment._meta.get_field(field).max_length
        if len(value) > limit:
            raise ValidationError(
                {
                    field: _("At most %(limit)s characters (it has %(count)s).")
                    % {"limit": limit, "count": len(value)}
                }
            )
    if documents:
        documents = list(
            Document.objects.filter(pk__in=[d.pk for d in documents]).order_by("issue_date", "pk")
        )
        checked_documents(documents, client, currency, direction)
        if not any(open_amount(d) > 0 for d in documents):
            names = ", ".join(d.number for d in documents)
            raise ValidationError(
                _("Nothing is left to settle on %(numbers)s.") % {"numbers": names}
            )
    else:
        documents = open_documents(client, currency, direction)
    available = client_credit(client, currency)  # what a refund may give back beyond documents
    parts, left = [], amount
    for document in documents:
        part = min(left, open_amount(document))
        if part > 0:
            parts.append((document, part))
            left -= part
    if direction == REFUNDED and left > available:
        raise ValidationError(
            _("This refunds more than the client is owed (%(owed)s).")
            % {"owed": amount - left + available}
        )
    if direction == RECEIVED and not overpayment_confirmed:
        check_overpayment(amount, amount - left, currency)
    payment = Payment.objects.create(
        client=client,
        direction=direction,
        date=date,
        amount=amount,
        currency=currency,
        method=method,
        reference=reference,
        note=note,
    )
    allocated = {}
    for document, part in parts:
        Allocation.objects.create(payment=payment, document=document, amount=part)
        allocated[document.number] = part
    record(user, "create", payment, {"allocated": {k: str(v) for k, v in allocated.items()}})
    return Recorded(payment, allocated, left if direction == RECEIVED else ZERO)


def describe(recorded, document, also=()):
    """What a recorded payment did, in a sentence for the page or the command line."""
    payment = recorded.payment
    text = _("%(amount)s recorded.") % {"amount": format_money(payment.amount, payment.currency)}
    for settled in Document.objects.filter(pk__in=[document.pk, *(d.pk for d in also)]).order_by(
        "issue_date", "sequence_number"
    ):
        state = state_of(settled)
        text += " " + _("%(number)s is now %(state)s.") % {
            "number": settled.number,
            "state": str(STATES.get(state, state)).lower(),
        }
    if recorded.credit:
        text += " " + _("%(amount)s beyond it is kept as the client's credit.") % {
            "amount": format_money(recorded.credit, payment.currency)
        }
    return text


@transaction.atomic
def do_use_credit(user, invoice):
    """Settle what an invoice asks with the client's credit, the oldest payments first;
    the amount used."""
    client = Contact.objects.select_for_update().get(pk=invoice.client_id)
    checked_documents([invoice], client, invoice.currency, RECEIVED)
    wanted = min(outstanding(invoice), client_credit(client, invoice.currency))
    if wanted <= 0:
        raise ValidationError(_("There is no credit to use on this invoice."))
    payments = (
        Payment.objects.filter(client=client, currency=invoice.currency, direction=RECEIVED)
        .annotate(used=Coalesce(Sum("allocations__amount"), Value(ZERO)))
        .filter(used__lt=F("amount"))
        .order_by("date", "pk")
    )
    used = ZERO
    for payment in payments:
        part = min(wanted - used, payment.amount - payment.used)
        if part <= 0:
            break
        allocation, created = Allocation.objects.get_or_create(
            payment=payment, document=invoice, defaults={"amount": part}
        )
        if not created:
            Allocation.objects.filter(pk=allocation.pk).update(amount=F("amount") + part)
        used += part
    record(user, "update", invoice, {"credit used": str(used)})
    return used


@transaction.atomic
def do_delete_payment(user, payment):
    """A payment recorded by mistake: gone with its allocations; the invoices ask again."""
    Contact.objects.select_for_update().get(pk=payment.client_id)
    record(user, "delete", payment, {"amount": str(payment.amount), "date": str(payment.date)})
    # A payment confirmed from a bank statement: its line asks to be confirmed again.
    payment.bank_lines.update(payment=None, state=StatementLine.State.PROPOSED)
    payment.delete()
