"""Lists filter as the user types: the results narrow without a page load, the address bar
keeps the filters, and a reload shows the same narrowed list."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from patron.contacts.models import Contact
from patron.work.models import Expense, Project
from tests.fixtures import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def type_and_see_it_narrow(page, url, results, typed, kept, gone):
    """Type in the list's search box; the results lose `gone` and keep `kept`, in the page
    loaded once (a marker set on window survives), and a reload keeps the filter."""
    page.goto(url)
    expect(page.locator(results)).to_contain_text(gone)
    page.evaluate("window.loadedOnce = true")
    page.locator("#f-q").press_sequentially(typed, delay=40)
    expect(page.locator(results)).not_to_contain_text(gone)
    expect(page.locator(results)).to_contain_text(kept)
    # The empty fields are left out of the address: only what filters, and the sort.
    expect(page).to_have_url(re.compile(rf"\?q={typed}(&sort=name)?$"))
    assert page.evaluate("window.loadedOnce === true"), "the page was loaded again"
    page.reload()
    expect(page.locator("#f-q")).to_have_value(typed)
    expect(page.locator(results)).to_contain_text(kept)
    expect(page.locator(results)).not_to_contain_text(gone)
    page.go_back()
    expect(page.locator(results)).to_contain_text(gone)


def test_typing_in_the_contacts_and_projects_search_narrows_them_without_a_page_load(
    page_en, live_server, owner, business, screenshot
):
    Contact.objects.create(first_name="Ada", last_name="Lovelace")
    Contact.objects.create(first_name="Grace", last_name="Hopper")
    Project.objects.create(name="Website redesign")
    Project.objects.create(name="Brand audit")
    page = page_en
    log_in(page, live_server, owner)
    type_and_see_it_narrow(
        page, f"{live_server.url}/app/contacts/", "#contact-list", "lov", "Lovelace", "Hopper"
    )
    type_and_see_it_narrow(
        page, f"{live_server.url}/app/work/", "#project-list", "aud", "Brand audit", "Website"
    )
    page.goto(f"{live_server.url}/app/contacts/?q=lov")
    screenshot(page, "lists-contacts-en")


def test_a_french_list_filtered_by_a_menu_and_dates_keeps_them_on_reload(
    page_fr, live_server, owner, business, screenshot
):
    for day, supplier in ((date(2025, 3, 4), "Proximus"), (date(2025, 5, 6), "SNCB")):
        Expense.objects.create(
            on=day, supplier=supplier, amount_excl_vat="10.00", vat_rate="21", vat_amount="2.10"
        )
    page = page_fr
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/app/work/expenses/")
    results = page.locator("#expense-list")
    expect(results).to_contain_text("SNCB")
    page.evaluate("window.loadedOnce = true")
    page.locator("#f-date_to").fill("2025-04-30")
    expect(results).not_to_contain_text("SNCB")
    expect(results).to_contain_text("Proximus")
    expect(results).to_contain_text("1 dépense")
    expect(page).to_have_url(re.compile(r"date_to=2025-04-30"))
    assert page.evaluate("window.loadedOnce === true"), "the page was loaded again"
    page.reload()
    expect(page.locator("#f-date_to")).to_have_value("2025-04-30")
    expect(results).not_to_contain_text("SNCB")
    screenshot(page, "lists-expenses-fr")
