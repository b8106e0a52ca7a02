"""Money helpers shared by the apps: currencies now; rounding will join them with billing."""

from babel.numbers import list_currencies
from django.core.exceptions import ValidationError
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
