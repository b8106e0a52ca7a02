"""Money in the API's answers: each amount written with its two places, whatever the
database gives back for a sum or a difference (SQLite gives 72.5600000000000 or 1000)."""

import json
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from patron.accounts.models import create_token
from patron.work.models import Expense, Project
from tests.billing import scenarios

AMOUNT = re.compile(r"-?\d+\.\d\d")


@pytest.fixture
def api(owner, business):
    token = create_token(owner, "tests")[1]
    return Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Bearer {token}")


def post(api, url, body):
    return api.post(url, data=json.dumps(body), content_type="application/json").json()


def odd_amounts(data, names):
    """The amounts among `data` (nested) named in `names` that are not written to the cent."""
    if isinstance(data, list):
        return [odd for item in data for odd in odd_amounts(item, names)]
    if not isinstance(data, dict):
        return []
    found = [
        (key, value)
        for key, value in data.items()
        if key in names and value is not None and not AMOUNT.fullmatch(str(value))
    ]
    return found + [odd for value in data.values() for odd in odd_amounts(value, names)]


DOCUMENT_AMOUNTS = {
    "net", "taxable", "vat", "total_lines", "total_allowances", "total_charges",
    "total_excl_vat", "total_vat", "total_incl_vat", "prepaid", "amount_due", "paid",
    "credited", "outstanding", "amount", "unallocated",
}  # fmt: skip


def test_a_partly_paid_invoice_answers_every_amount_to_the_cent(api, owner):
    # 1.5 × 48.37 = 72.555 → 72.56 net, 15.24 VAT: 87.80; 10 paid leaves 77.80 outstanding.
    invoice = scenarios.issue(owner, scenarios.acme(), [("Design", "1.5", "48.37", "21")])
    payment = post(
        api,
        "/api/billing/payments",
        {"document_ids": [invoice.pk], "date": str(timezone.localdate()), "amount": "10"},
    )
    assert payment["amount"] == "10.00" and payment["unallocated"] == "0.00"
    document = api.get(f"/api/billing/documents/{invoice.pk}").json()
    assert document["lines"][0]["net"] == "72.56"
    assert document["paid"] == "10.00" and document["outstanding"] == "77.80"
    assert odd_amounts(document, DOCUMENT_AMOUNTS) == []
    listed = api.get("/api/billing/documents").json()["items"]
    assert odd_amounts(listed, DOCUMENT_AMOUNTS) == []


def test_an_expense_and_a_project_answer_their_amounts_to_the_cent(api):
    Expense.objects.create(
        on=timezone.localdate(),
        supplier="Papeterie",
        amount_excl_vat=Decimal("12"),
        vat_rate=Decimal("21"),
        vat_amount=Decimal("2.52"),
    )
    [expense] = api.get("/api/expenses").json()["items"]
    assert (expense["amount_excl_vat"], expense["vat_amount"]) == ("12.00", "2.52")
    assert expense["amount_incl_vat"] == "14.52"
    Project.objects.create(name="Site", rate=Decimal("90"), budget_amount=Decimal("1500"))
    [project] = api.get("/api/work/projects").json()["items"]
    assert (project["rate"], project["budget_amount"]) == ("90.00", "1500.00")


def test_a_threshold_answers_its_limit_to_the_cent(api, owner):
    # 3 × 33.335 = 100.005 → 100.01, issued before the business came under the franchise.
    scenarios.issue(owner, scenarios.acme(), [("Design", "3", "33.335", "21")])
    scenarios.set_regime(vat_regime="franchise")
    [limit] = api.get("/api/billing/books/limits").json()
    assert limit["turnover"] == "100.01" and limit["limit"] == "25000.00"
