"""The dashboard in a real browser: this month's revenue against the saved target, the
effective rate's chart and page, in English and in French, at desktop and phone width."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from patron.pricing.scenarios import do_save_scenario
from patron.work.models import Project, TimeEntry
from tests.billing import scenarios
from tests.dashboard.test_pages import track
from tests.fixtures import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# 20 % contributions and 10 % tax on 3,000.00 net a month: the target's monthly turnover.
INPUTS = {"net_monthly": "3000", "regime": "custom", "contributions_pct": "20", "tax_pct": "10"}


def business_with_a_target(owner):
    target = do_save_scenario(name="Plan 2026", inputs=INPUTS, make_target=True)
    acme = scenarios.acme()
    site = Project.objects.create(name="Website", client=acme, rate=Decimal("80"))
    entry = track(site, 5)
    bill = scenarios.issue(owner, acme, [("Website", "50", "80", "21")], project=site)  # 4,000.00
    TimeEntry.objects.filter(pk=entry.pk).update(invoice=bill)
    return target


def test_the_dashboard_compares_this_months_revenue_with_the_target(
    page_en, live_server, owner, business, screenshot
):
    from patron.pricing.target import current_target

    business_with_a_target(owner)
    monthly = current_target().monthly_turnover
    page = page_en
    log_in(page, live_server, owner)
    month = page.locator(".progress-list li").first
    expect(month).to_contain_text("This month")
    expect(month).to_contain_text("€4,000.00")
    expect(month).to_contain_text(f"of €{monthly:,.2f}")
    expect(month.locator("svg[role=img]")).to_have_attribute(
        "aria-label", f"This month: {int(4000 * 100 / monthly)} % of the target"
    )
    expect(page.locator(".trend svg.chart title").first).to_have_text(
        "Effective hourly rate, month by month"
    )
    screenshot(page, "dashboard")
    page.locator(".trend").get_by_role("link", name="Per client, project and month").click()
    expect(page.locator("main h1")).to_have_text("Effective hourly rate")
    page.get_by_role("link", name="By project").click()
    # 4,000.00 invoiced for the 5 hours tracked.
    expect(page.locator("table.effective tbody tr").first).to_contain_text("€800.00")
    screenshot(page, "effective-rate")


def test_the_dashboard_speaks_french(page_fr, live_server, owner, business, screenshot):
    business_with_a_target(owner)
    page = page_fr
    log_in(page, live_server, owner)
    expect(page.locator(".progress-list li").first).to_contain_text("4 000,00")
    expect(page.locator("#yours-title")).to_have_text("Ce qui est vraiment à vous")
    screenshot(page, "dashboard-fr")


def test_the_effective_rate_page_shows_more_projects_on_a_click(
    page_en, live_server, owner, business
):
    from tests.dashboard.test_pages import many_projects

    many_projects(55)
    page = page_en
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/app/effective-rate/?by=project&period=all")
    rows = page.locator("table.effective tbody tr[hx-disable]")
    expect(rows).to_have_count(50)
    expect(rows.first).to_contain_text("P00")  # the cheapest drags the rate down most
    expect(page.locator("tr.more")).to_contain_text("50 of 55 shown.")
    page.get_by_role("link", name="Show 5 more").click()
    expect(rows).to_have_count(55)
    expect(rows.last).to_contain_text("P54")
    expect(page.locator("tr.more")).to_have_count(0)
    assert page.url.endswith("period=all")  # the rows came in place, the page stayed
