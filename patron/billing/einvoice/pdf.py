"""What the PDF of an issued document shows, in its language, with the brand kit's look.

The figures and identities come from the frozen document (snapshots, lines, totals); only
the look (logo, colours, typeface) comes from the business, as rule 7 of the design says.
Every string is formatted here and handed to billing/pdf/document.typ as JSON, which Typst
shows only as text: nothing a user typed is ever read as markup. The one image made here is
the QR code's SVG, which segno draws from the payment data as a single path.
"""

import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from patron.billing.einvoice.epc import epc_qr_svg
from patron.billing.einvoice.facts import clean, facts
from patron.billing.models import Kind
from patron.billing.rules.mentions import (
    locale_of,
    operation_category,
    payment_terms,
    registered_name,
)
from patron.billing.rules.totals import euro_groups
from patron.billing.rules.vat import STANDARD, ZERO
from patron.business.brand import HEX_COLOUR, TYPEFACES
from patron.business.profile import get_business
from patron.system.pdf import media_file, template, typeset

# The typeface a glyph missing from the brand kit's one is taken from: Inter has every
# character Patron itself writes (Lora and Atkinson Hyperlegible lack U+202F and U+2009).
FALLBACK = "inter"
TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "billing" / "pdf"


def brand(business):
    """The brand kit's look: its colours, its typeface (then the fallback), its logo."""
    primary, accent, typeface, logo = "#1f4e79", "#c2410c", "inter", ""
    if business is not None:
        primary = business.primary_colour if HEX_COLOUR.match(business.primary_colour) else primary
        accent = business.accent_colour if HEX_COLOUR.match(business.accent_colour) else accent
        typeface = business.typeface if business.typeface in TYPEFACES else typeface
        if business.logo and media_file(business.logo.name):
            logo = business.logo.name
    typefaces = [typeface] + ([FALLBACK] if typeface != FALLBACK else [])
    return {
        "primary": primary,
        "accent": accent,
        "typefaces": typefaces,
        "fonts": [TYPEFACES[slug][0] for slug in typefaces],
        "logo": logo,
    }


class Formats:
    def __init__(self, document):
        self.currency = document.currency
        self.language = document.language
        self.locale = locale_of(document.language, document.seller.get("country"))

    def money(self, value):
        return format_currency(Decimal(value), self.currency, locale=self.locale)

    def euros(self, value):
        return format_currency(Decimal(value), "EUR", locale=self.locale)

    def price(self, value):
        value = Decimal(value).normalize()
        return format_currency(value, self.currency, locale=self.locale, decimal_quantization=False)

    def number(self, value):
        return format_decimal(Decimal(value).normalize(), locale=self.locale)

    def percent(self, value):
        return f"{self.number(value)} %"

    def date(self, value):
        return format_date(value, format="long", locale=self.locale) if value else ""

    def country(self, code):
        return Locale.parse(self.language).territories.get(code, code) if code else ""


def unit_label(unit, quantity):
    """The unit after a quantity ("3 hours"); nothing for plain units (C62)."""
    n = 1 if quantity == 1 else 2
    labels = {
        "HUR": lambda: ngettext("hour", "hours", n),
        "DAY": lambda: ngettext("day", "days", n),
        "MON": lambda: ngettext("month", "months", n),
        "KMT": lambda: "km",
        "LS": lambda: _("lump sum"),
    }
    return labels[unit]() if unit in labels else ""


def title(document):
    if document.kind == Kind.INVOICE and document.is_deposit:
        return _("Deposit invoice")
    return Kind(document.kind).label


def identity(party, fmt, *, seller):
    """The lines that identify a party: names, address, VAT and company numbers."""
    names = []
    legal = party.get("legal_name") or party.get("display_name") or ""
    if seller:
        legal = registered_name(legal, party)
    trading = party.get("trading_name") if seller else ""
    if trading and trading != party.get("legal_name"):
        names = [trading, legal]
    else:
        names = [legal]
    address = [
        party.get("street", ""),
        " ".join(x for x in (party.get("postcode"), party.get("city")) if x),
        fmt.country(party.get("country")),
    ]
    numbers = []
    if party.get("vat_number"):
        numbers.append((_("VAT number"), party["vat_number"]))
    company = party.get("company_number")
    if company:
        if party.get("country") == "FR":
            # The SIREN of both parties is a mention of its own (decree 2022-1299).
            digits = "".join(ch for ch in company if ch.isdigit())
            numbers.append(("SIREN", f"{digits[:3]} {digits[3:6]} {digits[6:9]}"))
            if len(digits) == 14:
                numbers.append(("SIRET", company))
        elif party.get("country") == "BE":
            numbers.append((_("Enterprise number"), company))
        else:
            numbers.append((_("Company number"), company))
    contact = [party.get("email", "")] + ([party.get("phone", "")] if seller else [])
    if seller and party.get("website"):
        contact.append(party["website"])
    return {
        "names": [name for name in names if name],
        "address": [line for line in address if line],
        "numbers": numbers,
        "contact": [line for line in contact if line],
    }


