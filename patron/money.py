"""Money helpers shared by the apps: the one rounding of money, hours and seconds, currencies,
and amounts written for people and for machines.

Every amount is rounded by `cents`: half-up, as invoices and their e-invoices round (EN 16931
line nets, VAT per rate group), to its currency's places.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel.core import get_global
from babel.numbers import (
    format_currency,
    format_decimal,
    format_percent,
    get_currency_precision,
    get_territory_currencies,
)
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

# ISO 4217 codes that are no money anyone pays with: test and "no currency" codes, precious
# metals, the IMF's SDR and the European composite units. The CLDR tables below list none
# of them as legal tender; they are named here so that no update of those tables lets one in.
NOT_MONEY = frozenset(
    "XXX XTS XAU XAG XPT XPD XDR XBA XBB XBC XBD XSU XUA XEU XFO XFU XRE XAD".split()
)

# Every amount column holds two decimals: no currency keeps more (the dinars of Kuwait and
# Bahrain have three in ISO 4217; they are written to the fils' tenth).
MAX_PLACES = 2
STEPS = {places: Decimal(1).scaleb(-places) for places in range(MAX_PLACES + 1)}


def places(currency=None):
    """How many decimals an amount in `currency` keeps: its minor units as the pages write
    them (CLDR, through babel: 2 for the euro, 0 for the yen and the CFA francs), at most two;
    two without a currency."""
    if not currency:
        return MAX_PLACES
    return min(MAX_PLACES, get_currency_precision(currency.upper()))


def cents(amount, currency=None):
    """`amount` rounded half-up to its currency's places (to the cent without a currency):
    the one rounding of money in Patron."""
    return Decimal(amount).quantize(STEPS[places(currency)], rounding=ROUND_HALF_UP)


def amount_text(amount, currency=None):
    """An amount as the API, CSV tables and reports write it: rounded by `cents`, with all its
    currency's places (500 → "500.00"); None stays None."""
    if amount is None:
        return None
    return f"{cents(amount, currency):.{places(currency)}f}"


def in_hours(seconds, decimals=2):
    """Whole seconds as decimal hours, rounded half-up: 5400 → 1.50 (1.5000 to four decimals,
    as invoice lines count them)."""
    step = Decimal(1).scaleb(-decimals)
    return (Decimal(seconds or 0) / 3600).quantize(step, rounding=ROUND_HALF_UP)


def in_seconds(hours):
    """Decimal hours as whole seconds, rounded half-up: 1.5 → 5400."""
    return int((Decimal(hours) * 3600).quantize(STEPS[0], rounding=ROUND_HALF_UP))


@lru_cache(maxsize=4)
def circulating(on):
    """The ISO 4217 codes that are legal tender somewhere on the day `on` (CLDR's territory
    currencies, as babel has them): no funds codes (BOV, CLF, USN…), no currency replaced
    by another (BGN since the euro of 2026, HRK, FRF…), none of NOT_MONEY."""
    found = set()
    for territory in get_global("territory_currencies"):
        found.update(get_territory_currencies(territory, start_date=on, tender=True))
    return frozenset(found - NOT_MONEY)


def check_currency(value, on=None):
    """The ISO 4217 code of a currency in circulation (on the day `on`, today by default),
    upper-cased; ValidationError for anything else."""
    currency = (value or "").strip().upper()
    day = on if isinstance(on, date) else timezone.localdate()
    if currency not in circulating(day):
        raise ValidationError(
            _("“%(value)s” is not an ISO 4217 currency code in circulation (EUR, USD, CHF…)."),
            code="invalid",
            params={"value": currency[:10]},
        )
    return currency


def active_locale():
    """Babel's name for the language the page speaks: fr, en…"""
    return translation.to_locale(translation.get_language() or "fr")


def as_decimal(value):
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return None


def format_money(amount, currency, locale=None):
    """An amount as people of the active language write it: 85,00 € in French, €85.00 in English.

    Pages only; CSV exports, the API and reports keep plain decimals. None gives "".
    """
    amount = as_decimal(amount)
    if amount is None:
        return ""
    locale = locale or active_locale()
    amount = cents(amount, currency)  # half-up here, not babel's half-even
    if not currency:
        return format_decimal(amount, format="#,##0.00", locale=locale)
    return format_currency(amount, currency.upper(), locale=locale)


def format_percentage(value, locale=None):
    """A rate given in percent (21, 5.5) as the active language writes it: 5,5 % or 5.5%."""
    value = as_decimal(value)
    if value is None:
        return ""
    return format_percent(value / 100, locale=locale or active_locale(), decimal_quantization=False)
