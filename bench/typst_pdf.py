"""The Typst trial of issue 13: the Factur-X PDF of an issued document drawn by Typst (the
`typst` package) instead of WeasyPrint, for bench/invoices.py to compare the two and
bench/typst_scenarios.py to check it on every scenario the PDF tests render.

Same content as the WeasyPrint path: what is shown comes from
patron.billing.einvoice.pdf.document_context() (the same labels, mentions and formatted
amounts, in the document's language), reshaped into JSON for bench/typst/document.typ, whose
strings Typst only ever shows as text. Typst writes the PDF/A-3b with factur-x.xml attached
(AFRelationship Data), tagged, with its own XMP; the Factur-X extension schema and level are
added to that XMP with pikepdf. Fonts: Patron's full fonts only (static/vendor/fonts/full),
the host's and Typst's own left out. Files: the media folder only (the logo).

Not used by the application. The decision, December 2026 (issue 13):

- Speed: on the same 15-line, two-page invoices, alternated A/B in one run on one core of a
  loaded 2-core machine (load 11 to 14), three runs of 60 to 100 invoices: WeasyPrint 725
  to 1,436 ms and Typst 161 to 319 ms (medians), Typst 4.50, 4.51 and 4.83 times faster
  (bench/invoices.py --typst); WeasyPrint took about 420 ms on a quiet machine. Of Typst's time, about 30 to
  50 ms is document_context() (babel's formatting, the same for both engines) and 10 to
  30 ms pikepdf; pypdf's incremental update instead cost 50 to 450 ms.
- Looks: pages compared as PNG (pdftoppm -r 80) on every scenario: the same layout, colours
  and fonts; Typst's lines are a little tighter (two 2-page invoices fit on one page).
- Validity: the 27 documents of the 18 scenarios pass Patron's validator and the independent
  one (PDF/A-3b, EN 16931, factur-x.xml once in /AF, AFRelationship Data); the same words
  as WeasyPrint's (pdftotext), subset fonts, all Patron's; Typst's PDF is tagged (accessible)
  where WeasyPrint's is not, and about twice as large (68 against 29 kB).
- Gaps found and closed in the trial: Typst refuses (PDF/A) a character no font has, where
  WeasyPrint draws an empty box (drawn() does the same); it lets an unbreakable word run
  over the next columns (breakable() in brand.typ); spaces are not collapsed.
- Not adopted in this round: it meets the bar (over 3 times faster, looks as good,
  validates), but the switch needs what the trial lacks: the reminder letter's template,
  quotes and pro-formas checked, the logo path checked, the no-fetch and same-bytes tests
  ported, typst and pikepdf as pinned dependencies of the application, and the whole PDF test
  set and the browser downloads run on it. Half an adoption on main would be worse than
  none: that is the next step, with these templates as its start.
"""

import json
import re
from functools import lru_cache
from io import BytesIO
from pathlib import Path

import pikepdf
import typst
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from fontTools.ttLib import TTFont

from patron.billing.einvoice.facturx import FACTURX_XMP, at_midnight, cii_xml
from patron.billing.einvoice.pdf import FALLBACK, PDF_FONTS, document_context
from patron.business.brand import TYPEFACES
from patron.business.models import Business
from patron.system.pdf import static_root

TEMPLATES = Path(__file__).resolve().parent / "typst"
SVG_WIDTH = re.compile(rb'width="(\d+(?:\.\d+)?)"')


@lru_cache(maxsize=1)
def source():
    return (
        (TEMPLATES / "brand.typ").read_text() + (TEMPLATES / "document.typ").read_text()
    ).encode()


@lru_cache(maxsize=1)
def fonts():
    """Patron's full fonts, loaded once a process; not the host's nor Typst's own."""
    return typst.Fonts(
        include_system_fonts=False,
        include_embedded_fonts=False,
        font_paths=[str(static_root() / PDF_FONTS)],
    )


@lru_cache(maxsize=4)
def compiler(root):
    """A compiler that reads files (the logo) from the media folder and nowhere else."""
    Path(root).mkdir(parents=True, exist_ok=True)
    return typst.Compiler(root=root, font_paths=fonts())


