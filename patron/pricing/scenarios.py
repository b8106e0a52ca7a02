"""Saved scenarios: save, make the target, delete. Exactly one target at most (a partial
unique constraint keeps it so even under concurrent requests)."""

from dataclasses import dataclass, replace
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from patron.pricing.calculator import InputError, RateInputs, check_inputs, compute
from patron.pricing.models import Scenario
from patron.pricing.regimes import REGIMES


def as_inputs(inputs):
    return inputs if isinstance(inputs, RateInputs) else RateInputs.from_dict(inputs)


@transaction.atomic
def do_save_scenario(name, inputs, make_target=False, scenario=None):
    """Save `inputs` (RateInputs or a dict of them) as a new scenario, or over `scenario`;
    the target if asked. InputError if they cannot give a rate."""
    inputs = as_inputs(inputs)
    check_inputs(inputs)
    name = (name or "").strip()[:100]
    if not name:
        raise InputError({"name": _("Name the scenario.")})
    scenario = scenario or Scenario()
    scenario.name = name
    scenario.inputs = inputs.as_dict()
    if make_target:
        Scenario.objects.filter(is_target=True).exclude(pk=scenario.pk).update(is_target=False)
        scenario.is_target = True
    scenario.save()
    return scenario


@transaction.atomic
def do_make_target(scenario):
    Scenario.objects.filter(is_target=True).exclude(pk=scenario.pk).update(is_target=False)
    scenario.is_target = True
    scenario.save(update_fields=["is_target", "updated_at"])
    return scenario


def do_delete_scenario(scenario):
    scenario.delete()


@dataclass(frozen=True)
class Compared:
    scenario: Scenario
    result: object  # RateResult, or None when stored inputs no longer compute
    error: str


def compared(scenarios):
    """Each scenario with its result, side by side."""
    rows = []
    for scenario in scenarios:
        try:
            rows.append(Compared(scenario, compute(scenario.rate_inputs), ""))
        except (InputError, ArithmeticError, ValueError) as error:
            rows.append(Compared(scenario, None, str(error)))
    return rows


# Standard VAT rates on services, for a first guess only (the user types their own):
# docs/facts/tax-figures.md §1.
STANDARD_VAT = {"BE": Decimal(21), "FR": Decimal(20)}
PUBLIC_HOLIDAYS = {"BE": Decimal(10), "FR": Decimal(11)}


def starting_inputs(business=None):
    """The target's inputs, else a first guess from the business profile."""
    target = Scenario.objects.filter(is_target=True).first()
    if target is not None:
        return target.rate_inputs
    if business is None:
        return RateInputs()
    regime = business.social_regime if business.social_regime in REGIMES else "custom"
    country = business.country
    franchise = business.vat_regime == "franchise"
    return replace(
        RateInputs(),
        regime=regime,
        versement_liberatoire=bool(business.versement_liberatoire),
        vat_rate=Decimal(0) if franchise else STANDARD_VAT.get(country, Decimal(0)),
        hours_per_day=business.planned_hours_per_day or Decimal(8),
        public_holidays=PUBLIC_HOLIDAYS.get(country, Decimal(10)),
    )
