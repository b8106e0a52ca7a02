from django.shortcuts import render
from django.utils.translation import gettext as _

from patron.accounts.access import owner_required
from patron.accounts.models import ApiToken
from patron.business.letterhead import letterhead_context


@owner_required
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
    context = {"checklist": checklist, **letterhead_context(business, warnings=False)}
    return render(request, "dashboard/home.html", context)
