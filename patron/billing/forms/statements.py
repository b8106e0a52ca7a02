from django import forms
from django.utils.translation import gettext_lazy as _

from patron.billing.models import (
    BankMapping,
)


class StatementForm(forms.Form):
    file = forms.FileField(
        label=_("Statement file"),
        help_text=_("camt.053 (XML) is read as it is; a CSV needs its bank's column mapping."),
    )
    mapping = forms.ModelChoiceField(
        BankMapping.objects.all(),
        label=_("Bank (for a CSV file)"),
        required=False,
        empty_label=_("— camt.053: none needed —"),
    )


class BankMappingForm(forms.ModelForm):
    """Where a bank's CSV puts each piece of a line, by the column names of its header."""

    class Meta:
        model = BankMapping
        fields = [
            "name", "delimiter", "encoding", "skip_rows", "decimal_comma", "date_column",
            "date_format", "amount_column", "credit_column", "debit_column", "currency_column",
            "name_column", "iban_column", "communication_column", "reference_column",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        amount = data.get("amount_column", "").strip()
        credit, debit = data.get("credit_column", "").strip(), data.get("debit_column", "").strip()
        if not amount and not (credit and debit):
            raise forms.ValidationError(
                _("Name the amount column, or both the credit and the debit columns.")
            )
        if amount and (credit or debit):
            raise forms.ValidationError(
                _("Name either the amount column or the credit and debit columns, not both.")
            )
        return data
