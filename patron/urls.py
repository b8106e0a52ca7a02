from django.shortcuts import redirect
from django.urls import include, path

from patron.api.api import api
from patron.system import views as system_views


def root(request):
    # Until the public site exists, / leads to the back office.
    return redirect("dashboard:home")


urlpatterns = [
    path("", root),
    path("healthz", system_views.healthz, name="healthz"),
    path("app/", include("patron.dashboard.urls")),
    path("app/", include("patron.accounts.urls")),
    path("app/", include("patron.business.urls")),
    path("app/", include("patron.audit.urls")),
    path("app/contacts/", include("patron.contacts.urls")),
    path("app/work/", include("patron.work.urls")),
    path("app/billing/", include("patron.billing.urls")),
    path("app/pricing/", include("patron.pricing.urls")),
    path("p/", include("patron.portal.urls")),
    path("api/", api.urls),
]

handler404 = "patron.system.views.not_found"
handler500 = "patron.system.views.server_error"
