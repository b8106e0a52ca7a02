"""Reading a supplier's e-invoice: Factur-X / ZUGFeRD PDF, UN/CEFACT CII XML or UBL XML
(Peppol BIS Billing 3.0) into a `SupplierInvoice`, checked before anything is written.

What is read is what an expense needs (EN 16931 business terms in brackets): the number
(BT-1), type (BT-3), dates (BT-2, BT-9), currency (BT-5), the seller (BT-27 to BT-43), the
lines (BT-126 to BT-152), the VAT breakdown (BG-23) and the totals (BG-22).

A file is refused with the reason, and the EN 16931 rule it breaks when there is one: a PDF
that carries no invoice XML, XML that is not an invoice, missing mandatory terms, dates
that are not dates, and totals that do not add up (BR-CO-10 to BR-CO-17, with the
tolerance the official Schematron allows for BR-CO-17). The checks are the arithmetic
ones a receiver must trust before booking; the full EN 16931 and Peppol rule sets are
run on what Patron emits, in the tests.
"""

import io
import logging
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from patron.money import check_currency
from patron.system.importing import ImportRefused
from patron.system.untrusted_xml import (
    child,
    children,
    local,
    looks_like_xml,
    namespace,
    parse_xml,
    text,
)

# The embedded file names Factur-X, ZUGFeRD (1 and 2) and XRechnung use.
EMBEDDED_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml")
MAX_XML_BYTES = 5 * 1024 * 1024
MAX_LINES = 2000
UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CII = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
# UNTDID 1001 codes of credit notes (BT-3); every other code of the EN 16931 list invoices.
CREDIT_NOTE_TYPES = {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}
MAX_AMOUNT = Decimal("9999999999.99")


class EInvoiceRefused(ImportRefused):
    """The file is not a supplier invoice Patron can book: `rule` names what it breaks."""

    def __init__(self, message, rule=""):
        super().__init__(f"[{rule}] {message}" if rule else message)
        self.rule = rule


@dataclass
class Party:
    name: str = ""
    vat_number: str = ""
    company_number: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    email: str = ""


@dataclass
class Line:
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    net_amount: Decimal
    vat_category: str
    vat_rate: Decimal


@dataclass
class VatGroup:
    category: str
    rate: Decimal
    taxable_amount: Decimal
    tax_amount: Decimal


@dataclass
class Totals:
    line_total: Decimal  # BT-106
    allowances: Decimal  # BT-107
    charges: Decimal  # BT-108
    excl_vat: Decimal  # BT-109
    vat: Decimal | None  # BT-110, in the invoice's currency
    incl_vat: Decimal  # BT-112
    prepaid: Decimal  # BT-113
    rounding: Decimal  # BT-114
    payable: Decimal  # BT-115


@dataclass
class SupplierInvoice:
    format: str  # "facturx", "cii" or "ubl"
    is_credit_note: bool
    number: str
    issued_on: date
    due_on: date | None
    currency: str
    seller: Party
    buyer_name: str
    totals: Totals
    lines: list = field(default_factory=list)
    vat_groups: list = field(default_factory=list)
    xml: bytes = b""


def read_einvoice(data):
    """The SupplierInvoice in `data` (PDF or XML bytes), or EInvoiceRefused with the reason."""
    if not data.strip():
        raise EInvoiceRefused(_("The file is empty."))
    if data.startswith(b"%PDF-"):
        invoice = read_xml(embedded_xml(data))
        invoice.format = "facturx"
        return invoice
    if not looks_like_xml(data):
        raise EInvoiceRefused(
            _(
                "This is neither a PDF nor XML: Patron reads supplier invoices as Factur-X or "
                "ZUGFeRD PDF, CII XML or UBL XML."
            )
        )
    return read_xml(data)


