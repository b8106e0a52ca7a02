"""Money helpers shared by the apps: currencies, and amounts written for people.

Rounding will join them with billing.
"""

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, format_decimal, format_percent, list_currencies
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

CURRENCIES = frozenset(list_currencies())


def check_currency(value):
    """The ISO 4217 code, upper-cased; ValidationError for anything else."""
    currency = (value or "").strip().upper()
    if currency not in CURRENCIES:
        raise ValidationError(
            _("“%(value)s” is not an ISO 4217 currency code (EUR, USD…)."),
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
    if not currency:
        return format_decimal(amount, format="#,##0.00", locale=locale)
    return format_currency(amount, currency.upper(), locale=locale)


def format_percentage(value, locale=None):
    """A rate given in percent (21, 5.5) as the active language writes it: 5,5 % or 5.5%."""
    value = as_decimal(value)
    if value is None:
        return ""
    return format_percent(value / 100, locale=locale or active_locale(), decimal_quantization=False)
