from babel import Locale
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from patron.business.countries import COUNTRIES
from patron.contacts.models import Contact, Interaction
from patron.contacts.network import CONTACT_FIELDS, CONTACTS, parse_tags
from patron.system.picker import PickerField
from patron.system.widgets import LongSelect


def country_choices():
    """Every country by its ISO code, named in the user's language."""
    try:
        locale = Locale.parse((get_language() or "en").replace("-", "_"))
    except ValueError:
        locale = Locale("en")
    names = [
        (code, name)
        for code, name in locale.territories.items()
        if len(code) == 2 and code.isalpha()
    ]
    return [("", "—")] + sorted(names, key=lambda pair: pair[1])


def is_linkedin(url):
    host = url.split("://", 1)[-1].split("/", 1)[0].lower()
    return host == "linkedin.com" or host.endswith(".linkedin.com")


class ContactForm(forms.ModelForm):
    """A person or an organisation; an organisation's numbers are checked for its country."""

    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separated by commas, e.g. design, Brussels, events."),
    )
    website = forms.URLField(
        label=_("Website"), max_length=200, required=False, assume_scheme="https"
    )
    linkedin_url = forms.URLField(
        label=_("LinkedIn profile"), max_length=200, required=False, assume_scheme="https"
    )
    hourly_rate = forms.DecimalField(
        label=_("Hourly rate"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text=_("A client's own rate, excl. VAT. Empty: your business's default rate."),
    )

    class Meta:
        model = Contact
        fields = CONTACT_FIELDS
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "next_contact_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "cadence_days": _("Logging an interaction sets the next contact this many days later."),
            "company_number": _("Belgium: enterprise number (BCE/KBO). France: SIREN or SIRET."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"] = forms.ChoiceField(
            label=_("Country"), choices=country_choices(), required=False, widget=LongSelect
        )
        for name, queryset, scope in (
            ("organisation", Contact.objects.filter(is_organisation=True), "organisations"),
            ("referred_by", Contact.objects.all(), "any"),
        ):
            field = self.fields[name]
            self.fields[name] = PickerField(
                queryset,
                source=CONTACTS,
                scope=scope,
                required=False,
                label=field.label,
                help_text=field.help_text,
            )
            if self.instance.pk:
                self.fields[name].exclude(self.instance.pk)
        if self.instance.pk and "tags" not in self.initial:
            self.initial["tags"] = ", ".join(t.name for t in self.instance.tags.all())

    def clean_tags(self):
        return parse_tags(self.cleaned_data.get("tags", ""))

    def clean_linkedin_url(self):
        url = self.cleaned_data.get("linkedin_url", "").strip()
        if url and not is_linkedin(url):
            raise forms.ValidationError(_("This is not a LinkedIn address (linkedin.com/in/…)."))
        return url.rstrip("/")

    def clean_email(self):
        email = self.cleaned_data.get("email", "").strip()
        if email:
            same = Contact.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
            if same.exists():
                raise forms.ValidationError(
                    _("Another contact already has this email: %(name)s."),
                    params={"name": same.first().display_name},
                )
        return email

    def clean_cadence_days(self):
        days = self.cleaned_data.get("cadence_days")
        if days is not None and not 1 <= days <= 3660:
            raise forms.ValidationError(_("Choose a cadence between 1 and 3660 days."))
        return days

    def clean(self):
        cleaned = super().clean()
        url = cleaned.get("linkedin_url")
        if url:
            same = Contact.objects.filter(linkedin_url__iexact=url).exclude(pk=self.instance.pk)
            if same.exists():
                self.add_error(
                    "linkedin_url",
                    forms.ValidationError(
                        _("Another contact already has this LinkedIn profile: %(name)s."),
                        params={"name": same.first().display_name},
                    ),
                )
        if cleaned.get("is_organisation"):
            if not cleaned.get("name", "").strip():
                self.add_error("name", _("An organisation needs a name."))
            cleaned["organisation"] = None
            cleaned["first_name"] = cleaned["last_name"] = ""
            self.check_numbers(cleaned)
        else:
            if not (cleaned.get("first_name", "").strip() or cleaned.get("last_name", "").strip()):
                self.add_error("last_name", _("A person needs a first or a last name."))
            cleaned["vat_number"] = cleaned["company_number"] = ""
            cleaned["name"] = ""
        return cleaned

    def check_numbers(self, cleaned):
        country = COUNTRIES.get(cleaned.get("country"))
        for name, check in (
            ("vat_number", "check_vat"),
            ("company_number", "check_company_number"),
        ):
            value = cleaned.get(name, "").strip()
            cleaned[name] = value
            if value and country is not None:
                try:
                    cleaned[name] = getattr(country, check)(value)
                except forms.ValidationError as e:
                    self.add_error(name, e)


class InteractionForm(forms.ModelForm):
    class Meta:
        model = Interaction
        fields = ["on", "kind", "note"]
        widgets = {
            "on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
        }

    def clean_note(self):
        note = self.cleaned_data.get("note", "")
        if len(note) > 2000:
            raise forms.ValidationError(_("Keep the note under 2000 characters."))
        return note


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Format"),
        choices=[("linkedin", _("LinkedIn (Connections.csv)")), ("vcard", _("vCard (.vcf)"))],
        widget=forms.RadioSelect,
        initial="linkedin",
    )
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.vcf,text/csv,text/vcard"}),
    )
