"""Billing over the REST API: drafts, lines, issuing, credit notes, unbilled work."""

import json

import pytest
from django.utils import timezone

from patron.billing.documents.quotes import do_answer
from patron.billing.models import Document, Payment, Sending, Status
from patron.contacts.models import Contact


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
    status, changed = send(
        api,
        "patch",
        url,
        {"notes": "Merci !", "lines": [LINE, {**LINE, "description": "Support", "quantity": "2"}]},
    )
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
    status, body = send(
        api,
        "post",
        "/api/billing/documents",
        {"client_id": acme.pk, "currency": "=HYPERLINK()", "lines": [bad]},
    )
    assert status == 422 and "currency" in body["errors"]
    assert not Document.objects.exists()
    status, body = send(
        api, "post", "/api/billing/documents", {"client_id": acme.pk, "lines": [bad]}
    )
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


@pytest.fixture
def issued(api, acme):
    acme.email, acme.language = "compta@acme.example", "fr"
    acme.save()
    status, draft = send(
        api, "post", "/api/billing/documents", {"client_id": acme.pk, "lines": [LINE]}
    )
    status, invoice = send(api, "post", f"/api/billing/documents/{draft['id']}/issue")
    assert status == 200, invoice
    return invoice


def test_an_issued_invoice_is_sent_over_the_api_with_the_page_s_defaults(
    api, issued, inbox, immediate_tasks, django_capture_on_commit_callbacks
):
    url = f"/api/billing/documents/{issued['id']}"
    with django_capture_on_commit_callbacks(execute=True):
        status, sending = send(api, "post", f"{url}/send", {})
    assert status == 202 and sending["to"] == "compta@acme.example"
    assert sending["subject"] == f"Facture {issued['number']} de Atelier Lumen"
    [message] = inbox.messages
    body = message.get_body(("plain",)).get_content()
    assert body.startswith("Bonjour Acme SA,") and "/p/" in body and "{link}" not in body
    assert len(list(message.iter_attachments())) == 3
    status, sendings = send(api, "get", f"{url}/sendings")
    assert status == 200 and [s["state"] for s in sendings] == ["sent"]
    status, document = send(api, "get", url)
    assert document["status"] == "sent"


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"to": "not an address"}, "not an email address"),
        ({"to": "a@b.example\r\nBcc: evil@x.example"}, "not an email address"),
        ({"to": ""}, "not an email address"),
        ({"subject": "   "}, "subject and a text"),
        ({"body": ""}, "subject and a text"),
        ({"body": "x" * 10_001}, "too long"),
    ],
)
def test_a_send_with_bad_input_is_refused_and_queues_nothing(api, issued, payload, field):
    status, refused = send(api, "post", f"/api/billing/documents/{issued['id']}/send", payload)
    assert status == 422 and field in refused["errors"]["__all__"][0]
    assert not Sending.objects.exists()


def test_a_draft_is_not_sent(api, acme):
    status, draft = send(
        api, "post", "/api/billing/documents", {"client_id": acme.pk, "lines": [LINE]}
    )
    status, refused = send(
        api, "post", f"/api/billing/documents/{draft['id']}/send", {"to": "x@y.example"}
    )
    assert status == 422 and "Issue the document" in refused["errors"]["__all__"][0]
    assert send(api, "post", "/api/billing/documents/999999/send", {})[0] == 404


