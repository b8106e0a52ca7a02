"""The target: the saved scenario marked as such, as the rest of Patron reads it (the
dashboard's effective rate, the warnings where rates are set).

`Target.set_aside` says what the regime takes from money received over the first
months of the year: the regime's own rules on the year the months point to (received
and costs prorated to twelve months, taken, then brought back), so progressive
regimes do not tax a good first month as if it were the whole year.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from patron.money import cents
from patron.pricing.calculator import InputError, compute
from patron.pricing.models import Scenario
from patron.pricing.regimes import REGIMES

MONTHS = 12


@dataclass(frozen=True)
class SetAside:
    contributions: Decimal
    income_tax: Decimal


@dataclass(frozen=True)
class Target:
    scenario_id: int
    name: str
    currency: str  # "EUR"
    regime: str  # "be-main" | "fr-micro-bnc" | "fr-micro-bic" | "custom"
    hourly_rate: Decimal  # minimum hourly rate, excl. VAT
    daily_rate: Decimal
    yearly_turnover: Decimal  # required turnover per year, excl. VAT
    monthly_turnover: Decimal  # yearly_turnover / 12
    billable_hours_per_month: Decimal

    def set_aside(self, received_excl_vat: Decimal, months: int) -> "SetAside":
        """What the regime takes from `received_excl_vat` earned over the first `months`
        months of the year (1..12), the scenario's yearly costs prorated to them."""
        months = min(max(int(months), 1), MONTHS)
        inputs = Scenario.objects.get(pk=self.scenario_id).rate_inputs
        yearly = Decimal(received_excl_vat) * MONTHS / months
        year = date.today().year  # noqa: DTZ011 -- a calendar year, not an instant
        takes = REGIMES[self.regime].takes(yearly, inputs.costs_yearly, inputs, year)
        share = Decimal(months) / MONTHS
        return SetAside(cents(takes.contributions * share), cents(takes.income_tax * share))


def target_of(scenario):
    """The Target of a scenario, or None if its inputs no longer compute."""
    try:
        result = compute(scenario.rate_inputs)
    except (InputError, ArithmeticError, ValueError):
        return None
    return Target(
        scenario_id=scenario.pk,
        name=scenario.name,
        currency=scenario.currency,
        regime=result.inputs.regime,
        hourly_rate=result.hourly_rate,
        daily_rate=result.daily_rate,
        yearly_turnover=result.yearly_turnover,
        monthly_turnover=result.monthly_turnover,
        billable_hours_per_month=result.billable_hours_per_month,
    )


def current_target() -> Target | None:
    """The saved scenario marked as target, or None."""
    scenario = Scenario.objects.filter(is_target=True).first()
    return target_of(scenario) if scenario else None
