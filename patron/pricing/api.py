"""The rate calculator over the REST API: POST inputs, get the breakdown; saved scenarios.

Inputs left out take the target's values (else a first guess from the business), as on
`patron rate`; the same form checks them as on the page, and says what is wrong in a
422 with the message of each field. Amounts are strings, to the cent.
"""

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from patron.api.errors import ValidationErrors, form_errors
from patron.api.forms import patch_form
from patron.business.profile import get_business
from patron.pricing.calculator import InputError, compute
from patron.pricing.forms import RateForm, SaveForm
from patron.pricing.models import Scenario
from patron.pricing.scenarios import (
    do_delete_scenario,
    do_make_target,
    do_save_scenario,
    starting_inputs,
)

router = Router(tags=["pricing"])

Number = Decimal | str | None


class RateIn(Schema):
    net_monthly: Number = None
    costs_yearly: Number = None
    regime: str | None = None
    contributions_pct: Number = None
    tax_pct: Number = None
    versement_liberatoire: bool | None = None
    communal_surcharge: Number = None
    vat_rate: Number = None
    days_per_week: Number = None
    hours_per_day: Number = None
    weeks_off: Number = None
    public_holidays: Number = None
    sick_days: Number = None
    training_days: Number = None
    billable: Number = None


class RateOut(Schema):
    regime: str
    year: int
    hourly_rate: str
    daily_rate: str
    yearly_turnover: str
    monthly_turnover: str
    working_days: str
    billable_hours: str
    breakdown: dict[str, str]
    warnings: list[str]
    inputs: dict


class ScenarioIn(Schema):
    name: str | None = None
    inputs: RateIn | None = None
    make_target: bool = False


class ScenarioOut(Schema):
    id: int
    name: str
    is_target: bool
    currency: str
    inputs: dict
    result: RateOut | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_result(obj):
        try:
            return compute(obj.rate_inputs).as_json()
        except (InputError, ArithmeticError, ValueError):
            return None


def rate_form(payload, base):
    """A RateForm from `base` (RateInputs) changed by what the payload sets."""
    return patch_form(RateForm, RateForm.initial_of(base), payload or RateIn())


@router.post(
    "/rate",
    response={200: RateOut, 422: ValidationErrors},
    url_name="pricing_rate",
    summary="Compute the minimum rate and its breakdown (left-out inputs: the target's)",
)
def rate(request: HttpRequest, payload: RateIn):
    form = rate_form(payload, starting_inputs(get_business()))
    if not form.is_valid():
        return form_errors(form, "These inputs cannot give a rate.")
    return compute(form.inputs()).as_json()


@router.get(
    "/scenarios",
    response=list[ScenarioOut],
    url_name="pricing_scenarios",
    summary="List saved scenarios, the target first",
)
def list_scenarios(request: HttpRequest):
    return Scenario.objects.all()


def save(payload, scenario=None):
    base = scenario.rate_inputs if scenario else starting_inputs(get_business())
    form = rate_form(payload.inputs, base)
    name = payload.name if payload.name is not None else (scenario.name if scenario else "")
    naming = SaveForm({"name": name})
    if not (form.is_valid() & naming.is_valid()):
        for field, errors in naming.errors.items():
            form.errors.setdefault(field, form.error_class()).extend(errors)
        return None, form
    make_target = payload.make_target or bool(scenario and scenario.is_target)
    saved = do_save_scenario(
        name=naming.cleaned_data["name"],
        inputs=form.inputs(),
        make_target=make_target,
        scenario=scenario,
    )
    return saved, form


@router.post(
    "/scenarios",
    response={201: ScenarioOut, 422: ValidationErrors},
    url_name="pricing_scenarios_create",
    summary="Save a scenario (inputs left out: the target's); make_target to aim at it",
)
def create_scenario(request: HttpRequest, payload: ScenarioIn):
    saved, form = save(payload)
    if saved is None:
        return form_errors(form, "The scenario was not saved.")
    return 201, saved


@router.get(
    "/scenarios/{int:scenario_id}",
    response=ScenarioOut,
    url_name="pricing_scenarios_read",
    summary="Read a scenario and its result",
)
def read_scenario(request: HttpRequest, scenario_id: int):
    return get_object_or_404(Scenario, pk=scenario_id)


@router.patch(
    "/scenarios/{int:scenario_id}",
    response={200: ScenarioOut, 422: ValidationErrors},
    url_name="pricing_scenarios_update",
    summary="Change a scenario's name or some of its inputs",
)
def update_scenario(request: HttpRequest, scenario_id: int, payload: ScenarioIn):
    saved, form = save(payload, get_object_or_404(Scenario, pk=scenario_id))
    if saved is None:
        return form_errors(form, "The scenario was not changed.")
    return saved


@router.delete(
    "/scenarios/{int:scenario_id}",
    response={204: None},
    url_name="pricing_scenarios_delete",
    summary="Delete a scenario",
)
def delete_scenario(request: HttpRequest, scenario_id: int):
    do_delete_scenario(get_object_or_404(Scenario, pk=scenario_id))
    return 204, None


@router.post(
    "/scenarios/{int:scenario_id}/target",
    response=ScenarioOut,
    url_name="pricing_scenarios_target",
    summary="Make this scenario the target",
)
def make_target(request: HttpRequest, scenario_id: int):
    return do_make_target(get_object_or_404(Scenario, pk=scenario_id))
