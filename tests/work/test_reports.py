"""The time report: seconds and billable money per key, summed by the database."""

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from patron.contacts.models import Contact
from patron.work import timing
from patron.work.models import Project, TimeEntry
from patron.work.reports import time_report

BRUSSELS = ZoneInfo("Europe/Brussels")


def local(day, hour, minute=0):
    return datetime(2026, 3, day, hour, minute, tzinfo=BRUSSELS)


def add(project, start, end, tags=(), billable=True):
    entry = TimeEntry(project=project, start=start, end=end, billable=billable)
    return timing.do_save_entry(entry, tags=list(tags))


@pytest.fixture
def week(business):
    """Five projects, one of each way of billing, and a week of entries."""
    vos = Contact.objects.create(
        is_organisation=True, is_client=True, name="Brasserie Vos", hourly_rate=Decimal("100")
    )
    website = Project.objects.create(client=vos, name="Website", billing_increment_minutes=15)
    logo = Project.objects.create(
        client=vos, name="Logo", billing_mode="daily", rate=Decimal("700")
    )
    retainer = Project.objects.create(client=vos, name="Retainer", billing_mode="fixed", rate=900)
    internal = Project.objects.create(name="Internal", billing_mode="non_billable")
    audit = Project.objects.create(name="Audit")  # no rate anywhere but the business's 85
    add(website, local(2, 9), local(2, 9, 20), ["dev"])  # 20 min billed as 30: 50.00
    add(website, local(2, 10), local(2, 11), ["dev", "call"])  # 100.00
    add(logo, local(3, 14), local(3, 17, 30))  # 3.5 h of a 7-hour day at 700: 350.00
    add(retainer, local(3, 9), local(3, 10))
    add(internal, local(4, 9), local(4, 9, 30))
    add(audit, local(4, 10), local(4, 10, 7))  # 7 min at 85: 9.9166…
    add(audit, local(4, 11), local(4, 12), billable=False)
    timing.do_start_timer(audit, at=local(10, 13))  # running: not in the report
    return {"website": website, "logo": logo}


def rows(report):
    return {row["key"]: (row["seconds"], row["amount"]) for row in report["rows"]}


def test_report_by_project_sums_seconds_and_money(week, business, django_assert_num_queries):
    with django_assert_num_queries(1):
        report = time_report(by="project", business=business)
    assert report["from"] is None and report["to"] is None
    assert report["total_seconds"] == 4800 + 12600 + 3600 + 1800 + 4020
    assert rows(report) == {
        "Audit": (4020, "9.92"),
        "Internal": (1800, None),
        "Logo": (12600, "350.00"),
        "Retainer": (3600, None),
        "Website": (4800, "150.00"),
    }
    assert [row["key"] for row in report["rows"]] == sorted(rows(report))
    json.dumps(report)  # plain types only


def test_report_by_client_folds_projects(week, business):
    report = time_report(by="client", business=business)
    assert rows(report) == {
        "(no client)": (1800 + 4020, "9.92"),
        "Brasserie Vos": (4800 + 12600 + 3600, "500.00"),
    }


