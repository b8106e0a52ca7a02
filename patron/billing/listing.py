"""Every document as one plain row, for `patron invoice list` and its `--json` (a stable
format that scripts read): amounts as strings, the status a user would say it has."""

from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from patron.billing.models import Document, Kind, Status

JSON_KINDS = {
    Kind.QUOTE: "quote",
    Kind.INVOICE: "invoice",
    Kind.CREDIT_NOTE: "credit_note",
    Kind.PROFORMA: "proforma",
}


def status_of(document, credited, today):
    """The stored status, with what time and credit notes add: overdue, expired, credited."""
    if document.kind == Kind.INVOICE and not document.is_draft:
        if credited >= document.total_incl_vat > 0:
            return "credited"
        if document.due_date and document.due_date < today and document.amount_due > 0:
            return "overdue"
    if document.kind == Kind.QUOTE and document.status in (Status.ISSUED, Status.SENT):
        if document.valid_until and document.valid_until < today:
            return "expired"
    return document.status


def rows(documents=None, today=None):
    today = today or timezone.localdate()
    documents = (
        (Document.objects.all() if documents is None else documents)
        .select_related("client")
        .annotate(
            credited=Sum(
                "credit_notes__total_incl_vat", filter=~Q(credit_notes__status=Status.DRAFT)
            )
        )
    )
    for document in documents.order_by("kind", "issue_date", "sequence_number", "pk"):
        yield {
            "number": document.number,
            "kind": JSON_KINDS[document.kind],
            "status": status_of(document, document.credited or Decimal(0), today),
            "issue_date": document.issue_date.isoformat() if document.issue_date else None,
            "due_date": document.due_date.isoformat() if document.due_date else None,
            "client": document.client.display_name,
            "currency": document.currency,
            "total_excl_vat": f"{document.total_excl_vat:.2f}",
            "total_vat": f"{document.total_vat:.2f}",
            "total_incl_vat": f"{document.total_incl_vat:.2f}",
            "amount_due": f"{document.amount_due:.2f}",
        }
