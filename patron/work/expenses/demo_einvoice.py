"""The supplier e-invoice of `patron demo`: a Peppol UBL invoice from a hosting company, with
two VAT rates, booked through the same path as a dropped file (supplier_invoices.py)."""

from datetime import timedelta
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils import timezone

from patron.money import cents

SUPPLIERS = {
    # country: (name, VAT number, street, postcode, city, rates (standard, reduced), currency)
    "BE": ("Nuage Belge SRL", "BE0403019261", "Rue de la Loi 16", "1000", "Bruxelles", 21, 6),
    "FR": ("Hébergement Rhône SAS", "FR40303265045", "12 quai Perrache", "69002", "Lyon", 20, 5.5),
}
LINES = [
    # description, quantity, unit, price, reduced rate?
    ("Serveur virtuel 4 Go (mois)", 1, "MON", "24.00", False),
    ("Noms de domaine (an)", 3, "ANN", "12.00", False),
    ("Guide d'hébergement imprimé", 1, "C62", "10.00", True),
]
TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
 <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
 <cbc:ID>{number}</cbc:ID>
 <cbc:IssueDate>{issued}</cbc:IssueDate>
 <cbc:DueDate>{due}</cbc:DueDate>
 <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
 <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
 <cbc:BuyerReference>{buyer}</cbc:BuyerReference>
 <cac:AccountingSupplierParty><cac:Party>
  <cbc:EndpointID schemeID="9925">{vat}</cbc:EndpointID>
  <cac:PartyName><cbc:Name>{name}</cbc:Name></cac:PartyName>
  <cac:PostalAddress><cbc:StreetName>{street}</cbc:StreetName><cbc:CityName>{city}</cbc:CityName>
   <cbc:PostalZone>{postcode}</cbc:PostalZone><cac:Country><cbc:IdentificationCode>{country}</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
  <cac:PartyTaxScheme><cbc:CompanyID>{vat}</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
  <cac:PartyLegalEntity><cbc:RegistrationName>{name}</cbc:RegistrationName></cac:PartyLegalEntity>
 </cac:Party></cac:AccountingSupplierParty>
 <cac:AccountingCustomerParty><cac:Party>
  <cbc:EndpointID schemeID="{buyer_scheme}">{buyer_id}</cbc:EndpointID>
  <cac:PostalAddress><cac:Country><cbc:IdentificationCode>{country}</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
  <cac:PartyLegalEntity><cbc:RegistrationName>{buyer}</cbc:RegistrationName></cac:PartyLegalEntity>
 </cac:Party></cac:AccountingCustomerParty>
 <cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
  <cac:PayeeFinancialAccount><cbc:ID>BE71096123456769</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>
 <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">{vat_total}</cbc:TaxAmount>{subtotals}</cac:TaxTotal>
 <cac:LegalMonetaryTotal>
  <cbc:LineExtensionAmount currencyID="EUR">{net}</cbc:LineExtensionAmount>
  <cbc:TaxExclusiveAmount currencyID="EUR">{net}</cbc:TaxExclusiveAmount>
  <cbc:TaxInclusiveAmount currencyID="EUR">{gross}</cbc:TaxInclusiveAmount>
  <cbc:PayableAmount currencyID="EUR">{gross}</cbc:PayableAmount>
 </cac:LegalMonetaryTotal>{lines}
</Invoice>
"""
SUBTOTAL = """
 <cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">{taxable}</cbc:TaxableAmount>
  <cbc:TaxAmount currencyID="EUR">{tax}</cbc:TaxAmount>
  <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>{rate}</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal>"""
LINE = """
 <cac:InvoiceLine><cbc:ID>{position}</cbc:ID>
  <cbc:InvoicedQuantity unitCode="{unit}">{quantity}</cbc:InvoicedQuantity>
  <cbc:LineExtensionAmount currencyID="EUR">{net}</cbc:LineExtensionAmount>
  <cac:Item><cbc:Name>{description}</cbc:Name>
   <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>{rate}</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item>
  <cac:Price><cbc:PriceAmount currencyID="EUR">{price}</cbc:PriceAmount></cac:Price>
 </cac:InvoiceLine>"""


def demo_invoice(country, buyer, buyer_number, today=None):
    """The UBL bytes of the demo supplier's invoice to `buyer` (its company number: BCE/KBO
    in Belgium, SIRET in France), dated ten days ago."""
    name, vat, street, postcode, city, standard, reduced = SUPPLIERS[country]
    issued = (today or timezone.localdate()) - timedelta(days=10)
    lines, taxable = [], {}
    for position, (description, quantity, unit, price, is_reduced) in enumerate(LINES, 1):
        rate = Decimal(str(reduced if is_reduced else standard))
        net = Decimal(price) * quantity
        taxable[rate] = taxable.get(rate, Decimal(0)) + net
        lines.append(
            LINE.format(
                position=position,
                unit=unit,
                quantity=quantity,
                net=net,
                description=escape(description),
                rate=rate,
                price=price,
            )
        )
    tax = {rate: cents(base * rate / 100) for rate, base in taxable.items()}
    net, vat_total = sum(taxable.values()), sum(tax.values())
    subtotals = "".join(
        SUBTOTAL.format(taxable=taxable[rate], tax=tax[rate], rate=rate) for rate in taxable
    )
    return TEMPLATE.format(
        number=f"NB-{issued:%Y%m}-0117",
        issued=issued,
        due=issued + timedelta(days=30),
        buyer=escape(buyer),
        buyer_scheme="0208" if country == "BE" else "0009",
        buyer_id="".join(ch for ch in buyer_number if ch.isdigit()),
        vat=vat,
        name=name,
        street=street,
        city=city,
        postcode=postcode,
        country=country,
        vat_total=vat_total,
        subtotals=subtotals,
        net=net,
        gross=net + vat_total,
        lines="".join(lines),
    ).encode()
