from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from patron.accounts.models import User
from patron.accounts.owner import setup_code, setup_code_required
from patron.accounts.throttling import normalise_username
from patron.audit.log import snapshot
from patron.system.mail import queue_email, render_text


class LoginForm(AuthenticationForm):
    """Logs in with the email, however it is capitalised or padded."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "This email and password do not match an account. Check both and try again."
        ),
    }
    username = forms.CharField(
        label=_("Email"),
        max_length=150,
        widget=forms.EmailInput(
            attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}
        ),
    )

    def clean_username(self):
        return normalise_username(self.cleaned_data["username"])


class OwnerForm(forms.Form):
    """The owner account made on the first visit."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("Email"),
        max_length=150,
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Confirm password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if setup_code_required():
            self.fields["setup_code"] = forms.CharField(
                label=_("Setup code"),
                max_length=20,
                help_text=_("`patron serve` printed it in the server's log when it started."),
            )

    def clean_setup_code(self):
        typed = self.cleaned_data["setup_code"].strip().upper()
        if not constant_time_compare(typed, setup_code()):
            raise forms.ValidationError(_("This is not the setup code in the server's log."))
        return typed

    def clean_email(self):
        return self.cleaned_data["email"].lower()

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            candidate = User(
                username=cleaned.get("email", ""),
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as e:
                self.add_error("password1", e)
        return cleaned


class ResetForm(PasswordResetForm):
    """Django's reset form, its mail sent by the worker once the request is done."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(render_text(subject_template_name, context).splitlines())
        body = render_text(email_template_name, context)
        queue_email(subject, body, [to_email])


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “accounting export”."),
    )


class PreferencesForm(forms.ModelForm):
    """Name, email and language. A new email (the password-reset address) needs the password."""

    email = forms.EmailField(label=_("Email"), max_length=150)
    current_password = forms.CharField(
        label=_("Current password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Needed only to change your email address."),
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("The browser's language")), *settings.LANGUAGES]
        self.old_email = self.instance.email
        self.before = snapshot(self.instance, self.Meta.fields)

    def clean_email(self):
        return self.cleaned_data["email"].lower()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("email") and cleaned["email"] != self.old_email:
            if not self.instance.check_password(cleaned.get("current_password") or ""):
                self.add_error(
                    "current_password", _("Type your current password to change your email.")
                )
            elif User.objects.exclude(pk=self.instance.pk).filter(email=cleaned["email"]).exists():
                self.add_error("email", _("Another account uses this address."))
        return cleaned

    @property
    def email_changed(self):
        return self.old_email != self.instance.email
