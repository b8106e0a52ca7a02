"""The rate calculator in a real browser: fill it, save it as the target, then see the
warning when a client's rate is set below it."""

import pytest
from playwright.sync_api import expect

from patron.pricing.target import current_target
from tests.fixtures import log_in_with_a_cookie as log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INPUTS = {
    "net_monthly": "3000",
    "costs_yearly": "0",
    "contributions_pct": "0",
    "tax_pct": "0",
    "days_per_week": "5",
    "hours_per_day": "8",
    "weeks_off": "0",
    "public_holidays": "0",
    "sick_days": "0",
    "training_days": "0",
    "billable": "1",
}


def test_fill_the_calculator_save_the_target_and_see_a_client_rate_warning(
    page_en, live_server, owner, business, screenshot
):
    page = page_en
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/app/")
    page.get_by_role("link", name="Rates").click()
    page.wait_for_url("**/app/pricing/")
    page.select_option("select[name=regime]", "custom")
    for name, value in INPUTS.items():
        page.fill(f"input[name={name}]", value)
    # htmx recomputes as one types: 36,000 a year over 2,080 hours.
    expect(page.locator("[data-testid=hourly-rate]")).to_contain_text("17.31")
    assert "138.46" in page.text_content("[data-testid=daily-rate]")
    page.fill("input[name=billable]", "0")
    expect(page.locator("#rate-result")).to_contain_text("billable share must be above 0")
    page.fill("input[name=billable]", "1")
    expect(page.locator("[data-testid=hourly-rate]")).to_contain_text("17.31")
    page.fill("input[name=name]", "Plain living")
    page.check("input[name=make_target]")
    page.get_by_role("button", name="Save scenario").click()
    page.wait_for_selector(".message.success")
    assert "Plain living" in page.text_content(".scenarios")
    assert str(current_target().hourly_rate) == "17.31"
    screenshot(page, "pricing-calculator")

    page.goto(f"{live_server.url}/app/contacts/new/")
    page.fill("input[name=first_name]", "Lucie")
    page.fill("input[name=last_name]", "Martin")
    page.check("input[name=is_client]")
    page.fill("input[name=hourly_rate]", "10")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector(".message.warning")
    warning = page.text_content(".message.warning")
    assert "below your target" in warning and "€1,266.90" in warning
    screenshot(page, "pricing-client-warning")


def test_the_calculator_in_french(page_fr, live_server, owner, business, screenshot):
    page = page_fr
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/app/pricing/")
    assert page.text_content("h1") == "Calculateur de tarif"
    before = page.text_content("[data-testid=hourly-rate]")
    page.fill("input[name=net_monthly]", "3500")
    expect(page.locator("[data-testid=hourly-rate]")).not_to_have_text(before)
    screenshot(page, "pricing-calculator-fr")


def test_a_quote_line_below_the_target_is_flagged(
    page_en, live_server, owner, business, screenshot
):
    from patron.billing.models import Kind
    from patron.pricing.scenarios import do_save_scenario
    from tests.billing.scenarios import acme, draft

    do_save_scenario(name="Goal", inputs=INPUTS, make_target=True)
    quote = draft(
        acme(),
        [("Design", "10", "12", "21", "0", "HUR"), ("Audit", "1", "90", "21", "0", "HUR")],
        kind=Kind.QUOTE,
    )
    page = page_en
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/app/billing/{quote.pk}/")
    expect(page.locator(".rate-warning")).to_have_count(1)
    assert "€920.28 short a month" in page.text_content(".rate-warning")
    screenshot(page, "pricing-quote-warning")
