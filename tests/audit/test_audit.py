import pytest

from patron.audit.log import record
from patron.audit.models import AuditEntry


def test_audit_entries_cannot_be_changed_or_deleted(owner, business):
    entry = AuditEntry.objects.first()
    entry.action = "forged"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_the_audit_log_pages_through_many_entries(owner_client, owner, business):
    for i in range(120):
        record(owner, "update", business, {"city": [f"City {i}", f"City {i + 1}"]})
    first = owner_client.get("/app/settings/audit/")
    assert "City 120" in first.text and "Page 1 of 3" in first.text
    third = owner_client.get("/app/settings/audit/?page=3")
    assert "City 1<" in third.text or "City 1 " in third.text
    assert owner_client.get("/app/settings/audit/?page=999").status_code == 200
    assert owner_client.get("/app/settings/audit/?page=<script>").status_code == 200


def test_the_entry_keeps_who_made_it_after_the_user_is_gone(owner, business):
    entry = AuditEntry.objects.first()
    owner.delete()
    entry.refresh_from_db()
    assert entry.user is None
    assert entry.actor == "claire@atelier-lumen.example"


def test_times_are_shown_in_the_business_time_zone(owner_client, owner, business):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    AuditEntry.objects.create(
        at=datetime(2026, 7, 1, 10, 0, tzinfo=ZoneInfo("UTC")),
        actor="x",
        action="update",
        object_type="business.business",
        object_repr="summer",
    )
    assert "12:00" in owner_client.get("/app/settings/audit/?page=1").text  # Brussels, CEST
    business.time_zone = "America/Montreal"
    business.save()
    assert "06:00" in owner_client.get("/app/settings/audit/").text


# The page shows every kind of entry the code writes: a field's [old, new], and the facts
# other actions log (an address, the amounts a payment settled, a count…).


@pytest.fixture
def acme(business):
    from patron.contacts.models import Contact

    return Contact.objects.create(
        is_organisation=True,
        name="Acme SA",
        is_client=True,
        street="Avenue Louise 1",
        postcode="1050",
        city="Ixelles",
        country="BE",
        vat_number="BE0403170701",
        email="compta@acme.example",
        language="en",
    )


def audit_page(owner_client):
    response = owner_client.get("/app/settings/audit/")
    assert response.status_code == 200
    return response.text


def test_the_log_shows_a_payment_a_saved_draft_an_api_draft_and_a_sent_email(
    owner_client, owner, acme
):
    import json

    from django.test import Client
    from django.utils import timezone

    from patron.accounts.models import create_token
    from patron.billing.documents.issuing import do_issue
    from patron.billing.documents.sending import do_send
    from patron.billing.models import Document
    from patron.billing.payments.recording import do_record_payment
    from tests.fixtures import draft, header, lines_data

    invoice = do_issue(owner, draft(acme, ("Design", "10", "85", "21")))
    do_record_payment(
        owner, client=acme, date=timezone.localdate(), amount="100", documents=[invoice]
    )
    assert f"{invoice.number}: 100" in audit_page(owner_client)  # what the payment settled

    saved = draft(acme)
    line = {"description": "Hosting", "quantity": "1", "unit": "C62", "unit_price": "120",
            "discount_percent": "", "vat_rate": "21"}  # fmt: skip
    response = owner_client.post(f"/app/billing/{saved.pk}/", {**header(acme), **lines_data(line)})
    assert response.status_code == 302
    assert "Draft" in audit_page(owner_client) and "saved" in audit_page(owner_client)

    api = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(owner, 'audit')[1]}")
    made = api.post(
        "/api/billing/documents",
        json.dumps({"client_id": acme.pk}),
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert Document.objects.filter(pk=made.json()["id"]).exists()
    audit_page(owner_client)

    do_send(
        owner,
        invoice,
        to="compta@acme.example",
        subject="Invoice",
        body="{link}",
        base_url="http://testserver/",
    )
    page = audit_page(owner_client)
    assert "sent by email" in page and "compta@acme.example" in page


@pytest.mark.parametrize(
    "changes, shown",
    [
        ({"city": ["Namur", "Liège"]}, "<del>Namur</del> → <ins>Liège</ins>"),
        ({"name": [None, "script"]}, "<del>—</del> → <ins>script</ins>"),
        ({"to": "compta@acme.example"}, "compta@acme.example"),
        ({"draft": "saved"}, "saved"),
        ({"lines": 3}, "3"),
        ({"active": False}, "False"),
        ({"allocated": {"F-2026-0001": "100.00"}}, "F-2026-0001: 100.00"),
        ({"state": ["failed", "queued", "sent"]}, "failed, queued, sent"),
        ({"nothing": None}, "—"),
        ({"nested": {"a": [1, {"b": "<script>"}]}}, "a: 1, b: &lt;script&gt;"),
        (["not", "a", "mapping"], "not, a, mapping"),
    ],
)
def test_any_shape_of_logged_change_renders(owner_client, owner, business, changes, shown):
    from patron.audit.models import AuditEntry

    AuditEntry.objects.create(
        actor="x",
        action="update",
        object_type="business.business",
        object_repr="profile",
        changes=changes,
    )
    assert shown in audit_page(owner_client)


def test_every_action_the_code_logs_has_a_label(owner_client, business):
    """Scans the code for the actions it records: a new one needs its words on the page."""
    import re
    from pathlib import Path

    import patron
    from patron.audit.models import AuditEntry

    source = "".join(p.read_text() for p in Path(patron.__file__).parent.rglob("*.py"))
    actions = set(re.findall(r'\brecord\(\s*[\w.]+,\s*"([^"]+)"', source))
    actions |= {"accept", "decline"}  # quotes.py records one or the other
    assert {"create", "update", "send", "issue", "pause reminders"} <= actions
    unlabelled = sorted(a for a in actions if a not in AuditEntry.ACTIONS)
    assert unlabelled == []
