"""Personal access tokens: `Authorization: Bearer ptn_…`."""

from datetime import timedelta
from functools import wraps

from django.http import JsonResponse
from django.utils import timezone, translation
from ninja.security import HttpBearer

from patron.accounts.access import has_access
from patron.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        if not token or len(token) > 200:
            return None
        found = (
            ApiToken.objects.active()
            .select_related("user")
            .filter(digest=ApiToken.hash(token))
            .first()
        )
        if found is None or not has_access(found.user):
            return None
        now = timezone.now()
        # Note use at most once a minute: a busy script should not write on every call.
        if found.last_used_at is None or now - found.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        if found.user.language:  # answers in the owner's language, as the pages do
            translation.activate(found.user.language)
        return found.user


def token_or_owner_required(view):
    """For the schema: a script with a token, or the owner's browser session."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if has_access(request.user) or TokenAuth()(request) is not None:
            return view(request, *args, **kwargs)
        return JsonResponse({"detail": "Unauthorized"}, status=401)

    return wrapper
