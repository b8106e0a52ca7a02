"""Saved scenarios: save, make the target, delete. Exactly one target at most (a partial
unique constraint keeps it so even under concurrent requests)."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from patron.pricing.calculator import InputError, RateInputs, check_inputs, compute
from patron.pricing.models import Scenario


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
