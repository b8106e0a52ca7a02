"""The renderings downloaded from the back office, the portal and the API, and
`patron invoice list`."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from patron.accounts.models import create_token
from patron.billing.documents.issuing import do_issue
from patron.contacts.models import Contact
from patron.portal.links import create_link
from tests.fixtures import draft


@pytest.fixture
def invoice(owner, business):
    acme = Contact.objects.create(
        is_organisation=True,
        name="Acme SA",
        is_client=True,
        street="Avenue Louise 1",
        postcode="1050",
        city="Ixelles",
        country="BE",
        vat_number="BE0403170701",
        company_number="0403170701",
    )
    return do_issue(owner, draft(acme, ("Design", "10", "85", "21")))


def test_the_back_office_serves_each_rendering_as_a_download(owner_client, invoice):
    page = owner_client.get(f"/app/billing/{invoice.pk}/").text
    for fmt, mimetype, start in (
        ("pdf", "application/pdf", b"%PDF"),
        ("cii", "application/xml", b"<?xml"),
        ("ubl", "application/xml", b"<?xml"),
    ):
        assert f"/app/billing/{invoice.pk}/file/{fmt}/" in page
        response = owner_client.get(f"/app/billing/{invoice.pk}/file/{fmt}/")
        assert response.status_code == 200 and response["Content-Type"] == mimetype
        assert response.content.startswith(start)
        assert f'filename="{invoice.number}' in response["Content-Disposition"]
    assert owner_client.get(f"/app/billing/{invoice.pk}/file/exe/").status_code == 404
    a_draft = draft(invoice.client, ("Design", "1", "1", "21"))
    assert owner_client.get(f"/app/billing/{a_draft.pk}/file/pdf/").status_code == 404


def test_the_portal_and_the_api_serve_them_too(client, owner, invoice):
    token = create_link(invoice)
    assert client.get(f"/p/{token}/file/pdf/").content.startswith(b"%PDF")
    assert client.get(f"/p/{token[:-2]}xx/file/pdf/").status_code == 404
    api = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(owner, 'tests')[1]}")
    response = api.get(f"/api/billing/documents/{invoice.pk}/files/ubl")
    assert response.status_code == 200 and b"<Invoice" in response.content
    assert api.get(f"/api/billing/documents/{invoice.pk}/files/nope").status_code == 404
    assert Client().get(f"/api/billing/documents/{invoice.pk}/files/pdf").status_code == 401


def test_patron_invoice_list_prints_every_document_as_json(patron, tmp_path):
    assert patron("demo", "--password", "a demo passphrase").returncode == 0
    result = patron("invoice", "list", "--json")
    assert result.returncode == 0, result.stderr
    documents = json.loads(result.stdout)
    assert len(documents) == 12  # 11 issued (one overdue, with its reminders) and a draft
    keys = {"number", "kind", "status", "issue_date", "due_date", "client", "currency",
            "total_excl_vat", "total_vat", "total_incl_vat", "amount_due"}  # fmt: skip
    assert all(keys <= set(d) for d in documents)
    assert {d["kind"] for d in documents} == {"invoice", "credit_note", "quote"}
    credited = next(
        d for d in documents if d["client"] == "Studio Grachten BV" and d["kind"] == "invoice"
    )
    assert credited["status"] == "credited" and credited["currency"] == "EUR"
    assert all(isinstance(d["total_incl_vat"], str) for d in documents)
    assert [d["status"] for d in documents if not d["number"]] == ["draft"]
    statuses = {d["status"] for d in documents if d["kind"] == "invoice"}
    assert {"paid", "partially_paid", "credited", "overdue"} <= statuses
    partly = next(d for d in documents if d["status"] == "partially_paid")
    assert 0 < float(partly["amount_due"]) < float(partly["total_incl_vat"])
    plain = patron("invoice", "list")
    assert "F-20" in plain.stdout and "(draft)" in plain.stdout
    missing = patron("invoice", "export", "F-1999-9999", "--out", str(tmp_path / "x"))
    assert missing.returncode != 0 and "No issued document" in missing.stderr


def test_patron_payment_records_and_lists_payments(patron):
    assert patron("demo", "--password", "a demo passphrase").returncode == 0
    documents = json.loads(patron("invoice", "list", "--json").stdout)
    partly = next(d for d in documents if d["status"] == "partially_paid")
    listed = json.loads(patron("payment", "list", "--json").stdout)
    assert any(a["number"] == partly["number"] for p in listed for a in p["allocations"])
    result = patron("payment", "add", partly["number"], partly["amount_due"],
                    "--reference", "virement du 3")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"{partly['number']} is now paid." in result.stdout
    again = json.loads(patron("invoice", "list", "--json").stdout)
    assert next(d for d in again if d["number"] == partly["number"])["status"] == "paid"
    for args, error in [
        (["F-1999-0001", "10"], "No issued invoice"),
        ([partly["number"], "10"], "Nothing is left to settle"),
        ([partly["number"], "-4"], "more than zero"),
        ([partly["number"], "10", "--date", "2999-01-01"], "in the future"),
        ([partly["number"], "10", "--date", "demain"], "--date wants a date"),
    ]:
        refused = patron("payment", "add", *args)
        assert refused.returncode != 0 and error in refused.stderr, (args, refused.stderr)
    assert len(json.loads(patron("payment", "list", "--json").stdout)) == len(listed) + 1


def test_one_payment_settles_several_invoices_of_a_client_on_the_command_line(patron):
    assert patron("demo", "--password", "a demo passphrase").returncode == 0
    documents = json.loads(patron("invoice", "list", "--json").stdout)
    open_ones = [
        d for d in documents if d["kind"] == "invoice" and d["status"] in ("issued", "overdue")
    ]
    by_client = {}
    for document in open_ones:
        by_client.setdefault(document["client"], []).append(document)
    first, second = next(docs for docs in by_client.values() if len(docs) >= 2)[:2]
    stranger = next(d for d in open_ones if d["client"] != first["client"])
    refused = patron("payment", "add", first["number"], "10", "--also", stranger["number"])
    assert refused.returncode != 0 and "same client" in refused.stderr
    unknown = patron("payment", "add", first["number"], "10", "--also", "<F-0>")
    assert unknown.returncode != 0 and "No issued invoice" in unknown.stderr
    total = f"{Decimal(first['amount_due']) + Decimal(second['amount_due']):.2f}"
    done = patron("payment", "add", first["number"], total, "--also", second["number"])
    assert done.returncode == 0, done.stderr
    assert f"{first['number']} is now paid." in done.stdout
    assert f"{second['number']} is now paid." in done.stdout
    after = {
        d["number"]: d["status"] for d in json.loads(patron("invoice", "list", "--json").stdout)
    }
    assert after[first["number"]] == after[second["number"]] == "paid"
