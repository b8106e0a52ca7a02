"""Throttling of logins, password-reset requests and guessed capability tokens.

Failures are counted in the database, so every web worker process sees the
same numbers: per username (however it was typed) and per client address (an
IPv6 client counts as its /64, which one machine usually holds whole). A
success clears the username's count; old entries age out of the window.

Other things worth guessing (reset requests, calendar feed tokens) share the
table under a key no username can be, counted per address only.
"""

import ipaddress
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from patron.accounts.models import LoginFailure

IP_FACTOR = 5
# Keys under which other attempts share the table: usernames no login can have.
KEY_MARK = "\u2400"
RESET_KEY = KEY_MARK + "reset"
FEED_KEY = KEY_MARK + "feed"


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
        # Only failed logins: a calendar app polling a revoked feed must not lock the owner out.
        logins = recent.filter(ip=ip).exclude(username__startswith=KEY_MARK)
        waits.append(wait_after(logins, limit * IP_FACTOR, window, now))
    return max(waits)


def record_failure(username, ip):
    LoginFailure.objects.create(username=normalise_username(username), ip=ip)


def clear_failures(username):
    LoginFailure.objects.filter(username=normalise_username(username)).delete()


def address_wait(key, ip, limit):
    """Seconds before `ip` may try `key` again, after `limit` attempts in the window; 0: now."""
    now = timezone.now()
    window = timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    recent = LoginFailure.objects.filter(at__gt=now - window, username=key, ip=ip)
    return wait_after(recent, limit, window, now)


def record_attempt(key, ip):
    LoginFailure.objects.create(username=key, ip=ip)


def reset_allowed(ip):
    """Record a password-reset request; False once an address has asked too often."""
    if address_wait(RESET_KEY, ip, settings.LOGIN_FAILURE_LIMIT):
        return False
    record_attempt(RESET_KEY, ip)
    return True


def feed_wait(ip):
    """Seconds before `ip` may ask for a calendar feed again, after too many wrong tokens."""
    return address_wait(FEED_KEY, ip, settings.LOGIN_FAILURE_LIMIT * IP_FACTOR)


def record_wrong_feed_token(ip):
    record_attempt(FEED_KEY, ip)


def prune_failures():
    """Forget entries older than the window (run daily by the scheduler)."""
    cutoff = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    return LoginFailure.objects.filter(at__lt=cutoff).delete()[0]
