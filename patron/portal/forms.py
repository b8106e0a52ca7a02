from django import forms
from django.utils.translation import gettext_lazy as _


class AcceptForm(forms.Form):
    name = forms.CharField(label=_("Your full name"), max_length=200)
    terms = forms.BooleanField(label=_("I accept this quote and its terms."))


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you decline it?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
