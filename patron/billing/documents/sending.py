"""Sending a document by email: the client's language, the portal link in the body, the text
editable per send; queued by the page and sent once by the worker, even if it restarts, and
sent again if the worker dies on the way (patron/system/outbox.py)."""

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from patron.audit.log import record
from patron.billing.einvoice.rendering import formats_of, rendering
from patron.billing.models import Document, Sending, Status
from patron.portal.links import create_link, portal_path
from patron.system import outbox
from patron.system.mail import connection, render_text, sender

LINK = "{link}"
MAX_BODY = 10_000  # characters a message's text may have (the portal link is added to it)


def default_message(document):
    """The subject and body a send starts from, in the document's language."""
    seller = document.seller.get("trading_name") or document.seller.get("legal_name", "")
    with override(document.language):
        subject = _("%(kind)s %(number)s from %(seller)s") % {
            "kind": document.get_kind_display(),
            "number": document.number,
            "seller": seller,
        }
        body = render_text(
            "billing/email_body.txt", {"document": document, "seller": seller, "link": LINK}
        )
    return subject, body


def do_send(user, document, *, to, subject, body, base_url):
    """Queue the email; the worker sends it after the commit (see deliver)."""
    if document.is_draft:
        raise ValidationError(_("Issue the document before sending it."))
    try:
        validate_email(to)
    except ValidationError:
        raise ValidationError(_("“%(to)s” is not an email address.") % {"to": to[:100]}) from None
    subject = " ".join(subject.split())[:200]
    if not subject or not body.strip():
        raise ValidationError(_("Give the email a subject and a text."))
    if len(body) > MAX_BODY:
        raise ValidationError(
            _("The text is too long: %(max)s characters at most.") % {"max": MAX_BODY}
        )
    with transaction.atomic():
        url = base_url.rstrip("/") + portal_path(create_link(document))
        body = body.replace(LINK, url) if LINK in body else f"{body.rstrip()}\n\n{url}\n"
        sending = Sending.objects.create(document=document, to=to, subject=subject, body=body)
        record(user, "send", document, {"to": to})
        transaction.on_commit(lambda: deliver.enqueue(sending.pk))
    return sending


def attachments(document):
    """(file name, content, type) of what travels with the email: the PDF (Factur-X for an
    invoice or credit note) and, for those, the XML, as stored (rendered if missing)."""
    files = (rendering(document, fmt) for fmt in formats_of(document))
    return [(name, data, mimetype) for name, mimetype, data in files]


@task()
def deliver(sending_id):
    """Send one queued email, once: claimed first, in its own transaction, so a worker that
    restarts never sends it twice; one killed mid-send leaves it "sending" until the workers
    send it again, with the same Message-ID (patron/system/outbox.py)."""
    outcome = outbox.deliver(Sending, sending_id, compose)
    if outcome == "sent":
        document = Document.objects.get(sendings=sending_id)
        if document.status == Status.ISSUED:
            document.status = Status.SENT
            document.save(update_fields=["status", "updated_at"])
    return outcome


def compose(sending):
    message = EmailMessage(
        sending.subject, sending.body, sender(), [sending.to], connection=connection()
    )
    for name, content, mime in attachments(Document.objects.get(pk=sending.document_id)):
        message.attach(name, content, mime)
    return message


def do_send_again(user, sending):
    """Queue a failed or interrupted email again, as it was written and with the Message-ID
    it had: a copy that did leave is shown once by the client's mail program."""
    with transaction.atomic():
        if not outbox.requeue(sending):
            raise ValidationError(
                _("Only an email that failed or was interrupted can be sent again.")
            )
        record(user, "send again", sending.document, {"to": sending.to})
        transaction.on_commit(lambda: deliver.enqueue(sending.pk))
