from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from patron.billing.forms.documents import DateInput
from patron.billing.models import (
    Document,
    Payment,
)
from patron.billing.payments.ledger import open_amount
from patron.billing.payments.recording import checked_amount, checked_date
from patron.money import format_money


class PaymentForm(forms.ModelForm):
    """A payment received for an invoice, or a refund for a credit note (payments.py checks
    the amount and date again, for the API and the command line)."""

    class Meta:
        model = Payment
        fields = ["date", "amount", "method", "reference", "note"]
        widgets = {"date": DateInput()}

    also = forms.ModelMultipleChoiceField(
        queryset=Document.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Also settled by this payment"),
        help_text=_("The client's other open documents: the amount goes to the oldest first."),
    )

    def __init__(self, *args, others=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].min_value = Decimal("0.01")
        self.fields["amount"].widget.attrs.update({"min": "0.01", "step": "0.01"})
        if others:
            also = self.fields["also"]
            also.queryset = Document.objects.filter(pk__in=[d.pk for d in others])
            also.choices = [
                (d.pk, f"{d.number} ({format_money(open_amount(d), d.currency)})") for d in others
            ]
        else:
            del self.fields["also"]
        if self.data.get(self.add_prefix("confirm_overpayment")):
            self.ask_to_confirm()

    def ask_to_confirm(self, credit=""):
        """The box that confirms a payment far beyond what it settles (payments.py's
        LargeOverpayment), shown once the payment has been refused for it."""
        label = (
            _("Yes, keep %(credit)s as the client's credit") % {"credit": credit}
            if credit
            else _("Yes, keep the difference as the client's credit")
        )
        self.fields["confirm_overpayment"] = forms.BooleanField(label=label, required=False)

    def clean_amount(self):
        try:
            return checked_amount(self.cleaned_data["amount"])
        except ValidationError as e:
            raise forms.ValidationError(e.messages) from None

    def clean_date(self):
        try:
            return checked_date(self.cleaned_data["date"])
        except ValidationError as e:
            raise forms.ValidationError(e.messages) from None
