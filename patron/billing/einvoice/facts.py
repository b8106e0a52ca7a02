"""What an issued document says in EN 16931 terms, shared by the UBL and the CII writers.

Everything here reads the document's frozen data only: its seller and buyer snapshots, its
lines, discounts and charges, its totals and exchange rate, and the numbers and dates of
the issued invoices it refers to (the one a credit note corrects, the deposits a final
invoice deducts). Never the live Contact or Business: an e-invoice rendered again in five
years must say what the one rendered on the day of issue said.
"""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from patron.billing.documents.quotes import deposits_of
from patron.billing.models import Kind, reason_label
from patron.billing.rules.mentions import payment_terms, sole_trader_mention
from patron.billing.rules.totals import Applied, line_amounts
from patron.billing.rules.vat import EXEMPT, OUTSIDE, REVERSE, exemption

# EN 16931 customization and the Peppol BIS Billing 3.0 process.
EN16931 = "urn:cen.eu:en16931:2017"
PEPPOL_CUSTOMIZATION = f"{EN16931}#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PEPPOL_PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

# UNTDID 1001 document types (BT-3).
COMMERCIAL_INVOICE, CREDIT_NOTE, PREPAYMENT_INVOICE = "380", "381", "386"
# UNTDID 4461 payment means (BT-81): SEPA credit transfer, or any credit transfer.
SEPA_CREDIT_TRANSFER, CREDIT_TRANSFER = "58", "30"
# UNTDID 5189 allowance reason (BT-140): discount.
DISCOUNT = "95"
# The VAT accounting currency (BT-6) of a Belgian or French seller.
ACCOUNTING_CURRENCY = "EUR"

# Electronic Address Scheme (EAS) codes of VAT numbers, by the number's country prefix
# (Peppol code list "Electronic Address Identifier Scheme").
VAT_SCHEMES = {
    "AT": "9914", "BE": "9925", "BG": "9926", "CH": "9927", "CY": "9928", "CZ": "9929",
    "DE": "9930", "EE": "9931", "ES": "9920", "FR": "9957", "GB": "9932", "EL": "9933",
    "HR": "9934", "HU": "9910", "IE": "9935", "LT": "9937", "LU": "9938", "LV": "9939",
    "MT": "9943", "NL": "9944", "PL": "9945", "PT": "9946", "RO": "9947", "SI": "9949",
    "SK": "9950",
}  # fmt: skip
BELGIAN_ENTERPRISE, FRENCH_SIRET, FRENCH_SIREN = "0208", "0009", "0002"
DUTCH_KVK, US_EIN = "0106", "9959"


def clean(text):
    """Text fit for XML 1.0: control characters, but tab and line breaks, are dropped."""
    return "".join(ch for ch in str(text or "") if ch in "\t\n\r" or ord(ch) >= 32)


def digits(value):
    return "".join(ch for ch in str(value or "") if ch.isdigit())


def vat_id(party):
    """The party's VAT number with its country prefix (BR-CO-09), "" when it has none."""
    compact = "".join(ch for ch in str(party.get("vat_number") or "").upper() if ch.isalnum())
    if not compact:
        return ""
    if not compact[:2].isalpha():
        compact = ("EL" if party.get("country") == "GR" else party.get("country", "")) + compact
    return compact


def legal_id(party):
    """(scheme, identifier) of the party's company registration, or None.

    Belgian enterprise number (0208), French SIREN (0002; the SIRET's first nine digits),
    Dutch KvK number (0106): schemes of the ISO 6523 ICD list, as BR-CL-11 wants."""
    country, number = party.get("country"), digits(party.get("company_number"))
    if country == "BE" and len(number) in (9, 10):
        return BELGIAN_ENTERPRISE, number.zfill(10)
    if country == "FR" and len(number) in (9, 14):
        return FRENCH_SIREN, number[:9]
    if country == "NL" and len(number) == 8:
        return DUTCH_KVK, number
    return None


def endpoint(party):
    """(scheme, identifier) of the party's electronic address (BT-34 / BT-49), or None.

    Its enterprise number in Belgium, its SIRET (else SIREN) in France, else its VAT number
    in the VAT scheme of its country, else its company registration."""
    country, number = party.get("country"), digits(party.get("company_number"))
    if country == "FR" and len(number) == 14:
        return FRENCH_SIRET, number
    if country in ("BE", "FR") and legal_id(party):
        return legal_id(party)
    vat = vat_id(party)
    if vat and vat[:2] in VAT_SCHEMES:
        return VAT_SCHEMES[vat[:2]], vat
    if country == "US" and len(number) == 9:
        return US_EIN, number
    return legal_id(party)


def party_name(party):
    """The name under which a party is registered (BT-27 / BT-44)."""
    return party.get("legal_name") or party.get("display_name") or party.get("name") or ""


def seller_legal_information(seller):
    """BT-33: "EI" for a French sole trader (C. com. R123-237), else nothing."""
    return sole_trader_mention(seller)


def type_code(document):
    if document.kind == Kind.CREDIT_NOTE:
        return CREDIT_NOTE
    if document.is_deposit:
        return PREPAYMENT_INVOICE
    return COMMERCIAL_INVOICE


def amount(value):
    """A money amount with exactly two decimals (BR-DEC-*)."""
    return f"{Decimal(value):.2f}"


def quantity(value):
    return f"{Decimal(value).normalize():f}"


def rate(value):
    return f"{Decimal(value).normalize():f}"


@dataclass(frozen=True)
class LineFacts:
    position: int
    name: str  # BT-153: the description's first line
    description: str  # BT-154: the whole description when the name does not say it all
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount_percent: Decimal
    gross: Decimal
    allowance: Decimal
    net: Decimal
    category: str
    rate: Decimal


