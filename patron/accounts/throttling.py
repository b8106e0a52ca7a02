"""Throttling of logins, password-reset requests and other guessed secrets.

Failures are counted in the database, so every web worker process (gunicorn runs
several) sees the same numbers. The owner's email is printed on every invoice, so a
stranger must not be able to lock the owner out by failing on purpose. The counts:

- per account *and* address: LOGIN_FAILURE_LIMIT failures pause that address for
  that account, and only there;
- per address, every account together: IP_FACTOR times as many (an address guessing
  many accounts);
- per account from browsers it never logged in from, whatever their address:
  ACCOUNT_FACTOR times as many, the ceiling on a guesser spread over many addresses;
- a browser the account has logged in from before carries a signed cookie
  (KNOWN_BROWSER_COOKIE): its failures are counted for itself only, so neither a
  stranger at the same address nor one spread over many addresses pauses it.

An IPv6 client counts as its /64, which one machine usually holds whole. A success
clears the failures of that browser or address only: a stranger's stay counted.

Other things worth guessing (reset requests, calendar feed tokens, the setup code)
share the table under a key no username can be, counted per address only.
"""

import ipaddress
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone

from patron.accounts.models import LoginFailure

IP_FACTOR = 5
ACCOUNT_FACTOR = 20
# Keys under which other attempts share the table: usernames no login can have.
KEY_MARK = "\u2400"
RESET_KEY = KEY_MARK + "reset"
FEED_KEY = KEY_MARK + "feed"
SETUP_KEY = KEY_MARK + "setup"

KNOWN_BROWSER_COOKIE = "patron_browser"
KNOWN_BROWSER_SALT = "patron.accounts.known-browser"
KNOWN_BROWSER_AGE = 400 * 24 * 3600  # the longest a browser keeps a cookie


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


def known_browser(request, username):
    """The id of this browser if `username` has logged in from it before, else ""."""
    value = request.COOKIES.get(KNOWN_BROWSER_COOKIE)
    if not value:
        return ""
    try:
        data = signing.loads(value, salt=KNOWN_BROWSER_SALT, max_age=KNOWN_BROWSER_AGE)
    except signing.BadSignature:
        return ""
    if not isinstance(data, dict) or data.get("u") != normalise_username(username):
        return ""
    return str(data.get("b", ""))[:32]


def remember_browser(request, response, username):
    """Mark the browser as one `username` logged in from (kept if it already is)."""
    if known_browser(request, username):
        return
    value = signing.dumps(
        {"u": normalise_username(username), "b": secrets.token_urlsafe(16)},
        salt=KNOWN_BROWSER_SALT,
    )
    response.set_cookie(
        KNOWN_BROWSER_COOKIE,
        value,
        max_age=KNOWN_BROWSER_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def wait_after(entries, limit, window, now):
    """Seconds until the oldest of the last `limit` entries leaves the window, or 0."""
    recent = list(entries.order_by("-at").values_list("at", flat=True)[:limit])
    if len(recent) < limit:
        return 0
    return max(1, int((recent[-1] + window - now).total_seconds()) + 1)


def seconds_until_allowed(username, ip, browser=""):
    """0 when a login may be tried now, else how long to wait (see the module's rules)."""
    now = timezone.now()
    window = timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    recent = LoginFailure.objects.filter(at__gt=now - window)
    limit = settings.LOGIN_FAILURE_LIMIT
    account = recent.filter(username=normalise_username(username))
    if browser:
        return wait_after(account.filter(browser=browser), limit, window, now)
    strangers = account.filter(browser="")
    # An unreadable address (ip None) is one address of its own.
    # Only failed logins count for the address: a calendar app polling a revoked feed must
    # not lock the owner out.
    logins = recent.filter(ip=ip, browser="").exclude(username__startswith=KEY_MARK)
    return max(
        wait_after(strangers.filter(ip=ip), limit, window, now),
        wait_after(logins, limit * IP_FACTOR, window, now),
        wait_after(strangers, limit * ACCOUNT_FACTOR, window, now),
    )


def record_failure(username, ip, browser=""):
    LoginFailure.objects.create(username=normalise_username(username), ip=ip, browser=browser)


def clear_failures(username, ip, browser=""):
    """After a success: forget this browser's (or this address's) failures, no one else's."""
    account = LoginFailure.objects.filter(username=normalise_username(username))
    if browser:
        account.filter(browser=browser).delete()
    else:
        account.filter(browser="", ip=ip).delete()


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


def setup_code_wait(ip):
    """Seconds before `ip` may type the first-run setup code again, after wrong ones."""
    return address_wait(SETUP_KEY, ip, settings.LOGIN_FAILURE_LIMIT)


def record_wrong_setup_code(ip):
    record_attempt(SETUP_KEY, ip)


def prune_failures():
    """Forget entries older than the window (run daily by the scheduler)."""
    cutoff = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    return LoginFailure.objects.filter(at__lt=cutoff).delete()[0]