def typst_data(context, document):
    """document_context() reshaped for document.typ: every string already formatted."""
    c = context
    seller, words = c["seller"], c["words"]
    facts = [(_("Issue date"), c["issue_date"])]
    for label, value in (
        (_("Due date"), c["due_date"]),
        (_("Valid until"), c["valid_until"]),
        (_("Date of service"), c["period"]),
        (_("Your reference"), c["buyer_reference"]),
    ):
        if value:
            facts.append((label, value))
    footer = " · ".join(seller["names"]) + " · " + ", ".join(seller["address"])
    footer += "".join(f" · {label} {value}" for label, value in seller["numbers"])
    if c["payment"]:
        footer += f" · IBAN {c['payment']['iban']}"
    columns = [_("Description"), _("Quantity"), words["unit_price"]]
    columns += [_("Discount")] if c["has_discount"] else []
    columns += [_("VAT"), words["net"]]
    lines = [
        {
            "description": line["description"],
            "quantity": f"{line['quantity']} {line['unit']}".strip(),
            "unit_price": line["unit_price"],
            "discount": line["discount"],
            "vat": line["vat"],
            "net": line["net"],
        }
        for line in c["lines"]
    ]
    exchange = c["exchange"]
    headings = [_("VAT"), _("Taxable amount"), _("VAT amount")]
    headings += [_("VAT in euros")] if exchange else []
    rows = [
        [g["label"], g["taxable"], g["vat"]] + ([g["vat_eur"]] if exchange else [])
        for g in c["groups"]
    ]
    totals = []
    if c["adjustments"]:
        totals.append((_("Sum of the lines"), c["lines_total"]))
        if c["allowances"]:
            totals.append((_("Discounts"), c["allowances"]))
        if c["charges"]:
            totals.append((_("Charges"), c["charges"]))
    totals += [
        (words["excl_vat"], c["excl_vat"]),
        (_("VAT"), c["vat"]),
        (words["incl_vat"], c["incl_vat"]),
    ]
    if exchange:
        totals.append((_("VAT in euros"), exchange["vat"]))
    kind = document.kind
    if c["prepaid"]:
        label = (
            _("Deposit (not credited here)")
            if kind == "credit_note"
            else _("Already paid (deposit)")
        )
        totals.append((label, f"− {c['prepaid']}"))
    due_label = {"credit_note": _("Total credited"), "invoice": _("Amount due")}.get(kind)
    payment = None
    if c["payment"]:
        pay = c["payment"]
        pay_rows = [(_("Amount due"), c["due"])]
        if c["due_date"]:
            pay_rows.append((_("Due date"), c["due_date"]))
        pay_rows += [(_("Account holder"), pay["holder"]), ("IBAN", pay["iban"])]
        if pay["bic"]:
            pay_rows.append(("BIC", pay["bic"]))
        reference = _("Structured communication") if pay["structured"] else _("Payment reference")
        pay_rows.append((reference, pay["reference"]))
        qr = str(pay["qr"])
        width = SVG_WIDTH.search(qr.encode())
        payment = {
            "title": _("Payment"),
            "rows": pay_rows,
            "qr": qr,
            # CSS pixels, as WeasyPrint draws the inline SVG: 96 to the inch.
            "qr_size": float(width[1]) * 25.4 / 96 if width else 30,
            "scan": _("Scan to pay"),
        }
    brand = c["brand"]
    business = Business.objects.first()
    typeface = business.typeface if business and business.typeface in TYPEFACES else FALLBACK
    fonts = [TYPEFACES[typeface][0]] + ([TYPEFACES[FALLBACK][0]] if typeface != FALLBACK else [])
    logo = ""
    if business and business.logo and brand["logo"]:
        logo = "/" + business.logo.name
    language = document.language.split("-")[0]
    return {
        "document_title": f"{c['title']} {c['number']}",
        "title": c["title"],
        "author": seller["names"][-1] if seller["names"] else "",
        "lang": language,
        "region": (document.seller.get("country") or "").upper() or None,
        "brand": {
            "primary": primary_of(brand["css"]),
            "accent": accent_of(brand["css"]),
            "fonts": fonts,
            "logo": logo,
            "name": seller["names"][0] if seller["names"] else "",
        },
        "footer": footer,
        "number": c["number"],
        "facts": facts,
        "parties": [{"role": role, **party} for role, party in c["parties"]],
        "notices": [text for text in (c["corrects"], c["deducts"]) if text],
        "has_discount": c["has_discount"],
        "narrow_vat": c["narrow_vat"],
        "columns": columns,
        "lines": lines,
        "adjustments": {
            "title": _("Discounts and charges on the whole document"),
            "rows": c["adjustments"],
        }
        if c["adjustments"]
        else None,
        "vat": {"four": bool(exchange), "headings": headings, "rows": rows},
        "exchange": f"{_('Exchange rate')}: {exchange['rate']} ({exchange['source']})."
        if exchange
        else "",
        "totals": totals,
        "due": [due_label or _("Total"), c["due"]],
        "mentions": c["mentions"],
        "payment": payment,
        "payment_terms": c["payment_terms"],
        "notes": c["notes"],
        "terms": c["terms"],
    }


