from django_tasks import task

from patron.billing.einvoice.rendering import do_store_renderings
from patron.billing.einvoice.validation.documents import do_check_if_unchecked
from patron.billing.models import Document


@task()
def render_document(document_id):
    """Render and store the PDF and XML files of an issued document, then check them
    against EN 16931 and Peppol. Idempotent: what is already stored is kept, what is
    missing is rendered, a verdict that still holds is not reached again."""
    document = Document.objects.filter(pk=document_id, sequence__isnull=False).first()
    if document is None:
        return []
    made = [str(fmt) for fmt in do_store_renderings(document)]
    do_check_if_unchecked(document)  # the verdict the document page shows
    return made


@task()
def send_reminders():
    """The daily reminders of overdue invoices (reminders.py): idempotent per invoice and step."""
    from patron.billing.reminders.dunning import run

    result = run()
    return {"written": result.written, "sent": result.sent, "failed": result.failed}


@task()
def deliver_reminder(reminder_id):
    """Send one queued reminder (one sent again by the user): once, whoever runs it."""
    from patron.billing.reminders.dunning import deliver

    return deliver(reminder_id)


@task()
def create_recurring_invoices():
    """The invoices of retainers whose period has come (recurring.py): once per period."""
    from patron.billing.recurring.runs import run

    return len(run())


@task()
def build_accountant_archive(archive_id):
    """Build the accountant's ZIP of a period into the data folder (archive.py): once,
    whoever runs it."""
    from patron.billing.books.archive import build

    return build(archive_id)
