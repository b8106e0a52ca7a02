"""Bank statements over the REST API: upload, lines, confirm, ignore, the banks' layouts."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from patron.billing.models import BankMapping, Document, Payment, Statement, StatementLine
from patron.billing.payments.ledger import state_of
from tests.billing.statement_samples import BNP, CAMT, XXE

URL = "/api/billing/statements"


def upload(api, data, name="statement.xml", **fields):
    response = api.post(URL, {"file": SimpleUploadedFile(name, data), **fields})
    return response.status_code, response.json()


def post(api, url, body=None):
    response = api.post(url, data=json.dumps(body or {}), content_type="application/json")
    return response.status_code, response.json()


def test_a_statement_uploaded_gives_its_lines_and_proposals(token_client, invoices):
    status, body = upload(token_client, CAMT)
    assert status == 201 and body["new_lines"] == 5 and body["proposed"] == 3
    statement = body["statement"]
    assert statement["format"] == "camt053" and statement["account_iban"] == "BE68539007547034"
    assert statement["lines"] == {
        "unmatched": 1,
        "proposed": 3,
        "confirmed": 0,
        "ignored": 0,
        "debits": 1,
    }
    first = statement["entries"][0]
    assert first["amount"] == "1210.00" and first["rule"] == "structured"
    assert first["document_number"] == "F-2026-0001" and first["payment_id"] is None
    status, again = upload(token_client, CAMT, "again.xml")
    assert status == 200 and again["new_lines"] == 0 and again["already_imported"] == 5
    assert again["statement"]["id"] == statement["id"] and Statement.objects.count() == 1
    listed = token_client.get(URL).json()
    assert listed["count"] == 1 and listed["items"][0]["lines"]["proposed"] == 3
    assert token_client.get(f"{URL}/{statement['id']}").json()["entries"][4]["amount"] == "-35.20"
    proposed = token_client.get(f"{URL}/lines?state=proposed").json()
    assert proposed["count"] == 3
    assert token_client.get(f"{URL}/lines?state=debits").json()["count"] == 1


def test_a_line_is_confirmed_once_or_ignored(token_client, invoices):
    upload(token_client, CAMT)
    line = StatementLine.objects.get(rule="structured")
    status, body = post(token_client, f"{URL}/lines/{line.pk}/confirm")
    assert status == 200 and body["state"] == "confirmed" and body["payment_id"]
    assert state_of(Document.objects.get(pk=invoices[0].pk)) == "paid"
    status, body = post(token_client, f"{URL}/lines/{line.pk}/confirm")
    assert status == 422 and "already confirmed" in body["errors"]["__all__"][0]
    unknown = StatementLine.objects.get(counterparty="P. Dupont")
    status, body = post(token_client, f"{URL}/lines/{unknown.pk}/confirm", {"document_id": 999999})
    assert status == 422 and "document_id" in body["errors"]
    status, body = post(token_client, f"{URL}/lines/{unknown.pk}/confirm")
    assert status == 422 and "Choose the invoice" in body["errors"]["__all__"][0]
    status, body = post(
        token_client, f"{URL}/lines/{unknown.pk}/confirm", {"document_id": invoices[2].pk}
    )
    assert status == 200 and body["document_number"] == "F-2026-0003"
    debit = StatementLine.objects.get(amount__lt=0)
    status, body = post(
        token_client, f"{URL}/lines/{debit.pk}/confirm", {"document_id": invoices[1].pk}
    )
    assert status == 422 and "going out" in body["errors"]["__all__"][0]
    status, body = post(token_client, f"{URL}/lines/{line.pk}/ignore")
    assert status == 422
    vos = StatementLine.objects.get(rule="number")
    status, body = post(token_client, f"{URL}/lines/{vos.pk}/ignore")
    assert status == 200 and body["state"] == "ignored"
    status, body = post(token_client, f"{URL}/lines/{vos.pk}/restore")
    assert status == 200 and body["state"] == "proposed"
    assert Payment.objects.count() == 2


def test_uploads_refused_say_why_and_write_nothing(token_client, invoices, bnp):
    for data, fields, field, message in [
        (XXE, {}, "file", "DOCTYPE"),
        (b"", {}, "file", "empty"),
        (BNP, {}, "file", "column mapping: choose one"),
        (BNP, {"mapping": "KBC"}, "file", "BNP Paribas Fortis"),
        (BNP.replace(b"242,00", b"abc"), {"mapping": bnp.name}, "rows", "Row 3:"),
    ]:
        status, body = upload(token_client, data, "x.csv", **fields)
        assert status == 422 and body["detail"] == "Nothing was imported."
        assert message in " ".join(body["errors"][field]), body
        assert "root:" not in json.dumps(body)
    assert not StatementLine.objects.exists()
    status, body = upload(token_client, BNP, "bnp.csv", mapping=bnp.name)
    assert status == 201 and body["new_lines"] == 4


def test_bank_layouts_over_the_api(token_client):
    layout = {"name": "ING", "delimiter": ",", "decimal_comma": False, "date_column": "Date",
              "date_format": "%Y-%m-%d", "amount_column": "Amount"}  # fmt: skip
    status, body = post(token_client, f"{URL}/mappings", {**layout, "amount_column": ""})
    assert status == 422 and "amount column" in body["errors"]["__all__"][0]
    status, body = post(token_client, f"{URL}/mappings", {**layout, "delimiter": "|"})
    assert status == 422 and "delimiter" in body["errors"]
    status, body = post(token_client, f"{URL}/mappings", layout)
    assert status == 201 and body["decimal_comma"] is False and body["name"] == "ING"
    assert [m["name"] for m in token_client.get(f"{URL}/mappings").json()] == ["ING"]
    response = token_client.put(
        f"{URL}/mappings/{body['id']}",
        content_type="application/json",
        data=json.dumps({**layout, "decimal_comma": True}),
    )
    assert response.status_code == 200 and response.json()["decimal_comma"] is True
    response = token_client.put(
        f"{URL}/mappings/{body['id']}",
        content_type="application/json",
        data=json.dumps({**layout, "date_column": ""}),
    )
    assert response.status_code == 422 and "date_column" in response.json()["errors"]
    assert BankMapping.objects.get().date_column == "Date"
    assert token_client.delete(f"{URL}/mappings/{body['id']}").status_code == 204
    assert not BankMapping.objects.exists()


def test_statements_need_a_token(client, invoices):
    assert client.get(URL).status_code == 401
    assert client.post(URL, {"file": SimpleUploadedFile("s.xml", CAMT)}).status_code == 401
    assert not Statement.objects.exists()
