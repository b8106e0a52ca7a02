"""Client links: made, found and revoked (rule 5 of the design)."""

import hashlib
import secrets

from django.urls import reverse
from django.utils import timezone

from patron.portal.models import Link


def digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(document, purpose=Link.Purpose.DOCUMENT):
    """A new link to an issued document; the token is returned once and stored hashed."""
    token = secrets.token_urlsafe(32)
    Link.objects.create(digest=digest(token), document=document, purpose=purpose)
    return token


def portal_path(token):
    return reverse("portal:document", kwargs={"token": token})


def find_link(token, purpose=Link.Purpose.DOCUMENT):
    """The live link of this token for this purpose, or None: wrong, revoked or other purpose."""
    if not token or len(token) > 100:
        return None
    link = (
        Link.objects.select_related("document", "document__client")
        .filter(digest=digest(token), purpose=purpose, revoked_at__isnull=True)
        .first()
    )
    if link is None or link.document.is_draft:
        return None
    return link


def revoke_links(document):
    return Link.objects.filter(document=document, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
