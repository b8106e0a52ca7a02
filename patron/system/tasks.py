import time
from pathlib import Path

from django.conf import settings
from django_tasks import task

from patron.accounts.throttling import prune_failures


@task()
def send_email(subject, body, recipients):
    """Put a plain-text email in the outbox (tasks queued before the outbox existed still
    name this one); `mail.queue_email` is what the code calls."""
    from patron.system.mail import queue_email

    return len(queue_email(subject, body, recipients))


@task()
def deliver_email(email_id):
    """Send one email of the outbox, once (outbox.py). Mail leaves only from the worker, so
    that no request waits for an SMTP server (or tells by its timing what it sent)."""
    from django.core.mail import EmailMessage

    from patron.system import outbox
    from patron.system.mail import connection, sender
    from patron.system.models import Email

    def compose(email):
        return EmailMessage(
            email.subject, email.body, sender(), [email.to], connection=connection()
        )

    return outbox.deliver(Email, email_id, compose)


@task()
def send_test_email(recipient):
    """A test message through the mail server set under Settings."""
    from django.core.mail import EmailMessage
    from django.utils.translation import gettext as _

    from patron.system.mail import connection, sender

    message = EmailMessage(
        _("Patron: test message"),
        _("Your mail server works: Patron can send your quotes and invoices."),
        sender(),
        [recipient],
        connection=connection(),
    )
    return message.send()


@task()
def prune_import_uploads(max_age_hours=24):
    """Delete files waiting between an import's preview and its confirmation once
    they are older than a day: an abandoned preview must not keep data forever."""
    folder = Path(settings.DATA_DIR) / "imports"
    cutoff = time.time() - max_age_hours * 3600
    removed = 0
    for path in folder.glob("*.upload") if folder.is_dir() else ():
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


@task()
def prune_login_failures():
    """Forget failed logins older than the throttling window. Idempotent."""
    return prune_failures()
