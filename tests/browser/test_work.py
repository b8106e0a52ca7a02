"""A freelancer's day: a client and a project, the header timer, an entry typed as 1h30, the week."""

import re

import pytest
from playwright.sync_api import expect

from patron.work.models import TimeEntry
from tests.fixtures import log_in

pytestmark = pytest.mark.browser


def test_a_project_the_timer_an_edited_entry_and_the_week_total(
    page_en, live_server, owner, business, screenshot
):
    page = page_en
    log_in(page, live_server, owner)

    # A client and a project, the client typed in as a new name.
    page.get_by_role("link", name="Work", exact=True).click()
    expect(page).to_have_url(re.compile(r"/app/work/$"))
    screenshot(page, "work-projects-empty")
    page.get_by_role("button", name="New project").click()
    page.locator("input[name=name]").fill("Website redesign")
    page.locator("input[name=new_client]").fill("Acme SA")
    page.locator("input[name=budget_hours]").fill("20")
    screenshot(page, "work-project-form")
    page.get_by_role("button", name="Create the project").click()
    expect(page.locator("main h1")).to_have_text("Website redesign")
    expect(page.locator("main hgroup")).to_contain_text("Acme SA")

    # A task on the board, moved to "Doing" by htmx.
    page.locator("#task-board input[name=title]").fill("Wireframes")
    page.locator("#task-board").get_by_role("button", name="Add the task").click()
    todo = page.locator(".column-todo")
    expect(todo).to_contain_text("Wireframes")
    todo.get_by_role("button", name="→ Doing").click()
    expect(page.locator(".column-doing")).to_contain_text("Wireframes")
    # Or dragged from one column to another.
    page.locator(".column-doing .task-card").drag_to(page.locator(".column-done"))
    expect(page.locator(".column-done")).to_contain_text("Wireframes")
    page.locator(".column-done .task-card").drag_to(page.locator(".column-doing"))
    expect(page.locator(".column-doing")).to_contain_text("Wireframes")

    # Start the timer from the header (its project picked as one types), then stop it.
    page.locator("#timer_project_search").fill("webs")
    matches = page.locator("#timer_project_matches")
    expect(matches.get_by_role("option")).to_have_count(1)
    expect(matches).to_contain_text("Acme SA")
    screenshot(page, "work-timer-picker")
    matches.get_by_role("option", name="Website redesign").click()
    expect(page.locator("#header-timer input[name=project]")).not_to_have_value("")
    page.locator("#header-timer").get_by_role("button", name="Start").click()
    expect(page.locator("#header-timer .timer-elapsed")).to_be_visible()
    expect(page.locator("#header-timer")).to_contain_text("Website redesign")
    screenshot(page, "work-project-timer-running")
    # Stopping in the same second as the start would be refused: give it a tick.
    page.wait_for_timeout(1100)
    page.locator("#header-timer").get_by_role("button", name="Stop").click()
    expect(page.locator("#timer_project_search")).to_be_visible()
    assert TimeEntry.objects.get().end is not None

    # Edit the entry to 1h30.
    page.get_by_role("link", name="Time", exact=True).click()
    page.locator(".subnav").get_by_role("link", name="Time entries").click()
    page.locator("#entry-list tbody a").first.click()
    page.locator("input[name=duration]").fill("1h30")
    screenshot(page, "work-entry-form")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#entry-list")).to_contain_text("1h30")
    screenshot(page, "work-entries")

    # The week shows it, and the week total.
    page.locator(".subnav").get_by_role("link", name="Week").click()
    expect(page.locator(".week-total")).to_have_text("1h30")
    screenshot(page, "work-week")

    # Typing 2h in another day's cell updates the totals through htmx.
    cells = page.locator("tbody td.cell input")
    entry_day = TimeEntry.objects.get().start
    index = 0 if entry_day.weekday() != 0 else 1
    with page.expect_response("**/app/work/week/"):
        cells.nth(index).fill("2h")
        cells.nth(index).press("Tab")
    expect(page.locator(".week-total")).to_have_text("3h30")

    # A row for a new project, created inline.
    page.locator("input[name=new_project]").fill("Side gig")
    page.get_by_role("button", name="Add the row").click()
    expect(page.locator(".week-table tbody")).to_contain_text("Side gig")
    screenshot(page, "work-week-rows")

    page.get_by_role("link", name="Work", exact=True).click()
    screenshot(page, "work-projects")
    page.get_by_role("link", name="Website redesign").click()
    screenshot(page, "work-project")
