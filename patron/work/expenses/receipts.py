"""Checking an uploaded receipt: by its content, never its name or declared type.

A receipt is a PDF, a PNG or a JPEG. Images are decoded and re-encoded by
Pillow, which drops whatever rides along (metadata, an appended archive). A
PDF is kept as it is, but only when it looks like nothing else to a browser
or an unzipper: it must start with `%PDF-`, carry no HTML in its first bytes
(what browsers sniff) and end at its last `%%EOF` (a ZIP appended after it
would make a polyglot). Whatever the name, the file is stored under a random
one in receipts/.
"""

import re
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from patron.system.uploads import reencode_image

MAX_RECEIPT_BYTES = 10 * 1024 * 1024
# An A4 page scanned at 600 dpi is about 35 million pixels.
MAX_RECEIPT_PIXELS = 40_000_000

# XML: the original of a supplier's e-invoice (supplier_invoices.py), always a download.
RECEIPT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "xml": "application/xml",
}
# What makes a browser that sniffs the first bytes take a file for a page.
HTML_MARKERS = re.compile(
    rb"<\s*(!doctype|html|head|body|script|iframe|svg|img|a\s|style|object|embed|\?xml)",
    re.IGNORECASE,
)
PDF_END = re.compile(rb"%%EOF\s*\Z")


def refuse(message, **params):
    raise ValidationError(message, code="invalid", params=params)


def check_receipt(upload):
    """A ContentFile, with a random name, of the checked receipt; or a ValidationError."""
    if upload.size > MAX_RECEIPT_BYTES:
        refuse(
            _("The receipt is %(size)s MB; the limit is 10 MB."),
            size=number_format(upload.size / 1024 / 1024, 1, use_l10n=True),
        )
    if upload.size == 0:
        refuse(_("The receipt file is empty."))
    upload.seek(0)
    data = upload.read(MAX_RECEIPT_BYTES + 1)
    if data.startswith(b"%PDF-"):
        content, ext = check_pdf(data), "pdf"
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        content, ext = reencode(data, "PNG"), "png"
    elif data.startswith(b"\xff\xd8\xff"):
        content, ext = reencode(data, "JPEG"), "jpg"
    else:
        refuse(
            _(
                "A receipt must be a PDF, PNG or JPEG file; this file is something else "
                "(whatever its name says)."
            )
        )
    return ContentFile(content, name=f"{uuid.uuid4().hex}.{ext}")


def check_pdf(data):
    if HTML_MARKERS.search(data[:1024]):
        refuse(
            _("The PDF carries HTML in its first bytes, which a browser could run: it is refused.")
        )
    if not PDF_END.search(data[-1024:]):
        refuse(
            _(
                "The PDF is cut short or has something appended after its end: it is refused. "
                "Save or print it to PDF again."
            )
        )
    return data


def reencode(data, fmt):
    return reencode_image(
        data,
        fmt,
        max_pixels=MAX_RECEIPT_PIXELS,
        too_large=_("The image is %(width)s × %(height)s pixels; a receipt needs far fewer."),
        bomb=_("The image claims too many pixels for a receipt: it is refused."),
    )


def receipt_content_type(name):
    """The content type to serve a stored receipt with, or None when the name is not ours."""
    return RECEIPT_TYPES.get(name.rsplit(".", 1)[-1]) if "." in name else None
