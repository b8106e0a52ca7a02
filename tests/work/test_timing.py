"""The time rules every way in shares: durations, overlaps, the one timer, increments."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from patron.contacts.models import Contact
from patron.work import timing
from patron.work.models import Project, Tag, Task, TimeEntry


def at(hour, minute=0, day=2):
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def project(db):
    client = Contact.objects.create(is_organisation=True, is_client=True, name="Brasserie Vos")
    return Project.objects.create(client=client, name="Website")


def entry(project, start, end, **fields):
    return timing.do_save_entry(TimeEntry(project=project, start=start, end=end, **fields))


# Durations as people type them


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("1h30", 5400),
        ("1h30m", 5400),
        ("1 h 30 min", 5400),
        ("90m", 5400),
        ("90min", 5400),
        ("90 minutes", 5400),
        ("1:30", 5400),
        ("01:30:00", 5400),
        ("0:45", 2700),
        ("1.5", 5400),
        ("1,5h", 5400),
        ("1.5H", 5400),
        ("2", 7200),
        ("2h", 7200),
        ("0h45", 2700),
        ("1m", 60),
        ("24h", 86400),
        ("24:00", 86400),
        ("1440m", 86400),
        ("1.3333", 4800),  # rounded to the second, not cut
    ],
)
def test_durations_are_read_as_people_type_them(text, seconds):
    assert timing.parse_duration(text) == seconds


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "   ",
        "abc",
        "1h70",
        "h30",
        ":30",
        "1:75",
        "1..5",
        "-1h",
        "1h30x",
        "1e3",
        "=1+1",
        "1/2",
        "٣h",
        "1h 30 45",
    ],
)
def test_garbage_is_not_a_duration(text):
    with pytest.raises(ValidationError) as e:
        timing.parse_duration(text)
    assert e.value.code == "invalid"


@pytest.mark.parametrize("text", ["0", "0m", "0:00", "24h01", "25:00", "1441m", "999"])
def test_durations_are_more_than_zero_and_at_most_a_day(text):
    with pytest.raises(ValidationError) as e:
        timing.parse_duration(text)
    assert e.value.code == "range"


def test_a_very_long_string_is_refused_quickly_and_quoted_short():
    with pytest.raises(ValidationError) as e:
        timing.parse_duration("1" * 100_000)
    assert len(e.value.params["value"]) <= 20


@pytest.mark.parametrize(
    "seconds, text", [(5400, "1h30"), (7200, "2h"), (2700, "45m"), (0, "0m"), (3660, "1h01")]
)
def test_durations_are_shown_the_way_they_are_typed(seconds, text):
    assert timing.format_duration(seconds) == text
    if seconds:
        assert timing.parse_duration(text) == seconds


# Billing increments


@pytest.mark.parametrize(
    "seconds, increment, billed",
    [
        (0, 15, 0),
        (1, 15, 900),
        (900, 15, 900),
        (901, 15, 1800),
        (5400, 15, 5400),
        (61, 1, 120),
        (60, 1, 60),
        (59, None, 60),
        (3601, 60, 7200),
        (10**9 + 1, 1, 10**9 + 20),  # integer arithmetic, no float rounding
    ],
)
def test_each_started_increment_counts_whole(seconds, increment, billed):
    assert timing.billable_seconds(seconds, increment) == billed


def test_increments_never_rewrite_tracked_time(project):
    project.billing_increment_minutes = 15
    project.save()
    saved = entry(project, at(9), at(9, 7))
    saved.refresh_from_db()
    assert saved.duration_seconds == 7 * 60


# Entries: end after start, no overlaps


def test_a_finished_entry_gets_its_duration_from_start_and_end(project):
    saved = entry(project, at(9), at(10, 30))
    assert saved.duration_seconds == 5400
    assert saved.running is None


@pytest.mark.parametrize("end", [at(9), at(8, 59)])
def test_an_entry_ending_before_it_starts_is_refused(project, end):
    with pytest.raises(ValidationError) as e:
        entry(project, at(9), end)
    assert "end" in e.value.message_dict
    assert not TimeEntry.objects.exists()


def test_an_entry_longer_than_a_day_is_refused(project):
    with pytest.raises(ValidationError):
        entry(project, at(9), at(9, 1, day=3))
    assert not TimeEntry.objects.exists()


@pytest.mark.parametrize(
    "start, end",
    [
        (at(9, 30), at(10, 30)),  # starts inside
        (at(8), at(9, 30)),  # ends inside
        (at(8), at(12)),  # covers
        (at(9, 15), at(9, 45)),  # inside
        (at(9), at(10)),  # same
    ],
)
def test_overlapping_entries_are_refused(project, start, end):
    entry(project, at(9), at(10))
    with pytest.raises(ValidationError) as e:
        entry(project, start, end)
    assert e.value.code == "overlap"
    assert "Website" in e.value.messages[0]
    assert TimeEntry.objects.count() == 1


def test_entries_may_touch(project):
    entry(project, at(9), at(10))
    entry(project, at(10), at(11))
    entry(project, at(8), at(9))
    assert TimeEntry.objects.count() == 3


def test_editing_an_entry_does_not_clash_with_itself(project):
    saved = entry(project, at(9), at(10))
    saved.end = at(10, 30)
    timing.do_save_entry(saved)
    assert TimeEntry.objects.get().duration_seconds == 5400


def test_a_task_of_another_project_is_refused(project):
    other = Project.objects.create(name="Other")
    task = Task.objects.create(project=other, title="Logo")
    with pytest.raises(ValidationError) as e:
        entry(project, at(9), at(10), task=task)
    assert "task" in e.value.message_dict


def test_tags_are_matched_ignoring_case_and_plus_signs(project):
    Tag.objects.create(name="Design")
    saved = entry(project, at(9), at(10))
    Tag.objects.create(name="École")
    timing.set_tags(saved, ["+design", "DESIGN", " ", "+", "call", "école"])
    assert sorted(saved.tags.values_list("name", flat=True)) == ["Design", "call", "École"]
    assert Tag.objects.count() == 3


# The one timer


def test_only_one_timer_runs_at_a_time(project):
    started = timing.do_start_timer(project, tags=["+dev"], note="header", at=at(9))
    assert timing.running_entry() == started
    with pytest.raises(ValidationError) as e:
        timing.do_start_timer(project, at=at(9, 30))
    assert e.value.code == "running"
    assert TimeEntry.objects.count() == 1


def test_stopping_finishes_the_entry(project):
    timing.do_start_timer(project, at=at(9))
    stopped = timing.do_stop_timer(at=at(10, 15))
    assert stopped.duration_seconds == 4500
    assert stopped.end == at(10, 15)
    assert timing.running_entry() is None
    with pytest.raises(ValidationError) as e:
        timing.do_stop_timer()
    assert e.value.code == "none"


def test_a_timer_cannot_stop_before_it_started(project):
    timing.do_start_timer(project, at=at(9))
    with pytest.raises(ValidationError) as e:
        timing.do_stop_timer(at=at(8))
    assert e.value.code == "before"
    assert timing.running_entry() is not None


def test_a_timer_forgotten_for_days_needs_its_stop_time(project):
    timing.do_start_timer(project, at=at(9))
    with pytest.raises(ValidationError) as e:
        timing.do_stop_timer(at=at(10, day=4))
    assert e.value.code == "too_long"
    assert timing.do_stop_timer(at=at(18)).duration_seconds == 9 * 3600


def test_a_timer_cannot_start_inside_a_finished_entry(project):
    entry(project, at(9), at(10))
    with pytest.raises(ValidationError) as e:
        timing.do_start_timer(project, at=at(9, 30))
    assert e.value.code == "overlap"
    assert timing.running_entry() is None


def test_an_entry_cannot_be_added_where_the_timer_runs(project):
    timing.do_start_timer(project, at=at(9))
    with pytest.raises(ValidationError):
        entry(project, at(9, 30), at(10))
    entry(project, at(8), at(9))  # before the timer: fine


def test_cancelling_throws_the_timer_away(project):
    timing.do_start_timer(project, at=at(9))
    cancelled = timing.do_cancel_timer()
    assert cancelled.project == project
    assert not TimeEntry.objects.exists()
    with pytest.raises(ValidationError):
        timing.do_cancel_timer()


def test_the_timer_starts_now_to_the_second(project):
    started = timing.do_start_timer(project)
    assert started.start.microsecond == 0
    assert abs(started.start - timezone.now()) < timedelta(seconds=2)


# Finding projects by what people type


@pytest.fixture
def projects(db):
    for name in ["Website", "Webshop", "Logo", "École Saint-Luc", "Web"]:
        Project.objects.create(name=name)


@pytest.mark.parametrize(
    "query, name",
    [
        ("logo", "Logo"),
        ("LO", "Logo"),
        ("webs", None),
        ("web", "Web"),
        ("website", "Website"),
        ("école", "École Saint-Luc"),
        ("ÉCOLE", "École Saint-Luc"),
        ("  Logo ", "Logo"),
    ],
)
def test_projects_match_by_prefix_ignoring_case(projects, query, name):
    if name is None:
        with pytest.raises(ValidationError) as e:
            timing.find_project(query)
        assert e.value.code == "ambiguous"
        assert "Website" in e.value.messages[0] and "Webshop" in e.value.messages[0]
    else:
        assert timing.find_project(query).name == name


@pytest.mark.parametrize("query", ["", "nothing", "%", "_ebsite"])
def test_no_project_matches(projects, query):
    with pytest.raises(ValidationError) as e:
        timing.find_project(query)
    assert e.value.code == "none"
