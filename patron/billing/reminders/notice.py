"""The formal notice as a PDF letter in the brand kit: the seller's letterhead, the client's
address, the invoice, what is owed with the interest and the indemnity computed, and the
notice's text. Rendered from the reminder's row only, so the same row gives the same bytes."""

import hashlib
from datetime import UTC

from babel.numbers import format_currency
from django.template.loader import render_to_string
from django.utils import translation

from patron.billing.einvoice.pdf import Formats, brand, identity
from patron.billing.models import StepKind
from patron.business.profile import get_business
from patron.system.pdf import write_pdf


def letter_context(reminder, business):
    document = reminder.document
    fmt = Formats(document)
    return {
        "language": document.language,
        "brand": brand(business),
        "seller": identity(document.seller, fmt, seller=True),
        "buyer": identity(document.buyer, fmt, seller=False),
        "date": fmt.date(reminder.created_at.date()),
        "number": document.number,
        "issue_date": fmt.date(document.issue_date),
        "due_date": fmt.date(document.due_date),
        "days_late": reminder.days_late,
        "outstanding": fmt.money(reminder.outstanding),
        "interest": fmt.money(reminder.interest),
        "rate": fmt.percent(reminder.interest_rate) if reminder.interest_rate else "",
        # The indemnity is set in euros by both laws, whatever the invoice's currency.
        "indemnity": format_currency(reminder.indemnity, "EUR", locale=fmt.locale)
        if reminder.indemnity
        else "",
        "total": fmt.money(reminder.outstanding + reminder.interest + reminder.indemnity),
        "reference": document.structured_reference,
        "iban": document.seller.get("iban", ""),
        "body": reminder.body,
    }


def letter_html(reminder, business=None):
    business = business if business is not None else get_business()
    with translation.override(reminder.document.language):
        return render_to_string("billing/pdf/notice.html", letter_context(reminder, business))


def letter_pdf(reminder):
    assert reminder.step == StepKind.NOTICE
    business = get_business()
    created = reminder.created_at.astimezone(UTC).replace(microsecond=0)
    identifier = hashlib.sha256(f"notice:{reminder.pk}:{created}".encode()).digest()[:16]
    css = (brand(business)["css"], render_to_string("billing/pdf/notice.css"))
    return write_pdf(
        letter_html(reminder, business), created=created, identifier=identifier, stylesheets=css
    )