def vat_words(country):
    """The words for "excluding" and "including VAT" as the seller's country writes them on
    an invoice: HTVA and TVAC in Belgium, HT and TTC in France (in French; English has one
    way). Other countries get the plain translation."""
    if country == "FR":
        return {
            "unit_price": pgettext("France", "Unit price excl. VAT"),
            "net": pgettext("France", "Amount excl. VAT"),
            "excl_vat": pgettext("France", "Total excl. VAT"),
            "incl_vat": pgettext("France", "Total incl. VAT"),
        }
    if country == "BE":
        return {
            "unit_price": pgettext("Belgium", "Unit price excl. VAT"),
            "net": pgettext("Belgium", "Amount excl. VAT"),
            "excl_vat": pgettext("Belgium", "Total excl. VAT"),
            "incl_vat": pgettext("Belgium", "Total incl. VAT"),
        }
    return {
        "unit_price": _("Unit price excl. VAT"),
        "net": _("Amount excl. VAT"),
        "excl_vat": _("Total excl. VAT"),
        "incl_vat": _("Total incl. VAT"),
    }


def category_label(category, rate, fmt):
    if category in (STANDARD, ZERO):
        return fmt.percent(rate)
    return {"E": _("exempt"), "AE": _("reverse charge"), "O": _("outside scope")}.get(category, "")


def document_context(document, business):
    fmt = Formats(document)
    f = facts(document)
    seller, buyer = f.seller, f.buyer  # without control characters
    lines = [
        {
            "description": clean(line.description),
            "quantity": fmt.number(line.quantity),
            "unit": unit_label(line.unit, line.quantity),
            "unit_price": fmt.price(line.unit_price),
            "discount": fmt.percent(line.discount_percent) if line.discount_percent else "",
            "vat": category_label(line.category, line.vat_rate, fmt),
            "net": fmt.money(line.net),
        }
        for line in document.lines.all()
    ]
    euros = euro_groups(document.totals(), document.exchange_rate) if f.tax_currency else ()
    groups = [
        {
            "label": category_label(group.category, group.rate, fmt),
            "taxable": fmt.money(group.taxable),
            "vat": fmt.money(group.vat),
            "vat_eur": fmt.euros(euros[n].vat) if euros else "",
        }
        for n, group in enumerate(f.groups)
    ]
    adjustments = [
        {
            "label": piece.reason,
            "detail": _("%(percent)s of %(base)s")
            % {"percent": fmt.percent(piece.percent), "base": fmt.money(piece.base)}
            if piece.percent is not None
            else "",
            "vat": category_label(piece.category, piece.rate, fmt),
            "amount": fmt.money(piece.signed),
        }
        for piece in f.adjustments
    ]
    mentions = []
    for group in f.groups:
        if group.exemption_text and group.exemption_text not in mentions:
            mentions.append(group.exemption_text)
    category = operation_category(seller.get("country"), document.language)
    if category:
        mentions.append(category)
    is_invoice = document.kind == Kind.INVOICE
    corrects = ""
    if document.kind == Kind.CREDIT_NOTE and document.corrects_id:
        corrects = _("This credit note corrects invoice %(number)s of %(date)s.") % {
            "number": document.corrects.number,
            "date": fmt.date(document.corrects.issue_date),
        }
    deducts = ""
    if document.kind == Kind.INVOICE and f.preceding:
        deducts = ngettext(
            "This invoice deducts deposit invoice %(numbers)s.",
            "This invoice deducts deposit invoices %(numbers)s.",
            len(f.preceding),
        ) % {
            "numbers": ", ".join(
                _("%(number)s of %(date)s") % {"number": number, "date": fmt.date(issued)}
                for number, issued in f.preceding
            )
        }
    exchange = None
    if f.tax_currency:
        exchange = {
            "rate": _("1 € = %(rate)s") % {"rate": fmt.price(document.exchange_rate)},
            "source": (
                _("ECB reference rate of %(date)s")
                if document.exchange_rate_source == "ecb"
                else _("rate of %(date)s")
            )
            % {"date": fmt.date(document.exchange_rate_date)},
            "vat": fmt.euros(f.vat_in_tax_currency),
        }
    period = ""
    if document.service_start and document.service_end:
        period = _("%(start)s to %(end)s") % {
            "start": fmt.date(document.service_start),
            "end": fmt.date(document.service_end),
        }
    elif document.service_start or document.service_end:
        period = fmt.date(document.service_start or document.service_end)
    payment = None
    if is_invoice and f.iban:
        payment = {
            "iban": seller.get("iban", ""),
            "bic": seller.get("bic", ""),
            "holder": seller.get("legal_name", ""),
            "reference": document.structured_reference or document.number,
            "structured": bool(document.structured_reference),
            "qr": epc_qr_svg(document),
        }
    return {
        "document": document,
        "language": document.language,
        "title": title(document),
        "number": document.number,
        "issue_date": fmt.date(document.issue_date),
        "due_date": fmt.date(document.due_date) if is_invoice else "",
        "valid_until": fmt.date(document.valid_until) if document.kind == Kind.QUOTE else "",
        "period": period,
        "buyer_reference": clean(document.buyer_reference),
        "seller": identity(seller, fmt, seller=True),
        "parties": [
            (_("Supplier"), identity(seller, fmt, seller=True)),
            (_("Client"), identity(buyer, fmt, seller=False)),
        ],
        "lines": lines,
        "words": vat_words(seller.get("country")),
        "has_discount": any(line["discount"] for line in lines),
        "narrow_vat": all(line.category in (STANDARD, ZERO) for line in f.lines),
        "groups": groups,
        "adjustments": adjustments,
        "lines_total": fmt.money(f.line_total),
        "allowances": fmt.money(-f.allowances) if f.allowances else "",
        "charges": fmt.money(f.charges) if f.charges else "",
        "deducts": deducts,
        "exchange": exchange,
        "excl_vat": fmt.money(document.total_excl_vat),
        "vat": fmt.money(document.total_vat),
        "incl_vat": fmt.money(document.total_incl_vat),
        "prepaid": fmt.money(document.prepaid) if document.prepaid else "",
        "due": fmt.money(document.amount_due),
        "currency": document.currency,
        "mentions": mentions,
        "corrects": corrects,
        "payment": payment,
        "payment_terms": payment_terms(document) if is_invoice else "",
        "notes": clean(document.notes),
        "terms": clean(document.terms),
        "brand": brand(business),
    }


