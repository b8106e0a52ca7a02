"""Factur-X: the UN/CEFACT CII XML (EN 16931 profile) written with drafthorse, and the
PDF/A-3b that carries it as factur-x.xml.

The XML comes from einvoice.facts(), the frozen data of the issued document. The PDF is
Typst's drawing of billing/pdf/document.typ (pdf.py builds what it shows), with the XML
attached in the same pass: PDF/A-3b, AFRelationship Data, tagged. The Factur-X XMP extension
schema and its EN 16931 conformance level are then added to Typst's XMP with pikepdf. The
dates are fixed from the document's issue date and the file identifier is computed from the
content, so the same document gives the same bytes every time (drafthorse.pdf.attach_xml
stamps the current time into three places, which is why it is not used).
"""

import re
from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO

from drafthorse.models.accounting import ApplicableTradeTax, CategoryTradeTax, TradeAllowanceCharge
from drafthorse.models.document import Document as CII
from drafthorse.models.note import IncludedNote
from drafthorse.models.party import TaxRegistration
from drafthorse.models.payment import PaymentMeans, PaymentTerms
from drafthorse.models.tradelines import LineItem
from pikepdf import Pdf

from patron.billing.einvoice.facts import (
    DISCOUNT,
    EN16931,
    amount,
    endpoint,
    facts,
    legal_id,
    party_name,
    seller_legal_information,
)
from patron.billing.einvoice.pdf import document_pdf
from patron.billing.rules.mentions import registered_name
from patron.billing.rules.vat import OUTSIDE

FACTURX_NS = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
FACTURX_FILE = "factur-x.xml"
FACTURX_LEVEL = "EN 16931"
DISCOUNT_REASON = {"fr": "Remise", "en": "Discount"}

# The Factur-X extension schema (Factur-X 1.0 §6.2.2; as drafthorse.xmp_schema declares it),
# added to the XMP packet Typst writes for PDF/A-3b.
FACTURX_XMP = f"""<rdf:Description xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
 xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#" rdf:about="">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>{FACTURX_NS}</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>fx</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq>
<rdf:li rdf:parseType="Resource"><pdfaProperty:name>DocumentFileName</pdfaProperty:name>
<pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category>
<pdfaProperty:description>The name of the embedded XML document</pdfaProperty:description></rdf:li>
<rdf:li rdf:parseType="Resource"><pdfaProperty:name>DocumentType</pdfaProperty:name>
<pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category>
<pdfaProperty:description>The type of the hybrid document in capital letters, e.g. INVOICE or ORDER</pdfaProperty:description></rdf:li>
<rdf:li rdf:parseType="Resource"><pdfaProperty:name>Version</pdfaProperty:name>
<pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category>
<pdfaProperty:description>The actual version of the standard applying to the embedded XML document</pdfaProperty:description></rdf:li>
<rdf:li rdf:parseType="Resource"><pdfaProperty:name>ConformanceLevel</pdfaProperty:name>
<pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category>
<pdfaProperty:description>The conformance level of the embedded XML document</pdfaProperty:description></rdf:li>
</rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>
<rdf:Description xmlns:fx="{FACTURX_NS}" rdf:about="">
<fx:DocumentFileName>{FACTURX_FILE}</fx:DocumentFileName><fx:DocumentType>INVOICE</fx:DocumentType>
<fx:Version>1.0</fx:Version><fx:ConformanceLevel>{FACTURX_LEVEL}</fx:ConformanceLevel>
</rdf:Description>""".encode()


def money(value):
    return Decimal(amount(value))


def plain(value):
    """A Decimal without trailing zeros nor exponent: 85, 0.4269, 1200."""
    return Decimal(f"{Decimal(value).normalize():f}")


