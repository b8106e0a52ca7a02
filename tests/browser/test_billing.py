"""Invoicing a client's unbilled time in a real browser: draft, a typed line, issued."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from patron.billing.models import Document, Status
from patron.contacts.models import Contact
from patron.work.models import Project, TimeEntry
from patron.work.timing import do_save_entry
from tests.browser.test_work import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_unbilled_time_becomes_an_issued_invoice(page_en, live_server, owner, business, screenshot):
    acme = Contact.objects.create(
        is_organisation=True, name="Acme SA", is_client=True, street="Avenue Louise 1",
        postcode="1050", city="Ixelles", country="BE", vat_number="BE0403170701",
        company_number="0403170701", language="en",
    )  # fmt: skip
    site = Project.objects.create(name="Website redesign", client=acme)
    start = datetime(2026, 3, 2, 9, tzinfo=ZoneInfo("Europe/Brussels"))
    do_save_entry(TimeEntry(project=site, start=start, end=start + timedelta(hours=6)))
    page = page_en
    log_in(page, live_server, owner)
    page.get_by_role("link", name="Billing").click()
    screenshot(page, "billing-empty")
    page.locator(".subnav").get_by_role("link", name="Invoice unbilled work").click()
    page.locator("#id_client_search").fill("acme")
    page.locator("#id_client_matches").get_by_role("option", name="Acme SA").click()
    page.get_by_role("button", name="Create the draft invoice").click()
    expect(page.locator("main h1")).to_contain_text("Invoice")
    expect(page.locator("#id_lines-0-description")).to_have_value("Website redesign")
    page.locator("#id_lines-1-description").fill("Stock photos")
    page.locator("#id_lines-1-quantity").fill("2")
    page.locator("#id_lines-1-unit_price").fill("25")
    page.locator("#id_lines-1-vat_rate").fill("21")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator(".totals")).to_contain_text("560.00")  # 6 h × 85 + 2 × 25
    screenshot(page, "billing-draft")
    page.get_by_role("button", name="Issue", exact=True).click()
    expect(page.locator("main h1")).to_contain_text(re.compile(r"F-\d{4}-0001"))
    expect(page.locator(".totals")).to_contain_text("677.60")
    screenshot(page, "billing-issued")
    invoice = Document.objects.get()
    assert invoice.status == Status.ISSUED
    assert TimeEntry.objects.get().invoice == invoice


def test_a_client_accepts_a_quote_through_the_portal(
    page_fr, live_server, owner, business, screenshot
):
    from decimal import Decimal

    from patron.billing.issuing import do_issue
    from patron.billing.models import Kind
    from patron.portal.links import create_link
    from tests.billing.test_issuing import draft

    acme = Contact.objects.create(
        is_organisation=True, name="Acme SA", is_client=True, street="Avenue Louise 1",
        postcode="1050", city="Ixelles", country="BE", vat_number="BE0403170701", language="fr",
    )  # fmt: skip
    quote = do_issue(owner, draft(acme, ("Refonte du site <script>", "3", "600", "21"),
                                  kind=Kind.QUOTE, deposit_percent=Decimal("30")))  # fmt: skip
    token = create_link(quote)
    page = page_fr
    page.goto(f"{live_server.url}/p/{token}/")
    expect(page.locator("h1")).to_contain_text(quote.number)
    expect(page.locator(".issued-lines")).to_contain_text("Refonte du site <script>")
    page.get_by_label("Votre nom complet").fill("Jeanne Martin")
    page.get_by_label("J'accepte ce devis et ses conditions.").check()
    screenshot(page, "portal-quote")
    page.get_by_role("button", name="Accepter le devis").click()
    expect(page.locator(".answer")).to_contain_text("Jeanne Martin")
    screenshot(page, "portal-quote-accepted")
    quote.refresh_from_db()
    assert quote.status == Status.ACCEPTED
