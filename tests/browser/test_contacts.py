"""Importing LinkedIn connections through the preview, in a real browser."""

from pathlib import Path

import pytest

from tests.fixtures import log_in_with_a_cookie as log_in

DATA = Path(__file__).resolve().parents[1] / "data" / "contacts"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_a_linkedin_file_through_the_preview(
    page_en, live_server, owner, business, screenshot
):
    page = page_en
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/app/contacts/import/")
    page.check("input[value=linkedin]")
    page.set_input_files("input[type=file]", str(DATA / "Connections.csv"))
    screenshot(page, "contacts-import")
    page.get_by_role("button", name="Preview").click()
    page.wait_for_url("**/import/preview/")
    assert page.text_content("[data-count=create]") == "4"
    assert page.text_content("[data-count=organisations]") == "2"
    screenshot(page, "contacts-import-preview")
    page.click("button[value=confirm]")
    page.wait_for_url("**/app/contacts/")
    assert "4 new" in page.text_content(".messages")
    assert page.locator("table.contacts a", has_text="Sophie Lambert").count() == 1
    screenshot(page, "contacts-list")
    page.click("text=Sophie Lambert")
    page.select_option("select[name=kind]", "call")
    page.fill("textarea[name=note]", "Coffee at Flagey")
    page.click("text=Log this interaction")
    assert "Coffee at Flagey" in page.text_content(".interactions")
    screenshot(page, "contacts-detail")
