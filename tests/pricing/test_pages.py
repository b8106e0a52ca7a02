"""The calculator page: computing, saving, comparing, the target; hostile input."""

from decimal import Decimal

import pytest
from django.urls import reverse

from patron.pricing.models import Scenario
from patron.pricing.scenarios import do_save_scenario
from patron.pricing.target import current_target
from patron.work.models import Expense

URL = "/app/pricing/"

FORM = {
    "net_monthly": "3000",
    "costs_yearly": "0",
    "regime": "custom",
    "contributions_pct": "0",
    "tax_pct": "0",
    "communal_surcharge": "7",
    "vat_rate": "0",
    "days_per_week": "5",
    "hours_per_day": "8",
    "weeks_off": "0",
    "public_holidays": "0",
    "sick_days": "0",
    "training_days": "0",
    "billable": "1",
}


def test_url_and_nav_link(owner_client):
    assert reverse("pricing:calculator") == URL
    page = owner_client.get(URL)
    assert page.status_code == 200
    assert f'href="{URL}"' in page.content.decode()


def test_stranger_is_sent_to_log_in(client, business):
    assert client.get(URL).status_code == 302


def test_htmx_recomputes_only_the_result(owner_client):
    response = owner_client.post(URL, FORM, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert response.status_code == 200
    assert 'id="rate-result"' in text and "<html" not in text
    assert "€17.31" in text  # 36,000 / 2,080 h


def test_save_as_the_target_then_compare(owner_client):
    response = owner_client.post(URL, {**FORM, "save": "1", "name": "Plain", "make_target": "on"})
    assert response.status_code == 302
    assert current_target().hourly_rate == Decimal("17.31")
    owner_client.post(URL, {**FORM, "net_monthly": "4000", "save": "1", "name": "More"})
    assert current_target().name == "Plain"
    page = owner_client.get(URL).content.decode()
    assert "Plain" in page and "More" in page and "€23.08" in page  # 48,000 / 2,080
    more = Scenario.objects.get(name="More")
    owner_client.post(reverse("pricing:make_target", args=[more.pk]))
    assert current_target().name == "More"
    # Saving under an existing name updates that scenario.
    owner_client.post(URL, {**FORM, "net_monthly": "5000", "save": "1", "name": "More"})
    assert Scenario.objects.count() == 2
    assert current_target().hourly_rate == Decimal("28.85")  # 60,000 / 2,080
    owner_client.post(reverse("pricing:delete", args=[more.pk]))
    assert current_target() is None


def test_recorded_expenses_of_the_last_year_can_be_used(owner_client):
    Expense.objects.create(supplier="Old", amount_excl_vat=Decimal("999"), on="2000-01-01")
    Expense.objects.create(supplier="Laptop", amount_excl_vat=Decimal("1200.50"))
    # Billed on to a client: the client's cost, not the business's.
    Expense.objects.create(supplier="Printer", amount_excl_vat=Decimal("80"), billable=True)
    page = owner_client.get(URL).content.decode()
    assert "€1,200.50" in page
    response = owner_client.post(URL, {**FORM, "use_recorded": "1"})
    assert 'value="1200.50"' in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("billable", "0"),
        ("billable", "1.01"),
        ("days_per_week", "0"),
        ("net_monthly", "1000000000000"),
        ("net_monthly", "-5"),
        ("net_monthly", ""),
        ("costs_yearly", "<script>alert(1)</script>"),
        ("regime", "nowhere"),
        ("weeks_off", "52"),
        ("hours_per_day", "NaN"),
    ],
)
def test_hostile_input_gets_a_message_and_saves_nothing(owner_client, field, value):
    htmx = owner_client.post(URL, {**FORM, field: value}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200
    assert "These inputs cannot give a rate" in htmx.content.decode()
    assert "<script>alert" not in htmx.content.decode()
    saved = owner_client.post(URL, {**FORM, field: value, "save": "1", "name": "Bad"})
    assert saved.status_code == 422
    assert Scenario.objects.count() == 0


def test_a_scenario_without_a_name_is_not_saved(owner_client):
    response = owner_client.post(URL, {**FORM, "save": "1", "name": "  "})
    assert response.status_code == 422
    assert Scenario.objects.count() == 0


def test_page_queries_stay_constant(owner_client, django_assert_max_num_queries):
    for n in range(8):
        do_save_scenario(name=f"S{n}", inputs={"net_monthly": str(2000 + n)}, make_target=n == 0)
    with django_assert_max_num_queries(12):
        assert owner_client.get(URL).status_code == 200


def test_french_numbers_with_spaces_and_commas(owner_client):
    response = owner_client.post(
        URL,
        {**FORM, "net_monthly": "3 000,00", "billable": "1,0"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert "17,31" in response.content.decode()


def test_a_scenario_name_is_shown_as_text(owner_client):
    owner_client.post(URL, {**FORM, "save": "1", "name": "<script>alert(1)</script>"})
    page = owner_client.get(URL).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_the_result_marks_the_figures_not_confirmed(owner_client):
    # A Belgian main occupation this year: the fund's fee is worked out from one fund's
    # figures, and the income tax scale of a year not yet published is the last one known.
    response = owner_client.post(URL, {**FORM, "regime": "be-main"}, HTTP_HX_REQUEST="true")
    assert "[UNCONFIRMED]" in response.text and "legal maximum was not found" in response.text
    french = owner_client.post(
        URL, {**FORM, "regime": "be-main"}, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert "[NON CONFIRMÉ]" in french.text
    plain = owner_client.post(URL, FORM, HTTP_HX_REQUEST="true")  # typed percentages only
    assert "[UNCONFIRMED]" not in plain.text
