"""A Factur-X / ZUGFeRD PDF: the invoice XML it carries, and what the PDF declares about it.

Factur-X 1.0 (§6) asks the PDF/A-3 to say what it is in its XMP metadata (pdfaid:part 3 and
the fx: extension schema with the conformance level and the attachment's file name), and to
attach the XML as factur-x.xml with AFRelationship Data, Source or Alternative, listed in the
catalogue's /AF array. These are declarations only: whether the rest of the PDF really is
PDF/A-3 needs veraPDF, which this does not replace.
"""

import io
import logging
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from lxml import etree

from patron.billing.einvoice.validation.rules import Finding
from patron.system.untrusted_xml import DECLARATIONS, head_text, xml_parser

# The names Factur-X, ZUGFeRD 2, XRechnung and ZUGFeRD 1 give the XML, in that order.
XML_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml")
RELATIONSHIPS = ("/Data", "/Source", "/Alternative")
PDFA_ID = "http://www.aiim.org/pdfa/ns/id/"


@dataclass
class Embedded:
    xml: bytes | None = None
    name: str = ""
    level: str = ""  # fx:ConformanceLevel: MINIMUM, BASIC WL, BASIC, EN 16931, EXTENDED…
    findings: list = field(default_factory=list)

    def refuse(self, rule, message):
        self.findings.append(Finding(rule, "fatal", message, "", "PDF"))


def xmp_values(packet):
    """{local name: value} of the XMP properties Factur-X asks for, written as elements or
    as attributes; {} when the packet is missing or unreadable."""
    if not packet or DECLARATIONS.search(head_text(packet)):
        return {}
    try:
        root = etree.fromstring(packet.strip(), parser=xml_parser())
    except etree.XMLSyntaxError:
        return {}
    values = {}
    for element in root.iter(etree.Element):
        for key, value in [(element.tag, element.text), *element.attrib.items()]:
            name = etree.QName(key)
            if name.namespace == PDFA_ID and name.localname in ("part", "conformance"):
                values.setdefault("pdfa_" + name.localname, (value or "").strip())
            elif name.localname in ("ConformanceLevel", "DocumentFileName", "DocumentType"):
                values.setdefault(name.localname, (value or "").strip())
    return values


def embedded_invoice(data):
    """The invoice XML inside the PDF `data`, and what is wrong with how it is declared."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # pypdf reports what it repairs in a damaged PDF through logging: not the user's concern.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    found = Embedded()
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            found.refuse("PDF", _("The PDF is encrypted: the invoice in it cannot be read."))
            return found
        catalogue = reader.trailer["/Root"]
        metadata = catalogue.get("/Metadata")
        xmp = xmp_values(metadata.get_object().get_data() if metadata is not None else b"")
        attachments = {a.name: a for a in reader.attachment_list}
        listed = [entry.get_object() for entry in catalogue.get("/AF", [])]
        name = next(
            (n for wanted in XML_NAMES for n in attachments if n.strip().casefold() == wanted),
            None,
        )
        if name is not None:
            attachment = attachments[name]
            found.name, found.xml = name, attachment.content
            relationship = str(attachment.pdf_object.get("/AFRelationship", "/Unspecified"))
            in_catalogue = any(spec is attachment.pdf_object for spec in listed)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        found.refuse("PDF", _("The PDF cannot be read: it is damaged or not a PDF."))
        return found
    found.level = xmp.get("ConformanceLevel", "")
    if xmp.get("pdfa_part") != "3":
        found.refuse(
            "PDF-A3",
            _("The PDF's metadata does not declare PDF/A-3 (pdfaid:part: %(part)s).")
            % {"part": xmp.get("pdfa_part") or _("missing")},
        )
    if not found.level:
        found.refuse(
            "FX-XMP",
            _("The PDF's metadata lacks the Factur-X extension schema (fx:ConformanceLevel)."),
        )
    if name is None:
        others = ", ".join(sorted(attachments))
        found.refuse(
            "FX-ATTACH",
            _("The PDF carries no factur-x.xml (its attachments: %(names)s).") % {"names": others}
            if others
            else _("The PDF carries no factur-x.xml, nor any attachment."),
        )
        return found
    if relationship not in RELATIONSHIPS:
        found.refuse(
            "PDF-AF",
            _(
                "%(name)s is attached with AFRelationship %(value)s; Factur-X wants Data, Source "
                "or Alternative."
            )
            % {"name": name, "value": relationship.lstrip("/")},
        )
    if not in_catalogue:
        found.refuse(
            "PDF-AF",
            _("%(name)s is not listed in the catalogue's /AF array.") % {"name": name},
        )
    file_name = xmp.get("DocumentFileName")
    if file_name and file_name != name:
        found.refuse(
            "FX-XMP",
            _("The metadata names the attachment %(declared)s, but it is %(name)s.")
            % {"declared": file_name, "name": name},
        )
    return found
