from django_tasks import task

from patron.billing.models import Document
from patron.billing.rendering import do_store_renderings


@task()
def render_document(document_id):
    """Render and store the PDF and XML files of an issued document. Idempotent: what is
    already stored is kept, what is missing is rendered."""
    document = Document.objects.filter(pk=document_id, sequence__isnull=False).first()
    if document is None:
        return []
    return [str(fmt) for fmt in do_store_renderings(document)]
