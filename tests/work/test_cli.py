"""`patron start/stop/status/cancel/log/report` on a seeded install, run in-process (the
command line as Django parses it, on the test database)."""

import json
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from patron.contacts.models import Contact
from patron.work.models import Project, Task, TimeEntry
from patron.work.timing import do_save_entry

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture
def seeded(business):
    """Brasserie Vos's Website (two days of time, a task) and Webshop, and a project whose
    name is a spreadsheet formula."""
    vos = Contact.objects.create(is_organisation=True, is_client=True, name="Brasserie Vos",
                                 hourly_rate=Decimal("100"))  # fmt: skip
    website = Project.objects.create(client=vos, name="Website", billing_increment_minutes=15)
    Project.objects.create(client=vos, name="Webshop")
    Project.objects.create(name='=HYPERLINK("http://evil.example")')
    Task.objects.create(project=website, title="Home page")
    for day, h1, m1, h2, m2, tags in [
        (2, 9, 0, 9, 20, ["dev"]),
        (3, 10, 0, 11, 0, ["dev", "call"]),
    ]:
        entry = TimeEntry(project=website, start=datetime(2025, 6, day, h1, m1, tzinfo=BRUSSELS),
                          end=datetime(2025, 6, day, h2, m2, tzinfo=BRUSSELS))  # fmt: skip
        do_save_entry(entry, tags=tags)


@pytest.fixture
def patron(seeded, patron):
    """patron(*args) runs the command on the seeded install."""
    return patron


def ago(hours):
    return f"{datetime.now(BRUSSELS) - timedelta(hours=hours):%Y-%m-%d %H:%M}"


def clock_of(text):
    return text[-5:]


def test_start_status_stop(patron):
    assert patron("status").stdout.strip() == "No timer is running."
    started = patron("start", "web", "site", "+design", "--tag", "call", "--at", ago(2))
    # "web site" is not a prefix of anything: words are joined into one name.
    assert started.returncode != 0
    assert "No project starts with “web site”" in started.stderr

    two_hours_ago = ago(2)
    started = patron(
        "start", "WEBSI", "+design", "--task", "home", "--note", "hero", "--at", two_hours_ago
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == (
        f"Started Website / Home page (+design) at {clock_of(two_hours_ago)}."
    )

    status = patron("status")
    assert status.stdout.startswith("Website / Home page (+design) since")
    assert "(2h" in status.stdout or "(1h59" in status.stdout
    assert "hero" in status.stdout

    again = patron("start", "webshop")
    assert again.returncode != 0
    assert "A timer already runs for Website" in again.stderr

    too_early = patron("stop", "--at", ago(3))
    assert too_early.returncode != 0 and "cannot stop before" in too_early.stderr

    stopped = patron("stop", "--at", ago(1))
    assert stopped.returncode == 0, stopped.stderr
    assert stopped.stdout.startswith("Stopped Website / Home page (+design): 1h")
    assert patron("status").stdout.strip() == "No timer is running."

    nothing = patron("stop")
    assert nothing.returncode != 0 and "No timer is running." in nothing.stderr


def test_ambiguous_and_unknown_projects_are_named(patron):
    ambiguous = patron("start", "web")
    assert ambiguous.returncode != 0
    assert "matches several projects: Webshop, Website" in ambiguous.stderr
    unknown = patron("start", "logo")
    assert unknown.returncode != 0 and "No project starts with “logo”" in unknown.stderr
    no_task = patron("start", "website", "--task", "footer")
    assert no_task.returncode != 0 and "no task starting with “footer”" in no_task.stderr
    future = patron(
        "start", "webshop", "--at", f"{datetime.now(BRUSSELS) + timedelta(hours=2):%Y-%m-%d %H:%M}"
    )
    assert future.returncode != 0 and "in the future" in future.stderr
    garbage = patron("start", "webshop", "--at", "25:99")
    assert garbage.returncode != 0 and "not a time" in garbage.stderr
    assert patron("status").stdout.strip() == "No timer is running."


def test_cancel_throws_the_timer_away(patron):
    assert patron("cancel").returncode != 0
    assert patron("start", "webshop").returncode == 0
    cancelled = patron("cancel")
    assert cancelled.returncode == 0
    assert cancelled.stdout.startswith("Cancelled the timer of Webshop")
    assert patron("status").stdout.strip() == "No timer is running."


def test_report_json_is_one_stable_object(patron):
    result = patron("report", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "from": None,
        "to": None,
        "total_seconds": 4800,
        "rows": [{"key": "Website", "seconds": 4800, "amount": "150.00"}],
    }
    by_tag = json.loads(patron("report", "--json", "--by", "tag", "--from", "2025-06-03").stdout)
    assert by_tag == {
        "from": "2025-06-03",
        "to": None,
        "total_seconds": 3600,
        "rows": [
            {"key": "call", "seconds": 3600, "amount": "100.00"},
            {"key": "dev", "seconds": 3600, "amount": "100.00"},
        ],
    }
    by_day = json.loads(patron("report", "--json", "--by", "day", "--to", "2025-06-02").stdout)
    assert by_day["rows"] == [{"key": "2025-06-02", "seconds": 1200, "amount": "50.00"}]


def test_report_as_csv_and_text(patron, seeded):
    result = patron("report", "--csv", "--by", "client")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "key,seconds,duration,amount",
        "Brasserie Vos,4800,1h20,150.00",
    ]
    text = patron("report", "--from", "2025-06-01", "--to", "2025-06-30")
    assert "Time by project, from 2025-06-01 to 2025-06-30:" in text.stdout
    assert "Website" in text.stdout and "150.00 EUR" in text.stdout
    bad = patron("report", "--from", "June")
    assert bad.returncode != 0 and "YYYY-MM-DD" in bad.stderr
    backwards = patron("report", "--from", "2025-06-03", "--to", "2025-06-01")
    assert backwards.returncode != 0 and "--to comes before --from" in backwards.stderr
    wrong = patron("report", "--by", "planet")
    assert wrong.returncode != 0


def test_report_csv_neutralises_formula_names(patron):
    assert patron("start", "=hyper", "--at", ago(2)).returncode == 0
    assert patron("stop", "--at", ago(1)).returncode == 0
    lines = patron("report", "--csv").stdout.splitlines()
    assert lines[1].startswith('"\'=HYPERLINK(""http://evil.example"")",3600,1h,')


def test_log_lists_entries_day_by_day(patron):
    result = patron("log", "--from", "2025-06-01", "--to", "2025-06-30", "--project", "websi")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Monday 02 June 2025 — 20m"
    assert "09:00 to 09:20" in lines[1] and "Website" in lines[1] and "+dev" in lines[1]
    assert lines[2] == "Tuesday 03 June 2025 — 1h"
    assert "+call +dev" in lines[3] or "+dev +call" in lines[3]
    empty = patron("log", "--project", "webshop")
    assert empty.stdout.strip() == "No time recorded in this period."
    ambiguous = patron("log", "--project", "web")
    assert ambiguous.returncode != 0 and "several projects" in ambiguous.stderr
