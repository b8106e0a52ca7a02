"""VAT on Patron's documents: each country's rates by date, the treatment a document gets,
the EN 16931 category of each line, and the words the law asks for when no VAT is charged.

Rates are dated reference data (rule 1 of the design), with their source; the rates, the
treatments and the wording of the mentions, with their sources, are in
docs/facts/tax-figures.md §1 and docs/facts/invoicing-law.md §2.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

EU = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)


@dataclass(frozen=True)
class RateTable:
    country: str
    rates: tuple[Decimal, ...]
    valid_from: date
    valid_to: date | None
    source: str


RATE_TABLES = (
    RateTable(
        "BE",
        tuple(Decimal(r) for r in ("21", "12", "6", "0")),
        date(1996, 1, 1),
        None,
        "Belgian VAT Code art. 37 and Royal Decree no. 20",
    ),
    RateTable(
        "FR",
        tuple(Decimal(r) for r in ("20", "10", "5.5", "2.1", "0")),
        date(2014, 1, 1),
        None,
        "CGI art. 278, 278-0 bis, 279, 281 quater",
    ),
)


def rates_for(country, on):
    """The VAT rates of a country on a day, highest first; () when Patron has no table."""
    for table in RATE_TABLES:
        if (
            table.country == country
            and table.valid_from <= on
            and (table.valid_to is None or on <= table.valid_to)
        ):
            return table.rates
    return ()


class Treatment(models.TextChoices):
    NORMAL = "normal", _("VAT charged")
    FRANCHISE = "franchise", _("Small-business franchise (no VAT)")
    REVERSE_CHARGE = "reverse_charge", _("Reverse charge (EU business client)")
    OUTSIDE_EU = "outside_eu", _("Outside the scope of VAT (client outside the EU)")


# EN 16931 VAT category codes (UNCL5305).
STANDARD, ZERO, EXEMPT, REVERSE, OUTSIDE = "S", "Z", "E", "AE", "O"


def category(treatment, rate):
    """The EN 16931 category of a line at `rate` under the document's treatment."""
    if treatment == Treatment.FRANCHISE:
        return EXEMPT
    if treatment == Treatment.REVERSE_CHARGE:
        return REVERSE
    if treatment == Treatment.OUTSIDE_EU:
        return OUTSIDE
    return STANDARD if rate > 0 else ZERO


def charges_vat(treatment):
    return treatment == Treatment.NORMAL


@dataclass(frozen=True)
class Exemption:
    code: str  # VATEX code (BT-121), "" when none fits
    text: dict  # language -> the mention (BT-120)


EXEMPTIONS = {
    (EXEMPT, "BE"): Exemption(
        "",
        {
            "fr": "Régime particulier de franchise des petites entreprises",
            "en": "Special small-business VAT franchise scheme (Régime particulier de franchise "
            "des petites entreprises)",
        },
    ),
    (EXEMPT, "FR"): Exemption(
        "VATEX-FR-FRANCHISE",
        {
            "fr": "TVA non applicable, art. 293 B du CGI",
            "en": "VAT not applicable, art. 293 B of the CGI",
        },
    ),
    (REVERSE, "BE"): Exemption(
        "VATEX-EU-AE",
        {"fr": "Autoliquidation", "en": "Reverse charge (Autoliquidation)"},
    ),
    (REVERSE, "FR"): Exemption(
        "VATEX-EU-AE",
        {"fr": "Autoliquidation", "en": "Reverse charge (Autoliquidation)"},
    ),
    (OUTSIDE, "BE"): Exemption(
        "VATEX-EU-O",
        {
            "fr": "Opération non soumise à la TVA belge – art. 21 §2 du Code TVA",
            "en": "Not subject to Belgian VAT – art. 21 §2 of the VAT Code",
        },
    ),
    (OUTSIDE, "FR"): Exemption(
        "VATEX-EU-O",
        {
            "fr": "TVA non applicable – art. 259-1 du CGI",
            "en": "VAT not applicable – art. 259-1 of the CGI",
        },
    ),
}


def exemption(category_code, seller_country, language):
    """(VATEX code, mention) for a category that charges no VAT; None for S and Z."""
    found = EXEMPTIONS.get((category_code, seller_country))
    if found is None:
        return None
    return found.code, found.text.get(language) or found.text["en"]


def suggest_treatment(seller_country, seller_franchise, client_country, client_vat_number):
    """The treatment a new document for this client starts with (the user may change it)."""
    if seller_franchise:
        return Treatment.FRANCHISE
    if client_country and client_country != seller_country:
        if client_country not in EU:
            return Treatment.OUTSIDE_EU
        if client_vat_number:
            return Treatment.REVERSE_CHARGE
    return Treatment.NORMAL


def vat_mentions(document, lines):
    """The exemption mentions of an issued document's VAT groups, in its language."""
    country = document.seller.get("country", "")
    found = []
    for category in sorted({line.category for line in lines}):
        mention = exemption(category, country, document.language)
        if mention and mention[1] not in found:
            found.append(mention[1])
    return found
