import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from patron.accounts.models import create_token
from patron.audit.models import AuditEntry
from patron.contacts.models import Contact
from patron.work.models import Expense, Project

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def token(owner, business):
    return create_token(owner, "tests")[1]


@pytest.fixture
def api(token):
    return Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Bearer {token}")


def send(api, method, url, data):
    return getattr(api, method)(url, json.dumps(data), content_type="application/json")


def make_expense(**fields):
    values = {
        "on": date(2025, 3, 1),
        "supplier": "Proximus",
        "category": "Telecom",
        "amount_excl_vat": Decimal("50.00"),
        "vat_rate": Decimal("21"),
        "vat_amount": Decimal("10.50"),
    }
    values.update(fields)
    return Expense.objects.create(**values)


def state():
    return list(Expense.objects.order_by("pk").values())


def test_the_api_needs_a_token(business):
    make_expense()
    anonymous = Client()
    assert anonymous.get("/api/expenses").status_code == 401
    assert anonymous.get("/api/expenses/1").status_code == 401
    assert send(anonymous, "post", "/api/expenses", {"supplier": "x"}).status_code == 401
    wrong = Client(HTTP_AUTHORIZATION="Bearer ptn_wrong")
    assert wrong.get("/api/expenses").status_code == 401


def test_creating_an_expense_computes_the_vat_and_uses_the_business_currency(api):
    response = send(
        api,
        "post",
        "/api/expenses",
        {"on": "2025-03-14", "supplier": "SNCB", "amount_excl_vat": "84.90", "vat_rate": "6"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert Decimal(body["vat_amount"]) == Decimal("5.09")
    assert Decimal(body["amount_incl_vat"]) == Decimal("89.99")
    assert body["currency"] == "EUR" and body["has_receipt"] is False
    assert AuditEntry.objects.get(object_type="work.expense").actor.endswith("(API)")


def test_list_filters_and_paginates(api, django_assert_max_num_queries):
    client = Contact.objects.create(is_organisation=True, name="Lumière", is_client=True)
    project = Project.objects.create(name="Menu", client=client)
    for day in range(1, 29):
        make_expense(on=date(2025, 2, day))
    make_expense(
        on=date(2025, 3, 3), billable=True, project=project, client=client, category="Travel"
    )
    with django_assert_max_num_queries(6):
        page = api.get("/api/expenses").json()
    assert page["count"] == 29 and len(page["items"]) == 29
    assert (
        api.get("/api/expenses", {"date_from": "2025-02-20", "date_to": "2025-02-25"}).json()[
            "count"
        ]
        == 6
    )
    billable = api.get("/api/expenses", {"billable": "true"}).json()
    assert [e["project_id"] for e in billable["items"]] == [project.pk]
    assert api.get("/api/expenses", {"category": "travel"}).json()["count"] == 1
    assert api.get("/api/expenses", {"project_id": project.pk}).json()["count"] == 1
    assert api.get("/api/expenses", {"client_id": client.pk}).json()["count"] == 1
    assert api.get("/api/expenses", {"date_from": "yesterday"}).status_code == 422


def test_read_update_and_delete(api):
    expense = make_expense()
    assert api.get(f"/api/expenses/{expense.pk}").json()["supplier"] == "Proximus"
    changed = send(api, "patch", f"/api/expenses/{expense.pk}", {"amount_excl_vat": "100"})
    assert changed.status_code == 200
    assert Decimal(changed.json()["vat_amount"]) == Decimal("21.00")  # computed again
    assert AuditEntry.objects.get(action="update").changes["amount_excl_vat"] == ["50", "100"]
    assert api.delete(f"/api/expenses/{expense.pk}").status_code == 204
    assert not Expense.objects.exists()
    assert api.get(f"/api/expenses/{expense.pk}").status_code == 404


def test_a_typed_vat_amount_stays_when_other_fields_change(api):
    expense = make_expense(vat_amount=Decimal("10.49"))
    send(api, "patch", f"/api/expenses/{expense.pk}", {"supplier": "Orange"})
    expense.refresh_from_db()
    assert expense.vat_amount == Decimal("10.49") and expense.supplier == "Orange"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"amount_excl_vat": "-10"}, "amount_excl_vat"),
        ({"amount_excl_vat": "1" * 40}, "amount_excl_vat"),
        ({"vat_rate": "150"}, "vat_rate"),
        ({"currency": "ZZZ"}, "currency"),
        ({"supplier": ""}, "supplier"),
        ({"project_id": 99999}, "project"),
        ({"billable": True}, "client"),
    ],
)
def test_bad_values_get_422_with_field_errors_and_change_nothing(api, data, field):
    expense = make_expense()
    before = state()
    response = send(api, "patch", f"/api/expenses/{expense.pk}", data)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert response.json()["detail"] == "The expense was not changed."
    created = send(
        api,
        "post",
        "/api/expenses",
        {"supplier": "x", "amount_excl_vat": "1", "vat_rate": "0", **data},
    )
    assert created.status_code == 422
    assert state() == before


def test_malformed_json_and_extra_fields_change_nothing(api):
    expense = make_expense()
    before = state()
    bad = api.post("/api/expenses", "{not json", content_type="application/json")
    assert bad.status_code in (400, 422)
    sneaky = send(
        api,
        "patch",
        f"/api/expenses/{expense.pk}",
        {"id": 999, "created_at": "2000-01-01T00:00:00Z", "receipt": "../../settings.py"},
    )
    assert sneaky.status_code == 200
    assert state() == before


def test_html_is_stored_as_text(api):
    hostile = "<script>alert(1)</script>"
    response = send(
        api, "post", "/api/expenses", {"supplier": hostile, "amount_excl_vat": "1", "vat_rate": "0"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["supplier"] == hostile  # JSON is data; the pages escape it


def test_a_receipt_is_uploaded_checked_and_downloaded(api):
    expense = make_expense()
    refused = api.post(
        f"/api/expenses/{expense.pk}/receipt",
        {"file": SimpleUploadedFile("r.pdf", b"<html><script>alert(1)</script>")},
    )
    assert refused.status_code == 422
    assert "receipt" in refused.json()["errors"]
    assert not Expense.objects.get().receipt
    stored = api.post(
        f"/api/expenses/{expense.pk}/receipt", {"file": SimpleUploadedFile("../../r.pdf", PDF)}
    )
    assert stored.status_code == 200 and stored.json()["has_receipt"] is True
    assert Expense.objects.get().receipt.name.startswith("receipts/")
    download = api.get(f"/api/expenses/{expense.pk}/receipt")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


def test_the_schema_lists_the_expense_endpoints(api):
    paths = api.get("/api/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/expenses"])
    assert {"get", "patch", "delete"} <= set(paths["/api/expenses/{expense_id}"])
