"""What the PDF of an issued document shows, in its language, with the brand kit's look.

The figures and identities come from the frozen document (snapshots, lines, totals); only
the look (logo, colours, typeface) comes from the business, as rule 7 of the design says.
Every string is formatted here and escaped by the template: nothing a user typed is ever
marked safe. The one piece of markup passed through is the QR code's SVG, which segno
draws from the payment data as a single path.
"""

from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
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
from patron.system.pdf import media_url, static_root, static_url

# Full fonts for PDFs (static/vendor/fonts/full/<typeface>/, SOURCES.md there): the web's
# subsets lack glyphs a document needs (U+202F, the French thousands separator), which the
# renderer would then take from whatever fonts the host has.
PDF_FONTS = "vendor/fonts/full"
WEIGHTS = {"Regular": 400, "Bold": 700}
# The typeface a glyph missing from the brand kit's one is taken from: Inter has every
# character Patron itself writes (Lora and Atkinson Hyperlegible lack U+202F and U+2009).
FALLBACK = "inter"


@lru_cache(maxsize=16)
def font_faces(slug):
    """@font-face rules of one bundled typeface's full TTF files, with the fetcher's URLs."""
    family = TYPEFACES[slug][0]
    folder = static_root() / PDF_FONTS / slug
    rules = []
    for path in sorted(folder.glob("*.ttf")):
        weight = WEIGHTS[path.stem.rsplit("-", 1)[1]]
        url = static_url(path.relative_to(static_root()))
        rules.append(
            f"@font-face {{ font-family: '{family}'; font-style: normal; "
            f"font-weight: {weight}; src: url('{url}') format('truetype'); }}"
        )
    return "\n".join(rules), family


def brand(business):
    """The brand kit's look: the CSS of its typeface and colours, and its logo's URL."""
    primary, accent, typeface, logo = "#1f4e79", "#c2410c", "inter", ""
    if business is not None:
        primary = business.primary_colour if HEX_COLOUR.match(business.primary_colour) else primary
        accent = business.accent_colour if HEX_COLOUR.match(business.accent_colour) else accent
        typeface = business.typeface if business.typeface in TYPEFACES else typeface
        if business.logo:
            path = (Path(settings.MEDIA_ROOT) / business.logo.name).resolve()
            if path.is_file() and path.is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
                logo = media_url(business.logo.name)
    faces, family = font_faces(typeface)
    stack = f"'{family}'"
    if typeface != FALLBACK:
        fallback_faces, fallback = font_faces(FALLBACK)
        faces, stack = f"{faces}\n{fallback_faces}", f"{stack}, '{fallback}'"
    # Built from the bundled font list and colours checked against #rrggbb: no user text.
    # No generic family, which would put the host's fonts before Patron's fallback; on the
    # root, not the body, for the page's margin boxes (the page number) to have it too.
    css = f"{faces}\n:root {{ --primary: {primary}; --accent: {accent}; font-family: {stack}; }}"
    return {"css": css, "logo": logo}


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
            "qr": mark_safe(epc_qr_svg(document)),  # noqa: S308 (segno's path, see the docstring)
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


def document_html(document, business=None):
    """The HTML WeasyPrint turns into the document's PDF, in the document's language; its
    look is in document_css()."""
    business = business if business is not None else get_business()
    with translation.override(document.language):
        return render_to_string("billing/pdf/document.html", document_context(document, business))


def document_css(business=None):
    """The stylesheets of the PDF, as texts: the brand kit's, then the document's layout."""
    business = business if business is not None else get_business()
    return (brand(business)["css"], render_to_string("billing/pdf/document.css"))
