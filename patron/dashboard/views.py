from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from patron.accounts.models import ApiToken


@login_required
def home(request):
    business = request.business
    checklist = [
        (
            "business:settings_profile",
            business.iban != "",
            _("Add your IBAN so clients can pay you"),
        ),
        ("business:settings_brand", bool(business.logo), _("Upload your logo")),
        ("accounts:tokens", ApiToken.objects.active().exists(), _("Create an API token")),
    ]
    return render(request, "dashboard/home.html", {"checklist": checklist})
