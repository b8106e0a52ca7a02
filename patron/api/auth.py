"""Personal access tokens: `Authorization: Bearer ptn_…`."""

from datetime import timedelta

from django.utils import timezone
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
        return found.user