SVG_WIDTH = re.compile(r'width="(\d+(?:\.\d+)?)"')


def document_data(context, document):
    """document_context() as the JSON document.typ reads: every string already formatted."""
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
        qr = pay["qr"]
        width = SVG_WIDTH.search(qr)
        payment = {
            "title": _("Payment"),
            "rows": pay_rows,
            "qr": qr,
            # CSS pixels, as WeasyPrint draws the inline SVG: 96 to the inch.
            "qr_size": float(width[1]) * 25.4 / 96 if width else 30,
            "scan": _("Scan to pay"),
        }
    brand = c["brand"]
    language = document.language.split("-")[0]
    return {
        "document_title": f"{c['title']} {c['number']}",
        "title": str(c["title"]),  # a lazy label (Kind), in the document's language here
        "author": seller["names"][-1] if seller["names"] else "",
        "lang": language,
        "region": (document.seller.get("country") or "").upper() or None,
        "brand": {
            "primary": brand["primary"],
            "accent": brand["accent"],
            "fonts": brand["fonts"],
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


# The XML an invoice or a credit note carries, attached by Typst as PDF/A-3 asks: listed in
# the catalogue's /AF once, with AFRelationship Data (the Factur-X XMP is added after).
ATTACH = b"""
#pdf.attach(
  "factur-x.xml",
  bytes(sys.inputs.xml),
  relationship: "data",
  mime-type: "text/xml",
  description: "Factur-X invoice (EN 16931)",
)
"""


def document_pdf(document, xml=None, business=None):
    """The PDF/A-3b (bytes) of an issued document in its language, with `xml` (bytes)
    attached as factur-x.xml when given; dated from its issue date, so the same document
    gives the same bytes."""
    business = business if business is not None else get_business()
    with translation.override(document.language):
        context = document_context(document, business)
        data = document_data(context, document)
    source = template(TEMPLATES / "brand.typ", TEMPLATES / "document.typ")
    day = document.issue_date
    return typeset(
        source + (ATTACH if xml is not None else b""),
        data,
        created=datetime(day.year, day.month, day.day, tzinfo=UTC),
        typefaces=context["brand"]["typefaces"],
        logo=context["brand"]["logo"],
        inputs={"xml": xml.decode()} if xml is not None else None,
    )
