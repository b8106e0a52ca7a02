"""The formal notice as a PDF letter in the brand kit: the seller's letterhead, the client's
address, the invoice, what is owed with the interest and the indemnity computed, and the
notice's text. Drawn by Typst (billing/pdf/notice.typ) from the reminder's row only, so the
same row gives the same bytes."""

import re
from datetime import UTC

from babel.numbers import format_currency
from django.utils import translation
from django.utils.translation import gettext as _

from patron.billing.einvoice.pdf import TEMPLATES, Formats, brand, identity
from patron.billing.models import StepKind
from patron.business.profile import get_business
from patron.system.pdf import template, typeset

PARAGRAPHS = re.compile(r"\n\s*\n")


def letter_data(reminder, business):
    """What the letter shows, every string formatted in the invoice's language."""
    document = reminder.document
    fmt = Formats(document)
    seller = identity(document.seller, fmt, seller=True)
    buyer = identity(document.buyer, fmt, seller=False)
    look = brand(business)
    claim = [(_("Still to pay on the invoice"), fmt.money(reminder.outstanding))]
    if reminder.interest_rate:
        label = _("Late-payment interest at %(rate)s a year for %(days_late)s days") % {
            "rate": fmt.percent(reminder.interest_rate),
            "days_late": reminder.days_late,
        }
        claim.append((label, fmt.money(reminder.interest)))
    if reminder.indemnity:
        # The indemnity is set in euros by both laws, whatever the invoice's currency.
        indemnity = format_currency(reminder.indemnity, "EUR", locale=fmt.locale)
        claim.append((_("Fixed indemnity for recovery costs"), indemnity))
    total = reminder.outstanding + reminder.interest + reminder.indemnity
    claim.append((_("Total claimed"), fmt.money(total)))
    pay = ""
    if document.seller.get("iban"):
        pay = f"{_('Pay to')} IBAN {document.seller['iban']}"
        if document.structured_reference:
            pay += f" · {_('Structured communication')} {document.structured_reference}"
    footer = " · ".join(seller["names"]) + " · " + ", ".join(seller["address"])
    footer += "".join(f" · {label} {value}" for label, value in seller["numbers"])
    body = reminder.body.replace("\r\n", "\n").strip()
    return {
        "document_title": f"{_('Formal notice')} {document.number}",
        "author": seller["names"][-1] if seller["names"] else "",
        "lang": document.language.split("-")[0],
        "region": (document.seller.get("country") or "").upper() or None,
        "brand": {
            "primary": look["primary"],
            "accent": look["accent"],
            "fonts": look["fonts"],
            "name": seller["names"][0] if seller["names"] else "",
        },
        "footer": footer,
        "sender": seller["address"] + seller["contact"],
        "recipient": buyer["names"] + buyer["address"],
        "date": fmt.date(reminder.created_at.date()),
        "title": _("Formal notice"),
        "subject": _(
            "Invoice %(number)s of %(issue_date)s, due on %(due_date)s: %(days_late)s days late"
        )
        % {
            "number": document.number,
            "issue_date": fmt.date(document.issue_date),
            "due_date": fmt.date(document.due_date),
            "days_late": reminder.days_late,
        },
        "claim": claim,
        "body": [paragraph for paragraph in PARAGRAPHS.split(body) if paragraph.strip()],
        "pay": pay,
    }, look


def letter_pdf(reminder):
    """The letter of a formal notice, a PDF/A-3b dated when the notice was written."""
    assert reminder.step == StepKind.NOTICE
    with translation.override(reminder.document.language):
        data, look = letter_data(reminder, get_business())
    return typeset(
        template(TEMPLATES / "brand.typ", TEMPLATES / "notice.typ"),
        data,
        created=reminder.created_at.astimezone(UTC).replace(microsecond=0),
        typefaces=look["typefaces"],
        logo=look["logo"],
    )