@dataclass(frozen=True)
class GroupFacts:
    category: str
    rate: Decimal
    taxable: Decimal
    vat: Decimal
    exemption_code: str
    exemption_text: str


@dataclass(frozen=True)
class Facts:
    """The EN 16931 content of one issued document."""

    number: str
    type_code: str
    issue_date: date
    due_date: date | None
    currency: str
    language: str
    buyer_reference: str  # BT-10
    note: str  # BT-22
    seller: dict
    buyer: dict
    seller_vat: str  # BT-31, "" where it must not be given
    buyer_vat: str  # BT-48
    seller_tax_registration: str  # BT-32, when the seller has no VAT number
    period: tuple[date, date] | None  # BG-14
    delivery_date: date | None  # BT-72
    preceding: tuple[tuple[str, date], ...]  # BG-3: (BT-25, BT-26) of each invoice referred to
    payment_reference: str  # BT-83
    payment_means: str  # BT-81
    iban: str
    bic: str
    payment_terms: str  # BT-20
    lines: tuple[LineFacts, ...]
    adjustments: tuple[Applied, ...]  # BG-20 and BG-21
    groups: tuple[GroupFacts, ...]
    line_total: Decimal
    allowances: Decimal  # BT-107
    charges: Decimal  # BT-108
    excl_vat: Decimal
    vat: Decimal
    incl_vat: Decimal
    prepaid: Decimal
    due: Decimal
    tax_currency: str  # BT-6, "" when the document is in euros or states no VAT in euros
    vat_in_tax_currency: Decimal | None  # BT-111

    @property
    def is_credit_note(self):
        return self.type_code == CREDIT_NOTE


def split_description(text):
    text = " ".join(line.strip() for line in clean(text).splitlines() if line.strip()) or "-"
    first = text.split(". ")[0]
    name = first if len(first) <= 100 else first[:99].rstrip() + "…"
    return name, ("" if name == text else text)


def facts(document):
    """The Facts of an issued invoice or credit note."""
    seller = {key: clean(value) for key, value in document.seller.items()}
    buyer = {
        key: clean(value) if isinstance(value, str) else value
        for key, value in document.buyer.items()
    }
    lines = list(document.lines.all())
    totals = document.totals(lines)
    categories = {group.category for group in totals.groups}
    # BR-O-02: an invoice outside the scope of VAT names no VAT identifier.
    outside = categories == {OUTSIDE}
    seller_vat = "" if outside else vat_id(seller)
    buyer_vat = "" if outside else vat_id(buyer)
    registration = ""
    if not seller_vat and EXEMPT in categories:  # BR-E-02: a French micro-entrepreneur
        registration = digits(seller.get("company_number"))
    groups = []
    for group in totals.groups:
        code, text = "", ""
        if group.category in (EXEMPT, REVERSE, OUTSIDE):
            code, text = exemption(group.category, seller.get("country"), document.language) or (
                "",
                "",
            )
        groups.append(GroupFacts(group.category, group.rate, group.taxable, group.vat, code, text))
    line_facts = []
    for position, line in enumerate(lines, start=1):
        name, description = split_description(line.description)
        figures = line_amounts(line.quantity, line.unit_price, line.discount_percent)
        line_facts.append(
            LineFacts(
                position,
                name,
                description,
                line.quantity,
                line.unit,
                line.unit_price,
                line.discount_percent,
                figures.gross,
                figures.allowance,
                line.net,
                line.category,
                line.vat_rate,
            )
        )
    period = delivery = None
    if document.service_start and document.service_end:
        period = (document.service_start, document.service_end)
    elif document.service_start or document.service_end:
        delivery = document.service_start or document.service_end
    preceding = ()
    if document.kind == Kind.CREDIT_NOTE and document.corrects_id:
        preceding = ((document.corrects.number, document.corrects.issue_date),)
    elif document.kind == Kind.INVOICE:
        preceding = tuple((deposit.number, deposit.issue_date) for deposit in deposits_of(document))
    adjustments = tuple(
        replace(
            piece, reason=clean(piece.reason) or reason_label(piece.reason_code, document.language)
        )
        for piece in totals.applied
    )
    is_invoice = document.kind == Kind.INVOICE
    iban = "".join(str(seller.get("iban") or "").split())
    return Facts(
        number=document.number,
        type_code=type_code(document),
        issue_date=document.issue_date,
        due_date=document.due_date if is_invoice else None,
        currency=document.currency,
        language=document.language,
        buyer_reference=clean(document.buyer_reference or document.number)[:100],
        note=clean("\n\n".join(text for text in (document.notes, document.terms) if text.strip())),
        seller=seller,
        buyer=buyer,
        seller_vat=seller_vat,
        buyer_vat=buyer_vat,
        seller_tax_registration=registration,
        period=period,
        delivery_date=delivery,
        preceding=preceding,
        payment_reference=document.structured_reference or document.number,
        payment_means=SEPA_CREDIT_TRANSFER if document.currency == "EUR" else CREDIT_TRANSFER,
        iban=iban if is_invoice else "",
        bic=str(seller.get("bic") or "") if is_invoice else "",
        payment_terms=payment_terms(document) if is_invoice else "",
        lines=tuple(line_facts),
        adjustments=adjustments,
        groups=tuple(groups),
        line_total=totals.lines,
        allowances=totals.allowances,
        charges=totals.charges,
        excl_vat=totals.excl_vat,
        vat=totals.vat,
        incl_vat=totals.incl_vat,
        prepaid=totals.prepaid,
        due=totals.due,
        tax_currency=ACCOUNTING_CURRENCY if document.states_vat_in_euros else "",
        vat_in_tax_currency=document.total_vat_eur if document.states_vat_in_euros else None,
    )
