"""The files of an issued document: rendered once after issuing, stored, served as stored.

An invoice or a credit note has three: the Factur-X PDF (with its CII inside), the CII XML
on its own, and the UBL XML for Peppol (when both parties have a Peppol address; a private
client has none). A quote or a pro-forma has its PDF only. Rendering is deterministic (the
same document gives the same bytes), so a file lost from the disk is rendered again and
comes back identical, unless the brand kit changed meanwhile, which the PDF shows.

Issuing stays short: do_issue only enqueues render_document (tasks.py) once its
transaction commits; a download that finds nothing stored renders on the spot.

Files live in the media folder under documents/<year>/, which `patron backup` saves.
"""

import hashlib
import logging
import re

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from patron.billing.einvoice.facturx import cii_xml, facturx_pdf
from patron.billing.einvoice.ubl import peppol_ready, ubl_xml
from patron.billing.models import Kind, Rendering

logger = logging.getLogger(__name__)

PDF, CII, UBL = Rendering.Format.PDF, Rendering.Format.CII, Rendering.Format.UBL
SUFFIX = {PDF: ".pdf", CII: "-cii.xml", UBL: "-ubl.xml"}
MIMETYPE = {PDF: "application/pdf", CII: "application/xml", UBL: "application/xml"}
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class NotRendered(ValueError):
    """The document has no such rendering (a draft, a quote's XML, a private client's UBL)."""


def formats_of(document):
    """The renderings an issued document has, in the order they are made."""
    if document.is_draft:
        return []
    if document.kind not in (Kind.INVOICE, Kind.CREDIT_NOTE):
        return [PDF]
    return [CII, PDF, UBL] if peppol_ready(document) else [CII, PDF]


def filename(document, fmt):
    return UNSAFE.sub("-", document.number).strip("-") + SUFFIX[fmt]


def render(document, fmt, cii=None):
    """The bytes of one rendering, made now."""
    if fmt == CII:
        return cii_xml(document)
    if fmt == UBL:
        return ubl_xml(document)
    return facturx_pdf(document, cii)


def stored(document, fmt):
    """The stored bytes of a rendering, or None when there is none or its file is gone."""
    rendering = Rendering.objects.filter(document=document, format=fmt).first()
    if rendering is None or not rendering.file.storage.exists(rendering.file.name):
        return None
    with rendering.file.open("rb") as f:
        return f.read()


def do_store(document, fmt, data):
    """Write a rendering's file and record it; a rendering whose file was lost gets the new
    one. Two workers storing the same rendering at once keep the first."""
    digest = hashlib.sha256(data).hexdigest()
    name = f"{document.issue_date.year}/{filename(document, fmt)}"  # under upload_to: documents/
    rendering = Rendering.objects.filter(document=document, format=fmt).first()
    if rendering is not None and rendering.sha256 != digest:
        logger.warning(
            "%s: the %s rendered again differs from the one first stored (sha256 %s, now %s)",
            document.number,
            fmt,
            rendering.sha256,
            digest,
        )
    new = Rendering(document=document, format=fmt, sha256=digest, size=len(data))
    new.file.save(name, ContentFile(data), save=False)
    try:
        with transaction.atomic():
            if rendering is None:
                new.save()
            else:
                Rendering.objects.filter(pk=rendering.pk).update(
                    file=new.file.name, sha256=digest, size=len(data)
                )
    except IntegrityError:
        new.file.storage.delete(new.file.name)


def do_store_renderings(document):
    """Render and store whatever the document lacks; the formats rendered. Idempotent."""
    made = []
    cii = None
    for fmt in formats_of(document):
        data = stored(document, fmt)
        if data is None:
            data = render(document, fmt, cii)
            do_store(document, fmt, data)
            made.append(fmt)
        if fmt == CII:
            cii = data
    return made


def rendering(document, fmt):
    """(filename, mimetype, bytes) of a rendering: the stored one, else rendered and stored."""
    if fmt not in formats_of(document):
        raise NotRendered(f"{document.number or 'draft'} has no {fmt} rendering.")
    data = stored(document, fmt)
    if data is None:
        cii = None
        if fmt == PDF and CII in formats_of(document):
            cii = stored(document, CII)
            if cii is None:
                cii = render(document, CII)
                do_store(document, CII, cii)
        data = render(document, fmt, cii)
        do_store(document, fmt, data)
    return filename(document, fmt), MIMETYPE[fmt], data


def download(document, fmt):
    """An attachment response with a rendering; Http404 when the document has none."""
    from django.http import Http404, HttpResponse

    try:
        name, mimetype, data = rendering(document, fmt)
    except NotRendered:
        raise Http404 from None
    response = HttpResponse(data, content_type=mimetype)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