# What a character no font of the PDF has becomes: PDF/A forbids drawing the missing glyph
# (Typst refuses the document), where WeasyPrint draws it as an empty box; so does this.
MISSING = "\u25a1"


@lru_cache(maxsize=8)
def drawable(families):
    """The characters the fonts of these families can draw (every font of each folder)."""
    chars = set()
    for folder in (static_root() / PDF_FONTS).iterdir():
        if folder.is_dir() and TYPEFACES.get(folder.name, ("",))[0] in families:
            for path in folder.glob("*.ttf"):
                chars.update(map(chr, TTFont(path).getBestCmap()))
    return frozenset(chars)


def drawn(value, chars):
    """Every string in value with the characters no font draws replaced by MISSING."""
    if isinstance(value, str):
        return "".join(ch if ch in chars or ch in "\n\t" else MISSING for ch in value)
    if isinstance(value, dict):
        return {key: drawn(item, chars) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [drawn(item, chars) for item in value]
    return value


COLOUR = re.compile(r"--(primary|accent): (#[0-9a-fA-F]{6})")


def primary_of(css):
    return dict(COLOUR.findall(css))["primary"]


def accent_of(css):
    return dict(COLOUR.findall(css))["accent"]


ATTACH = b"""
#pdf.attach(
  "factur-x.xml",
  bytes(sys.inputs.xml),
  relationship: "data",
  mime-type: "text/xml",
  description: "Factur-X invoice (EN 16931)",
)
"""


def typst_pdf(document, cii=None):
    """The Factur-X PDF/A-3b (bytes) of an issued document, drawn by Typst."""
    business = Business.objects.first()
    with translation.override(document.language):
        data = typst_data(document_context(document, business), document)
        data = drawn(data, drawable(tuple(data["brand"]["fonts"])))
        inputs = {"data": json.dumps(data, default=str)}  # lazy labels (Kind) in its language
    src = source()
    invoice = document.kind in ("invoice", "credit_note")
    if invoice:
        cii = cii if cii is not None else cii_xml(document)
        inputs["xml"] = cii.decode()
        src += ATTACH
    pdf = compiler(str(Path(settings.MEDIA_ROOT).resolve())).compile(
        src,
        format="pdf",
        pdf_standards="a-3b",
        sys_inputs=inputs,
        timestamp=at_midnight(document.issue_date),
    )
    return with_facturx_xmp(pdf) if invoice else pdf


# Typst's XMP already has a pdfaExtension:schemas bag (for xmpMM): the Factur-X schema goes
# into it, for the property not to appear twice; the Factur-X values go in a description.
SCHEMA = re.search(rb"<rdf:Bag>(.*)</rdf:Bag>", FACTURX_XMP, re.S)[1]
VALUES = FACTURX_XMP[FACTURX_XMP.rindex(b"<rdf:Description") :]
BAG = b"<pdfaExtension:schemas><rdf:Bag>"


def with_facturx_xmp(pdf):
    """The PDF with the Factur-X extension schema and its level added to Typst's XMP.

    With pikepdf (qpdf): pypdf's incremental update took 50 to 450 ms a two-page invoice,
    more than Typst's drawing. The file identifier is computed from the content, so the same
    document gives the same bytes."""
    with pikepdf.open(BytesIO(pdf)) as document:
        metadata = document.Root.Metadata
        xmp = metadata.read_bytes()
        assert xmp.count(BAG) == 1 and b"</rdf:RDF>" in xmp
        xmp = xmp.replace(BAG, BAG + SCHEMA, 1).replace(b"</rdf:RDF>", VALUES + b"</rdf:RDF>", 1)
        metadata.write(xmp)
        out = BytesIO()
        document.save(out, deterministic_id=True)
    return out.getvalue()