def test_report_by_tag_counts_an_entry_in_each_of_its_tags_but_once_in_the_total(
    week, business, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        report = time_report(by="tag", business=business)
    assert rows(report)["dev"] == (4800, "150.00")
    assert rows(report)["call"] == (3600, "100.00")
    assert rows(report)["(no tag)"][0] == 12600 + 3600 + 1800 + 4020
    assert report["total_seconds"] == 26820


def test_report_by_day_uses_the_business_time_zone(week, business):
    late = Project.objects.get(name="Internal")
    add(late, local(5, 0, 30), local(5, 1))  # 23:30 UTC on the 4th
    report = time_report(by="day", business=business)
    assert rows(report) == {
        "2026-03-02": (4800, "150.00"),
        "2026-03-03": (16200, "350.00"),
        "2026-03-04": (5820, "9.92"),
        "2026-03-05": (1800, None),
    }


def test_report_between_two_days_includes_both(week, business):
    report = time_report(date(2026, 3, 3), date(2026, 3, 3), business=business)
    assert report["from"] == "2026-03-03" and report["to"] == "2026-03-03"
    assert rows(report) == {"Logo": (12600, "350.00"), "Retainer": (3600, None)}


def test_a_project_rate_beats_the_client_rate_and_increments_apply_per_entry(week, business):
    website = week["website"]
    website.rate = Decimal("60")
    website.save()
    add(website, local(6, 9), local(6, 9, 1))  # 1 minute billed as 15
    report = time_report(date(2026, 3, 6), date(2026, 3, 6), business=business)
    assert rows(report) == {"Website": (60, "15.00")}


def test_without_any_rate_there_is_no_amount(db):
    project = Project.objects.create(name="Pro bono")
    add(project, local(2, 9), local(2, 10))
    assert rows(time_report()) == {"Pro bono": (3600, None)}


def test_an_empty_report(business):
    report = time_report(by="client", business=business)
    assert report == {"from": None, "to": None, "total_seconds": 0, "rows": []}


def test_an_unknown_grouping_is_refused(business):
    with pytest.raises(ValueError):
        time_report(by="planet", business=business)


def test_the_demo_fills_three_months_that_the_report_reads(owner, business):
    from patron.work import demo
    from patron.work.models import Expense

    made = demo.populate(owner)
    assert "6 projects for 4 clients" in made
    assert 150 < TimeEntry.objects.count() < 300
    assert not TimeEntry.objects.filter(end__isnull=True).exists()  # no timer left running
    assert Expense.objects.filter(billable=True, project__isnull=False).exists()
    report = time_report(by="client", business=business)
    assert report["total_seconds"] == sum(
        TimeEntry.objects.values_list("duration_seconds", flat=True)
    )
    assert all(row["amount"] for row in report["rows"] if row["key"] != "(no client)")


def at_utc(month, day, hour, minute):
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def test_report_by_day_across_the_clock_changes(business):
    """Local days of the business, whatever UTC offset each side of a change has."""
    night = Project.objects.create(name="Night", billing_mode="non_billable")
    # Brussels: forward on 29 March 2026 at 01:00 UTC, back on 25 October at 01:00 UTC.
    for start, end in [
        (at_utc(3, 28, 22, 30), at_utc(3, 28, 22, 50)),  # 23:30 winter time
        (at_utc(3, 28, 23, 10), at_utc(3, 28, 23, 20)),  # 00:10 winter time
        (at_utc(3, 29, 21, 50), at_utc(3, 29, 22, 20)),  # 23:50 summer time
        (at_utc(3, 29, 22, 30), at_utc(3, 29, 22, 45)),  # 00:30 summer time
        (at_utc(10, 24, 21, 55), at_utc(10, 24, 22, 5)),  # 23:55 summer time
        (at_utc(10, 24, 22, 30), at_utc(10, 24, 22, 40)),  # 00:30 summer time
        (at_utc(10, 25, 22, 50), at_utc(10, 25, 22, 55)),  # 23:50 winter time
        (at_utc(10, 25, 23, 0), at_utc(10, 25, 23, 3)),  # 00:00 winter time
    ]:
        add(night, start, end)
    assert rows(time_report(by="day", business=business)) == {
        "2026-03-28": (1200, None),
        "2026-03-29": (600 + 1800, None),
        "2026-03-30": (900, None),
        "2026-10-24": (600, None),
        "2026-10-25": (600 + 300, None),
        "2026-10-26": (180, None),
    }
    march = time_report(date(2026, 3, 29), date(2026, 3, 29), by="day", business=business)
    assert rows(march) == {"2026-03-29": (2400, None)}


def test_report_by_day_in_a_half_hour_zone(business):
    business.time_zone = "Asia/Kolkata"  # UTC+05:30, no summer time
    business.save()
    project = Project.objects.create(name="Site", billing_mode="non_billable")
    add(project, at_utc(6, 1, 18, 20), at_utc(6, 1, 18, 29))  # 23:50
    add(project, at_utc(6, 1, 18, 30), at_utc(6, 1, 18, 32))  # 00:00 the next day
    assert rows(time_report(by="day", business=business)) == {
        "2026-06-01": (540, None),
        "2026-06-02": (120, None),
    }


def test_report_by_day_matches_the_local_date_of_every_entry(business):
    """Three years of entries at all hours: each counts on its start's local date."""
    project = Project.objects.create(name="Site", billing_mode="non_billable")
    moment = datetime(2023, 12, 31, 20, 0, tzinfo=UTC)
    expected = {}
    for i in range(400):
        moment += timedelta(hours=59, minutes=7 * (i % 11))
        end = moment + timedelta(minutes=5 + i % 50)
        add(project, moment, end)
        day = moment.astimezone(BRUSSELS).date().isoformat()
        expected[day] = expected.get(day, 0) + int((end - moment).total_seconds())
    report = time_report(by="day", business=business)
    assert {key: seconds for key, (seconds, _amount) in rows(report).items()} == expected
    assert report["total_seconds"] == sum(expected.values())
