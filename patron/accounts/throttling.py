"""Login throttling: failed attempts counted per username and per address.

Counted in the database, so every web worker process sees the same numbers.
A success clears the username's count; old failures age out of the window.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from patron.accounts.models import LoginFailure

IP_FACTOR = 5


def client_ip(request):
    return request.META.get("REMOTE_ADDR") or None


def seconds_until_allowed(username, ip):
    """0 when a login may be tried now, else how long to wait."""
    now = timezone.now()
    window = timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    recent = LoginFailure.objects.filter(at__gt=now - window)
    limit = settings.LOGIN_FAILURE_LIMIT
    waits = []
    by_user = recent.filter(username=username.lower()).order_by("-at")[:limit]
    if len(by_user) >= limit:
        waits.append(by_user[limit - 1].at + window - now)
    if ip:
        by_ip = recent.filter(ip=ip).order_by("-at")[: limit * IP_FACTOR]
        if len(by_ip) >= limit * IP_FACTOR:
            waits.append(by_ip[limit * IP_FACTOR - 1].at + window - now)
    if not waits:
        return 0
    return max(1, int(max(waits).total_seconds()) + 1)


def record_failure(username, ip):
    LoginFailure.objects.create(username=username.lower()[:150], ip=ip)


def clear_failures(username):
    LoginFailure.objects.filter(username=username.lower()).delete()


def prune_failures():
    """Forget failures older than the window (run daily by the scheduler)."""
    cutoff = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    return LoginFailure.objects.filter(at__lt=cutoff).delete()[0]
