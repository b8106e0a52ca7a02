"""Reminders and recurring invoices in a real browser."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from patron.billing.documents.issuing import do_issue
from patron.billing.models import Recurring, Reminder, ReminderPause
from patron.billing.reminders.dunning import due_steps, write_reminder
from tests.fixtures import acme_contact, draft, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_overdue_invoice_shows_its_reminders_and_is_paused(
    page_en, live_server, owner, business, screenshot
):
    invoice = do_issue(
        owner, draft(acme_contact(language="en"), ("Design", "10", "85", "21"), language="en")
    )
    for days in (3, 15):
        day = invoice.due_date + timedelta(days=days)
        for planned in due_steps(day):
            write_reminder(planned, day)
    Reminder.objects.update(state=Reminder.State.SENT)
    page = page_en
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/app/billing/{invoice.pk}/")
    reminders = page.locator("section.reminders")
    expect(reminders).to_contain_text("Friendly reminder")
    expect(reminders).to_contain_text("Firm reminder")
    screenshot(page, "billing-reminders")
    reminders.get_by_role("button", name="Pause reminders for this invoice").click()
    expect(page.locator("section.reminders")).to_contain_text("paused for this invoice")
    assert ReminderPause.objects.filter(document=invoice).exists()
    page.locator(".subnav").get_by_role("link", name="Reminders").click()
    expect(page.locator("main")).to_contain_text(invoice.number)


def test_a_recurring_invoice_is_created(page_en, live_server, owner, business, screenshot):
    acme_contact(language="en")
    page = page_en
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/app/billing/recurring/")
    page.get_by_role("button", name="New recurring invoice").click()
    page.locator("#id_name").fill("Website maintenance")
    page.locator("#id_client_search").fill("acme")
    page.locator("#id_client_matches").get_by_role("option", name="Acme SA").click()
    page.locator("#id_every").fill("1")
    page.locator("#id_start").fill("2026-01-15")
    page.locator("#id_lines-0-description").fill("Maintenance and hosting")
    page.locator("#id_lines-0-quantity").fill("1")
    page.locator("#id_lines-0-unit_price").fill("250")
    page.locator("#id_lines-0-vat_rate").fill("21")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("main")).to_contain_text("The recurring invoice has been saved")
    expect(page.locator("main table")).to_contain_text("Website maintenance")
    screenshot(page, "billing-recurring")
    assert Recurring.objects.get().lines.get().unit_price == 250
