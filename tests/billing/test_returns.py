"""The VAT return of a period and the year's turnover against the regime's limits, against
figures worked out by hand."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from patron.billing.books.tables import Period
from patron.billing.books.thresholds import checks
from patron.billing.books.vat_return import vat_return
from patron.billing.documents.drafting import do_credit_note, save_lines
from patron.billing.models import Line, Payment
from patron.billing.payments.recording import do_record_payment
from patron.billing.rules.vat import Treatment
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
    Expense.objects.create(
        on=today, supplier="Papeterie", amount_excl_vat=D(base), vat_rate=D("21"), vat_amount=D(vat)
    )


def boxes(found):
    return {box.code: (box.amount, box.vat) for box in found.boxes}


def test_the_belgian_return_of_a_month(owner, business, month, today):
    acme = scenarios.acme()
    design = scenarios.issue(owner, acme, [("Design", "10", "100", "21")])  # 03: 1000, 54: 210
    scenarios.issue(owner, acme, [("Brochure", "1", "200", "6")])  # 01: 200, 54: 12
    scenarios.reverse_charge_nl(owner)  # 44: 4800 + 4 × 85 = 5140
    us = scenarios.client(
        name="Hudson Labs Inc.",
        street="350 Fifth Avenue",
        postcode="10118",
        city="New York",
        country="US",
    )
    scenarios.issue(owner, us, [("Icons", "1", "300", "0")], treatment=Treatment.OUTSIDE_EU)  # 47
    note = do_credit_note(owner, design, full=False)
    save_lines(note, [Line(description="Geste", quantity=1, unit_price=D("100"), vat_rate=D("21"))])
    from patron.billing.documents.issuing import do_issue

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
    client = scenarios.client(
        name="Lumière SARL",
        street="8 place Bellecour",
        postcode="69002",
        city="Lyon",
        country="FR",
        company_number="552 100 554 00013",
    )
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
    [
        ("29000", "ok", "ok"),
        ("30000", "warning", "ok"),
        ("40000", "over", "ok"),
        ("42000", "ended", "ok"),
    ],
)
def test_a_french_micro_s_cashed_turnover_against_its_limits(
    owner, today, paid, franchise_level, ceiling_level
):
    scenarios.french_business(owner)
    client = scenarios.client(
        name="Lumière SARL",
        street="8 place Bellecour",
        postcode="69002",
        city="Lyon",
        country="FR",
        company_number="552 100 554 00013",
    )
    invoice = scenarios.issue(
        owner, client, [("Site", "1", "50000", "0")], treatment=Treatment.FRANCHISE
    )
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
    assert limit["kind"] == "vat_franchise" and limit["limit"] == "25000.00"


def test_patron_books_vat_prints_the_boxes(patron):
    from datetime import date, timedelta

    assert patron("demo", "--password", "a demo passphrase").returncode == 0
    today = date.today()  # noqa: DTZ011 -- a wide period around the demo's documents
    start, end = (today - timedelta(days=40)).isoformat(), (today + timedelta(days=1)).isoformat()
    result = patron("books", "vat", "--from", start, "--to", end, "--json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["country"] == "BE" and any(b["code"] == "44" for b in found["boxes"])
    plain = patron("books", "vat", "--from", start, "--to", end)
    rows = [line.split() for line in plain.stdout.splitlines() if line.strip()]
    assert ["44", "54", "71"] == [row[0] for row in rows if row[0] in ("54", "44", "71")]


# A job of 10,000.00 at 21 % with a 30 % deposit, worked by hand (docs/facts/invoicing-law.md
# §2.5: a deposit's VAT is due when the deposit is invoiced; the final invoice adds the rest):
#   deposit invoice   3,000.00 + 21 % 630.00 = 3,630.00
#   final invoice    10,000.00 + 21 % 2,100.00 = 12,100.00, less 3,630.00 invoiced: 8,470.00
#   what the final invoice adds: 10,000.00 − 3,000.00 = 7,000.00 and 2,100.00 − 630.00 = 1,470.00
# so the job counts 10,000.00 in box 03 and 2,100.00 in box 54, never 13,000.00 and 2,730.00.
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
NOTHING_BE = dict.fromkeys(
    ["00", "01", "02", "03", "44", "47", "48", "49", "82", "85", "54", "63", "XX", "59", "64",
     "YY", "71", "72"], D("0.00"))  # fmt: skip
NOTHING_FR = {
    code: (D("0.00"), D("0.00") if code in ("08", "09", "9B", "T6") else None)
    for code in ("A1", "E2", "08", "09", "9B", "T6")
}
NOTHING_FR.update({code: (None, D("0.00")) for code in ("16", "20", "23", "TD", "25", "28", "32")})


def amounts(found):
    return {box.code: box.amount for box in found.boxes}


def website_job(owner, contact, price="10000", rate="21", **fields):
    return scenarios.accepted_quote(owner, contact, [("Website", "1", price, rate)], **fields)


def test_a_deposit_and_its_final_invoice_count_the_job_once_in_the_belgian_return(owner, business):
    quote = website_job(owner, scenarios.acme())
    deposit = scenarios.deposit_invoice(owner, quote, date(2026, 3, 3))
    final = scenarios.final_invoice(owner, quote, date(2026, 3, 20))
    assert (deposit.total_excl_vat, deposit.total_vat) == (D("3000.00"), D("630.00"))
    assert (final.total_incl_vat, final.prepaid, final.amount_due) == (
        D("12100.00"),
        D("3630.00"),
        D("8470.00"),
    )
    found = vat_return(MARCH, Business.objects.get())
    # 03 = 3,000.00 + 7,000.00; 54 = 630.00 + 1,470.00; XX = 54; YY = 0; 71 = XX − YY.
    assert amounts(found) == {
        **NOTHING_BE,
        "03": D("10000.00"),
        "54": D("2100.00"),
        "XX": D("2100.00"),
        "71": D("2100.00"),
    }


def test_a_deposit_in_one_period_and_its_final_invoice_in_the_next(owner, business):
    quote = website_job(owner, scenarios.acme())
    scenarios.deposit_invoice(owner, quote, date(2025, 12, 10))
    scenarios.final_invoice(owner, quote, date(2026, 1, 15))
    found = Business.objects.get()
    december = vat_return(Period(date(2025, 12, 1), date(2025, 12, 31)), found)
    january = vat_return(Period(date(2026, 1, 1), date(2026, 1, 31)), found)
    # December: the deposit, 3,000.00 and its 630.00. January: the rest, 7,000.00 and 1,470.00.
    assert amounts(december) == {
        **NOTHING_BE,
        "03": D("3000.00"),
        "54": D("630.00"),
        "XX": D("630.00"),
        "71": D("630.00"),
    }
    assert amounts(january) == {
        **NOTHING_BE,
        "03": D("7000.00"),
        "54": D("1470.00"),
        "XX": D("1470.00"),
        "71": D("1470.00"),
    }


def test_a_credit_note_on_a_deposit_lowers_what_the_final_invoice_deducts(owner, business):
    quote = website_job(owner, scenarios.acme())
    deposit = scenarios.deposit_invoice(owner, quote, date(2026, 3, 3))
    # A third of the deposit credited: 1,000.00 + 210.00 = 1,210.00.
    scenarios.credit_note(
        owner, deposit, date(2026, 3, 10), [("Deposit, a third", "1", "1000", "21")]
    )
    final = scenarios.final_invoice(owner, quote, date(2026, 3, 20))
    # The final invoice deducts what is left of the deposit: 3,630.00 − 1,210.00 = 2,420.00,
    # that is 2,000.00 + 420.00, and asks 12,100.00 − 2,420.00 = 9,680.00.
    assert (final.prepaid, final.amount_due) == (D("2420.00"), D("9680.00"))
    found = vat_return(MARCH, Business.objects.get())
    # 03 = 3,000.00 (deposit) + 10,000.00 − 2,000.00 (final) = 11,000.00; 49 = 1,000.00
    # 54 = 630.00 + 2,100.00 − 420.00 = 2,310.00; 64 = 210.00
    # XX = 2,310.00; YY = 210.00; 71 = 2,100.00: the VAT of 10,000.00, once.
    assert amounts(found) == {
        **NOTHING_BE,
        "03": D("11000.00"),
        "49": D("1000.00"),
        "54": D("2310.00"),
        "64": D("210.00"),
        "XX": D("2310.00"),
        "YY": D("210.00"),
        "71": D("2100.00"),
    }


def test_every_belgian_box_against_its_definition(owner, business):
    """One operation of each kind Patron knows, in March 2026, each box by the meaning
    docs/facts/tax-figures.md §4 gives it."""
    acme, on = scenarios.acme(), date(2026, 3, 12)
    quote = website_job(owner, acme)
    scenarios.deposit_invoice(owner, quote, date(2026, 3, 2))
    scenarios.final_invoice(owner, quote, date(2026, 3, 4))
    with scenarios.issuing_on(on):
        scenarios.issue(owner, acme, [("Brochure", "1", "200", "6")])  # 01: 200, VAT 12
        scenarios.issue(owner, acme, [("Catering", "1", "100", "12")])  # 02: 100, VAT 12
        scenarios.issue(owner, acme, [("Newspaper ad", "1", "50", "0")])  # 00: 50 (0 % rate)
        [nl] = scenarios.reverse_charge_nl(owner)  # 44: 4,800 + 4 × 85 = 5,140
        us = scenarios.client(
            name="Hudson Labs Inc.",
            street="350 Fifth Avenue",
            postcode="10118",
            city="New York",
            country="US",
        )
        scenarios.issue(owner, us, [("Icons", "1", "300", "0")], treatment=Treatment.OUTSIDE_EU)
        design = scenarios.issue(owner, acme, [("Design", "1", "500", "21")])  # 03: 500, 105
    scenarios.credit_note(owner, nl, on, [("Revisions not made", "2", "85", "21")])  # 48: 170
    scenarios.credit_note(owner, design, on, [("Geste", "1", "100", "21")])  # 49: 100, 64: 21
    expense(on, "100", "21")  # 82: 100, 59: 21
    # A supplier's credit note, booked negative: 85: 40, 63: 8.40, and 40 off box 82.
    Expense.objects.create(
        on=on,
        supplier="Papeterie",
        amount_excl_vat=D("-40"),
        vat_rate=D("21"),
        vat_amount=D("-8.40"),
    )
    found = vat_return(MARCH, Business.objects.get())
    assert amounts(found) == {
        "00": D("50.00"),  # operations at 0 % (special regime)
        "01": D("200.00"),
        "02": D("100.00"),  # bases at 6 % and 12 %
        "03": D("10500.00"),  # 21 %: the job once (3,000 + 7,000) and the design, 500
        "44": D("5140.00"),  # services to an EU business, reverse charge
        "47": D("300.00"),  # outside the scope of Belgian VAT
        "48": D("170.00"),  # credit note on a box-44 operation
        "49": D("100.00"),  # credit note on another operation
        "82": D("60.00"),  # purchases of services: 100 − 40 credited by the supplier
        "85": D("40.00"),  # the supplier's credit note
        "54": D("2229.00"),  # 12 + 12 + 2,100 + 105
        "63": D("8.40"),  # VAT to repay on the credit note received
        "XX": D("2237.40"),  # 54 + 63
        "59": D("21.00"),  # deductible VAT
        "64": D("21.00"),  # VAT on the credit note issued
        "YY": D("42.00"),  # 59 + 64
        "71": D("2195.40"),  # XX − YY
        "72": D("0.00"),
    }


def test_more_deductible_vat_than_due_is_owed_by_the_state(owner, business):
    expense(date(2026, 3, 5), "1000", "210")
    found = amounts(vat_return(MARCH, Business.objects.get()))
    # XX = 0, YY = 210: one of 71 and 72 is filled, 72 = YY − XX, 71 stays 0.00.
    assert (found["XX"], found["YY"], found["71"], found["72"]) == (
        D("0.00"),
        D("210.00"),
        D("0.00"),
        D("210.00"),
    )


def french_lines(found):
    return {box.code: (box.amount, box.vat) for box in found.boxes}


def test_a_french_deposit_and_final_invoice_paid_count_the_job_once(owner):
    lyon = scenarios.french_vat_business(owner)
    # 10,000.00 at 20 % with a 30 % deposit: deposit 3,000.00 + 600.00 = 3,600.00; final
    # 10,000.00 + 2,000.00 = 12,000.00 less 3,600.00: 8,400.00, which pays 7,000.00 + 1,400.00.
    quote = website_job(owner, lyon, rate="20")
    deposit = scenarios.deposit_invoice(owner, quote, date(2026, 3, 2))
    do_record_payment(owner, client=lyon, date=date(2026, 3, 5), amount="3600", documents=[deposit])
    final = scenarios.final_invoice(owner, quote, date(2026, 3, 20))
    assert final.amount_due == D("8400.00")
    do_record_payment(owner, client=lyon, date=date(2026, 3, 25), amount="8400", documents=[final])
    found = french_lines(vat_return(MARCH, Business.objects.get()))
    # 08 = 3,000 + 7,000 and 600 + 1,400; A1 the same base; 16 = 2,000; 23 = 0;
    # TD = 16 − 23; 28 = TD − X5 (0); 32 = 28 + 29 − AB (0, 0).
    assert found == {
        **NOTHING_FR,
        "A1": (D("10000.00"), None),
        "08": (D("10000.00"), D("2000.00")),
        "16": (None, D("2000.00")),
        "TD": (None, D("2000.00")),
        "28": (None, D("2000.00")),
        "32": (None, D("2000.00")),
    }


def test_a_french_deposit_credited_and_refunded_comes_off_when_refunded(owner):
    lyon = scenarios.french_vat_business(owner)
    final = scenarios.french_job_with_a_refunded_deposit(owner, lyon)
    # The final invoice deducts 3,600.00 − 1,200.00 = 2,400.00 (2,000.00 + 400.00) and asks
    # 12,000.00 − 2,400.00 = 9,600.00: 8,000.00 + 1,600.00, paid in April.
    assert (final.prepaid, final.amount_due) == (D("2400.00"), D("9600.00"))
    business = Business.objects.get()
    february = french_lines(vat_return(Period(date(2026, 2, 1), date(2026, 2, 28)), business))
    march = vat_return(MARCH, business)
    april = french_lines(vat_return(Period(date(2026, 4, 1), date(2026, 4, 30)), business))
    assert february["08"] == (D("3000.00"), D("600.00")) and february["TD"][1] == D("600.00")
    # March: only the refund, −1,000.00 and −200.00: a VAT credit of 200.00 (25 = 23 − 16).
    lines = french_lines(march)
    assert lines["08"] == (D("-1000.00"), D("-200.00")) and lines["16"][1] == D("-200.00")
    assert lines["TD"][1] == D("0.00") and lines["25"][1] == D("200.00")
    assert any("negative" in note for note in march.notes)
    assert april["08"] == (D("8000.00"), D("1600.00")) and april["TD"][1] == D("1600.00")
    # Over the three months: 3,000 − 1,000 + 8,000 = 10,000.00 and 600 − 200 + 1,600 = 2,000.00.


def test_a_french_job_cancelled_after_its_deposit_owes_no_vat(owner):
    lyon = scenarios.french_vat_business(owner)
    quote = website_job(owner, lyon, rate="20")
    deposit = scenarios.deposit_invoice(owner, quote, date(2026, 3, 2))
    do_record_payment(owner, client=lyon, date=date(2026, 3, 5), amount="3600", documents=[deposit])
    note = scenarios.credit_note(owner, deposit, date(2026, 3, 10))  # the whole deposit
    do_record_payment(
        owner,
        client=lyon,
        date=date(2026, 3, 12),
        amount="3600",
        direction=Payment.Direction.REFUNDED,
        documents=[note],
    )
    # 3,600.00 received and 3,600.00 refunded: 3,000.00 − 3,000.00 and 600.00 − 600.00.
    assert french_lines(vat_return(MARCH, Business.objects.get())) == NOTHING_FR


def test_a_french_sale_at_2_1_percent_goes_on_line_t6(owner):
    lyon = scenarios.french_vat_business(owner)
    with scenarios.issuing_on(date(2026, 3, 2)):
        press = scenarios.issue(owner, lyon, [("Press subscription", "1", "1000", "2.1")])
    do_record_payment(owner, client=lyon, date=date(2026, 3, 5), amount="1021", documents=[press])
    found = french_lines(vat_return(MARCH, Business.objects.get()))
    # Mainland 2.1 % is line T6 (line 11 is the DOM's): 1,000.00 and 21.00, in A1 and 16.
    assert found["T6"] == (D("1000.00"), D("21.00")) and found["A1"][0] == D("1000.00")
    assert found["16"][1] == D("21.00")


def test_what_the_reference_could_not_confirm_is_marked_on_its_line(owner, client):
    scenarios.french_vat_business(owner)
    client.force_login(owner)
    owner_client = client
    found = vat_return(MARCH, Business.objects.get())
    assert "not confirmed" not in found.box("08").unconfirmed
    assert "F2" in found.box("E2").unconfirmed
    query = f"start={MARCH.start.isoformat()}&end={MARCH.end.isoformat()}"
    page = owner_client.get(f"/app/billing/books/?{query}").text
    assert "[UNCONFIRMED]" in page and "line F2" in page
    french = owner_client.get(f"/app/billing/books/?{query}", HTTP_ACCEPT_LANGUAGE="fr").text
    assert "[NON CONFIRMÉ]" in french


def test_a_belgian_franchise_counts_a_deposit_in_its_own_year(owner, business):
    scenarios.set_regime(vat_regime="franchise")
    quote = website_job(owner, scenarios.acme(), rate="0", treatment=Treatment.FRANCHISE)
    scenarios.deposit_invoice(owner, quote, date(2025, 12, 10))  # 3,000.00
    scenarios.final_invoice(owner, quote, date(2026, 1, 15))  # 10,000.00 less 3,000.00
    # The job's 10,000.00 once: 3,000.00 in 2025, the 7,000.00 left in 2026.
    [last_year] = checks(Business.objects.get(), 2025)
    [this_year] = checks(Business.objects.get(), 2026)
    assert (last_year.turnover, this_year.turnover) == (D("3000.00"), D("7000.00"))


def test_a_french_micro_s_cashed_turnover_leaves_out_the_vat_of_refunds(owner):
    lyon = scenarios.french_vat_business(owner)
    scenarios.set_regime(legal_form="micro", social_regime="fr-micro-bnc")
    scenarios.french_job_with_a_refunded_deposit(owner, lyon)
    [ceiling] = checks(Business.objects.get(), 2026)
    # Received 3,600 − 1,200 + 9,600 = 12,000.00, of which VAT 600 − 200 + 1,600 = 2,000.00.
    assert ceiling.kind == "micro_services" and ceiling.turnover == D("10000.00")


def test_a_french_micro_selling_goods_is_held_to_the_sales_limits(owner):
    scenarios.french_business(owner)
    scenarios.set_regime(social_regime="fr-micro-bic-sales")
    found = {c.kind: c.limit for c in checks(Business.objects.get(), 2026)}
    # docs/facts/tax-figures.md §3: 85,000.00, and 93,500.00 past which the franchise ends at
    # once; 203,100.00 for 2026–2028, announced but its legal text not read.
    franchise, ceiling = found["vat_franchise_sales"], found["micro_sales"]
    assert (franchise.amount, franchise.tolerance, franchise.unconfirmed) == (
        D("85000"),
        D("93500"),
        "",
    )
    assert ceiling.amount == D("203100") and "legal text" in ceiling.unconfirmed
    # 2025: the 2023–2025 ceiling, confirmed (décret 2023-422).
    earlier = {c.kind: c.limit for c in checks(Business.objects.get(), 2025)}
    assert earlier["micro_sales"].amount == D("188700") and not earlier["micro_sales"].unconfirmed


def test_a_deposit_on_a_service_to_an_eu_business_is_marked_not_confirmed(owner, business):
    nl = scenarios.client(
        name="Grachten Media BV",
        street="Keizersgracht 100",
        postcode="1015 AA",
        city="Amsterdam",
        country="NL",
        vat_number="NL004495445B01",
    )
    quote = website_job(owner, nl, treatment=Treatment.REVERSE_CHARGE)
    scenarios.deposit_invoice(owner, quote, date(2026, 3, 3))  # 3,000.00, no VAT
    scenarios.final_invoice(owner, quote, date(2026, 3, 20))  # 10,000.00 less 3,000.00
    found = vat_return(MARCH, Business.objects.get())
    # Box 44 counts the job once, like any deposit; when such a deposit's VAT is due is not
    # confirmed (docs/facts/invoicing-law.md §2.5), and the box says so.
    assert found.box("44").amount == D("10000.00") and "box 44" in found.box("44").unconfirmed
    assert not found.box("03").unconfirmed


def test_a_final_invoice_credited_in_full_takes_back_what_it_asked_not_the_deposit(owner, business):
    quote = website_job(owner, scenarios.acme())
    deposit = scenarios.deposit_invoice(owner, quote, date(2026, 3, 3))
    final = scenarios.final_invoice(owner, quote, date(2026, 3, 20))
    note = scenarios.credit_note(owner, final, date(2026, 3, 25))
    # The credit note mirrors the final invoice: 10,000.00 + 2,100.00 = 12,100.00, less the
    # deposit 3,630.00 not credited here: it takes back the 8,470.00 the invoice asked.
    assert (note.total_incl_vat, note.prepaid, note.amount_due) == (
        D("12100.00"),
        D("3630.00"),
        D("8470.00"),
    )
    found = vat_return(MARCH, Business.objects.get())
    # 03 = 3,000.00 + 7,000.00; 54 = 630.00 + 1,470.00 (as without the credit note);
    # 49 = 7,000.00 and 64 = 1,470.00: what the final invoice added, not the 10,000.00 and
    # 2,100.00 it states. XX = 2,100.00; YY = 1,470.00; 71 = 630.00, the deposit's VAT, which
    # stands until the deposit itself is credited.
    assert amounts(found) == {
        **NOTHING_BE,
        "03": D("10000.00"),
        "54": D("2100.00"),
        "49": D("7000.00"),
        "64": D("1470.00"),
        "XX": D("2100.00"),
        "YY": D("1470.00"),
        "71": D("630.00"),
    }
    scenarios.credit_note(owner, deposit, date(2026, 3, 28))  # the whole 3,630.00 too
    found = vat_return(MARCH, Business.objects.get())
    # 49 = 7,000.00 + 3,000.00; 64 = 1,470.00 + 630.00; 71 = 0: the job is cancelled.
    assert amounts(found) == {
        **NOTHING_BE,
        "03": D("10000.00"),
        "54": D("2100.00"),
        "49": D("10000.00"),
        "64": D("2100.00"),
        "XX": D("2100.00"),
        "YY": D("2100.00"),
    }


def test_a_french_final_invoice_credited_and_refunded_gives_back_its_own_vat(owner):
    lyon = scenarios.french_vat_business(owner)
    quote = website_job(owner, lyon, rate="20")
    deposit = scenarios.deposit_invoice(owner, quote, date(2026, 3, 2))
    do_record_payment(owner, client=lyon, date=date(2026, 3, 5), amount="3600", documents=[deposit])
    final = scenarios.final_invoice(owner, quote, date(2026, 3, 20))
    do_record_payment(owner, client=lyon, date=date(2026, 3, 21), amount="8400", documents=[final])
    note = scenarios.credit_note(owner, final, date(2026, 3, 25))
    assert note.amount_due == D("8400.00")  # 12,000.00 less the deposit's 3,600.00
    do_record_payment(
        owner,
        client=lyon,
        date=date(2026, 3, 26),
        amount="8400",
        direction=Payment.Direction.REFUNDED,
        documents=[note],
    )
    found = french_lines(vat_return(MARCH, Business.objects.get()))
    # Received 3,600.00 (3,000.00 + 600.00) and 8,400.00 (7,000.00 + 1,400.00); refunded
    # 8,400.00, which takes back 7,000.00 + 1,400.00: the deposit's 3,000.00 and 600.00 stay.
    assert found["08"] == (D("3000.00"), D("600.00")) and found["16"] == (None, D("600.00"))
