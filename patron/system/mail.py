"""Where mail leaves from: the server set under Settings, unless the environment sets one.

`PATRON_EMAIL_HOST` (and its siblings, see settings.py) win when present: an install
configured by its administrator keeps that configuration whatever is typed in the page.
"""

import os

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.template.loader import render_to_string

from patron.system.models import Email, MailServer

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def from_environment():
    return bool(os.environ.get("PATRON_EMAIL_HOST") or os.environ.get("PATRON_EMAIL_BACKEND"))


def mail_server():
    return None if from_environment() else MailServer.objects.first()


def connection():
    """An SMTP connection to the server set under Settings, else Django's configured one."""
    server = mail_server()
    if server is None:
        return get_connection()
    return get_connection(
        SMTP,
        host=server.host,
        port=server.port,
        username=server.username or None,
        password=server.password or None,
        use_tls=server.security == MailServer.Security.STARTTLS,
        use_ssl=server.security == MailServer.Security.SSL,
        timeout=settings.EMAIL_TIMEOUT,
    )


def sender():
    server = mail_server()
    return server.from_address if server else settings.DEFAULT_FROM_EMAIL


def render_text(template_name, context):
    """A plain-text template (an email's body or subject) rendered as plain text.

    Such templates turn autoescape off, as mail must; but Django marks whatever a
    template renders as safe HTML, and the first page to show that text (the textarea
    where the owner edits an email before it goes) would then draw the client's name,
    or anything else typed by someone else, as markup. The copy returned is an
    ordinary string: pages escape it like any other.
    """
    return str.__str__(render_to_string(template_name, context))


def queue_email(subject, body, recipients):
    """Put a plain-text email to each recipient in the outbox; the worker sends them once
    the caller's transaction commits (patron/system/tasks.py: deliver_email)."""
    from patron.system.tasks import deliver_email

    subject = " ".join(str(subject).split())[:200]
    with transaction.atomic():
        emails = [Email.objects.create(to=to, subject=subject, body=body) for to in recipients]
        for email in emails:
            transaction.on_commit(lambda pk=email.pk: deliver_email.enqueue(pk))
    return emails
