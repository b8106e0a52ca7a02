import time
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from patron.accounts.throttling import prune_failures


@task()
def send_email(subject, body, recipients):
    """Send a plain-text email from Patron's address. Mail leaves only through here,
    so that no request waits for an SMTP server (or tells by its timing what it sent)."""
    return send_mail(subject, body, None, recipients)


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
