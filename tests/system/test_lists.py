"""Every list with filters, through the one filters include and page_or_fragment: htmx gets
the results alone, the page has the filters; the queries stay the same as rows grow, with
the filters on; hostile filter values are left out or said so, and always escaped."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from patron.billing.documents.drafting import new_draft
from patron.billing.models import Payment
from patron.contacts.models import Contact
from patron.work.models import Expense, Project, TimeEntry
from patron.work.timing import do_save_entry

DAY = date(2025, 3, 4)


def acme():
    return Contact.objects.get_or_create(name="Acme", is_organisation=True, is_client=True)[0]


def website():
    return Project.objects.get_or_create(name="Website", client=acme())[0]


def add_contact(i):
    Contact.objects.create(first_name=f"Ada{i}", last_name="Lovelace", is_client=True)


def add_document(i):
    new_draft(acme()).save()


def add_payment(i):
    Payment.objects.create(client=acme(), date=DAY, amount="10.00", reference=f"REF{i}")


def add_project(i):
    Project.objects.create(name=f"Audit {i}", client=acme())


def add_entry(i):
    start = datetime(2025, 3, 4, 9, tzinfo=UTC) + timedelta(minutes=5 * i)
    do_save_entry(TimeEntry(project=website(), start=start, end=start + timedelta(minutes=3)))


def add_expense(i):
    Expense.objects.create(
        on=DAY, supplier=f"Proximus {i}", category="Telecom", amount_excl_vat="10.00",
        vat_rate="21", vat_amount="2.10", billable=True, project=website(),
    )  # fmt: skip


@dataclass(frozen=True)
class List:
    url: str
    region: str  # the id of the results region htmx swaps
    add: object  # makes one row the filters keep
    filters: object  # the query string with every filter on, as a user would set them
    texts: tuple  # the parameters a user types text into
    dates: tuple = ()

    def __str__(self):
        return self.url


LISTS = [
    List("/app/contacts/", "contact-list", add_contact,
         lambda: {"q": "Lovelace", "kind": "client", "sort": "-name"}, ("q", "tag")),
    List("/app/billing/", "document-list", add_document,
         lambda: {"q": "Acme", "kind": "invoice", "status": "draft"}, ("q",)),
    List("/app/billing/payments/", "payment-list", add_payment, lambda: {"q": "REF"}, ("q",)),
    List("/app/work/", "project-list", add_project,
         lambda: {"q": "Audit", "status": "active", "client": str(acme().pk)}, ("q",)),
    List("/app/work/time/", "entry-list", add_entry,
         lambda: {"project": str(website().pk), "from": "2025-03-01", "to": "2025-03-31"},
         ("project",), dates=("from", "to")),
    List("/app/work/expenses/", "expense-list", add_expense,
         lambda: {"month": "2025-03", "category": "telecom", "billable": "yes",
                  "project": str(website().pk)},
         ("category", "project"), dates=("month", "date_from", "date_to")),
]  # fmt: skip
each_list = pytest.mark.parametrize("listed", LISTS, ids=str)


@each_list
def test_htmx_gets_only_the_results_and_the_page_has_the_filters(owner_client, listed):
    listed.add(0)
    filters = listed.filters()
    fragment = owner_client.get(listed.url, filters, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert html.lstrip().startswith(f'<div id="{listed.region}" hx-disable>')
    assert "<form" not in html and "<html" not in html and "<nav" not in html.split("<table")[0]
    assert "HX-Request" in fragment["Vary"]
    page = owner_client.get(listed.url, filters).content.decode()
    assert "<html" in page
    assert f'<form method="get" action="{listed.url}" class="filters"' in page
    assert f'hx-get="{listed.url}"' in page and f'hx-target="#{listed.region}"' in page
    assert 'hx-push-url="true"' in page
    for name in filters:
        assert f'name="{name}"' in page, f"the page lacks the {name} filter"
    # The page lists what the fragment lists: the same results region, drawn once.
    assert page.count(f'<div id="{listed.region}" hx-disable>') == 1


@each_list
def test_the_address_pushed_keeps_the_filters_without_the_empty_fields(owner_client, listed):
    filters = {**listed.filters(), "unused": ""}
    response = owner_client.get(listed.url, filters, HTTP_HX_REQUEST="true")
    pushed = response["HX-Push-Url"]
    assert pushed.startswith(f"{listed.url}?") and "unused" not in pushed
    for name in listed.filters():
        assert f"{name}=" in pushed


@each_list
def test_a_page_htmx_restores_from_history_or_follows_boosted_is_the_whole_page(
    owner_client, listed
):
    restored = owner_client.get(
        listed.url, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in restored.content.decode()
    boosted = owner_client.get(listed.url, HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true")
    assert "<html" in boosted.content.decode()


def queries_of(client, url, params, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params, **headers)
    assert response.status_code == 200
    return len(queries)


@each_list
def test_the_filtered_list_costs_the_same_queries_with_3_rows_or_15(owner_client, listed):
    for i in range(3):
        listed.add(i)
    filters = listed.filters()
    owner_client.get(listed.url, filters)  # the session and the business, read once warm
    few = queries_of(owner_client, listed.url, filters)
    few_htmx = queries_of(owner_client, listed.url, filters, HTTP_HX_REQUEST="true")
    for i in range(3, 15):
        listed.add(i)
    assert queries_of(owner_client, listed.url, filters) == few
    assert queries_of(owner_client, listed.url, filters, HTTP_HX_REQUEST="true") == few_htmx


HOSTILE = [
    '"><img src=x onerror=alert(1)>',
    '<div hx-get="/app/logout/" hx-trigger="load">x</div>',
    "' hx-post='/app/logout/' x='",
    "\x00\x1b[31m nul and escape",
    "x" * 5000,
]


@each_list
@pytest.mark.parametrize("hostile", HOSTILE, ids=["html", "htmx", "attribute", "nul", "long"])
def test_hostile_filter_values_are_left_out_and_escaped(owner_client, listed, hostile):
    listed.add(0)
    params = {name: hostile for name in listed.filters()}
    for htmx in (False, True):
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        response = owner_client.get(listed.url, params, **headers)
        html = response.content.decode()
        assert response.status_code == 200
        assert "<img src=x" not in html
        assert 'hx-get="/app/logout/"' not in html and "hx-post='/app/logout/'" not in html
        assert 'value="' + "x" * 101 not in html, "a filter shows more than it keeps"
        assert "\x00" not in html and "\x1b" not in html


@pytest.mark.parametrize("listed", [listed for listed in LISTS if listed.dates], ids=str)
@pytest.mark.parametrize("typed", ["2025-13-45", "yesterday", "0000-00", "9999-99-99"])
def test_malformed_dates_are_left_out(owner_client, listed, typed):
    listed.add(0)
    response = owner_client.get(listed.url, dict.fromkeys(listed.dates, typed))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1, "a bad date filtered the list"


def test_the_expenses_say_which_dates_they_left_out(owner_client):
    response = owner_client.get(
        "/app/work/expenses/",
        {"month": "2025-13", "date_from": "yesterday"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "Some filters were not understood and are left out:" in html
    assert "Month: Type a month as YYYY-MM." in html


@each_list
def test_the_filters_and_the_results_speak_french(owner_client, listed):
    listed.add(0)
    page = owner_client.get(listed.url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'aria-label="Filtres"' in page and ">Filtrer</button>" in page
    fragment = owner_client.get(
        listed.url, listed.filters(), HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "Effacer" in fragment or "Tout afficher" in fragment or "1 saisie" in fragment
