"""Throttling of logins and password-reset requests.

Failures are counted in the database, so every web worker process sees the
same numbers: per username (however it was typed) and per client address (an
IPv6 client counts as its /64, which one machine usually holds whole). A
success clears the username's count; old entries age out of the window.
"""

import ipaddress
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from patron.accounts.models import LoginFailure

IP_FACTOR = 5
# Password-reset requests share the table, under a username no login can have.
RESET_KEY = "\u2400reset"


def normalise_username(value):
    """What the login form compares: stripped, lowercased, without control characters."""
    value = "".join(ch for ch in (value or "") if ch.isprintable())
    return value.strip().lower()[:150]


def client_ip(request):
    """The client's address, or its /64 for IPv6.

    Behind the HTTPS proxy (PATRON_SECURE), REMOTE_ADDR is the proxy itself; the
    client is the last address the proxy appended to X-Forwarded-For.
    """
    address = request.META.get("REMOTE_ADDR") or ""
    if settings.SECURE:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            address = forwarded.split(",")[-1].strip()
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def wait_after(entries, limit, window, now):
    """Seconds until the oldest of the last `limit` entries leaves the window, or 0."""
    recent = list(entries.order_by("-at").values_list("at", flat=True)[:limit])
    if len(recent) < limit:
        return 0
    return max(1, int((recent[-1] + window - now).total_seconds()) + 1)


def seconds_until_allowed(username, ip):
    """0 when a login may be tried now, else how long to wait."""
    now = timezone.now()
    window = timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    recent = LoginFailure.objects.filter(at__gt=now - window)
    limit = settings.LOGIN_FAILURE_LIMIT
    waits = [wait_after(recent.filter(username=normalise_username(username)), limit, window, now)]
    if ip:
        waits.append(wait_after(recent.filter(ip=ip), limit * IP_FACTOR, window, now))
    return max(waits)


def record_failure(username, ip):
    LoginFailure.objects.create(username=normalise_username(username), ip=ip)


def clear_failures(username):
    LoginFailure.objects.filter(username=normalise_username(username)).delete()


def reset_allowed(ip):
    """Record a password-reset request; False once an address has asked too often."""
    now = timezone.now()
    window = timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    recent = LoginFailure.objects.filter(at__gt=now - window, username=RESET_KEY)
    if wait_after(recent.filter(ip=ip), settings.LOGIN_FAILURE_LIMIT, window, now):
        return False
    LoginFailure.objects.create(username=RESET_KEY, ip=ip)
    return True


def prune_failures():
    """Forget entries older than the window (run daily by the scheduler)."""
    cutoff = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    return LoginFailure.objects.filter(at__lt=cutoff).delete()[0]
