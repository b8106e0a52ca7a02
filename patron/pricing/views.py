from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from patron.accounts.access import owner_required
from patron.pricing.calculator import InputError, compute
from patron.pricing.chart import segments
from patron.pricing.costs import recorded_costs
from patron.pricing.forms import RateForm, SaveForm
from patron.pricing.models import Scenario
from patron.pricing.scenarios import (
    compared,
    do_delete_scenario,
    do_make_target,
    do_save_scenario,
    starting_inputs,
)
from patron.system.fragments import wants_fragment


def page(request, form, save_form, status=200):
    """The calculator with its result (if the inputs compute) and the saved scenarios;
    only the result when htmx asks for it."""
    result = None
    if form.is_bound and form.is_valid():
        try:
            result = compute(form.inputs())
        except InputError as error:  # pragma: no cover -- the form checked the same rules
            form.add_error(None, str(error))
    elif not form.is_bound:
        result = compute(form.initial_inputs)
    context = {
        "form": form,
        "save_form": save_form,
        "result": result,
        "segments": segments(result) if result else [],
    }
    if wants_fragment(request):
        return render(request, "pricing/calculator.html#result", context, status=status)
    recorded, start, end = recorded_costs()
    context.update(
        scenarios=compared(Scenario.objects.all()),
        recorded=recorded,
        recorded_start=start,
        recorded_end=end,
    )
    return render(request, "pricing/calculator.html", context, status=status)


def unbound_form(inputs):
    form = RateForm(initial=RateForm.initial_of(inputs))
    form.initial_inputs = inputs
    return form


@owner_required
def calculator(request):
    """GET: the target's inputs (or a saved scenario's, ?scenario=ID); POST: recompute
    what was typed, use the recorded costs, or save it as a scenario."""
    if request.method != "POST":
        chosen = request.GET.get("scenario", "")
        scenario = Scenario.objects.filter(pk=chosen).first() if chosen.isdigit() else None
        inputs = scenario.rate_inputs if scenario else starting_inputs(request.business)
        save_form = SaveForm(initial={"name": scenario.name} if scenario else None)
        return page(request, unbound_form(inputs), save_form)
    data = request.POST.copy()
    if "use_recorded" in data:
        data["costs_yearly"] = str(recorded_costs()[0])
    form = RateForm(data)
    if "save" not in data:
        return page(request, form, SaveForm(initial={"name": data.get("name", "")}))
    save_form = SaveForm(data)
    if not (form.is_valid() and save_form.is_valid()):
        return page(request, form, save_form, status=422)
    name = save_form.cleaned_data["name"]
    existing = Scenario.objects.filter(name=name).first()
    scenario = do_save_scenario(
        name=name,
        inputs=form.inputs(),
        make_target=save_form.cleaned_data["make_target"],
        scenario=existing,
    )
    messages.success(request, _("Scenario “%(name)s” saved.") % {"name": scenario.name})
    return redirect("pricing:calculator")


@owner_required
@require_POST
def make_target(request, pk):
    scenario = do_make_target(get_object_or_404(Scenario, pk=pk))
    messages.success(request, _("“%(name)s” is now your target.") % {"name": scenario.name})
    return redirect("pricing:calculator")


@owner_required
@require_POST
def delete(request, pk):
    scenario = get_object_or_404(Scenario, pk=pk)
    do_delete_scenario(scenario)
    messages.success(request, _("Scenario “%(name)s” deleted.") % {"name": scenario.name})
    return redirect("pricing:calculator")
