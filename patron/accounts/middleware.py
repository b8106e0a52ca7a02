from django.utils import translation

from patron.accounts.access import has_access
from patron.accounts.throttling import remember_browser


class UserLanguageMiddleware:
    """The owner's chosen language wins over the browser's (LocaleMiddleware's pick)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class KnownBrowserMiddleware:
    """A browser the owner is logged in from is marked as theirs (if it is not yet), so
    failed logins by strangers never pause it, even one logged in before the mark
    existed (accounts/throttling.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if has_access(user):
            remember_browser(request, response, user.get_username())
        return response
