"""Contacts and interactions over the API."""

import json
from decimal import Decimal

from django.test import Client

from patron.contacts.models import Contact, Interaction


def send(api, method, url, data):
    return getattr(api, method)(url, json.dumps(data), content_type="application/json")


def test_contacts_need_a_token(db, anna):
    assert Client().get("/api/contacts").status_code == 401
    assert Client().get(f"/api/contacts/{anna.pk}").status_code == 401


def test_list_paginates_and_filters(api, anna, django_assert_max_num_queries):
    Contact.objects.bulk_create(Contact(last_name=f"N{i:03}", is_prospect=True) for i in range(60))
    with django_assert_max_num_queries(8):
        page = api.get("/api/contacts?kind=prospect").json()
    assert page["count"] == 60 and len(page["items"]) == 50
    found = api.get("/api/contacts?q=acme").json()
    assert {c["display_name"] for c in found["items"]} == {"Anna Peeters", "Acme SRL"}
    assert api.get("/api/contacts?page=2&kind=prospect").json()["items"][0]["last_name"] == "N050"


def test_create_read_update_delete(api, acme):
    created = send(
        api,
        "post",
        "/api/contacts",
        {
            "first_name": "Lucie",
            "last_name": "Martin",
            "email": "lucie@x.example",
            "organisation_id": acme.pk,
            "is_peer": True,
            "tags": ["design", "Lyon"],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kinds"] == ["peer"] and sorted(body["tags"]) == ["Lyon", "design"]
    pk = body["id"]
    assert api.get(f"/api/contacts/{pk}").json()["organisation_id"] == acme.pk
    changed = send(
        api, "patch", f"/api/contacts/{pk}", {"phone": "+32 470 00 00 00", "is_peer": False}
    )
    assert changed.status_code == 200
    assert changed.json()["phone"] == "+32 470 00 00 00" and changed.json()["kinds"] == []
    assert changed.json()["tags"] and changed.json()["email"] == "lucie@x.example"
    assert api.delete(f"/api/contacts/{pk}").status_code == 204
    assert api.get(f"/api/contacts/{pk}").status_code == 404


def test_bad_input_gets_422_with_field_errors_and_changes_nothing(api, anna):
    bad = send(api, "post", "/api/contacts", {"first_name": "X", "email": "anna@ACME.example"})
    assert bad.status_code == 422 and "email" in bad.json()["errors"]
    bad_vat = send(
        api, "patch", f"/api/contacts/{anna.organisation_id}", {"vat_number": "BE0123456788"}
    )
    assert bad_vat.status_code == 422 and "vat_number" in bad_vat.json()["errors"]
    assert Contact.objects.count() == 2
    assert Contact.objects.get(pk=anna.organisation_id).vat_number == ""


def test_interactions_move_the_follow_up_and_can_be_listed(api, anna):
    anna.cadence_days = 30
    anna.save()
    logged = send(
        api,
        "post",
        f"/api/contacts/{anna.pk}/interactions",
        {"on": "2024-05-01", "kind": "meeting", "note": "Lunch"},
    )
    assert logged.status_code == 201, logged.content
    anna.refresh_from_db()
    assert str(anna.next_contact_on) == "2024-05-31"
    listed = api.get(f"/api/contacts/interactions?contact_id={anna.pk}&since=2024-01-01").json()
    assert listed["count"] == 1 and listed["items"][0]["note"] == "Lunch"
    bad = send(api, "post", f"/api/contacts/{anna.pk}/interactions", {"kind": "nonsense"})
    assert bad.status_code == 422 and "kind" in bad.json()["errors"]
    pk = logged.json()["id"]
    assert api.delete(f"/api/contacts/interactions/{pk}").status_code == 204
    assert not Interaction.objects.exists()


def test_the_schema_lists_the_contacts_resources(api):
    paths = api.get("/api/openapi.json").json()["paths"]
    assert "/api/contacts" in paths and "/api/contacts/{contact_id}/interactions" in paths


def test_a_client_s_hourly_rate_is_set_kept_and_checked(api, acme):
    url = f"/api/contacts/{acme.pk}"
    assert send(api, "patch", url, {"hourly_rate": "95.50"}).json()["hourly_rate"] == "95.50"
    # A change of another field keeps the rate (the form is built from every field).
    assert send(api, "patch", url, {"city": "Namur"}).json()["hourly_rate"] == "95.50"
    refused = send(api, "patch", url, {"hourly_rate": "-5"})
    assert refused.status_code == 422 and "hourly_rate" in refused.json()["errors"]
    acme.refresh_from_db()
    assert acme.hourly_rate == Decimal("95.50") and acme.city == "Namur"
    from patron.audit.models import AuditEntry

    entries = AuditEntry.objects.filter(object_type="contacts.contact")
    assert any("hourly_rate" in (entry.changes or {}) for entry in entries)