def test_an_accepted_quote_and_a_pro_forma_become_invoices_over_the_api(api, owner, acme):
    status, quote = send(
        api,
        "post",
        "/api/billing/documents",
        {"client_id": acme.pk, "kind": "quote", "deposit_percent": "30", "lines": [LINE]},
    )
    quote_url = f"/api/billing/documents/{quote['id']}"
    send(api, "post", f"{quote_url}/issue")
    status, refused = send(api, "post", f"{quote_url}/deposit-invoice")
    assert status == 422 and "accepted quote" in refused["errors"]["__all__"][0]
    do_answer(Document.objects.get(pk=quote["id"]), accepted=True, name="Jo", terms_accepted=True)
    status, deposit = send(api, "post", f"{quote_url}/deposit-invoice")
    assert status == 201 and deposit["kind"] == "invoice" and deposit["total_excl_vat"] == "255.00"
    send(api, "post", f"/api/billing/documents/{deposit['id']}/issue")
    status, final = send(api, "post", f"{quote_url}/final-invoice")
    assert status == 201 and final["prepaid"] == "308.55"  # 255 × 1.21
    assert send(api, "post", f"{quote_url}/final-invoice")[0] == 422  # only one
    status, proforma = send(
        api,
        "post",
        "/api/billing/documents",
        {"client_id": acme.pk, "kind": "proforma", "lines": [LINE]},
    )
    assert send(api, "post", f"/api/billing/documents/{proforma['id']}/invoice")[0] == 422  # draft
    send(api, "post", f"/api/billing/documents/{proforma['id']}/issue")
    status, invoice = send(api, "post", f"/api/billing/documents/{proforma['id']}/invoice")
    assert (
        status == 201
        and invoice["kind"] == "invoice"
        and invoice["lines"][0]["description"] == "Design"
    )


def test_payments_over_the_api_move_the_state_and_leave_a_credit(api, issued, acme):
    url = f"/api/billing/documents/{issued['id']}"
    assert issued["state"] == "issued" and issued["outstanding"] == "1028.50"
    status, payment = send(
        api,
        "post",
        "/api/billing/payments",
        {
            "document_ids": [issued["id"]],
            "date": str(timezone.localdate()),
            "amount": "28.50",
            "reference": "+++090/9337/55493+++",
        },
    )
    assert status == 201, payment
    assert payment["client_id"] == acme.pk and payment["currency"] == "EUR"
    assert payment["allocations"] == [
        {"document_id": issued["id"], "number": issued["number"], "amount": "28.50"}
    ]
    status, document = send(api, "get", url)
    assert document["state"] == "partially_paid" and document["outstanding"] == "1000.00"
    status, more = send(
        api,
        "post",
        "/api/billing/payments",
        {"client_id": acme.pk, "date": str(timezone.localdate()), "amount": "1100"},
    )
    assert status == 201 and more["unallocated"] == "100.00"
    status, listed = send(api, "get", "/api/billing/documents?status=paid")
    assert [d["number"] for d in listed["items"]] == [issued["number"]]
    status, payments = send(api, "get", f"/api/billing/payments?client_id={acme.pk}")
    assert status == 200 and payments["count"] == 2
    assert send(api, "delete", f"/api/billing/payments/{more['id']}")[0] == 204
    assert send(api, "get", url)[1]["state"] == "partially_paid"


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"amount": "-1"}, "more than zero"),
        ({"amount": "1e9999"}, "at most"),
        ({"amount": "<b>5</b>"}, "not a number"),
        ({"date": "2999-12-31"}, "future"),
        ({"method": "'; DROP TABLE"}, "how it was paid"),
        ({"direction": "stolen"}, "received or refunded"),
        ({"currency": "USD"}, "is in EUR"),
    ],
)
def test_bad_payments_over_the_api_are_refused_and_record_nothing(api, issued, payload, field):
    body = {
        "document_ids": [issued["id"]],
        "date": str(timezone.localdate()),
        "amount": "10",
        **payload,
    }
    status, refused = send(api, "post", "/api/billing/payments", body)
    assert status == 422 and field in refused["errors"]["__all__"][0], refused
    assert not Payment.objects.exists()
    status, refused = send(api, "post", "/api/billing/payments", {**body, "document_ids": [999]})
    assert status == 422 and "document_ids" in refused["errors"]
    assert send(api, "post", "/api/billing/payments", {"date": "nope", "amount": "1"})[0] == 422
