"""The forms of the reminder schedule and of recurring invoices."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from patron.billing.forms.documents import DateInput, LineForm
from patron.billing.models import Recurring, RecurringLine, ReminderStep, Unit
from patron.billing.recurring.runs import MAX_LINES, check_schedule
from patron.contacts.network import CONTACTS, clients
from patron.money import check_currency
from patron.system.picker import PickerField


class StepForm(forms.ModelForm):
    class Meta:
        model = ReminderStep
        fields = ["days_after_due", "active", "subject_fr", "body_fr", "subject_en", "body_en"]
        widgets = {
            "days_after_due": forms.NumberInput(attrs={"min": 1, "max": 365}),
            "body_fr": forms.Textarea(attrs={"rows": 6}),
            "body_en": forms.Textarea(attrs={"rows": 6}),
        }


class RecurringForm(forms.ModelForm):
    client = PickerField(clients(), source=CONTACTS, scope="clients", label=_("Client"))

    class Meta:
        model = Recurring
        fields = [
            "name", "client", "every", "unit", "start", "end", "count", "currency",
            "treatment", "auto_send", "active", "notes",
        ]  # fmt: skip
        widgets = {
            "start": DateInput(),
            "end": DateInput(),
            "every": forms.NumberInput(attrs={"min": 1, "max": 52}),
            "count": forms.NumberInput(attrs={"min": 1}),
            "currency": forms.TextInput(attrs={"maxlength": 3, "autocomplete": "off"}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "end": _("Empty: no end date."),
            "count": _("Empty: no limit."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients(self.instance.client_id)

    def clean_currency(self):
        return check_currency(self.cleaned_data["currency"])

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                check_schedule(
                    cleaned.get("every"),
                    cleaned.get("unit"),
                    cleaned.get("start"),
                    cleaned.get("end"),
                    cleaned.get("count"),
                )
            except ValidationError as e:
                self.add_error(None, e)
        return cleaned


class RecurringLineForm(LineForm):
    unit = forms.ChoiceField(label=_("unit"), choices=Unit.choices, initial=Unit.UNIT)

    class Meta(LineForm.Meta):
        model = RecurringLine


RecurringLineFormSet = inlineformset_factory(
    Recurring,
    RecurringLine,
    form=RecurringLineForm,
    extra=1,
    can_delete=True,
    max_num=MAX_LINES,
    validate_max=True,
    absolute_max=MAX_LINES,
)
