"""Search pickers in a real browser: typed, chosen by keyboard or mouse, and used as filters."""

import re

import pytest
from playwright.sync_api import expect

from patron.contacts.models import Contact
from patron.work.models import Project
from tests.fixtures import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_joins_an_organisation_chosen_with_the_keyboard(
    page_en, live_server, owner, business, screenshot
):
    acme = Contact.objects.create(is_organisation=True, name="Acme SA", is_client=True)
    Contact.objects.create(is_organisation=True, name="Acme Holdings")
    sophie = Contact.objects.create(first_name="Sophie", last_name="Lambert")
    page = page_en
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/app/contacts/new/")
    page.locator("input[name=first_name]").fill("Ada")
    page.locator("input[name=last_name]").fill("Lovelace")
    organisation = page.locator("#id_organisation_search")
    organisation.fill("acme")
    expect(page.locator("#id_organisation_matches [role=option]")).to_have_count(2)
    screenshot(page, "contacts-form-picker")
    organisation.click()  # the screenshot took the focus away, and closed the list
    expect(page.locator("#id_organisation_matches [role=option]")).to_have_count(2)
    organisation.press("ArrowDown")
    organisation.press("ArrowDown")
    expect(organisation).to_have_attribute("aria-activedescendant", re.compile("_1$"))
    organisation.press("Enter")
    expect(organisation).to_have_value("Acme SA")
    expect(page.locator("#id_organisation_matches")).to_be_hidden()
    referrer = page.locator("#id_referred_by_search")
    referrer.fill("lamb")
    page.locator("#id_referred_by_matches").get_by_role("option", name="Sophie Lambert").click()
    page.get_by_role("button", name=re.compile("Save|Create")).click()
    expect(page.locator("main h1")).to_have_text("Ada Lovelace")
    ada = Contact.objects.get(first_name="Ada")
    assert ada.organisation == acme and ada.referred_by == sophie


def test_the_time_list_is_filtered_by_a_project_picked_in_the_box(
    page_en, live_server, owner, business
):
    Project.objects.create(name="Website redesign")
    Project.objects.create(name="Old archive", status="done")
    page = page_en
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/app/work/time/")
    box = page.locator("#f-project_search")
    box.fill("archive")
    page.locator("#f-project_matches").get_by_role("option", name="Old archive").click()
    old = Project.objects.get(name="Old archive")
    expect(page).to_have_url(re.compile(rf"project={old.pk}"))
    box.fill("")
    expect(page).not_to_have_url(re.compile(r"project=\d"))


def test_the_task_menu_follows_the_project_picked(page_en, live_server, owner, business):
    from patron.work.models import Task

    site = Project.objects.create(name="Website redesign")
    Task.objects.create(project=site, title="Wireframes")
    Task.objects.create(project=Project.objects.create(name="Audit"), title="Interviews")
    page = page_en
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/app/work/time/new/")
    expect(page.locator("select[name=task] option")).to_have_count(1)  # the empty choice
    page.locator("#id_project_search").fill("website")
    page.locator("#id_project_matches").get_by_role("option", name="Website redesign").click()
    expect(page.locator("select[name=task]")).to_contain_text("Wireframes")
    expect(page.locator("select[name=task]")).not_to_contain_text("Interviews")
    page.locator("select[name=task]").select_option(label="Wireframes")
    page.locator("input[name=start_time]").fill("09:00")
    page.locator("input[name=duration]").fill("45m")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#entry-list")).to_contain_text("Wireframes")
