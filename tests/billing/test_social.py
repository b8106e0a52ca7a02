"""Social declarations: a French micro-entrepreneur's URSSAF periods and a Belgian
self-employed's provisional contributions, against figures worked out by hand."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from patron.billing.books.social import belgian_estimate, micro_declarations
from patron.billing.payments.recording import do_record_payment
from patron.billing.rules.vat import Treatment
from patron.business.contributions import (
    belgian_contributions,
    belgian_net_income,
    belgian_scale,
    micro_rates,
)
from patron.business.models import Business
from patron.work.models import Expense
from tests.billing import scenarios

D = Decimal
SCALE_2025 = belgian_scale(2025)[0]


def test_belgian_contributions_by_bracket_with_the_fund_s_fee():
    # 50,000 × 20.5 % = 10,250.00; × 1.0305 = 10,562.625 → 10,562.63
    assert belgian_contributions(D("50000"), SCALE_2025) == D("10562.63")
    # 73,447.52 × 20.5 % = 15,056.7416 and 26,552.48 × 14.16 % = 3,759.8312;
    # 18,816.5728 × 1.0305 = 19,390.4782 → 19,390.48
    assert belgian_contributions(D("100000"), SCALE_2025) == D("19390.48")
    # 10,000 × 20.5 % = 2,050 is below the minimum 4 × 871.71 = 3,486.84; × 1.0305 → 3,593.19
    assert belgian_contributions(D("10000"), SCALE_2025) == D("3593.19")
    # Above 108,238.40 nothing more: the same as at the ceiling.
    ceiling = belgian_contributions(D("108238.40"), SCALE_2025)
    assert belgian_contributions(D("500000"), SCALE_2025) == ceiling


def test_the_net_income_pays_for_its_own_contributions():
    # In the first bracket N + 0.205 × 1.0305 × N = 60,000, so N = 60,000 / 1.2112525
    net = belgian_net_income(D("60000"), SCALE_2025)
    assert abs(net - D("49535.49")) <= D("0.01")
    assert abs(net + belgian_contributions(net, SCALE_2025) - D("60000")) <= D("0.02")


def test_the_rates_of_a_year_are_dated():
    rates, confirmed = micro_rates("fr-micro-bnc", date(2026, 3, 1))
    assert rates.social == D("25.6") and confirmed
    assert micro_rates("fr-micro-bnc", date(2025, 3, 1))[0].social == D("24.6")
    assert micro_rates("fr-micro-bnc", date(2030, 1, 1)) == (rates, True)  # no end date yet
    assert micro_rates("fr-micro-bnc", date(2019, 1, 1)) == (None, False)
    scale_2026, confirmed = belgian_scale(2026)
    # docs/facts/tax-figures.md §7: 2026 brackets 75,024.54 and 110,562.42, minimum 890.42.
    assert (scale_2026.limit_1, scale_2026.limit_2, scale_2026.minimum_quarter) == (
        D("75024.54"),
        D("110562.42"),
        D("890.42"),
    )
    assert confirmed and scale_2026.unconfirmed  # its fund's fee is worked out, not published
    assert belgian_scale(2027) == (scale_2026, False)  # 2027 not known: 2026's, said so


@pytest.fixture
def micro(owner):
    scenarios.french_business(owner)
    scenarios.set_regime(social_regime="fr-micro-bnc", versement_liberatoire=True)
    client = scenarios.client(
        name="Lumière SARL",
        street="8 place Bellecour",
        postcode="69002",
        city="Lyon",
        country="FR",
        company_number="552 100 554 00013",
    )
    invoice = scenarios.issue(
        owner, client, [("Site", "1", "20000", "0")], treatment=Treatment.FRANCHISE
    )
    for day, amount in (
        (date(2025, 1, 10), "3000"),
        (date(2025, 2, 3), "2000"),
        (date(2025, 4, 15), "5000"),
    ):
        do_record_payment(owner, client=client, date=day, amount=amount, documents=[invoice])
    return Business.objects.get()


def test_a_french_micro_s_quarters(micro):
    found = micro_declarations(micro, 2025, date(2025, 12, 31))
    assert [(p.start.month, p.due) for p in found.periods] == [
        (1, date(2025, 4, 30)),
        (4, date(2025, 7, 31)),
        (7, date(2025, 10, 31)),
        (10, date(2026, 1, 31)),
    ]
    first = found.periods[0]
    # 5,000 received: 24.6 % = 1,230.00, CFP 0.2 % = 10.00, versement libératoire 2.2 % = 110.00
    assert (first.turnover, first.social, first.cfp, first.liberatoire) == (
        D("5000.00"),
        D("1230.00"),
        D("10.00"),
        D("110.00"),
    )
    assert first.total == D("1350.00") and found.total == D("2700.00")
    assert found.turnover == D("10000.00")


def test_a_french_micro_declaring_each_month(micro):
    micro.declaration_period = "month"
    found = micro_declarations(micro, 2025, date(2025, 4, 20))
    assert [p.turnover for p in found.periods] == [
        D("3000.00"),
        D("2000.00"),
        D("0.00"),
        D("5000.00"),
    ]
    assert found.periods[0].due == date(2025, 2, 28)


def test_a_belgian_estimate_and_the_top_up_it_calls_for(owner, business):
    scenarios.set_regime(social_regime="be-main", quarterly_contribution=D("900"))
    scenarios.issue(owner, scenarios.acme(), [("Design", "1", "60000", "21")])
    today = timezone.localdate()
    Expense.objects.create(on=today, supplier="Papeterie", amount_excl_vat=D("2000"))
    found = belgian_estimate(Business.objects.get(), today.year, today)
    assert found.earned == D("58000.00") and found.days == today.timetuple().tm_yday
    length = 366 if today.year % 4 == 0 else 365
    assert abs(found.estimated - D("58000") * length / found.days) < D("0.01")
    assert found.yearly == belgian_contributions(found.net_income, found.scale)
    assert found.top_up == max(D("0"), found.yearly - 4 * D("900"))
    assert found.top_up > 0  # 58,000 in under a year asks far more than 900 a quarter


def test_the_books_page_shows_the_declarations(client, owner, micro):
    client.force_login(owner)
    page = client.get("/app/billing/books/").text
    assert "URSSAF declarations" in page and "Declare and pay by" in page


def test_the_declarations_over_the_api_and_the_command_line(client, owner, micro, tmp_path):
    from patron.accounts.models import create_token

    auth = {"HTTP_AUTHORIZATION": f"Bearer {create_token(owner, 'tests')[1]}"}
    found = client.get("/api/billing/books/social?year=2025", **auth).json()
    assert found["regime"] == "fr-micro-bnc" and found["total"] == "2700.00"
    assert found["periods"][0]["total"] == "1350.00" and found["periods"][0]["due"] == "2025-04-30"
    assert client.get("/api/billing/books/social?year=1999", **auth).status_code == 422


def test_patron_books_social_needs_a_regime(patron):

    refused = patron("books", "social")
    assert refused.returncode != 0 and "social regime" in refused.stderr
    assert patron("demo", "--password", "a demo passphrase").returncode == 0
    found = json.loads(patron("books", "social", "--json").stdout)
    assert found["regime"] == "be-main" and found["asked"] == "900.00"
    assert patron("books", "social", "--year", "1999").returncode != 0


def test_a_belgian_estimate_counts_a_deposit_and_its_final_invoice_once(owner, business):
    scenarios.set_regime(social_regime="be-main")
    quote = scenarios.accepted_quote(owner, scenarios.acme(), [("Website", "1", "10000", "21")])
    scenarios.deposit_invoice(owner, quote, date(2026, 3, 3))  # 3,000.00 excl. VAT
    final = scenarios.final_invoice(owner, quote, date(2026, 3, 20))  # 10,000.00 less 3,000.00
    assert final.total_excl_vat == D("10000.00")
    Expense.objects.create(on=date(2026, 3, 5), supplier="Papeterie", amount_excl_vat=D("2000"))
    found = belgian_estimate(Business.objects.get(), 2026, date(2026, 6, 30))
    # Invoiced 3,000.00 + 7,000.00 = 10,000.00, less 2,000.00 of expenses: 8,000.00 earned
    # in the 181 days to 30 June, about 8,000 × 365 / 181 = 16,132.60 for the year.
    assert (found.earned, found.days, found.estimated) == (D("8000.00"), 181, D("16132.60"))


def test_a_french_micro_s_quarters_take_a_refund_off_without_its_vat(owner):
    lyon = scenarios.french_vat_business(owner)
    scenarios.set_regime(legal_form="micro", social_regime="fr-micro-bnc")
    scenarios.french_job_with_a_refunded_deposit(owner, lyon)
    found = micro_declarations(Business.objects.get(), 2026, date(2026, 6, 30))
    # Q1: the deposit's 3,000.00 received (3,600.00 less its 600.00 of VAT), less the
    # 1,000.00 refunded (1,200.00 less 200.00): 2,000.00. Q2: the final invoice's 8,000.00.
    assert [p.turnover for p in found.periods] == [D("2000.00"), D("8000.00")]
    # 25.6 % of 2,000.00 = 512.00; CFP 0.2 % = 4.00 (2026, décret 2025-943).
    assert (found.periods[0].social, found.periods[0].cfp) == (D("512.00"), D("4.00"))


def test_the_books_page_marks_the_figures_not_confirmed(owner_client, owner, business):
    scenarios.set_regime(social_regime="be-main")
    page = owner_client.get("/app/billing/books/").text
    assert "Provisional social contributions" in page
    assert "[UNCONFIRMED]" in page and "legal maximum was not found" in page
    french = owner_client.get("/app/billing/books/", HTTP_ACCEPT_LANGUAGE="fr").text
    assert "[NON CONFIRMÉ]" in french
