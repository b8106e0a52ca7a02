from django import forms
from django.utils.translation import gettext_lazy as _

from patron.system.models import MailServer


class MailServerForm(forms.ModelForm):
    password = forms.CharField(
        label=_("Password"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the one saved."),
    )

    class Meta:
        model = MailServer
        fields = ["host", "port", "security", "username", "password", "from_address"]
        labels = {
            "host": _("SMTP server"),
            "port": _("Port"),
            "security": _("Security"),
            "username": _("User name"),
            "from_address": _("Send from"),
        }
        help_texts = {"from_address": _("The address your clients see and answer to.")}

    def clean_host(self):
        host = self.cleaned_data["host"].strip()
        if not host or any(c.isspace() or c in "/@:" for c in host):
            raise forms.ValidationError(_("Give the server's name, like smtp.example.com."))
        return host

    def clean_port(self):
        port = self.cleaned_data["port"]
        if not 1 <= port <= 65535:
            raise forms.ValidationError(_("A port is between 1 and 65535."))
        return port

    def save(self, commit=True):
        server = super().save(commit=False)
        if not self.cleaned_data.get("password") and self.instance.pk:
            server.password = MailServer.objects.get(pk=self.instance.pk).password
        if commit:
            server.save()
        return server