def cii_xml(document):  # noqa: C901 -- the CII fields in document order
    """The CII XML (bytes, EN 16931 profile) of an issued invoice or credit note."""
    f = facts(document)
    doc = CII()
    doc.context.guideline_parameter.id = EN16931
    doc.header.id = f.number
    doc.header.type_code = f.type_code
    doc.header.issue_date_time = f.issue_date
    if f.note:
        note = IncludedNote()
        note.content = f.note
        doc.header.notes.add(note)

    agreement = doc.trade.agreement
    agreement.buyer_reference = f.buyer_reference
    party(agreement.seller, f.seller, f.seller_vat, f.seller_tax_registration, seller=True)
    party(agreement.buyer, f.buyer, f.buyer_vat, "", seller=False)
    if f.delivery_date:
        doc.trade.delivery.event.occurrence = f.delivery_date

    settlement = doc.trade.settlement
    if f.tax_currency:
        settlement.tax_currency_code = f.tax_currency
    settlement.currency_code = f.currency
    if f.iban:
        settlement.payment_reference = f.payment_reference
        means = PaymentMeans()
        means.type_code = f.payment_means
        means.payee_account.iban = f.iban
        means.payee_account.account_name = party_name(f.seller)
        if f.bic:
            means.payee_institution.bic = f.bic
        settlement.payment_means.add(means)
    for group in f.groups:
        tax = ApplicableTradeTax()
        tax.calculated_amount = money(group.vat)
        tax.type_code = "VAT"
        if group.exemption_text:
            tax.exemption_reason = group.exemption_text
        tax.basis_amount = money(group.taxable)
        tax.category_code = group.category
        if group.exemption_code:
            tax.exemption_reason_code = group.exemption_code
        if group.category != OUTSIDE:  # BR-O-05
            tax.rate_applicable_percent = plain(group.rate)
        settlement.trade_tax.add(tax)
    if f.period:
        settlement.period.start, settlement.period.end = f.period
    for piece in f.adjustments:
        settlement.allowance_charge.add(allowance_charge(piece))
    if f.payment_terms or f.due_date:
        terms = PaymentTerms()
        if f.payment_terms:
            terms.description = f.payment_terms
        if f.due_date:
            terms.due = f.due_date
        settlement.terms.add(terms)
    totals = settlement.monetary_summation
    totals.line_total = money(f.line_total)
    if f.adjustments:
        totals.charge_total = money(f.charges)
        totals.allowance_total = money(f.allowances)
    totals.tax_basis_total = money(f.excl_vat)
    totals.tax_total = (money(f.vat), f.currency)  # with its currency, or BR-CO-15 fails
    if f.tax_currency:  # BT-111, the VAT total in the VAT accounting currency (BR-53)
        totals.tax_total_other_currency.add((money(f.vat_in_tax_currency), f.tax_currency))
    totals.grand_total = money(f.incl_vat)
    if f.prepaid:
        totals.prepaid_total = money(f.prepaid)
    totals.due_amount = money(f.due)
    if f.preceding:
        # CII D16B has room for one preceding invoice (UBL for each): Patron invoices one
        # deposit a quote, and a credit note corrects one invoice.
        number, issued = f.preceding[0]
        settlement.invoice_referenced_document.issuer_assigned_id = number
        settlement.invoice_referenced_document.issue_date_time = issued

    for line in f.lines:
        item = LineItem()
        item.document.line_id = str(line.position)
        item.product.name = line.name
        if line.description:
            item.product.description = line.description
        item.agreement.net.amount = plain(line.unit_price)
        item.delivery.billed_quantity = (plain(line.quantity), line.unit)
        item.settlement.trade_tax.type_code = "VAT"
        item.settlement.trade_tax.category_code = line.category
        if line.category != OUTSIDE:
            item.settlement.trade_tax.rate_applicable_percent = plain(line.rate)
        if line.allowance:
            allowance = TradeAllowanceCharge()
            allowance.indicator = False
            allowance.calculation_percent = plain(line.discount_percent)
            allowance.basis_amount = money(line.gross)
            allowance.actual_amount = money(line.allowance)
            allowance.reason_code = DISCOUNT
            allowance.reason = DISCOUNT_REASON.get(f.language, "Discount")
            item.settlement.allowance_charge.add(allowance)
        item.settlement.monetary_summation.total_amount = money(line.net)
        doc.trade.items.add(item)
    return doc.serialize(schema="FACTUR-X_EN16931")


def allowance_charge(piece):
    """A discount (BG-20) or charge (BG-21) on the whole document."""
    element = TradeAllowanceCharge()
    element.indicator = piece.is_charge
    if piece.percent is not None:
        element.calculation_percent = plain(piece.percent)
        element.basis_amount = money(piece.base)
    element.actual_amount = money(piece.amount)
    element.reason_code = piece.reason_code
    element.reason = piece.reason
    tax = CategoryTradeTax()
    tax.type_code = "VAT"
    tax.category_code = piece.category
    if piece.category != OUTSIDE:  # BR-O-06, BR-O-07
        tax.rate_applicable_percent = plain(piece.rate)
    element.trade_tax.add(tax)
    return element


def party(target, data, vat, tax_registration, *, seller):
    name = party_name(data)
    target.name = registered_name(name, data) if seller else name
    if seller and seller_legal_information(data):
        target.description = seller_legal_information(data)
    registration = legal_id(data)
    if registration:
        target.legal_organization.id = (registration[0], registration[1])
    trading_name = data.get("trading_name")
    if trading_name and trading_name != party_name(data):
        target.legal_organization.trade_name = trading_name
    if data.get("postcode"):
        target.address.postcode = data["postcode"]
    if data.get("street"):
        target.address.line_one = data["street"]
    if data.get("city"):
        target.address.city_name = data["city"]
    target.address.country_id = data.get("country")
    address = endpoint(data)
    if address:
        target.electronic_address.uri_ID = (address[0], address[1])
    if vat:
        target.tax_registrations.add(TaxRegistration(id=("VA", vat)))
    if tax_registration:
        target.tax_registrations.add(TaxRegistration(id=("FC", tax_registration)))


def at_midnight(day):
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def facturx_pdf(document, cii=None):
    """The Factur-X PDF/A-3b (bytes) of an issued invoice or credit note; any other issued
    document (quote, pro-forma) gets the same PDF/A-3b without an XML inside."""
    if document.kind not in ("invoice", "credit_note"):
        return document_pdf(document)
    cii = cii if cii is not None else cii_xml(document)
    return with_facturx_xmp(document_pdf(document, xml=cii))


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
    with Pdf.open(BytesIO(pdf)) as document:
        metadata = document.Root.Metadata
        xmp = metadata.read_bytes()
        if xmp.count(BAG) != 1 or b"</rdf:RDF>" not in xmp:
            raise ValueError("Typst's XMP packet is not shaped as expected.")
        xmp = xmp.replace(BAG, BAG + SCHEMA, 1).replace(b"</rdf:RDF>", VALUES + b"</rdf:RDF>", 1)
        metadata.write(xmp)
        out = BytesIO()
        document.save(out, deterministic_id=True)
    return out.getvalue()
