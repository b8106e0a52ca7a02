"""Making and revoking API tokens, from the Settings page or `patron token`."""

from django.db import transaction
from django.utils import timezone

from patron.accounts.models import create_token
from patron.audit.log import record


def do_create_token(user, name, *, actor=""):
    """Returns (ApiToken, secret); the secret is shown once and stored nowhere."""
    with transaction.atomic():
        token, secret = create_token(user, name)
        record(user, "create", token, {"name": [None, name]}, actor=actor)
    return token, secret


def do_revoke_token(user, token, *, actor=""):
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(user, "revoke", token, actor=actor)
    return token
