import re
import secrets
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from patron.audit.models import AuditEntry
from patron.contacts.models import Contact
from patron.work.calendar import build_feed, do_create_feed, feed_digest
from patron.work.models import CalendarFeed, Project, Task


def visitor():
    """A calendar application: no session, no cookies."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def events(body):
    calendar = Calendar.from_ical(body)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


@pytest.fixture
def feed_token(owner, business):
    return do_create_feed(owner)[1]


@pytest.fixture
def agenda(db):
    soon = timezone.localdate() + timedelta(days=10)
    client = Contact.objects.create(is_organisation=True, name="Brasserie <b>Lumière</b>")
    project = Project.objects.create(name="Menu; redesign, v2\\n", client=client, due_on=soon)
    Project.objects.create(name="Lost deal", status=Project.Status.LOST, due_on=soon)
    Task.objects.create(project=project, title="Print proofs", due_on=soon)
    Task.objects.create(project=project, title="Done already", due_on=soon, status="done")
    Task.objects.create(project=project, title="No date")
    Contact.objects.create(first_name="Marie", last_name="Dubois", next_contact_on=soon)
    return project


def test_the_feed_speaks_the_owners_language(agenda, feed_token, owner):
    owner.language = "fr"
    owner.save()
    body = visitor().get(f"/app/work/feed/{feed_token}.ics").content.decode()
    assert "Relance" in body


def test_the_feed_lists_due_dates_and_follow_ups_as_all_day_events(
    agenda, feed_token, owner, django_assert_max_num_queries
):
    owner.language = "en"  # the feed speaks the owner's language (calendar apps send none)
    owner.save()
    # One of them counts the address's recent wrong tokens (the throttle).
    with django_assert_max_num_queries(9):
        response = visitor().get(f"/app/work/feed/{feed_token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Referrer-Policy"] == "no-referrer"
    found = events(response.content)
    summaries = sorted(str(e["summary"]) for e in found.values())
    assert summaries == [
        "Due: Menu; redesign, v2\\n",
        "Follow up: Marie Dubois",
        "Task due: Print proofs (Menu; redesign, v2\\n)",
    ]
    for event in found.values():
        start = event.decoded("dtstart")
        assert not hasattr(start, "hour")  # a date: an all-day event
        assert event.decoded("dtend") == start + timedelta(days=1)
    # icalendar escapes the text; reading it back gives what was typed.
    assert b"Menu\\; redesign\\, v2" in response.content


def test_event_uids_are_stable_between_requests(agenda, feed_token):
    first = set(events(visitor().get(f"/app/work/feed/{feed_token}.ics").content))
    agenda.due_on = agenda.due_on + timedelta(days=3)
    agenda.save()
    second = events(visitor().get(f"/app/work/feed/{feed_token}.ics").content)
    assert set(second) == first
    uid = next(uid for uid in second if uid.startswith(f"project-{agenda.pk}-"))
    assert second[uid].decoded("dtstart") == agenda.due_on


def test_an_outsider_token_gets_404(feed_token):
    for token in (
        secrets.token_urlsafe(32),
        feed_token[:-1],
        feed_token.upper(),
        "x" * 500,
        "..%2f..%2fsettings",
        "' OR 1=1--",
    ):
        assert visitor().get(f"/app/work/feed/{token}.ics").status_code == 404


def guesser(address="203.0.113.7"):
    return Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=address)


def test_an_address_guessing_tokens_is_paused_even_with_the_right_one(feed_token, settings):
    settings.LOGIN_FAILURE_LIMIT = 2  # an address gets 5 times that: 10 wrong tokens
    attacker = guesser()
    for _ in range(10):
        assert attacker.get(f"/app/work/feed/{secrets.token_urlsafe(32)}.ics").status_code == 404
    paused = attacker.get(f"/app/work/feed/{feed_token}.ics")
    assert paused.status_code == 429
    assert 0 < int(paused["Retry-After"]) <= settings.LOGIN_FAILURE_WINDOW + 1
    assert attacker.get(f"/app/work/feed/{secrets.token_urlsafe(32)}.ics").status_code == 429
    # Another address, a subscribed calendar app, still gets its feed.
    assert guesser("198.51.100.1").get(f"/app/work/feed/{feed_token}.ics").status_code == 200


def test_the_right_token_does_not_count_and_the_pause_ends_with_the_window(feed_token, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    app = guesser()
    for _ in range(20):
        assert app.get(f"/app/work/feed/{feed_token}.ics").status_code == 200
    for _ in range(10):
        app.get("/app/work/feed/wrong.ics")
    assert app.get(f"/app/work/feed/{feed_token}.ics").status_code == 429
    settings.LOGIN_FAILURE_WINDOW = 0
    assert app.get(f"/app/work/feed/{feed_token}.ics").status_code == 200


def test_wrong_feed_tokens_do_not_pause_logins(client, owner, feed_token, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(10):
        guesser("127.0.0.1").get("/app/work/feed/wrong.ics")
    response = client.post(
        "/app/login/", {"username": owner.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 302


def test_a_revoked_token_gets_404(owner_client, feed_token):
    assert visitor().get(f"/app/work/feed/{feed_token}.ics").status_code == 200
    feed = CalendarFeed.objects.get()
    response = owner_client.post(f"/app/work/calendar/{feed.pk}/revoke/")
    assert response.status_code == 302
    assert visitor().get(f"/app/work/feed/{feed_token}.ics").status_code == 404
    assert AuditEntry.objects.filter(action="revoke", object_type="work.calendarfeed").exists()


def test_only_a_hash_of_the_token_is_stored(feed_token):
    feed = CalendarFeed.objects.get()
    assert feed.digest == feed_digest(feed_token)
    assert feed_token not in feed.digest
    assert len(feed_token) >= 43  # 32 random bytes


def test_the_owner_makes_a_feed_url_and_sees_it_once(owner_client):
    response = owner_client.post("/app/work/calendar/")
    page = response.content.decode()
    url = re.search(r">(http://testserver/app/work/feed/[^<]+\.ics)</textarea>", page)[1]
    assert visitor().get(url.removeprefix("http://testserver")).status_code == 200
    again = owner_client.get("/app/work/calendar/").content.decode()
    assert url not in again
    assert CalendarFeed.objects.get().prefix in again


def test_the_feed_page_is_the_owners_only(client, owner, business, django_user_model):
    assert client.get("/app/work/calendar/").status_code == 302
    client.post("/app/work/calendar/")
    outsider = django_user_model.objects.create_user("mallory", "m@example.com", "x")
    client.force_login(outsider)
    assert client.get("/app/work/calendar/").status_code == 404
    assert client.post("/app/work/calendar/").status_code == 404
    assert not CalendarFeed.objects.exists()


def test_revoking_needs_a_post_with_a_csrf_token(owner, business, feed_token):
    feed = CalendarFeed.objects.get()
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(owner)
    assert browser.get(f"/app/work/calendar/{feed.pk}/revoke/").status_code == 405
    assert browser.post(f"/app/work/calendar/{feed.pk}/revoke/").status_code == 403
    assert browser.post("/app/work/calendar/").status_code == 403
    assert CalendarFeed.objects.get().revoked_at is None
    assert CalendarFeed.objects.count() == 1


def test_the_feed_answers_only_get(feed_token):
    assert visitor().post(f"/app/work/feed/{feed_token}.ics").status_code in (403, 405)


def test_old_events_are_left_out(business):
    Project.objects.create(name="Ancient", due_on=date(2000, 1, 1))
    Project.objects.create(name="Current", due_on=timezone.localdate())
    names = [str(e["summary"]) for e in Calendar.from_ical(build_feed(business)).walk("VEVENT")]
    assert names == ["Due: Current"]
