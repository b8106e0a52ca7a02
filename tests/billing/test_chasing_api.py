"""Reminders and recurring invoices over the API: listing, pausing, the schedule, hostile
input answered 422 with nothing changed."""

import json
from datetime import timedelta

import pytest

from patron.billing.documents.issuing import do_issue
from patron.billing.models import Recurring, ReminderPause, ReminderStep
from patron.billing.reminders.dunning import run
from tests.fixtures import acme_contact, draft

HOSTILE = "<script>alert(1)</script>"


def send(api, method, url, body=None):
    return getattr(api, method)(url, data=json.dumps(body or {}), content_type="application/json")


LINE = {"description": "Maintenance", "quantity": "1", "unit_price": "450", "vat_rate": "21"}


@pytest.fixture
def invoice(owner, business):
    return do_issue(owner, draft(acme_contact(), ("Design", "10", "85", "21"), language="fr"))


def test_reminders_are_listed_paused_and_resumed(api, invoice, inbox):
    run(today=invoice.due_date + timedelta(days=3))
    listed = api.get(f"/api/billing/reminders?document_id={invoice.pk}").json()
    assert [r["step"] for r in listed["items"]] == ["friendly"]
    assert listed["items"][0]["state"] == "sent"
    assert api.get("/api/billing/reminders?state=failed").json()["count"] == 0
    url = f"/api/billing/documents/{invoice.pk}/reminders"
    assert send(api, "post", f"{url}/pause").json() == {"paused": True}
    assert ReminderPause.objects.filter(document=invoice).exists()
    assert send(api, "post", f"{url}/resume").json() == {"paused": False}
    client_url = f"/api/billing/clients/{invoice.client_id}/reminders"
    assert send(api, "post", f"{client_url}/pause").status_code == 200
    assert api.get("/api/billing/reminder-pauses").json() == [
        {"client_id": invoice.client_id, "document_id": None}
    ]
    assert send(api, "post", "/api/billing/documents/999999/reminders/pause").status_code == 404
    assert send(api, "post", "/api/billing/clients/999999/reminders/pause").status_code == 404


def test_the_schedule_is_read_and_changed(api):
    steps = api.get("/api/billing/reminder-steps").json()
    assert [s["days_after_due"] for s in steps] == [3, 15, 30]
    changed = send(api, "patch", "/api/billing/reminder-steps/firm", {"days_after_due": 20})
    assert changed.status_code == 200 and changed.json()["days_after_due"] == 20


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("firm", {"days_after_due": -1}),
        ("firm", {"days_after_due": 0}),
        ("firm", {"days_after_due": 10**9}),
        ("firm", {"subject_fr": ""}),
        ("firm", {"body_en": "x" * 100_000}),
        ("firm", {"body_fr": "{__class__.__mro__}"}),
        ("nothing", {"days_after_due": 4}),
        (HOSTILE, {"days_after_due": 4}),
    ],
)
def test_hostile_step_changes_are_422(api, kind, body):
    api.get("/api/billing/reminder-steps")
    response = send(api, "patch", f"/api/billing/reminder-steps/{kind}", body)
    assert response.status_code in (404, 422)
    assert ReminderStep.objects.get(kind="firm").days_after_due == 15


def test_a_recurring_invoice_is_created_read_changed_and_deleted(api, invoice):
    body = {"name": "Maintenance", "client_id": invoice.client_id, "every": 1, "unit": "months",
            "start": "2026-01-15", "lines": [LINE]}  # fmt: skip
    created = send(api, "post", "/api/billing/recurring", body)
    assert created.status_code == 201, created.json()
    recurring = created.json()
    assert (
        recurring["next_date"] == "2026-01-15"
        and recurring["lines"][0]["description"] == "Maintenance"
    )
    url = f"/api/billing/recurring/{recurring['id']}"
    changed = send(api, "patch", url, {"every": 3, "active": False})
    assert changed.status_code == 200 and changed.json()["every"] == 3
    assert changed.json()["active"] is False and len(changed.json()["lines"]) == 1
    assert api.get("/api/billing/recurring").json()["count"] == 1
    assert send(api, "delete", url).status_code == 204
    assert api.get(url).status_code == 404


@pytest.mark.parametrize(
    "changes",
    [
        {"every": -1},
        {"every": 0},
        {"every": 99},
        {"unit": "years"},
        {"end": "2025-01-01"},
        {"count": -5},
        {"count": 10**6},
        {"name": ""},
        {"name": "x" * 1000},
        {"client_id": 999999},
        {"currency": HOSTILE},
        {"lines": []},
        {"lines": [{**LINE, "unit_price": "-5"}]},
        {"lines": [{**LINE, "description": ""}]},
        {"lines": [LINE] * 200},
        {"start": None},
    ],
)
def test_hostile_recurring_bodies_are_422(api, invoice, changes):
    body = {"name": "Maintenance", "client_id": invoice.client_id, "every": 1, "unit": "months",
            "start": "2026-01-15", "lines": [LINE], **changes}  # fmt: skip
    response = send(api, "post", "/api/billing/recurring", body)
    assert response.status_code == 422, response.content
    assert not Recurring.objects.exists()


def test_without_a_token_nothing_answers(client, invoice):
    assert client.get("/api/billing/reminders").status_code == 401
    assert client.post(f"/api/billing/documents/{invoice.pk}/reminders/pause").status_code == 401
    assert client.get("/api/billing/recurring").status_code == 401
