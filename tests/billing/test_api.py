"""Billing over the REST API: drafts, lines, issuing, credit notes, unbilled work."""

import json

import pytest
from django.test import Client

from patron.accounts.models import create_token
from patron.billing.models import Document, Status
from patron.contacts.models import Contact


@pytest.fixture
def api(owner, business):
    token = create_token(owner, "tests")[1]
    return Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def acme(db):
    return Contact.objects.create(
        is_organisation=True, name="Acme SA", is_client=True, street="Avenue Louise 1",
        postcode="1050", city="Ixelles", country="BE", vat_number="BE0403170701",
    )  # fmt: skip


def send(api, method, url, body=None):
    if method == "get":
        response = api.get(url)
    else:
        response = getattr(api, method)(
            url, data=json.dumps(body or {}), content_type="application/json"
        )
    return response.status_code, response.json() if response.content else None


LINE = {"description": "Design", "quantity": "10", "unit": "HUR", "unit_price": "85",
        "vat_rate": "21"}  # fmt: skip


def test_a_draft_is_created_changed_issued_and_then_frozen(api, acme):
    status, draft = send(
        api, "post", "/api/billing/documents", {"client_id": acme.pk, "lines": [LINE]}
    )
    assert status == 201, draft
    assert draft["status"] == "draft" and draft["number"] == "" and draft["language"] == "fr"
    assert draft["total_excl_vat"] == "850.00" and draft["total_vat"] == "178.50"
    url = f"/api/billing/documents/{draft['id']}"
    status, changed = send(api, "patch", url, {"notes": "Merci !", "lines": [LINE, {**LINE, "description": "Support", "quantity": "2"}]})  # fmt: skip
    assert status == 200 and len(changed["lines"]) == 2 and changed["total_excl_vat"] == "1020.00"
    status, issued = send(api, "post", f"{url}/issue")
    assert status == 200 and issued["status"] == "issued" and issued["number"].startswith("F-")
    assert len(issued["hash"]) == 64
    status, refused = send(api, "patch", url, {"notes": "changed"})
    assert status == 422 and "credit note" in refused["errors"]["__all__"][0]
    status, refused = send(api, "delete", url)
    assert status == 422 and Document.objects.get().status == Status.ISSUED
    status, note = send(api, "post", f"{url}/credit-note", {"full": True})
    assert status == 201 and note["kind"] == "credit_note" and note["corrects_id"] == draft["id"]
    status, listed = send(api, "get", "/api/billing/documents?kind=invoice")
    assert [d["number"] for d in listed["items"]] == [issued["number"]]


def test_bad_input_is_refused_field_by_field_and_changes_nothing(api, acme):
    status, body = send(api, "post", "/api/billing/documents", {"client_id": 99999})
    assert status == 422 and "client_id" in body["errors"]
    status, body = send(
        api, "post", "/api/billing/documents", {"client_id": acme.pk, "kind": "bill"}
    )
    assert status == 422 and "kind" in body["errors"]
    bad = {**LINE, "quantity": "-1", "unit_price": "-3", "unit": "<x>", "discount_percent": "500"}
    status, body = send(api, "post", "/api/billing/documents",
                        {"client_id": acme.pk, "currency": "=HYPERLINK()", "lines": [bad]})  # fmt: skip
    assert status == 422 and "currency" in body["errors"]
    assert not Document.objects.exists()
    status, body = send(api, "post", "/api/billing/documents",
                        {"client_id": acme.pk, "lines": [bad]})  # fmt: skip
    assert status == 422
    assert {
        "lines.0.quantity",
        "lines.0.unit_price",
        "lines.0.unit",
        "lines.0.discount_percent",
    } <= set(body["errors"])
    assert not Document.objects.exists()


def test_issuing_an_incomplete_draft_answers_every_reason(api, acme):
    nowhere = Contact.objects.create(is_organisation=True, name="Nowhere")
    status, draft = send(api, "post", "/api/billing/documents", {"client_id": nowhere.pk})
    status, body = send(api, "post", f"/api/billing/documents/{draft['id']}/issue")
    assert status == 422
    assert "The document has no line." in body["errors"]["__all__"]
    assert any("address is incomplete" in m for m in body["errors"]["__all__"])


def test_unbilled_work_over_the_api(api, acme):
    status, body = send(api, "post", "/api/billing/from-work", {"client_id": acme.pk})
    assert status == 422 and "no unbilled time" in body["errors"]["__all__"][0]
    status, body = send(
        api, "post", "/api/billing/from-work", {"client_id": acme.pk, "grouping": "x"}
    )
    assert status == 422 and "grouping" in body["errors"]


def test_the_schema_lists_billing(api):
    schema = api.get("/api/openapi.json").json()
    assert "/api/billing/documents/{document_id}/issue" in schema["paths"]
