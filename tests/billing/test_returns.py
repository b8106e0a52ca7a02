"""The VAT return of a period and the year's turnover against the regime's limits, against
figures worked out by hand."""

import json
from decimal import Decimal

import pytest
from django.utils import timezone

from patron.billing.books import Period
from patron.billing.drafting import do_credit_note, save_lines
from patron.billing.models import Line
from patron.billing.payments import do_record_payment
from patron.billing.thresholds import checks
from patron.billing.vat import Treatment
from patron.billing.vat_return import vat_return
from patron.business.models import Business
from patron.work.models import Expense
from tests.billing import scenarios

D = Decimal


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def month(today):
    return Period(today.replace(day=1), today)


def expense(today, base, vat):
    Expense.objects.create(on=today, supplier="Papeterie", amount_excl_vat=D(base),
                           vat_rate=D("21"), vat_amount=D(vat))  # fmt: skip


def boxes(found):
    return {box.code: (box.amount, box.vat) for box in found.boxes}


def test_the_belgian_return_of_a_month(owner, business, month, today):
    acme = scenarios.acme()
    design = scenarios.issue(owner, acme, [("Design", "10", "100", "21")])  # 03: 1000, 54: 210
    scenarios.issue(owner, acme, [("Brochure", "1", "200", "6")])  # 01: 200, 54: 12
    scenarios.reverse_charge_nl(owner)  # 44: 4800 + 4 × 85 = 5140
    us = scenarios.client(name="Hudson Labs Inc.", street="350 Fifth Avenue", postcode="10118",
                          city="New York", country="US")  # fmt: skip
    scenarios.issue(owner, us, [("Icons", "1", "300", "0")], treatment=Treatment.OUTSIDE_EU)  # 47
    note = do_credit_note(owner, design, full=False)
    save_lines(note, [Line(description="Geste", quantity=1, unit_price=D("100"),
                           vat_rate=D("21"))])  # fmt: skip
    from patron.billing.issuing import do_issue

    do_issue(owner, note)  # 49: 100, 64: 21
    expense(today, "100", "21")  # 82: 100, 59: 21
    found = vat_return(month, Business.objects.get())
    assert found.country == "BE" and found.basis == "invoices"
    amounts = {code: amount for code, (amount, _vat) in boxes(found).items()}
    assert amounts["03"] == D("1000.00") and amounts["01"] == D("200.00")
    assert amounts["44"] == D("5140.00") and amounts["47"] == D("300.00")
    assert amounts["49"] == D("100.00") and amounts["64"] == D("21.00")
    assert amounts["54"] == D("222.00") and amounts["59"] == D("21.00")
    # 71 = 54 − 59 − 64 = 222 − 21 − 21
    assert amounts["71"] == D("180.00") and amounts["72"] == D("0.00")


def test_the_french_return_counts_what_was_paid(owner, month, today):
    scenarios.french_business(owner)
    scenarios.set_regime(vat_regime="normal", vat_number="FR44732829320", legal_form="sole_trader")
    client = scenarios.client(name="Lumière SARL", street="8 place Bellecour", postcode="69002",
                              city="Lyon", country="FR", company_number="552 100 554 00013")  # fmt: skip
    invoice = scenarios.issue(owner, client, [("Site", "1", "1000", "20")])  # 1,200 incl. VAT
    do_record_payment(owner, client=client, date=today, amount="600", documents=[invoice])
    expense(today, "50", "10")
    found = vat_return(month, Business.objects.get())
    assert found.country == "FR" and found.basis == "payments"
    lines = boxes(found)
    # Half the invoice paid: half its base (500) and half its VAT (100) are due now.
    assert lines["08"] == (D("500.00"), D("100.00")) and lines["A1"][0] == D("500.00")
    assert lines["16"][1] == D("100.00") and lines["20"][1] == D("10.00")
    assert lines["28"][1] == D("90.00") and lines["25"][1] == D("0.00")


def test_a_business_under_the_franchise_files_no_return(owner, month):
    scenarios.french_business(owner)
    assert vat_return(month, Business.objects.get()) is None


