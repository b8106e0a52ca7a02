"""The ICS feed: project and task due dates and follow-ups, at a private token URL.

Calendar applications subscribe without logging in, so the token in the
address is the only key: 32 random bytes, of which only a SHA-256 is kept
(CalendarFeed.digest), revocable. Every request, whatever its token, costs
one hash and one indexed lookup; a wrong or revoked token gets the same 404,
and an address sending many wrong tokens is paused (accounts/throttling.py).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from icalendar import Calendar, Event

from patron.accounts import throttling
from patron.accounts.access import owner_required
from patron.accounts.models import User
from patron.audit.log import record
from patron.business.profile import get_business
from patron.contacts.models import Contact
from patron.work.models import CalendarFeed, Project, Task

# Events older than this are left out: a subscribed calendar keeps what it saw.
PAST_DAYS = 365
MAX_TOKEN_LENGTH = 200


def feed_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def do_create_feed(user, *, actor=""):
    """Returns (CalendarFeed, token); the token is shown once and stored nowhere."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        feed = CalendarFeed.objects.create(digest=feed_digest(token), prefix=token[:6])
        record(user, "create", feed, actor=actor)
    return feed, token


def do_revoke_feed(user, feed, *, actor=""):
    with transaction.atomic():
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        record(user, "revoke", feed, actor=actor)
    return feed


def find_feed(token):
    """The active feed for a token, or None; the same work for any token."""
    digest = feed_digest(token[:MAX_TOKEN_LENGTH])
    return CalendarFeed.objects.filter(digest=digest, revoked_at__isnull=True).first()


def all_day(uid, on, summary, stamp, description=""):
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", on)
    event.add("dtend", on + timedelta(days=1))
    event.add("summary", summary)
    if description:
        event.add("description", description)
    event.add("transp", "TRANSPARENT")  # a due date does not make the day busy
    return event


def build_feed(business=None, today=None, now=None):
    """The ICS text (bytes) of the feed.

    UIDs are stable (the kind, the row's id and a mark of this install), so a
    calendar app updates an event when its date moves instead of doubling it.
    """
    now = now or timezone.now()
    today = today or timezone.localdate()
    since = today - timedelta(days=PAST_DAYS)
    install = hashlib.sha256(
        f"{business.pk}:{business.created_at.isoformat()}".encode() if business else b"patron"
    ).hexdigest()[:12]

    cal = Calendar()
    cal.add("prodid", "-//Patron//Patron back office//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    name = business.display_name if business else "Patron"
    cal.add("x-wr-calname", _("%(name)s: due dates and follow-ups") % {"name": name})
    if business:
        cal.add("x-wr-timezone", business.time_zone)

    projects = (
        Project.objects.filter(due_on__gte=since)
        .exclude(status__in=[Project.Status.DONE, Project.Status.LOST])
        .select_related("client")
        .order_by("due_on", "pk")
    )
    for project in projects:
        summary = _("Due: %(project)s") % {"project": project.name}
        description = project.client.display_name if project.client else ""
        cal.add_component(
            all_day(
                f"project-{project.pk}-due.{install}@patron",
                project.due_on,
                summary,
                now,
                description,
            )
        )

    tasks = (
        Task.objects.filter(due_on__gte=since)
        .exclude(status=Task.Status.DONE)
        .select_related("project")
        .order_by("due_on", "pk")
    )
    for task in tasks:
        summary = _("Task due: %(task)s (%(project)s)") % {
            "task": task.title,
            "project": task.project.name,
        }
        cal.add_component(
            all_day(f"task-{task.pk}-due.{install}@patron", task.due_on, summary, now)
        )

    contacts = Contact.objects.filter(next_contact_on__gte=since).order_by("next_contact_on", "pk")
    for contact in contacts:
        summary = _("Follow up: %(name)s") % {"name": contact.display_name}
        cal.add_component(
            all_day(
                f"follow-up-{contact.pk}.{install}@patron", contact.next_contact_on, summary, now
            )
        )
    return cal.to_ical()


def owner_language():
    owner = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    return (owner.language if owner else "") or settings.LANGUAGE_CODE


@require_GET
def feed(request, token):
    """Public, without a login: the token is the key. Deliberately not @owner_required.

    An address that sent too many wrong tokens in the window gets 429 before its
    token is even looked at, so guessing costs time, like guessing a password.
    """
    ip = throttling.client_ip(request)
    wait = throttling.feed_wait(ip)
    if wait:
        response = HttpResponse(status=429)
        response["Retry-After"] = str(wait)
        return response
    if find_feed(token) is None:
        throttling.record_wrong_feed_token(ip)
        raise Http404
    business = get_business()
    with translation.override(owner_language()):
        if business:
            with timezone.override(business.time_zone):
                body = build_feed(business)
        else:
            body = build_feed()
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="patron.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@owner_required
def feed_settings(request):
    """Make, show once, and revoke feed URLs."""
    url = None
    if request.method == "POST":
        _feed, token = do_create_feed(request.user)
        url = request.build_absolute_uri(reverse("work:feed", args=[token]))
        messages.success(request, _("A new feed address has been made."))
    feeds = CalendarFeed.objects.order_by("-created_at")
    return render(request, "work/feed_settings.html", {"feeds": feeds, "url": url})


@owner_required
@require_POST
def revoke_feed(request, pk):
    feed = get_object_or_404(CalendarFeed, pk=pk, revoked_at__isnull=True)
    do_revoke_feed(request.user, feed)
    messages.success(
        request,
        _(
            "The feed address starting with %(prefix)s has been revoked: calendars using it get nothing more."
        )
        % {"prefix": feed.prefix},
    )
    return redirect("work:calendar")
