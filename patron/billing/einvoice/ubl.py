"""UBL 2.1 Invoice and CreditNote following Peppol BIS Billing 3.0, written with lxml.

The content comes from einvoice.facts(), i.e. the frozen data of the issued document; the
element order below is the UBL schema's, which the XSD checks.
"""

from lxml import etree

from patron.billing.einvoice.facts import (
    DISCOUNT,
    PEPPOL_CUSTOMIZATION,
    PEPPOL_PROFILE,
    amount,
    endpoint,
    facts,
    legal_id,
    party_name,
    quantity,
    rate,
    seller_legal_information,
)
from patron.billing.rules.mentions import registered_name
from patron.billing.rules.vat import OUTSIDE

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
ROOT = {
    False: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    True: "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}
DISCOUNT_REASON = {"fr": "Remise", "en": "Discount"}


class NotForPeppol(ValueError):
    """Peppol addresses both parties by an electronic address; a private client has none."""


def peppol_ready(document):
    """True when both parties have a Peppol electronic address (PEPPOL-EN16931-R010, R020)."""
    return bool(endpoint(document.seller) and endpoint(document.buyer))


def ubl_xml(document):
    """The UBL XML (bytes) of an issued invoice or credit note; NotForPeppol when a party
    has no electronic address (a private person, a client without any registered number)."""
    if not peppol_ready(document):
        raise NotForPeppol(
            f"{document.number}: Peppol needs the client's enterprise number, SIREN/SIRET "
            "or VAT number, and the business's."
        )
    return write(facts(document))


class Builder:
    """Appends UBL elements; leaves out empty ones (PEPPOL-EN16931-R008)."""

    def __init__(self, currency):
        self.currency = currency

    def cbc(self, parent, name, text, **attrib):
        if text is None or str(text).strip() == "":
            return None
        element = etree.SubElement(parent, f"{{{CBC}}}{name}", attrib)
        element.text = str(text)
        return element

    def money(self, parent, name, value):
        return self.cbc(parent, name, amount(value), currencyID=self.currency)

    def cac(self, parent, name):
        return etree.SubElement(parent, f"{{{CAC}}}{name}")


def write(f):
    credit = f.is_credit_note
    kind = "CreditNote" if credit else "Invoice"
    root = etree.Element(
        f"{{{ROOT[credit]}}}{kind}", nsmap={None: ROOT[credit], "cac": CAC, "cbc": CBC}
    )
    b = Builder(f.currency)
    b.cbc(root, "CustomizationID", PEPPOL_CUSTOMIZATION)
    b.cbc(root, "ProfileID", PEPPOL_PROFILE)
    b.cbc(root, "ID", f.number)
    b.cbc(root, "IssueDate", f.issue_date.isoformat())
    if not credit and f.due_date:
        b.cbc(root, "DueDate", f.due_date.isoformat())
    b.cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", f.type_code)
    b.cbc(root, "Note", f.note)
    b.cbc(root, "DocumentCurrencyCode", f.currency)
    b.cbc(root, "TaxCurrencyCode", f.tax_currency)
    b.cbc(root, "BuyerReference", f.buyer_reference)
    if f.period:
        period = b.cac(root, "InvoicePeriod")
        b.cbc(period, "StartDate", f.period[0].isoformat())
        b.cbc(period, "EndDate", f.period[1].isoformat())
    for number, issued in f.preceding:
        reference = b.cac(b.cac(root, "BillingReference"), "InvoiceDocumentReference")
        b.cbc(reference, "ID", number)
        b.cbc(reference, "IssueDate", issued.isoformat())
    supplier = b.cac(b.cac(root, "AccountingSupplierParty"), "Party")
    party(b, supplier, f.seller, f.seller_vat, f.seller_tax_registration, seller=True)
    customer = b.cac(b.cac(root, "AccountingCustomerParty"), "Party")
    party(b, customer, f.buyer, f.buyer_vat, "", seller=False)
    if f.delivery_date:
        b.cbc(b.cac(root, "Delivery"), "ActualDeliveryDate", f.delivery_date.isoformat())
    if f.iban:
        means = b.cac(root, "PaymentMeans")
        b.cbc(means, "PaymentMeansCode", f.payment_means)
        b.cbc(means, "PaymentID", f.payment_reference)
        account = b.cac(means, "PayeeFinancialAccount")
        b.cbc(account, "ID", f.iban)
        b.cbc(account, "Name", party_name(f.seller))
        if f.bic:
            b.cbc(b.cac(account, "FinancialInstitutionBranch"), "ID", f.bic)
    if f.payment_terms:
        b.cbc(b.cac(root, "PaymentTerms"), "Note", f.payment_terms)
    for piece in f.adjustments:
        write_allowance_charge(b, root, piece)
    tax_total = b.cac(root, "TaxTotal")
    b.money(tax_total, "TaxAmount", f.vat)
    for group in f.groups:
        subtotal = b.cac(tax_total, "TaxSubtotal")
        b.money(subtotal, "TaxableAmount", group.taxable)
        b.money(subtotal, "TaxAmount", group.vat)
        category = b.cac(subtotal, "TaxCategory")
        b.cbc(category, "ID", group.category)
        if group.category != OUTSIDE:  # BR-O-05: no rate outside the scope of VAT
            b.cbc(category, "Percent", rate(group.rate))
        b.cbc(category, "TaxExemptionReasonCode", group.exemption_code)
        b.cbc(category, "TaxExemptionReason", group.exemption_text)
        b.cbc(b.cac(category, "TaxScheme"), "ID", "VAT")
    if f.tax_currency:  # BT-111 in its own TaxTotal, without subtotals (PEPPOL-EN16931-R054)
        in_tax_currency = b.cac(root, "TaxTotal")
        b.cbc(
            in_tax_currency, "TaxAmount", amount(f.vat_in_tax_currency), currencyID=f.tax_currency
        )
    totals = b.cac(root, "LegalMonetaryTotal")
    b.money(totals, "LineExtensionAmount", f.line_total)
    b.money(totals, "TaxExclusiveAmount", f.excl_vat)
    b.money(totals, "TaxInclusiveAmount", f.incl_vat)
    if f.adjustments:
        b.money(totals, "AllowanceTotalAmount", f.allowances)
        b.money(totals, "ChargeTotalAmount", f.charges)
    if f.prepaid:
        b.money(totals, "PrepaidAmount", f.prepaid)
    b.money(totals, "PayableAmount", f.due)
    for line in f.lines:
        write_line(b, root, line, f.language, credit)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def party(b, parent, data, vat, tax_registration, *, seller):
    address_id = endpoint(data)
    if address_id:
        b.cbc(parent, "EndpointID", address_id[1], schemeID=address_id[0])
    trading_name = data.get("trading_name") or data.get("display_name")
    if trading_name:
        b.cbc(b.cac(parent, "PartyName"), "Name", trading_name)
    address = b.cac(parent, "PostalAddress")
    b.cbc(address, "StreetName", data.get("street"))
    b.cbc(address, "CityName", data.get("city"))
    b.cbc(address, "PostalZone", data.get("postcode"))
    b.cbc(b.cac(address, "Country"), "IdentificationCode", data.get("country"))
    if vat:
        scheme = b.cac(parent, "PartyTaxScheme")
        b.cbc(scheme, "CompanyID", vat)
        b.cbc(b.cac(scheme, "TaxScheme"), "ID", "VAT")
    if tax_registration:  # BT-32, the seller's tax registration other than VAT
        scheme = b.cac(parent, "PartyTaxScheme")
        b.cbc(scheme, "CompanyID", tax_registration)
        b.cbc(b.cac(scheme, "TaxScheme"), "ID", "TAX")
    entity = b.cac(parent, "PartyLegalEntity")
    name = party_name(data)
    b.cbc(entity, "RegistrationName", registered_name(name, data) if seller else name)
    registration = legal_id(data)
    if registration:
        b.cbc(entity, "CompanyID", registration[1], schemeID=registration[0])
    if seller:
        b.cbc(entity, "CompanyLegalForm", seller_legal_information(data))
    if data.get("email") or data.get("phone"):
        contact = b.cac(parent, "Contact")
        b.cbc(contact, "Telephone", data.get("phone"))
        b.cbc(contact, "ElectronicMail", data.get("email"))


def write_allowance_charge(b, root, piece):
    """A discount (BG-20) or charge (BG-21) on the whole document."""
    element = b.cac(root, "AllowanceCharge")
    b.cbc(element, "ChargeIndicator", "true" if piece.is_charge else "false")
    b.cbc(element, "AllowanceChargeReasonCode", piece.reason_code)
    b.cbc(element, "AllowanceChargeReason", piece.reason)
    if piece.percent is not None:
        b.cbc(element, "MultiplierFactorNumeric", rate(piece.percent))
    b.money(element, "Amount", piece.amount)
    if piece.percent is not None:
        b.money(element, "BaseAmount", piece.base)
    category = b.cac(element, "TaxCategory")
    b.cbc(category, "ID", piece.category)
    if piece.category != OUTSIDE:
        b.cbc(category, "Percent", rate(piece.rate))
    b.cbc(b.cac(category, "TaxScheme"), "ID", "VAT")


def write_line(b, root, line, language, credit):
    element = b.cac(root, "CreditNoteLine" if credit else "InvoiceLine")
    b.cbc(element, "ID", line.position)
    b.cbc(
        element,
        "CreditedQuantity" if credit else "InvoicedQuantity",
        quantity(line.quantity),
        unitCode=line.unit,
    )
    b.money(element, "LineExtensionAmount", line.net)
    if line.allowance:
        allowance = b.cac(element, "AllowanceCharge")
        b.cbc(allowance, "ChargeIndicator", "false")
        b.cbc(allowance, "AllowanceChargeReasonCode", DISCOUNT)
        b.cbc(allowance, "AllowanceChargeReason", DISCOUNT_REASON.get(language, "Discount"))
        b.cbc(allowance, "MultiplierFactorNumeric", rate(line.discount_percent))
        b.money(allowance, "Amount", line.allowance)
        b.money(allowance, "BaseAmount", line.gross)
    item = b.cac(element, "Item")
    b.cbc(item, "Description", line.description)
    b.cbc(item, "Name", line.name)
    category = b.cac(item, "ClassifiedTaxCategory")
    b.cbc(category, "ID", line.category)
    if line.category != OUTSIDE:
        b.cbc(category, "Percent", rate(line.rate))
    b.cbc(b.cac(category, "TaxScheme"), "ID", "VAT")
    price = b.cac(element, "Price")
    b.cbc(price, "PriceAmount", quantity(line.unit_price), currencyID=b.currency)
