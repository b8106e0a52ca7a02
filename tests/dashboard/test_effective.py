"""The effective hourly rate against examples worked out by hand."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from patron.billing.documents.drafting import do_credit_note, save_lines
from patron.billing.documents.issuing import do_issue
from patron.billing.models import Line
from patron.pricing.effective import by_client, by_month, by_project, ranked, verdict
from patron.work.models import Project, TimeEntry
from tests.billing import scenarios

D = Decimal


@pytest.fixture
def today():
    return timezone.localdate()


def track(project, hours, *, billable=True, days_ago=0, invoice=None):
    seconds = int(D(hours) * 3600)
    start = timezone.now().replace(microsecond=0) - timedelta(days=days_ago, seconds=seconds)
    return TimeEntry.objects.create(
        project=project,
        start=start,
        end=start + timedelta(seconds=seconds),
        duration_seconds=seconds,
        billable=billable,
        invoice=invoice,
    )


def invoice(owner, client, project, lines):
    return scenarios.issue(owner, client, lines, project=project)


def rows_by_label(rows):
    return {row.label: row for row in rows}


def test_an_hourly_project_counts_its_non_billable_hours(owner, business):
    acme = scenarios.acme()
    site = Project.objects.create(name="Site", client=acme, rate=D("80"))
    track(site, 10)
    track(site, 2, billable=False)  # meetings nobody pays for
    bill = invoice(owner, acme, site, [("Site", "10", "80", "21")])  # 800.00 excl. VAT
    TimeEntry.objects.filter(project=site).update(invoice=bill)
    row = rows_by_label(by_project())["Site"]
    # 800.00 over the 12 hours tracked: 66.666… → 66.67 an hour, not the 80 asked.
    assert (row.invoiced, row.unbilled, row.hours, row.rate) == (D("800"), 0, D("12"), D("66.67"))


def test_a_fixed_price_project_shows_what_it_truly_paid_an_hour(owner, business):
    acme = scenarios.acme()
    logo = Project.objects.create(
        name="Logo", client=acme, billing_mode=Project.BillingMode.FIXED, rate=D("3000")
    )
    track(logo, 40)
    track(logo, 8, billable=False)
    invoice(owner, acme, logo, [("Logo", "1", "3000", "21")])
    # 3,000.00 for 48 hours: 62.50 an hour.
    assert rows_by_label(by_project())["Logo"].rate == D("62.50")


def test_a_fixed_price_project_not_invoiced_yet_is_worth_its_price(owner, business):
    acme = scenarios.acme()
    logo = Project.objects.create(
        name="Logo", client=acme, billing_mode=Project.BillingMode.FIXED, rate=D("1000")
    )
    track(logo, 16)
    row = rows_by_label(by_project())["Logo"]
    # 1,000.00 agreed, 16 hours so far: 62.50 an hour.
    assert (row.invoiced, row.unbilled, row.rate) == (0, D("1000"), D("62.50"))


def test_time_not_invoiced_yet_is_valued_at_its_billable_rate(owner, business):
    acme = scenarios.acme()
    audit = Project.objects.create(name="Audit", client=acme, rate=D("90"))
    track(audit, D("2.5"))
    track(audit, D("1.5"), billable=False)
    row = rows_by_label(by_project())["Audit"]
    # 2.5 h × 90.00 = 225.00 for 4 hours tracked: 56.25 an hour.
    assert (row.unbilled, row.hours, row.rate) == (D("225"), D("4"), D("56.25"))


def test_a_credit_note_reduces_what_was_invoiced(owner, business):
    acme = scenarios.acme()
    site = Project.objects.create(name="Site", client=acme, rate=D("100"))
    track(site, 10)
    bill = invoice(owner, acme, site, [("Site", "10", "100", "21")])  # 1,000.00
    TimeEntry.objects.filter(project=site).update(invoice=bill)
    note = do_credit_note(owner, bill, full=False)
    save_lines(
        note, [Line(description="Goodwill", quantity=D(1), unit_price=D(200), vat_rate=D(21))]
    )
    do_issue(owner, note)
    row = rows_by_label(by_project())["Site"]
    # 1,000.00 − 200.00 = 800.00 for 10 hours: 80.00 an hour.
    assert (row.invoiced, row.rate) == (D("800"), D("80.00"))
    assert rows_by_label(by_client())["Acme SA"].invoiced == D("800")


def test_an_invoice_without_a_project_is_shared_by_the_time_it_bills(owner, business):
    acme = scenarios.acme()
    one = Project.objects.create(name="One", client=acme, rate=D("50"))
    two = Project.objects.create(name="Two", client=acme, rate=D("50"))
    bill = scenarios.issue(owner, acme, [("Work", "4", "150", "21")])  # 600.00, no project
    track(one, 3, invoice=bill)
    track(two, 1, invoice=bill)
    rows = rows_by_label(by_project())
    # 600.00 shared 3:1 by the hours it bills: 450.00 on One (150/h), 150.00 on Two (150/h).
    assert (rows["One"].invoiced, rows["Two"].invoiced) == (D("450"), D("150"))
    assert rows["One"].rate == rows["Two"].rate == D("150.00")


def test_a_client_adds_its_projects(owner, business):
    acme = scenarios.acme()
    site = Project.objects.create(name="Site", client=acme, rate=D("80"))
    audit = Project.objects.create(name="Audit", client=acme, rate=D("100"))
    bill = invoice(owner, acme, site, [("Site", "5", "80", "21")])  # 400.00
    track(site, 5, invoice=bill)
    track(audit, 3)  # 300.00 unbilled
    row = rows_by_label(by_client())["Acme SA"]
    # (400.00 + 300.00) / 8 h = 87.50
    assert (row.invoiced, row.unbilled, row.rate) == (D("400"), D("300"), D("87.50"))


def test_the_months_hold_their_time_and_their_invoices(owner, business, today):
    acme = scenarios.acme()
    site = Project.objects.create(name="Site", client=acme, rate=D("60"))
    track(site, 2)  # 120.00 unbilled, this month (the entry starts at most 3 hours ago)
    invoice(owner, acme, site, [("Site", "1", "300", "21")])  # issued today: 300.00
    rows = by_month(today, 12)
    assert len(rows) == 12 and rows[-1].key == today.replace(day=1)
    this = rows[-1]
    # (300.00 + 120.00) / 2 h = 210.00
    assert (this.invoiced, this.unbilled, this.rate) == (D("300"), D("120"), D("210.00"))
    assert all(row.rate is None for row in rows[:-1])


def test_the_draggers_come_first():
    from patron.pricing.effective import Row

    cheap = Row(1, "cheap", seconds=36000, invoiced=D("500"))  # 50/h over 10 h
    slightly = Row(2, "slightly", seconds=3600, invoiced=D("40"))  # 40/h over 1 h
    good = Row(3, "good", seconds=3600, invoiced=D("100"))
    idle = Row(4, "idle")
    # Against 80/h: cheap loses 300.00, slightly 40.00.
    assert [r.label for r in ranked([good, idle, slightly, cheap], D("80"))] == [
        "cheap",
        "slightly",
        "good",
        "idle",
    ]


@pytest.mark.parametrize(
    ("rate", "expected"),
    [("80", "above"), ("72", "near"), ("71.99", "below"), (None, "")],
)
def test_the_colours_against_the_target(rate, expected):
    # 10 % under 80.00 is 72.00: amber down to it, red below.
    assert verdict(D(rate) if rate else None, D("80")) == expected


def test_time_on_a_draft_invoice_is_not_invoiced_yet(owner, business):
    acme = scenarios.acme()
    site = Project.objects.create(name="Site", client=acme, rate=D("70"))
    draft = scenarios.draft(acme, [("Site", "3", "70", "21")], project=site)
    track(site, 3, invoice=draft)
    row = rows_by_label(by_project())["Site"]
    # Nothing issued: 3 h × 70.00 = 210.00 still to invoice, 70.00 an hour.
    assert (row.invoiced, row.unbilled, row.rate) == (0, D("210"), D("70.00"))
