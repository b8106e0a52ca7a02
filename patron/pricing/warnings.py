"""A rate below the target's minimum, where rates are set (the business default, a
client, a project, a quote's lines): how much a month it would cost if all billed time
went at that rate. A warning, never a refusal — the owner may have reasons."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.utils.translation import gettext as _

from patron.money import cents, format_money
from patron.pricing.target import current_target

UNITS = {"hour": "hour", "HUR": "hour", "day": "day", "DAY": "day"}


@dataclass(frozen=True)
class Shortfall:
    rate: Decimal
    minimum: Decimal
    per_month: Decimal
    currency: str
    unit: str  # "hour" or "day"

    @property
    def message(self):
        values = {
            "rate": format_money(self.rate, self.currency),
            "minimum": format_money(self.minimum, self.currency),
            "gap": format_money(self.per_month, self.currency),
        }
        if self.unit == "day":
            text = _(
                "%(rate)s a day is below your target's minimum of %(minimum)s: "
                "%(gap)s short a month if all your billed time went at it."
            )
        else:
            text = _(
                "%(rate)s an hour is below your target's minimum of %(minimum)s: "
                "%(gap)s short a month if all your billed time went at it."
            )
        return text % values


def shortfall(rate, currency, unit="hour", target=None):
    """The Shortfall of `rate` (per hour, or per day) against the target, or None when it
    is not below, there is no target, or it is in another currency (or another unit)."""
    unit = UNITS.get(unit)
    if rate is None or unit is None:
        return None
    target = target or current_target()
    if target is None or (currency or "").upper() != target.currency:
        return None
    minimum = target.hourly_rate if unit == "hour" else target.daily_rate
    rate = Decimal(rate)
    if minimum <= 0 or rate >= minimum:
        return None
    # The month's turnover at this rate falls short by the same share as the rate.
    per_month = cents(target.monthly_turnover * (minimum - rate) / minimum)
    return Shortfall(cents(rate), minimum, per_month, target.currency, unit)


def warn_if_below(request, rate, currency, unit="hour"):
    """After saving a rate: the shortfall as a warning message on the next page."""
    found = shortfall(rate, currency, unit)
    if found is not None:
        messages.warning(request, found.message)
    return found
