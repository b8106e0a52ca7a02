"""Every document as one plain row, for `patron invoice list` and its `--json` (a stable
format that scripts read): amounts as strings, the status a user would say it has (with
payments: partially_paid, paid, overdue, credited)."""

from django.utils import timezone

from patron.billing.models import Document, Kind
from patron.billing.payments.ledger import open_amount, state_of, with_balances

JSON_KINDS = {
    Kind.QUOTE: "quote",
    Kind.INVOICE: "invoice",
    Kind.CREDIT_NOTE: "credit_note",
    Kind.PROFORMA: "proforma",
}


def due(document):
    if document.kind == Kind.INVOICE and not document.is_draft:
        return open_amount(document)
    return document.amount_due


def rows(documents=None, today=None):
    today = today or timezone.localdate()
    documents = with_balances(
        (Document.objects.all() if documents is None else documents).select_related("client")
    )
    for document in documents.order_by("kind", "issue_date", "sequence_number", "pk"):
        yield {
            "number": document.number,
            "kind": JSON_KINDS[document.kind],
            "status": state_of(document, today),
            "issue_date": document.issue_date.isoformat() if document.issue_date else None,
            "due_date": document.due_date.isoformat() if document.due_date else None,
            "client": document.client.display_name,
            "currency": document.currency,
            "total_excl_vat": f"{document.total_excl_vat:.2f}",
            "total_vat": f"{document.total_vat:.2f}",
            "total_incl_vat": f"{document.total_incl_vat:.2f}",
            # What is still to pay: an issued invoice's balance after payments and credit
            # notes; what a draft or any other document asks.
            "amount_due": f"{due(document):.2f}",
        }
