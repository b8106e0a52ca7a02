"""What each document still asks for, and what a client has paid beyond their invoices.

Nothing here changes an issued document (rule 2 of the design). What an invoice still asks
is computed: what it asked when issued (`amount_due`, after any deposit), less what the
credit notes issued against it take back, less the payments allocated to it. Its status
follows: paid, partially paid, overdue, credited. A credit note for an invoice already paid
is money the client should get back: a refund settles it. What a client paid beyond their
invoices is their credit, used on a later invoice or refunded.
"""

from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy

from patron.billing.models import Allocation, Document, Kind, Payment, Status

ZERO = Decimal("0.00")
RECEIVED, REFUNDED = Payment.Direction.RECEIVED, Payment.Direction.REFUNDED

# The statuses a user sees (and `patron invoice list --json` prints): the stored ones, and
# those that time, payments and credit notes give.
STATES = {
    **dict(Status.choices),
    "partially_paid": gettext_lazy("Partially paid"),
    "paid": gettext_lazy("Paid"),
    "overdue": gettext_lazy("Overdue"),
}


def money_sum(queryset, field):
    return Coalesce(
        Subquery(queryset.annotate(total=Sum(field)).values("total")[:1]),
        Value(ZERO),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def with_balances(documents):
    """The documents annotated with `paid` (what payments allocated to them) and `credited`
    (what the issued credit notes against them take back of what they ask: a credit note of
    a final invoice deducts the deposit as the invoice did), in the same query: a list costs
    no more."""
    allocated = Allocation.objects.filter(document=OuterRef("pk")).values("document")
    credit_notes = (
        Document.objects.filter(corrects=OuterRef("pk"))
        .exclude(status=Status.DRAFT)
        .values("corrects")
    )
    return documents.annotate(
        paid=money_sum(allocated, "amount"), credited=money_sum(credit_notes, "amount_due")
    )


def with_states(documents):
    """with_balances, plus `outstanding`: what filter_state reads."""
    return with_balances(documents).annotate(
        outstanding=F("amount_due") - F("credited") - F("paid")
    )


def filter_state(documents, state, today=None):
    """The documents (from with_states) a user would say are in `state`: the same answer as
    state_of, in SQL, so that a filtered list still pages in the database."""
    today = today or timezone.localdate()
    invoice = Q(kind=Kind.INVOICE) & ~Q(status=Status.DRAFT)
    credited = Q(credited__gte=F("amount_due"), amount_due__gt=0)
    paid = Q(outstanding__lte=0)
    overdue = Q(due_date__lt=today)
    partly = Q(paid__gt=0)
    expired = Q(kind=Kind.QUOTE, status__in=[Status.ISSUED, Status.SENT], valid_until__lt=today)
    by_state = {
        "credited": invoice & credited,
        "paid": invoice & ~credited & paid,
        "overdue": invoice & ~credited & ~paid & overdue,
        "partially_paid": invoice & ~credited & ~paid & ~overdue & partly,
        "expired": expired,
    }
    if state in by_state:
        return documents.filter(by_state[state])
    if state in Status.values:
        moved = invoice & (credited | paid | overdue | partly)
        return documents.filter(Q(status=state) & ~moved & ~expired)
    return documents


def balanced(document):
    """The document with `paid` and `credited`, read now if it has not been annotated."""
    if not hasattr(document, "paid"):
        document.paid, document.credited = (
            with_balances(Document.objects.filter(pk=document.pk))
            .values_list("paid", "credited")
            .get()
        )
    return document


def outstanding(document):
    """What an issued invoice still asks for (never below zero)."""
    document = balanced(document)
    return max(ZERO, document.amount_due - document.credited - document.paid)


def state_of(document, today=None):
    """The status a user would say the document has (a key of STATES)."""
    today = today or timezone.localdate()
    if document.kind == Kind.INVOICE and not document.is_draft:
        document = balanced(document)
        if document.credited >= document.amount_due > 0:
            return "credited"
        if outstanding(document) <= 0:
            return "paid"
        if document.due_date and document.due_date < today:
            return "overdue"
        if document.paid > 0:
            return "partially_paid"
    if document.kind == Kind.QUOTE and document.status in (Status.ISSUED, Status.SENT):
        if document.valid_until and document.valid_until < today:
            return "expired"
    return document.status


def refundable(credit_note):
    """What the client should still get back for a credit note: the part of it their
    invoice's payments already covered, less the refunds allocated to it."""
    invoice = credit_note.corrects
    if credit_note.kind != Kind.CREDIT_NOTE or credit_note.is_draft or invoice is None:
        return ZERO
    invoice = balanced(Document.objects.get(pk=invoice.pk))
    excess = min(invoice.credited, max(ZERO, invoice.paid + invoice.credited - invoice.amount_due))
    # The excess goes to the latest credit notes first: those came after the payment.
    notes = (
        Document.objects.filter(corrects=invoice)
        .exclude(status=Status.DRAFT)
        .order_by("-issued_at", "-pk")
        .values_list("pk", "amount_due")
    )
    share = ZERO
    for pk, total in notes:
        part = min(total, excess)
        excess -= part
        if pk == credit_note.pk:
            share = part
            break
    refunded = credit_note.allocations.aggregate(total=Sum("amount"))["total"] or ZERO
    return max(ZERO, share - refunded)


def open_amount(document):
    """What a document still asks: an invoice's outstanding, a credit note's refund."""
    return refundable(document) if document.kind == Kind.CREDIT_NOTE else outstanding(document)


def client_credit(client, currency):
    """What the client paid beyond their invoices and was not refunded, in one currency."""
    payments = Payment.objects.filter(client=client, currency=currency)
    totals = payments.aggregate(
        received=Sum("amount", filter=Q(direction=RECEIVED), default=ZERO),
        refunded=Sum("amount", filter=Q(direction=REFUNDED), default=ZERO),
    )
    allocated = Allocation.objects.filter(payment__in=payments).aggregate(
        received=Sum("amount", filter=Q(payment__direction=RECEIVED), default=ZERO),
        refunded=Sum("amount", filter=Q(payment__direction=REFUNDED), default=ZERO),
    )
    unrefunded = totals["refunded"] - allocated["refunded"]
    return max(ZERO, totals["received"] - allocated["received"] - unrefunded)
