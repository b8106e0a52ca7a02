from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from patron.billing.documents.drafting import Grouping
from patron.billing.documents.exchange import TYPED, set_rate
from patron.billing.models import (
    Adjustment,
    Document,
    Kind,
    Line,
    reason_label,
)
from patron.billing.rules.totals import MAX_AMOUNT, line_amounts
from patron.contacts.network import CONTACTS, clients
from patron.money import check_currency, format_money
from patron.system.picker import PickerField
from patron.work.models import Project
from patron.work.projects import PROJECTS

MAX_LINES = 200
MAX_ADJUSTMENTS = 20


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DocumentForm(forms.ModelForm):
    client = PickerField(clients(), source=CONTACTS, scope="clients", label=_("Client"))
    project = PickerField(
        Project.objects.all(), source=PROJECTS, scope="all", label=_("Project"), required=False
    )

    class Meta:
        model = Document
        fields = [
            "client", "project", "language", "currency", "exchange_rate", "treatment", "due_date",
            "valid_until", "service_start", "service_end", "buyer_reference", "deposit_percent",
            "notes", "terms",
        ]  # fmt: skip
        widgets = {
            "due_date": DateInput(),
            "valid_until": DateInput(),
            "service_start": DateInput(),
            "service_end": DateInput(),
            "currency": forms.TextInput(attrs={"maxlength": 3, "autocomplete": "off"}),
            "exchange_rate": forms.TextInput(attrs={"inputmode": "decimal"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "terms": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "due_date": _("Empty: your payment terms from the issue date."),
            "treatment": _("Suggested from your VAT regime and the client's country."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients(self.instance.client_id)
        kind = self.instance.kind
        if kind != Kind.QUOTE:
            del self.fields["valid_until"]
            del self.fields["deposit_percent"]
        if kind == Kind.QUOTE:
            del self.fields["due_date"]

    def clean_currency(self):
        return check_currency(self.cleaned_data["currency"])

    def clean_exchange_rate(self):
        value = self.cleaned_data.get("exchange_rate")
        if value is not None and value <= 0:
            raise ValidationError(_("An exchange rate is above zero."))
        return value

    def clean_deposit_percent(self):
        value = self.cleaned_data.get("deposit_percent")
        if value is not None and not Decimal(0) < value < Decimal(100):
            raise ValidationError(_("A deposit is between 0 and 100 %."))
        return value

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("service_start"), cleaned.get("service_end")
        if start and end and end < start:
            self.add_error("service_end", _("The end of the service comes before its start."))
        return cleaned

    def save(self, commit=True):
        """A rate typed (or changed) is dated today; a change of currency without a new rate
        drops the old one (it was another currency's); none is kept on a document in euros."""
        if "exchange_rate" in self.fields:
            if "exchange_rate" in self.changed_data:
                set_rate(self.instance, self.cleaned_data.get("exchange_rate"), TYPED)
            elif "currency" in self.changed_data:
                set_rate(self.instance, None)
        return super().save(commit)


class LineForm(forms.ModelForm):
    class Meta:
        model = Line
        fields = ["description", "quantity", "unit", "unit_price", "discount_percent", "vat_rate"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 1}),
            "quantity": forms.TextInput(attrs={"inputmode": "decimal"}),
            "unit_price": forms.TextInput(attrs={"inputmode": "decimal"}),
            "discount_percent": forms.TextInput(attrs={"inputmode": "decimal"}),
            "vat_rate": forms.TextInput(attrs={"inputmode": "decimal", "list": "vat-rates"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["discount_percent"].required = False

    def clean_quantity(self):
        value = self.cleaned_data["quantity"]
        if value is not None and value <= 0:
            raise ValidationError(_("The quantity must be above zero."))
        return value

    def clean_unit_price(self):
        value = self.cleaned_data["unit_price"]
        if value is not None and value < 0:
            raise ValidationError(
                _("A price cannot be negative: correct an invoice with a credit note.")
            )
        return value

    def clean_discount_percent(self):
        value = self.cleaned_data.get("discount_percent") or Decimal(0)
        if not Decimal(0) <= value <= Decimal(100):
            raise ValidationError(_("A discount is between 0 and 100 %."))
        return value

    def clean_vat_rate(self):
        value = self.cleaned_data["vat_rate"]
        if value is not None and not Decimal(0) <= value <= Decimal(100):
            raise ValidationError(_("A VAT rate is between 0 and 100 %."))
        return value

    def clean(self):
        cleaned = super().clean()
        quantity, price = cleaned.get("quantity"), cleaned.get("unit_price")
        if quantity is not None and price is not None:
            gross = line_amounts(quantity, price).gross
            if gross > MAX_AMOUNT:
                self.add_error(
                    "unit_price",
                    ValidationError(
                        _(
                            "Quantity × price comes to %(amount)s, more than the %(max)s an amount "
                            "can be."
                        ),
                        params={
                            "amount": format_money(gross, ""),
                            "max": format_money(MAX_AMOUNT, ""),
                        },
                        code="too_large",
                    ),
                )
        return cleaned


LineFormSet = inlineformset_factory(
    Document,
    Line,
    form=LineForm,
    extra=1,
    can_delete=True,
    max_num=MAX_LINES,
    validate_max=True,
    absolute_max=MAX_LINES,
)


class AdjustmentForm(forms.ModelForm):
    """A discount or charge on the whole document: a percentage (of the lines at its VAT rate,
    or of every rate when the rate is left empty) or a fixed amount at its VAT rate."""

    class Meta:
        model = Adjustment
        fields = ["reason_code", "reason", "percent", "amount", "vat_rate"]
        widgets = {
            "reason": forms.TextInput(),
            "percent": forms.TextInput(attrs={"inputmode": "decimal"}),
            "amount": forms.TextInput(attrs={"inputmode": "decimal"}),
            "vat_rate": forms.TextInput(attrs={"inputmode": "decimal", "list": "vat-rates"}),
        }

    def __init__(self, *args, language=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.language = language

    def clean_percent(self):
        value = self.cleaned_data.get("percent")
        if value is not None and not Decimal(0) < value <= Decimal(100):
            raise ValidationError(_("A percentage is above 0 and at most 100 %."))
        return value

    def clean_amount(self):
        value = self.cleaned_data.get("amount")
        if value is not None and value <= 0:
            raise ValidationError(
                _("An amount is above zero: choose a discount or a charge as its type.")
            )
        return value

    def clean_vat_rate(self):
        value = self.cleaned_data.get("vat_rate")
        if value is not None and not Decimal(0) <= value <= Decimal(100):
            raise ValidationError(_("A VAT rate is between 0 and 100 %."))
        return value

    def clean(self):
        cleaned = super().clean()
        percent, amount = cleaned.get("percent"), cleaned.get("amount")
        if "percent" in self.errors or "amount" in self.errors:
            return cleaned
        if percent is None and amount is None:
            self.add_error("percent", _("Give a percentage or an amount."))
        elif percent is not None and amount is not None:
            self.add_error("amount", _("A percentage or an amount, not both."))
        elif amount is not None and cleaned.get("vat_rate") is None:
            self.add_error("vat_rate", _("A fixed amount needs its VAT rate."))
        if not (cleaned.get("reason") or "").strip() and cleaned.get("reason_code"):
            cleaned["reason"] = reason_label(cleaned["reason_code"], self.language or "en")
        return cleaned


class BaseAdjustmentFormSet(forms.BaseInlineFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "language": self.instance.language}


AdjustmentFormSet = inlineformset_factory(
    Document,
    Adjustment,
    form=AdjustmentForm,
    formset=BaseAdjustmentFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_ADJUSTMENTS,
    validate_max=True,
    absolute_max=MAX_ADJUSTMENTS,
)


class FromWorkForm(forms.Form):
    """What to invoice: a client's (or one project's) unbilled time and billable expenses."""

    client = PickerField(clients(), source=CONTACTS, scope="clients", label=_("Client"))
    project = PickerField(
        Project.objects.all(),
        source=PROJECTS,
        scope="all",
        label=_("Only this project"),
        required=False,
    )
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())
    grouping = forms.ChoiceField(
        label=_("Time on the invoice"), choices=Grouping.CHOICES, initial=Grouping.TASK
    )
    with_expenses = forms.BooleanField(
        label=_("Add the billable expenses"), required=False, initial=True
    )

    def clean(self):
        cleaned = super().clean()
        client, project = cleaned.get("client"), cleaned.get("project")
        if client and project and project.client_id and project.client_id != client.pk:
            self.add_error("project", _("This project belongs to another client."))
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end comes before the start."))
        return cleaned


class SendForm(forms.Form):
    to = forms.EmailField(label=_("To"), max_length=254)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 9}),
        help_text=_("{link} becomes the client's private link to the document."),
    )

    def clean_body(self):
        # Browsers send a textarea's lines with CRLF; the message is written with LF.
        return self.cleaned_data["body"].replace("\r\n", "\n")
