import re
from dataclasses import fields

from django import forms
from django.utils.translation import gettext_lazy as _

from patron.pricing.calculator import LIMITS, InputError, RateInputs, check_inputs
from patron.pricing.regimes import CHOICES


class Number(forms.DecimalField):
    """A decimal as people type it: 1 200,50 in French reads as 1200.50."""

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0\u202f]", "", value)
        return super().to_python(value)


def number(label, name, places=2, help_text=""):
    low, high = LIMITS[name]
    return Number(
        label=label,
        min_value=low,
        max_value=high,
        decimal_places=places,
        max_digits=12,
        help_text=help_text,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class RateForm(forms.Form):
    """The calculator's inputs, as the page, the API and the saved scenarios share them."""

    net_monthly = number(
        _("Net income wanted a month"),
        "net_monthly",
        help_text=_("What you want to live on, after contributions and income tax."),
    )
    costs_yearly = number(
        _("Business costs a year"),
        "costs_yearly",
        help_text=_("Excl. VAT: software, equipment, insurance, accountant, travel…"),
    )
    regime = forms.ChoiceField(label=_("Regime"), choices=CHOICES)
    contributions_pct = number(
        _("Contributions (%)"),
        "contributions_pct",
        help_text=_("Custom regime: a share of the turnover after costs, in percent."),
    )
    tax_pct = number(
        _("Income tax (%)"),
        "tax_pct",
        help_text=_("Custom regime: a share of the turnover after costs, in percent."),
    )
    versement_liberatoire = forms.BooleanField(
        label=_("Versement libératoire (France, micro)"), required=False
    )
    communal_surcharge = number(
        _("Communal surcharge (%)"),
        "communal_surcharge",
        help_text=_(
            "Belgium: your commune's percentage of the federal income tax (0 to about 9; "
            "many communes take 7, no official national average was found)."
        ),
    )
    vat_rate = number(
        _("VAT charged (%)"),
        "vat_rate",
        help_text=_("On top of your rate; 0 under the small-business franchise."),
    )
    days_per_week = number(_("Working days a week"), "days_per_week", places=1)
    hours_per_day = number(_("Working hours a day"), "hours_per_day")
    weeks_off = number(_("Weeks of holiday"), "weeks_off", places=1)
    public_holidays = number(_("Public holidays"), "public_holidays", places=1)
    sick_days = number(_("Sick days expected"), "sick_days", places=1)
    training_days = number(_("Training days"), "training_days", places=1)
    billable = number(
        _("Billable share of working hours"),
        "billable",
        help_text=_(
            "Between 0 and 1. Typical: 0.5 to 0.7 — the rest goes to finding clients, "
            "admin and learning."
        ),
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            check_inputs(self.inputs())
        except InputError as error:
            for field, message in error.errors.items():
                self.add_error(None if field == "__all__" else field, message)
        return data

    def inputs(self):
        names = {f.name for f in fields(RateInputs)}
        return RateInputs(**{k: v for k, v in self.cleaned_data.items() if k in names})

    @classmethod
    def initial_of(cls, inputs):
        return {f.name: getattr(inputs, f.name) for f in fields(RateInputs)}


class SaveForm(forms.Form):
    name = forms.CharField(label=_("Scenario name"), max_length=100)
    make_target = forms.BooleanField(label=_("Make it my target"), required=False)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Name the scenario."))
        return name
