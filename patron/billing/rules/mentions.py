"""The legal mentions of an invoice that are not about VAT, in the words the law uses.

Like the VAT mentions of vat.py, they are held here per country and language rather than
in the translation catalogue: their wording is the law's, not a translator's. Figures are
dated (rule 1 of the design) with their source (docs/facts/invoicing-law.md §1 and §3).
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency


@dataclass(frozen=True)
class LatePayment:
    country: str
    points_over_ecb_rate: Decimal
    recovery_indemnity: Decimal  # EUR, per invoice, business clients only
    valid_from: date
    source: str
    text: dict  # language -> the mention, with {points} and {indemnity}


LATE_PAYMENT = (
    LatePayment(
        "BE",
        Decimal("8"),
        Decimal("40"),
        date(2013, 3, 16),
        "Law of 2 August 2002 art. 5 and 6 (as amended 2013)",
        {
            "fr": "En cas de retard de paiement, un intérêt de retard est dû de plein droit et "
            "sans mise en demeure au taux de la loi du 2 août 2002 (taux de référence de la "
            "BCE majoré de {points} points), ainsi qu'une indemnité forfaitaire pour frais de "
            "recouvrement de {indemnity}.",
            "en": "Late payment: interest is due by right and without notice at the rate of the "
            "law of 2 August 2002 (ECB reference rate plus {points} points), together with a "
            "fixed indemnity of {indemnity} for recovery costs.",
        },
    ),
    LatePayment(
        "FR",
        Decimal("10"),
        Decimal("40"),
        date(2013, 1, 1),
        "Code de commerce L441-10 and D441-5 (décret 2012-1115)",
        {
            "fr": "Pénalités de retard exigibles de plein droit dès le lendemain de l'échéance : "
            "taux de refinancement de la BCE majoré de {points} points. Indemnité forfaitaire "
            "pour frais de recouvrement : {indemnity} (art. L441-10 et D441-5 du Code de "
            "commerce). Pas d'escompte pour paiement anticipé.",
            "en": "Late-payment penalties are due by right from the day after the due date: ECB "
            "refinancing rate plus {points} points. Fixed indemnity for recovery costs: "
            "{indemnity} (French Commercial Code art. L441-10 and D441-5). No discount for "
            "early payment.",
        },
    ),
)

DUE_BY = {"fr": "À payer au plus tard le {date}.", "en": "Payable by {date}."}

# France, decree 2022-1299: the category of the operation (Patron's documents sell services).
OPERATION_CATEGORY = {
    "fr": "Catégorie de l'opération : prestation de services",
    "en": "Category of operation: provision of services",
}


def locale_of(language, country):
    return f"{language}_{country}" if country in ("BE", "FR") else language


def late_payment(seller_country, language, on):
    """The late-payment mention for a business client, or "" where Patron knows none."""
    for terms in LATE_PAYMENT:
        if terms.country == seller_country and terms.valid_from <= on:
            locale = locale_of(language, seller_country)
            indemnity = format_currency(terms.recovery_indemnity, "EUR", locale=locale)
            indemnity = indemnity.replace(",00", "").replace(".00", "")
            text = terms.text.get(language) or terms.text["en"]
            return text.format(points=terms.points_over_ecb_rate, indemnity=indemnity)
    return ""


def payment_terms(document):
    """BT-20 and the PDF's payment paragraph: the due date and, for a business client, the
    late-payment interest and the fixed recovery indemnity."""
    seller, language = document.seller, document.language
    locale = locale_of(language, seller.get("country"))
    parts = []
    if document.due_date:
        due = format_date(document.due_date, format="long", locale=locale)
        parts.append((DUE_BY.get(language) or DUE_BY["en"]).format(date=due))
    if document.buyer.get("is_organisation"):
        parts.append(late_payment(seller.get("country"), language, document.issue_date))
    return " ".join(part for part in parts if part)


def operation_category(seller_country, language):
    if seller_country != "FR":
        return ""
    return OPERATION_CATEGORY.get(language) or OPERATION_CATEGORY["en"]


# France, C. com. R123-237 and L526-22: an individual entrepreneur's name is "immediately
# preceded or followed" by the words "entrepreneur individuel" or the initials "EI".
SOLE_TRADER_FORMS = ("sole_trader", "micro")
SOLE_TRADER_MENTION = "EI"
# The mention as people already write it in their name: EI, E.I., (EI), E I, the words
# (either gender) and the EIRL of before 2022, which carries the words.
CARRIED_MENTIONS = (
    ("ei",), ("e", "i"), ("eirl",), ("e", "i", "r", "l"),
    ("entrepreneur", "individuel"), ("entrepreneure", "individuelle"),
    ("entrepreneuse", "individuelle"),
    ("entrepreneur", "individuel", "a", "responsabilite", "limitee"),
)  # fmt: skip
LONGEST_MENTION = max(len(words) for words in CARRIED_MENTIONS)


def sole_trader_mention(seller):
    """BT-33 and the name's suffix: "EI" for a French sole trader, else ""."""
    if seller.get("country") == "FR" and seller.get("legal_form") in SOLE_TRADER_FORMS:
        return SOLE_TRADER_MENTION
    return ""


def words_of(name):
    """The name's words, lower case, accents and punctuation gone: "(E.I.)" is e, i."""
    plain = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.findall(r"[^\W_]+", plain)


def carries_sole_trader_mention(name):
    """True when the name already starts or ends with the mention, however written."""
    words = words_of(name)
    for size in range(1, LONGEST_MENTION + 1):
        if tuple(words[:size]) in CARRIED_MENTIONS or tuple(words[-size:]) in CARRIED_MENTIONS:
            return True
    return False


def registered_name(name, seller):
    """The seller's name as the PDF, the CII and the UBL print it: followed by "EI" for a
    French sole trader, unless the name already carries the mention."""
    mention = sole_trader_mention(seller)
    if not mention or not name or carries_sole_trader_mention(name):
        return name
    return f"{name} {mention}"