def test_the_books_page_shows_the_return_and_the_limits(owner_client, owner, business, month):
    scenarios.issue(owner, scenarios.acme(), [("Design", "10", "100", "21")])
    query = f"start={month.start.isoformat()}&end={month.end.isoformat()}"
    page = owner_client.get(f"/app/billing/books/?{query}").text
    assert "VAT return" in page and "Operations at 21 %" in page and "€1,000.00" in page
    assert "Your turnover in" not in page  # a business charging VAT in Belgium: no limit


def test_a_belgian_franchise_nearing_the_threshold_is_warned(owner, business, today):
    scenarios.set_regime(vat_regime="franchise")
    acme = scenarios.acme()
    scenarios.issue(owner, acme, [("Design", "1", "20500", "0")], treatment=Treatment.FRANCHISE)
    [check] = checks(Business.objects.get(), today.year)
    assert check.kind == "vat_franchise" and check.turnover == D("20500.00")
    assert check.percent == 82 and check.level == "warning"


@pytest.mark.parametrize(
    "paid, franchise_level, ceiling_level",
    [("29000", "ok", "ok"), ("30000", "warning", "ok"), ("40000", "over", "ok"),
     ("42000", "ended", "ok")],
)  # fmt: skip
def test_a_french_micro_s_cashed_turnover_against_its_limits(
    owner, today, paid, franchise_level, ceiling_level
):
    scenarios.french_business(owner)
    client = scenarios.client(name="Lumière SARL", street="8 place Bellecour", postcode="69002",
                              city="Lyon", country="FR", company_number="552 100 554 00013")  # fmt: skip
    invoice = scenarios.issue(owner, client, [("Site", "1", "50000", "0")],
                              treatment=Treatment.FRANCHISE)  # fmt: skip
    do_record_payment(owner, client=client, date=today, amount=paid, documents=[invoice])
    found = {c.kind: c for c in checks(Business.objects.get(), today.year)}
    assert found["vat_franchise"].turnover == D(paid)  # received, not the 50,000 invoiced
    assert found["vat_franchise"].level == franchise_level
    assert found["micro_services"].level == ceiling_level


def test_the_return_and_the_limits_over_the_api(owner, business, month, today, client):
    from patron.accounts.models import create_token

    scenarios.issue(owner, scenarios.acme(), [("Design", "10", "100", "21")])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {create_token(owner, 'tests')[1]}"}
    query = f"start={month.start.isoformat()}&end={month.end.isoformat()}"
    found = client.get(f"/api/billing/books/vat?{query}", **auth).json()
    assert found["country"] == "BE"
    assert {b["code"]: b["amount"] for b in found["boxes"]}["03"] == "1000.00"
    assert (
        client.get("/api/billing/books/vat?start=2026-02-01&end=2026-01-01", **auth).status_code
        == 422
    )
    assert client.get("/api/billing/books/limits", **auth).json() == []  # charges VAT: none
    scenarios.set_regime(vat_regime="franchise")
    [limit] = client.get(f"/api/billing/books/limits?year={today.year}", **auth).json()
    assert limit["kind"] == "vat_franchise" and limit["limit"] == "25000"


def test_patron_books_vat_prints_the_boxes(tmp_path):
    from datetime import date, timedelta

    from tests.system.test_commands import patron

    assert patron(tmp_path, "migrate").returncode == 0
    assert patron(tmp_path, "demo", "--password", "a demo passphrase").returncode == 0
    today = date.today()  # noqa: DTZ011 -- a wide period around the demo's documents
    start, end = (today - timedelta(days=40)).isoformat(), (today + timedelta(days=1)).isoformat()
    result = patron(tmp_path, "books", "vat", "--from", start, "--to", end, "--json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["country"] == "BE" and any(b["code"] == "44" for b in found["boxes"])
    plain = patron(tmp_path, "books", "vat", "--from", start, "--to", end)
    rows = [line.split() for line in plain.stdout.splitlines() if line.strip()]
    assert ["44", "54", "71"] == [row[0] for row in rows if row[0] in ("54", "44", "71")]
