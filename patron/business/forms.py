import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from patron.business.brand import TYPEFACE_CHOICES, check_colour
from patron.business.countries import COUNTRIES, check_bic, check_iban, iban_hint
from patron.business.logos import check_logo
from patron.business.models import PROFILE_FIELDS, Business
from patron.money import check_currency
from patron.system.widgets import LongSelect

TIME_ZONE_CHOICES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones()) if "/" in tz]


class ProfileForm(forms.ModelForm):
    """The business profile; every number is checked for the business's country."""

    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=TIME_ZONE_CHOICES, widget=LongSelect
    )
    website = forms.URLField(
        label=_("Website"), max_length=200, required=False, assume_scheme="https"
    )

    class Meta:
        model = Business
        fields = PROFILE_FIELDS
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "iban": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "bic": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        }
        help_texts = {
            "vat_number": _(
                "With or without the country prefix; required unless you use the VAT franchise scheme."
            ),
            "company_number": _("Belgium: enterprise number (BCE/KBO). France: SIREN or SIRET."),
            "trading_name": _("The name clients know, if it differs from the legal name."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Asked of the French only; a profile saved without it keeps the usual quarter.
        self.fields["declaration_period"].required = False
        # A saved IBAN whose bank Patron does not know: said under the field, not refused.
        self.iban_hint = "" if self.is_bound else iban_hint(self.instance.iban)
        if self.iban_hint:
            self.fields["iban"].help_text = self.iban_hint

    def clean_declaration_period(self):
        return self.cleaned_data.get("declaration_period") or Business.DeclarationPeriod.QUARTER

    def clean_currency(self):
        return check_currency(self.cleaned_data["currency"])

    def clean_iban(self):
        value = self.cleaned_data["iban"]
        if not value:
            return ""
        value = check_iban(value)
        self.iban_hint = iban_hint(value)
        return value

    def clean_bic(self):
        value = self.cleaned_data["bic"]
        return check_bic(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        country = COUNTRIES.get(cleaned.get("country"))
        if country is None:
            return cleaned
        vat = cleaned.get("vat_number", "")
        if vat:
            try:
                cleaned["vat_number"] = country.check_vat(vat)
            except forms.ValidationError as e:
                self.add_error("vat_number", e)
        elif cleaned.get("vat_regime") == Business.VatRegime.NORMAL:
            self.add_error(
                "vat_number", _("A business that charges VAT needs its VAT number here.")
            )
        regime = cleaned.get("social_regime", "")
        if regime and not regime.startswith(cleaned["country"].lower() + "-"):
            self.add_error(
                "social_regime", _("This social regime is not one of your business's country.")
            )
        number = cleaned.get("company_number", "")
        if number:
            try:
                cleaned["company_number"] = country.check_company_number(number)
            except forms.ValidationError as e:
                self.add_error("company_number", e)
        return cleaned


class BrandForm(forms.ModelForm):
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG or SVG, at most 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/svg+xml"}),
    )
    primary_colour = forms.CharField(
        label=_("Primary colour"), widget=forms.TextInput(attrs={"type": "color"})
    )
    accent_colour = forms.CharField(
        label=_("Accent colour"), widget=forms.TextInput(attrs={"type": "color"})
    )
    typeface = forms.ChoiceField(
        label=_("Typeface"), choices=TYPEFACE_CHOICES, widget=forms.RadioSelect
    )

    class Meta:
        model = Business
        fields = ["logo", "primary_colour", "accent_colour", "typeface"]

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo is False or logo is None:  # cleared, or nothing new uploaded
            return logo
        if logo == self.instance.logo:
            return logo
        return check_logo(logo)

    def clean_primary_colour(self):
        return check_colour(self.cleaned_data["primary_colour"])

    def clean_accent_colour(self):
        return check_colour(self.cleaned_data["accent_colour"])