def embedded_xml(data):
    """The invoice XML a Factur-X / ZUGFeRD PDF carries, or EInvoiceRefused."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # pypdf reports what it repairs in a damaged PDF through logging: not the user's concern.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise EInvoiceRefused(_("The PDF is encrypted: Patron cannot read the invoice in it."))
        attachments = reader.attachments
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise EInvoiceRefused(_("The PDF cannot be read: it is damaged or not a PDF.")) from None
    for name, contents in attachments.items():
        if name.strip().casefold() in EMBEDDED_NAMES and contents:
            xml = contents[0]
            if len(xml) > MAX_XML_BYTES:
                raise EInvoiceRefused(_("The invoice XML in the PDF is too large to be one."))
            return xml
    raise EInvoiceRefused(
        _(
            "This PDF carries no Factur-X or ZUGFeRD invoice (no factur-x.xml inside): it is a "
            "plain PDF. Add it as an expense with the PDF as its receipt instead."
        )
    )


def read_xml(data):
    if len(data) > MAX_XML_BYTES:
        raise EInvoiceRefused(_("The XML file is too large to be an invoice."))
    try:
        root = parse_xml(data)
    except ImportRefused as e:
        raise EInvoiceRefused(str(e)) from None
    name, ns = local(root), namespace(root)
    if name == "CrossIndustryInvoice" and ns == CII:
        invoice = read_cii(root)
    elif (name, ns) in (("Invoice", UBL_INVOICE), ("CreditNote", UBL_CREDIT_NOTE)):
        invoice = read_ubl(root)
    else:
        raise EInvoiceRefused(
            _(
                "This XML is not an invoice (its root element is “%(name)s”): Patron reads CII "
                "(CrossIndustryInvoice) and UBL (Invoice, CreditNote)."
            )
            % {"name": name[:60]}
        )
    invoice.xml = data
    check(invoice)
    return invoice


# Values ---------------------------------------------------------------------------------


def amount(element, term, *, required=True):
    """The decimal in `element` for business term `term`; 0 when absent and not required."""
    raw = (element.text or "").strip() if element is not None else ""
    if not raw:
        if required:
            raise EInvoiceRefused(_("%(term)s is missing.") % {"term": term})
        return Decimal(0)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise EInvoiceRefused(
            _("%(term)s is not a number: “%(value)s”.") % {"term": term, "value": raw[:40]}
        ) from None
    if not value.is_finite() or abs(value) > MAX_AMOUNT:
        raise EInvoiceRefused(_("%(term)s is out of range.") % {"term": term})
    return value


def iso_date(raw):
    try:
        return date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        return None


def required_text(value, term, rule, limit):
    if not value:
        raise EInvoiceRefused(_("%(term)s is missing.") % {"term": term}, rule)
    if len(value) > limit:
        raise EInvoiceRefused(
            _("%(term)s is %(count)s characters long; Patron takes at most %(limit)s.")
            % {"term": term, "count": len(value), "limit": limit},
            rule,
        )
    return value


def in_currency(elements, currency):
    """Of several amounts, the one in the invoice's currency (what BR-CO-15 counts)."""
    return next((e for e in elements if e.get("currencyID", "").strip() == currency), None)


# CII ------------------------------------------------------------------------------------


def cii_date(element, term, rule):
    stamp = child(element, "DateTimeString")
    raw = " ".join((stamp.text or "").split()) if stamp is not None else ""
    if not raw:
        return None
    if stamp.get("format", "102") != "102" or len(raw) != 8 or not raw.isdigit():
        raise EInvoiceRefused(
            _("%(term)s is not a date written YYYYMMDD (format 102): “%(value)s”.")
            % {"term": term, "value": raw[:20]},
            "CII-DT-097",
        )
    try:
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        raise EInvoiceRefused(
            _("%(term)s is not a date: “%(value)s”.") % {"term": term, "value": raw}, "CII-DT-097"
        ) from None


def cii_party(party):
    taxes = children(party, "SpecifiedTaxRegistration")
    vat = next((text(t, "ID") for t in taxes if child(t, "ID").get("schemeID") == "VA"), "")
    address = child(party, "PostalTradeAddress")
    return Party(
        name=text(party, "Name"),
        vat_number=vat,
        company_number=text(party, "SpecifiedLegalOrganization", "ID"),
        street=text(address, "LineOne"),
        postcode=text(address, "PostcodeCode"),
        city=text(address, "CityName"),
        country=text(address, "CountryID"),
        email=text(party, "URIUniversalCommunication", "URIID"),
    )


