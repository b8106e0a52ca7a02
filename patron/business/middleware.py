import zoneinfo

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from patron.accounts.owner import owner_exists
from patron.business.profile import get_business


class OnboardingMiddleware:
    """Walk a new install through onboarding: the owner account, then the business.

    Sets request.business (lazily; None until the profile exists) and shows
    times in the business's time zone. Under /app/,
    with no owner yet every page leads to the welcome step; an owner without a
    business profile is led to the profile step. Login, logout and language
    switching stay reachable.
    """

    OPEN_PREFIXES = ("welcome/", "login/", "logout/", "language/", "password/", "setup/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.business = SimpleLazyObject(get_business)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(self, request, view_func, view_args, view_kwargs):
        path = request.path_info
        if not path.startswith("/app/"):
            return None
        if request.business:
            # Dates and times on every page are the business's own.
            timezone.activate(zoneinfo.ZoneInfo(request.business.time_zone))
        rest = path[len("/app/") :]
        if rest.startswith(self.OPEN_PREFIXES):
            return None
        if not request.user.is_authenticated:
            if not owner_exists():
                return redirect("accounts:welcome")
            return None  # login_required takes it from here
        if not request.business:
            return redirect(reverse("business:setup_profile"))
        return None
