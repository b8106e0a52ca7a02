"""Amounts on the pages, written the way the page's language writes them."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from patron.contacts.models import Contact
from patron.money import amount_text, cents, format_money, format_percentage, in_hours, in_seconds
from patron.work.models import Expense, Project, TimeEntry
from patron.work.timing import do_save_entry

NBSP = "\xa0"
NARROW_NBSP = "\u202f"


def render(text, **context):
    return Template("{% load money %}" + text).render(Context(context))


def test_an_amount_is_written_as_french_and_english_readers_expect():
    with translation.override("fr"):
        assert format_money(Decimal("85"), "EUR") == f"85,00{NBSP}€"
        assert format_money(Decimal("1234.5"), "EUR") == f"1{NARROW_NBSP}234,50{NBSP}€"
    with translation.override("en"):
        assert format_money(Decimal("85"), "EUR") == "€85.00"
        assert format_money(Decimal("1234.5"), "USD") == "$1,234.50"


def test_money_rounds_half_up_to_the_places_of_its_currency():
    assert cents(Decimal("2.345")) == Decimal("2.35")  # half-even would give 2.34
    assert cents(Decimal("-2.345"), "EUR") == Decimal("-2.35")
    assert cents(Decimal("1234.5"), "JPY") == Decimal("1235")  # no sen: whole yen
    assert cents(Decimal("10.005"), "KWD") == Decimal("10.01")  # two places at most
    assert amount_text(Decimal("13.1300000000000"), "EUR") == "13.13"
    assert amount_text(Decimal("0"), "EUR") == "0.00"
    assert amount_text(Decimal("1234.5"), "XOF") == "1235"
    assert amount_text(None) is None


def test_an_amount_is_written_half_up_on_the_pages():
    with translation.override("en"):
        assert format_money(Decimal("0.125"), "EUR") == "€0.13"  # babel alone: €0.12
        assert format_money(Decimal("2.5"), "JPY") == "¥3"  # babel alone: ¥2


def test_hours_and_seconds_turn_into_each_other_half_up():
    assert in_hours(5400) == Decimal("1.50")
    assert in_hours(18) == Decimal("0.01")  # 0.005 h
    assert in_hours(1, 4) == Decimal("0.0003")
    assert in_seconds(Decimal("1.5")) == 5400
    assert in_seconds("1.3333") == 4800  # 4799.88 s, rounded, not cut


def test_the_filter_follows_the_active_language_and_leaves_none_empty():
    with translation.override("fr"):
        assert render("{{ a|money:'eur' }}", a=Decimal("85.00")) == f"85,00{NBSP}€"
        assert render("{{ a|money:'EUR'|default:'—' }}", a=None) == "—"
    with translation.override("en"):
        assert render("{{ a|money:c }}", a=Decimal("0.5"), c="EUR") == "€0.50"
        assert render("{{ a|money:c }}", a=None, c="EUR") == ""


def test_a_percentage_keeps_its_decimals_and_the_language_spacing():
    with translation.override("fr"):
        assert format_percentage(Decimal("5.50")) == f"5,5{NBSP}%"
        assert render("{{ r|percent }}", r=Decimal("21.00")) == f"21{NBSP}%"
    with translation.override("en"):
        assert format_percentage(Decimal("5.5")) == "5.5%"
        assert format_percentage(None) == ""


@pytest.fixture
def project(db):
    acme = Contact.objects.create(
        is_organisation=True, name="Acme", is_client=True, hourly_rate=Decimal("80")
    )
    project = Project.objects.create(
        name="Website", client=acme, budget_amount=Decimal("1000"), budget_hours=Decimal("10")
    )
    start = datetime(2025, 3, 3, 9, tzinfo=ZoneInfo("Europe/Brussels"))
    do_save_entry(TimeEntry(project=project, start=start, end=start + timedelta(seconds=5400)))
    return project


def test_the_project_page_shows_rate_value_and_budget_in_the_page_language(owner_client, project):
    url = f"/app/work/projects/{project.pk}/"
    english = owner_client.get(url).content.decode()
    assert "€80.00" in english  # the client's hourly rate
    assert "€120.00" in english  # 1h30 of billable time
    assert "€120.00 of €1,000.00" in english
    assert "(15%)" in english
    assert "80.00 EUR" not in english
    french = owner_client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f"80,00{NBSP}€" in french
    assert f"1{NARROW_NBSP}000,00{NBSP}€" in french
    assert f"(15{NBSP}%)" in french


def test_the_expense_pages_show_amounts_and_vat_rates_in_the_page_language(owner_client):
    expense = Expense.objects.create(
        on=date(2025, 3, 1),
        supplier="Proximus",
        amount_excl_vat=Decimal("1050.00"),
        vat_rate=Decimal("5.5"),
        vat_amount=Decimal("57.75"),
        currency="EUR",
    )
    english = owner_client.get("/app/work/expenses/").content.decode()
    assert "€1,050.00" in english and "€57.75" in english and "(5.5%)" in english
    assert "€1,107.75" in english  # the total including VAT
    french = owner_client.get("/app/work/expenses/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f"1{NARROW_NBSP}050,00{NBSP}€" in french and f"(5,5{NBSP}%)" in french
    confirm = owner_client.get(f"/app/work/expenses/{expense.pk}/delete/").content.decode()
    assert "(€1,050.00 excl. VAT)" in confirm


def test_an_amount_in_another_currency_shows_that_currency(owner_client):
    Expense.objects.create(
        on=date(2025, 3, 1),
        supplier="GitHub",
        amount_excl_vat=Decimal("7.00"),
        vat_rate=Decimal("0"),
        vat_amount=Decimal("0"),
        currency="USD",
    )
    assert "$7.00" in owner_client.get("/app/work/expenses/").content.decode()


def test_the_letterhead_preview_shows_the_sample_total_in_the_business_currency(
    owner_client, business
):
    assert "€2,904.00" in owner_client.get("/app/").content.decode()
    business.currency = "CHF"
    business.save()
    french = owner_client.get("/app/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f"2{NARROW_NBSP}904,00{NBSP}CHF" in french