def read_cii(root):
    document = child(root, "ExchangedDocument")
    transaction = child(root, "SupplyChainTradeTransaction")
    agreement = child(transaction, "ApplicableHeaderTradeAgreement")
    settlement = child(transaction, "ApplicableHeaderTradeSettlement")
    if document is None or transaction is None or settlement is None:
        raise EInvoiceRefused(_("This CII file lacks the document or its settlement."), "BR-01")
    currency = required_text(
        text(settlement, "InvoiceCurrencyCode"), _("The currency (BT-5)"), "BR-05", 3
    )
    issued = cii_date(child(document, "IssueDateTime"), _("The issue date (BT-2)"), "BR-03")
    terms = child(settlement, "SpecifiedTradePaymentTerms")
    summation = child(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")
    if summation is None:
        raise EInvoiceRefused(_("The document totals (BG-22) are missing."), "BR-12")
    lines = []
    for item in children(transaction, "IncludedSupplyChainTradeLineItem")[: MAX_LINES + 1]:
        product = child(item, "SpecifiedTradeProduct")
        price = child(item, "SpecifiedLineTradeAgreement", "NetPriceProductTradePrice")
        quantity = child(item, "SpecifiedLineTradeDelivery", "BilledQuantity")
        line_settlement = child(item, "SpecifiedLineTradeSettlement")
        lines.append(
            make_line(
                goods=product,
                quantity=quantity,
                price=(child(price, "ChargeAmount"), child(price, "BasisQuantity")),
                net=child(
                    line_settlement,
                    "SpecifiedTradeSettlementLineMonetarySummation",
                    "LineTotalAmount",
                ),
                tax=child(line_settlement, "ApplicableTradeTax"),
                tax_names=("CategoryCode", "RateApplicablePercent"),
            )
        )
    groups = [
        make_group(
            category=text(tax, "CategoryCode"),
            rate=child(tax, "RateApplicablePercent"),
            taxable=child(tax, "BasisAmount"),
            tax=child(tax, "CalculatedAmount"),
        )
        for tax in children(settlement, "ApplicableTradeTax")
    ]
    vat_total = in_currency(children(summation, "TaxTotalAmount"), currency)
    return SupplierInvoice(
        format="cii",
        is_credit_note=text(document, "TypeCode") in CREDIT_NOTE_TYPES,
        number=required_text(text(document, "ID"), _("The invoice number (BT-1)"), "BR-02", 100),
        issued_on=issued or missing_date(),
        due_on=cii_date(child(terms, "DueDateDateTime"), _("The due date (BT-9)"), "CII-DT-097"),
        currency=currency,
        seller=cii_party(child(agreement, "SellerTradeParty")),
        buyer_name=text(agreement, "BuyerTradeParty", "Name"),
        totals=read_totals(summation, CII_TOTALS, vat_total),
        lines=lines,
        vat_groups=groups,
    )


# UBL ------------------------------------------------------------------------------------


def ubl_date(element, path, term, rule):
    raw = text(element, *path)
    if not raw:
        return None
    value = iso_date(raw)
    if value is None:
        raise EInvoiceRefused(
            _("%(term)s is not a date written YYYY-MM-DD: “%(value)s”.")
            % {"term": term, "value": raw[:20]},
            rule,
        )
    return value


def ubl_party(party):
    schemes = children(party, "PartyTaxScheme")
    vat = next((text(s, "CompanyID") for s in schemes if text(s, "TaxScheme", "ID") == "VAT"), "")
    address = child(party, "PostalAddress")
    legal = child(party, "PartyLegalEntity")
    return Party(
        name=text(party, "PartyName", "Name") or text(legal, "RegistrationName"),
        vat_number=vat,
        company_number=text(legal, "CompanyID"),
        street=text(address, "StreetName"),
        postcode=text(address, "PostalZone"),
        city=text(address, "CityName"),
        country=text(address, "Country", "IdentificationCode"),
        email=text(party, "Contact", "ElectronicMail"),
    )


def read_ubl(root):
    credit = local(root) == "CreditNote"
    currency = required_text(
        text(root, "DocumentCurrencyCode"), _("The currency (BT-5)"), "BR-05", 3
    )
    issued = ubl_date(root, ["IssueDate"], _("The issue date (BT-2)"), "PEPPOL-EN16931-F001")
    due = ubl_date(root, ["DueDate"], _("The due date (BT-9)"), "PEPPOL-EN16931-F001")
    if due is None:
        due = ubl_date(
            root,
            ["PaymentMeans", "PaymentDueDate"],
            _("The due date (BT-9)"),
            "PEPPOL-EN16931-F001",
        )
    monetary = child(root, "LegalMonetaryTotal")
    if monetary is None:
        raise EInvoiceRefused(_("The document totals (BG-22) are missing."), "BR-12")
    lines = []
    for item in children(root, "CreditNoteLine" if credit else "InvoiceLine")[: MAX_LINES + 1]:
        quantity = child(item, "CreditedQuantity" if credit else "InvoicedQuantity")
        goods = child(item, "Item")
        price = child(item, "Price")
        lines.append(
            make_line(
                goods=goods,
                quantity=quantity,
                price=(child(price, "PriceAmount"), child(price, "BaseQuantity")),
                net=child(item, "LineExtensionAmount"),
                tax=child(goods, "ClassifiedTaxCategory"),
                tax_names=("ID", "Percent"),
            )
        )
    tax_totals = children(root, "TaxTotal")
    vat_total = in_currency(
        [child(t, "TaxAmount") for t in tax_totals if child(t, "TaxAmount") is not None], currency
    )
    groups = [
        make_group(
            category=text(subtotal, "TaxCategory", "ID"),
            rate=child(subtotal, "TaxCategory", "Percent"),
            taxable=child(subtotal, "TaxableAmount"),
            tax=child(subtotal, "TaxAmount"),
        )
        for total in tax_totals
        for subtotal in children(total, "TaxSubtotal")
    ]
    return SupplierInvoice(
        format="ubl",
        is_credit_note=credit or text(root, "InvoiceTypeCode") in CREDIT_NOTE_TYPES,
        number=required_text(text(root, "ID"), _("The invoice number (BT-1)"), "BR-02", 100),
        issued_on=issued or missing_date(),
        due_on=due,
        currency=currency,
        seller=ubl_party(child(root, "AccountingSupplierParty", "Party")),
        buyer_name=text(root, "AccountingCustomerParty", "Party", "PartyName", "Name")
        or text(root, "AccountingCustomerParty", "Party", "PartyLegalEntity", "RegistrationName"),
        totals=read_totals(monetary, UBL_TOTALS, vat_total),
        lines=lines,
        vat_groups=groups,
    )


# Shared ---------------------------------------------------------------------------------


# The document totals (BG-22): (business term, required) and their element in each syntax.
TOTAL_TERMS = {
    "line_total": ("BT-106", True), "allowances": ("BT-107", False),
    "charges": ("BT-108", False), "excl_vat": ("BT-109", True), "incl_vat": ("BT-112", True),
    "prepaid": ("BT-113", False), "rounding": ("BT-114", False), "payable": ("BT-115", True),
}  # fmt: skip
CII_TOTALS = {
    "line_total": "LineTotalAmount",
    "allowances": "AllowanceTotalAmount",
    "charges": "ChargeTotalAmount",
    "excl_vat": "TaxBasisTotalAmount",
    "incl_vat": "GrandTotalAmount",
    "prepaid": "TotalPrepaidAmount",
    "rounding": "RoundingAmount",
    "payable": "DuePayableAmount",
}
UBL_TOTALS = {
    "line_total": "LineExtensionAmount",
    "allowances": "AllowanceTotalAmount",
    "charges": "ChargeTotalAmount",
    "excl_vat": "TaxExclusiveAmount",
    "incl_vat": "TaxInclusiveAmount",
    "prepaid": "PrepaidAmount",
    "rounding": "PayableRoundingAmount",
    "payable": "PayableAmount",
}


def read_totals(summation, names, vat_total):
    """The document totals, from the element holding them and the VAT total found apart."""
    values = {
        field: amount(child(summation, names[field]), term, required=required)
        for field, (term, required) in TOTAL_TERMS.items()
    }
    return Totals(**values, vat=amount(vat_total, "BT-110") if vat_total is not None else None)


def missing_date():
    raise EInvoiceRefused(_("The issue date (BT-2) is missing."), "BR-03")


def price_per_unit(price, base):
    """The net price of one unit (BT-146 / BT-149)."""
    value = amount(price, _("A line's price (BT-146)"), required=False)
    per = amount(base, "BT-149", required=False) if base is not None else Decimal(1)
    return value / per if per else value


def make_line(*, goods, quantity, price, net, tax, tax_names):
    """A line (BG-25) from its elements: the item (name or description), the quantity, the
    price and its base quantity, the net amount, and the tax element with the names of its
    category and rate in this syntax."""
    category, rate = tax_names
    return Line(
        # Not cut here: supplier_invoices.py checks what fits an expense.
        description=text(goods, "Name") or text(goods, "Description"),
        quantity=amount(quantity, _("A line's quantity (BT-129)")),
        unit=(quantity.get("unitCode", "") if quantity is not None else "").strip(),
        unit_price=price_per_unit(*price),
        net_amount=amount(net, _("A line's net amount (BT-131)")),
        vat_category=text(tax, category),
        vat_rate=amount(child(tax, rate), _("A line's VAT rate (BT-152)"), required=False),
    )


def make_group(*, category, rate, taxable, tax):
    return VatGroup(
        category=category,
        rate=amount(rate, _("A VAT rate (BT-119)"), required=False),
        taxable_amount=amount(taxable, _("A VAT taxable amount (BT-116)")),
        tax_amount=amount(tax, _("A VAT amount (BT-117)")),
    )


def check(invoice):
    """The EN 16931 rules a receiver relies on; the first one broken is raised."""
    totals = invoice.totals
    try:
        invoice.currency = check_currency(invoice.currency)
    except ValidationError as e:
        raise EInvoiceRefused(" ".join(e.messages), "BR-CL-04") from None
    if not invoice.seller.name:
        raise EInvoiceRefused(_("The seller's name (BT-27) is missing."), "BR-06")
    if not invoice.lines:
        raise EInvoiceRefused(_("The invoice has no line (BG-25)."), "BR-16")
    if len(invoice.lines) > MAX_LINES:
        raise EInvoiceRefused(
            _("The invoice has more than %(count)s lines.") % {"count": MAX_LINES}
        )
    if not invoice.vat_groups:
        raise EInvoiceRefused(_("The VAT breakdown (BG-23) is missing."), "BR-CO-18")
    sums = [
        (
            "BR-CO-10",
            _(
                "the sum of the line net amounts (%(expected)s) is not the line total BT-106 "
                "(%(found)s)"
            ),
            sum(line.net_amount for line in invoice.lines),
            totals.line_total,
        ),
        (
            "BR-CO-13",
            _(
                "the total without VAT BT-109 (%(found)s) is not the line total minus allowances "
                "plus charges (%(expected)s)"
            ),
            totals.line_total - totals.allowances + totals.charges,
            totals.excl_vat,
        ),
        (
            "BR-CO-14",
            _("the total VAT BT-110 (%(found)s) is not the sum of the VAT per rate (%(expected)s)"),
            sum(group.tax_amount for group in invoice.vat_groups),
            totals.vat if totals.vat is not None else Decimal(0),
        ),
        (
            "BR-CO-15",
            _(
                "the total with VAT BT-112 (%(found)s) is not the total without VAT plus the VAT "
                "in the invoice's currency (%(expected)s)"
            ),
            totals.excl_vat + (totals.vat or 0),
            totals.incl_vat,
        ),
        (
            "BR-CO-16",
            _(
                "the amount due BT-115 (%(found)s) is not the total with VAT minus what was paid "
                "plus rounding (%(expected)s)"
            ),
            totals.incl_vat - totals.prepaid + totals.rounding,
            totals.payable,
        ),
    ]
    for rule, message, expected, found in sums:
        if rule == "BR-CO-14" and totals.vat is None:
            continue  # no VAT total in the invoice's currency: BR-CO-15 says it
        if expected != found:
            raise EInvoiceRefused(
                _("The totals do not add up: %(problem)s.")
                % {"problem": message % {"expected": expected, "found": found}},
                rule,
            )
    for group in invoice.vat_groups:
        computed = group.taxable_amount * group.rate / 100
        # The official Schematron allows one unit either side of the computed amount.
        if group.rate and abs(abs(group.tax_amount) - abs(computed)) >= 1:
            raise EInvoiceRefused(
                _(
                    "The VAT at %(rate)s %% (%(found)s) is not %(rate)s %% of its taxable amount "
                    "%(taxable)s."
                )
                % {"rate": group.rate, "found": group.tax_amount, "taxable": group.taxable_amount},
                "BR-CO-17",
            )
    if any(group.category == "S" for group in invoice.vat_groups) and not (
        invoice.seller.vat_number
    ):
        raise EInvoiceRefused(
            _("Standard-rated VAT is charged but the seller's VAT number (BT-31) is missing."),
            "BR-S-02",
        )
