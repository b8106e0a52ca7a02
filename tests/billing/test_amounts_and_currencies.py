"""Bad input that used to be taken and then broke things: an amount past what the columns
hold (stored by SQLite, after which every list answered 500), and currencies that are no
money (XXX, XTS, gold…) or no longer circulate. Both are refused with a clear message on
the page and the API (422), and nothing is stored."""

import io
import json
import logging
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from patron.billing.documents.issuing import problems
from patron.billing.models import Document, Line, Recurring, RecurringLine
from patron.billing.recurring.runs import run
from patron.business.models import Business
from patron.money import check_currency
from tests.billing import scenarios

HUGE_LINE = {"description": "Galaxy", "quantity": "9999999999", "unit": "C62",
             "unit_price": "9999999999", "vat_rate": "21"}  # fmt: skip
# Each fits (600 billion), together they do not: 1.2 trillion, and more with VAT.
BIG_LINE = {"description": "Big", "quantity": "100", "unit": "C62", "unit_price": "6000000000",
            "vat_rate": "21"}  # fmt: skip


def lines_data(*lines):
    data = {"lines-TOTAL_FORMS": str(len(lines)), "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "200"}  # fmt: skip
    for n, line in enumerate(lines):
        data.update({f"lines-{n}-{key}": value for key, value in line.items()})
    return data


def header(client, **extra):
    return {
        "client": client.pk,
        "language": "en",
        "currency": "EUR",
        "treatment": "normal",
        **extra,
    }


@pytest.fixture
def acme(db):
    return scenarios.acme()


def every_list_answers(owner_client, token_client):
    assert owner_client.get("/app/billing/").status_code == 200
    assert owner_client.get("/app/billing/?format=csv").status_code == 200
    assert token_client.get("/api/billing/documents").status_code == 200
    out = io.StringIO()
    call_command("invoice", "list", stdout=out)
    return out.getvalue()


def test_a_line_too_large_is_refused_on_the_page_and_the_lists_still_answer(
    owner_client, token_client, acme
):
    document = Document.objects.create(client=acme)
    response = owner_client.post(
        f"/app/billing/{document.pk}/", {**header(acme), **lines_data(HUGE_LINE)}
    )
    assert response.status_code == 200
    assert (
        "Quantity × price comes to 99,999,999,980,000,000,001.00, more than the " in response.text
    )
    assert "999,999,999,999.99 an amount can be." in response.text
    assert not Line.objects.exists()
    assert "(draft)" in every_list_answers(owner_client, token_client)


def test_lines_that_fit_one_by_one_but_not_together_are_refused_and_nothing_is_stored(
    owner_client, token_client, acme
):
    document = Document.objects.create(client=acme)
    response = owner_client.post(
        f"/app/billing/{document.pk}/",
        {**header(acme, notes="kept?"), **lines_data(BIG_LINE, BIG_LINE)},
    )
    assert response.status_code == 200
    assert "The amounts are too large: a total cannot exceed 999,999,999,999.99." in response.text
    document.refresh_from_db()
    assert not document.lines.exists() and document.notes == ""  # the whole save undone
    every_list_answers(owner_client, token_client)


@pytest.mark.parametrize(
    "lines, field",
    [([HUGE_LINE], "lines.0.unit_price"), ([BIG_LINE, BIG_LINE], "__all__")],
)
def test_the_api_refuses_amounts_too_large_with_422_and_stores_nothing(
    owner_client, token_client, acme, lines, field
):
    response = token_client.post(
        "/api/billing/documents",
        json.dumps({"client_id": acme.pk, "lines": lines}),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert not Document.objects.exists() and not Line.objects.exists()
    draft = Document.objects.create(client=acme)
    response = token_client.patch(
        f"/api/billing/documents/{draft.pk}",
        json.dumps({"lines": lines}),
        content_type="application/json",
    )
    assert response.status_code == 422 and not Line.objects.exists()
    every_list_answers(owner_client, token_client)


def test_a_discount_or_charge_too_large_is_refused(token_client, acme):
    body = {"client_id": acme.pk, "lines": [BIG_LINE],
            "adjustments": [{"charge": True, "amount": "999999999999.99", "vat_rate": "21"}]}  # fmt: skip
    response = token_client.post(
        "/api/billing/documents", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422 and "too large" in json.dumps(response.json())
    assert not Document.objects.exists()


def test_no_code_path_stores_a_row_a_later_read_cannot_handle(acme):
    document = Document.objects.create(client=acme)
    document.total_incl_vat = Decimal("1000000000000.00")
    with pytest.raises(ValidationError, match="too large"):
        document.save()
    line = Line(
        document=document,
        description="x",
        quantity=Decimal("1"),
        unit_price=Decimal("12345678901.0"),
        vat_rate=Decimal("21"),
    )
    with pytest.raises(ValidationError):
        line.save()  # the price has 11 digits before the point: its column holds 10
    with pytest.raises(ValidationError, match="too large"):
        line.unit_price = Decimal("9999999999")
        line.quantity = Decimal("9999")
        line.refresh_amounts(document.treatment)
    assert not Line.objects.exists()


def test_a_recurring_invoice_too_large_is_refused_on_its_page_and_the_api(
    owner_client, token_client, acme
):
    data = {
        "name": "Retainer", "client": str(acme.pk), "every": "1", "unit": "months",
        "start": "2026-01-15", "currency": "EUR", "treatment": "normal", "active": "on",
        "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "50", **{f"lines-0-{k}": v for k, v in HUGE_LINE.items()},
    }  # fmt: skip
    response = owner_client.post("/app/billing/recurring/new/", data)
    assert response.status_code == 200 and "an amount can be" in response.text
    body = {"name": "Retainer", "client_id": acme.pk, "every": 1, "unit": "months",
            "start": "2026-01-15", "lines": [BIG_LINE, BIG_LINE]}  # fmt: skip
    response = token_client.post(
        "/api/billing/recurring", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422 and "too large" in json.dumps(response.json())
    assert not Recurring.objects.exists()


def test_a_recurring_template_saved_before_the_check_does_not_stop_the_others(
    owner, business, acme, caplog
):
    broken = Recurring.objects.create(name="Old", client=acme, start=date(2026, 1, 1))
    RecurringLine.objects.bulk_create(
        [
            RecurringLine(
                recurring=broken,
                description="Huge",
                quantity=Decimal("9999999999"),
                unit_price=Decimal("9999999999"),
                vat_rate=Decimal("21"),
            )
        ]
    )
    fine = Recurring.objects.create(name="Fine", client=acme, start=date(2026, 1, 1))
    fine.lines.create(description="Retainer", quantity=1, unit_price=500, vat_rate=21)
    with caplog.at_level(logging.WARNING):
        made = run(today=date(2026, 1, 10))
    assert [d.total_excl_vat for d in made] == [Decimal("500.00")]
    assert "not made" in caplog.text
    assert Document.objects.count() == 1


@pytest.mark.parametrize(
    "code",
    [
        "XXX",
        "XTS",
        "XAU",
        "XAG",
        "XPT",
        "XPD",
        "XDR",
        "XBA",
        "XSU",
        "XUA",
        "BOV",
        "CLF",
        "USN",
        "CHE",
        "FRF",
        "BEF",
        "HRK",
        "BGN",
        "ZZZ",
        "",
    ],
)
def test_currencies_that_are_no_money_or_no_longer_circulate_are_refused(code):
    with pytest.raises(ValidationError, match="is not an ISO 4217 currency code in circulation"):
        check_currency(code)


@pytest.mark.parametrize("code", ["EUR", "usd", "CHF", "GBP", "JPY", "XOF", "XAF", "XPF", "XCD"])
def test_currencies_in_circulation_are_taken(code):
    assert check_currency(f" {code} ") == code.upper()


def test_a_business_draft_and_recurring_invoice_refuse_xxx_on_pages_and_api(
    owner_client, token_client, acme
):
    response = token_client.patch(
        "/api/business", json.dumps({"currency": "XXX"}), content_type="application/json"
    )
    assert response.status_code == 422 and "currency" in response.json()["errors"]
    assert Business.objects.get().currency == "EUR"
    document = Document.objects.create(client=acme)
    response = owner_client.post(
        f"/app/billing/{document.pk}/", {**header(acme, currency="XTS"), **lines_data()}
    )
    assert "is not an ISO 4217 currency code in circulation" in response.text
    response = token_client.post(
        "/api/billing/documents",
        json.dumps({"client_id": acme.pk, "currency": "XAU"}),
        content_type="application/json",
    )
    assert response.status_code == 422 and "currency" in response.json()["errors"]
    body = {"name": "Retainer", "client_id": acme.pk, "every": 1, "unit": "months",
            "start": "2026-01-15", "currency": "XXX",
            "lines": [{"description": "x", "unit_price": "5", "vat_rate": "21"}]}  # fmt: skip
    response = token_client.post(
        "/api/billing/recurring", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422 and "currency" in response.json()["errors"]
    assert Document.objects.get().currency == "EUR" and not Recurring.objects.exists()


def test_a_draft_stored_in_xxx_before_the_check_cannot_be_issued(owner, business, acme):
    document = scenarios.draft(
        acme, [("Design", "1", "100", "0")], currency="XXX", treatment="outside_eu"
    )
    assert any("is not an ISO 4217 currency code in circulation" in p for p in problems(document))
