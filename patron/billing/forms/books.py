from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from patron.billing.books.tables import Period
from patron.billing.forms.documents import DateInput


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end"):
            try:
                cleaned["period"] = Period(cleaned["start"], cleaned["end"])
            except ValidationError as e:
                raise forms.ValidationError(e.messages) from None
        return cleaned
