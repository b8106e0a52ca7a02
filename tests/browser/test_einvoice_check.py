"""An issued invoice's page tells, once loaded, that its e-invoice passes EN 16931 and
Peppol; its details list the files checked."""

import pytest
from playwright.sync_api import expect

from tests.billing import scenarios
from tests.fixtures import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_invoice_page_shows_its_e_invoice_passes(
    page_en, live_server, owner, business, screenshot
):
    invoice = scenarios.normal_single_rate(owner)[0]
    page = page_en
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/app/billing/{invoice.pk}/")
    check = page.locator("#einvoice-check")
    # The first check in a process compiles the rule sets: seconds on a busy machine.
    expect(check).to_contain_text("EN 16931 ✓ passes", timeout=60_000)
    expect(check).to_contain_text("Peppol BIS 3 ✓ passes")
    screenshot(page, "billing-einvoice-check")
    check.get_by_role("link", name="details").click()
    expect(page.locator("main h1")).to_have_text(f"E-invoice check of {invoice.number}")
    expect(page.locator("section.checked-file h2")).to_have_count(3)
    expect(page.locator("section.checked-file").last).to_contain_text("PEPPOL-BIS3")
