"""Time imported from Toggl, Clockify, Harvest and Watson: checked first, all or nothing, once."""

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError

from patron.contacts.models import Contact
from patron.system.importing import ImportRefused, get_importer
from patron.work import timing
from patron.work.models import Project, Tag, Task, TimeEntry

DATA = Path(__file__).parent.parent / "data" / "time"
BRUSSELS = ZoneInfo("Europe/Brussels")


def plan(kind, name):
    importer = get_importer(kind)
    return importer, importer.plan((DATA / name).read_bytes())


def load(kind, name):
    importer, found = plan(kind, name)
    assert found.ok, [str(e) for e in found.errors]
    return importer.apply(found)


def local(entry):
    return entry.start.astimezone(BRUSSELS), entry.end.astimezone(BRUSSELS)


def errors(found):
    return {e.row: e.message for e in found.errors}


def test_toggl_detailed_report_with_bom(business):
    importer, found = plan("toggl", "toggl_detailed.csv")
    assert found.ok
    assert found.counts == {
        "import": 4,
        "skip as already imported": 0,
        "create as new projects": 2,
        "create as new clients": 1,
    }
    assert not TimeEntry.objects.exists()  # the plan writes nothing
    done = importer.apply(found)
    assert done == {"time entries": 4, "new projects": 2, "new clients": 1}
    vos = Contact.objects.get(name="Brasserie Vos")
    assert vos.is_organisation and vos.is_client
    website = Project.objects.get(name="Website", client=vos)
    hero = TimeEntry.objects.get(note="Hero illustration")
    assert local(hero) == (
        datetime(2025, 6, 2, 9, tzinfo=BRUSSELS),
        datetime(2025, 6, 2, 10, 30, tzinfo=BRUSSELS),
    )
    assert hero.duration_seconds == 5400 and hero.project == website
    assert hero.task == Task.objects.get(title="Home page", project=website)
    assert sorted(hero.tags.values_list("name", flat=True)) == ["design", "dev"]
    # "brasserie vos" / "website" / "Dev" matched ignoring case; past midnight is fine
    late = TimeEntry.objects.get(note="Late fix")
    assert late.project == website and late.duration_seconds == 2700
    assert list(late.tags.values_list("name", flat=True)) == ["dev"]
    admin = TimeEntry.objects.get(project__name="Admin")
    assert admin.billable is False and admin.project.client is None
    assert admin.note.startswith("=HYPERLINK(")  # kept as typed; exports neutralise it
    assert Tag.objects.count() == 3


def test_importing_the_same_file_twice_adds_nothing(business):
    load("toggl", "toggl_detailed.csv")
    importer, again = plan("toggl", "toggl_detailed.csv")
    assert again.ok  # its own entries are not overlaps
    assert again.counts == {"import": 0, "skip as already imported": 4}
    assert importer.apply(again) == {"time entries": 0, "skipped as already imported": 4}
    assert TimeEntry.objects.count() == 4
    assert Project.objects.count() == 2 and Contact.objects.count() == 1


def test_existing_clients_and_projects_are_matched_by_name(business):
    vos = Contact.objects.create(is_organisation=True, name="BRASSERIE VOS")
    Project.objects.create(client=vos, name="WEBSITE")
    importer, found = plan("toggl", "toggl_detailed.csv")
    assert found.counts["create as new projects"] == 1  # Admin only
    assert "create as new clients" not in found.counts
    importer.apply(found)
    vos.refresh_from_db()
    assert vos.is_client  # now it is one
    assert Project.objects.get(name="WEBSITE").time_entries.count() == 3


def test_windows_1252_files_are_read(business):
    load("toggl", "toggl_windows1252.csv")
    entry = TimeEntry.objects.get()
    assert entry.project.name == "Menu carte"
    assert entry.project.client.name == "Café Élise"
    assert entry.note == "Esquisses à la main"


def test_every_bad_row_is_named_and_nothing_is_written(business):
    _importer, found = plan("toggl", "toggl_bad_rows.csv")
    assert errors(found) == {
        3: "it ends before it starts.",
        4: "its start or end is not a date and time.",
        5: "its duration is negative.",
        6: "it lasts more than 24 hours; Patron takes entries of a day at most.",
    }
    assert found.errors[0].row == 3
    with pytest.raises(ImportRefused):
        _importer.apply(found)
    assert not TimeEntry.objects.exists() and not Project.objects.exists()


def test_overlapping_rows_are_refused(business):
    _importer, found = plan("toggl", "toggl_overlap.csv")
    assert errors(found) == {3: "it overlaps row 2 (Website)."}


def test_rows_overlapping_saved_entries_are_refused(business):
    project = Project.objects.create(name="Existing")
    entry = TimeEntry(
        project=project,
        start=datetime(2025, 6, 2, 10, tzinfo=BRUSSELS),
        end=datetime(2025, 6, 2, 10, 15, tzinfo=BRUSSELS),
    )
    timing.do_save_entry(entry)
    _importer, found = plan("toggl", "toggl_detailed.csv")
    assert errors(found) == {
        2: "it overlaps the entry of Existing at 10:00 on 2025-06-02 already in Patron."
    }


def test_a_running_timer_blocks_what_comes_after_it(business):
    timing.do_start_timer(
        Project.objects.create(name="Running"), at=datetime(2025, 6, 2, 14, 30, tzinfo=BRUSSELS)
    )
    _importer, found = plan("toggl", "toggl_detailed.csv")
    assert set(errors(found)) == {4, 5}


@pytest.mark.parametrize(
    "name, message",
    [
        ("not_a_toggl_export.csv", "not a Toggl detailed report export"),
        ("watson_frames.json", "not a Toggl detailed report export"),
    ],
)
def test_files_of_another_kind_are_refused(business, name, message):
    with pytest.raises(ImportRefused, match=message):
        plan("toggl", name)


def test_an_unclosed_quote_is_a_clear_error(business):
    with pytest.raises(ImportRefused, match="not a readable CSV file"):
        plan("toggl", "toggl_unclosed_quote.csv")


def test_binary_and_oversized_files_are_refused(business, settings):
    with pytest.raises(ImportRefused, match="text"):
        get_importer("toggl").plan(b"PK\x03\x04\x00\x00binary")
    settings.MAX_IMPORT_BYTES = 1024
    with pytest.raises(ImportRefused, match="50|1024|MB|Mo"):
        get_importer("toggl").plan(b"x" * 2048)


def test_clockify_us_dates_and_12_hour_times(business):
    load("clockify", "clockify_detailed_us.csv")
    wireframes = TimeEntry.objects.get(note="Wireframes")
    assert local(wireframes) == (
        datetime(2025, 6, 13, 9, tzinfo=BRUSSELS),
        datetime(2025, 6, 13, 11, 15, tzinfo=BRUSSELS),
    )
    sketches = TimeEntry.objects.get(note="Sketches")
    assert local(sketches)[0] == datetime(2025, 6, 13, 13, 26, tzinfo=BRUSSELS)
    assert sketches.task.title == "Round 1"
    invoices = TimeEntry.objects.get(note="Invoices")
    assert invoices.duration_seconds == 3600 and not invoices.billable
    assert local(invoices)[0] == datetime(2025, 6, 14, 23, 30, tzinfo=BRUSSELS)


def test_clockify_european_dates(business):
    load("clockify", "clockify_detailed_eu.csv")
    first = TimeEntry.objects.order_by("start").first()
    assert local(first)[0] == datetime(2025, 6, 25, 9, tzinfo=BRUSSELS)
    assert TimeEntry.objects.count() == 2


def test_clockify_import_sample_has_a_duration_instead_of_an_end(business):
    load("clockify", "clockify_import_sample.csv")
    entry = TimeEntry.objects.get()
    assert local(entry) == (
        datetime(2025, 6, 20, 14, tzinfo=BRUSSELS),
        datetime(2025, 6, 20, 15, 30, tzinfo=BRUSSELS),
    )


def test_harvest_days_are_laid_out_from_nine(business):
    importer, found = plan("harvest", "harvest_detailed.csv")
    assert found.counts["import"] == 4  # two identical lines are two entries
    importer.apply(found)
    day = [local(e) for e in TimeEntry.objects.filter(start__date="2025-06-16").order_by("start")]
    assert [(s.strftime("%H:%M"), e.strftime("%H:%M")) for s, e in day] == [
        ("09:00", "11:30"),
        ("11:30", "14:00"),
        ("14:00", "14:15"),
    ]
    signage = TimeEntry.objects.get(start__date="2025-06-17")
    assert signage.duration_seconds == 6300 and signage.project.client.name == "Atelier Nord"
    assert TimeEntry.objects.get(note="Call").billable is False
    assert plan("harvest", "harvest_detailed.csv")[1].counts["import"] == 0


def test_watson_frames(business):
    importer, found = plan("watson", "watson_frames.json")
    assert found.counts["import"] == 3
    importer.apply(found)
    frame = TimeEntry.objects.get(source="watson:6a1f3c8b2d4e4f6a8b9c0d1e2f3a4b5c")
    assert frame.start == datetime.fromtimestamp(1749020400, UTC)
    assert frame.duration_seconds == 3600 and frame.project.name == "website"
    assert sorted(frame.tags.values_list("name", flat=True)) == ["design", "dev"]
    assert plan("watson", "watson_frames.json")[1].counts == {
        "import": 0,
        "skip as already imported": 3,
    }


def test_watson_bad_frames_are_named(business):
    _importer, found = plan("watson", "watson_bad.json")
    assert errors(found) == {
        1: "it ends before it starts.",
        2: "its start and stop are not timestamps.",
        3: "it has no project.",
        4: "its id is not a Watson frame id.",
        5: "it is not a frame [start, stop, project, id…].",
    }
    with pytest.raises(ImportRefused, match="not a Watson frames file"):
        plan("watson", "watson_not_json.json")
    with pytest.raises(ImportRefused, match="JSON list"):
        get_importer("watson").plan(b'{"frames": []}')


def test_a_row_the_database_refuses_while_writing_leaves_nothing_behind(business):
    importer, found = plan("toggl", "toggl_detailed.csv")
    assert found.ok
    # Between the plan and its writing, an entry with a row's source appears.
    TimeEntry.objects.create(
        project=Project.objects.create(name="Meanwhile"),
        start=datetime(2020, 1, 1, 9, tzinfo=UTC),
        end=datetime(2020, 1, 1, 10, tzinfo=UTC),
        source=found.items[2].source,
    )
    with pytest.raises(IntegrityError):
        importer.apply(found)
    assert TimeEntry.objects.count() == 1 and Project.objects.count() == 1
    assert not TimeEntry.tags.through.objects.exists() and not Contact.objects.exists()


def test_a_large_toggl_file_goes_in_chunks(business):
    header = (DATA / "toggl_detailed.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    lines = [header]
    for i in range(12_000):
        day, minute = divmod(i, 48)
        start = datetime(2024, 1, 1, tzinfo=UTC).timestamp() + day * 86400 + minute * 1200
        begin = datetime.fromtimestamp(start, UTC).astimezone(BRUSSELS)
        end = datetime.fromtimestamp(start + 1200, BRUSSELS)
        lines.append(
            f"C,c@x.example,Client {i % 7},Project {i % 13},,row {i},Yes,"
            f"{begin:%Y-%m-%d},{begin:%H:%M:%S},{end:%Y-%m-%d},{end:%H:%M:%S},00:20:00,t{i % 5},"
        )
    importer = get_importer("toggl")
    found = importer.plan("\n".join(lines).encode())
    assert found.ok, found.errors[:3]
    seen = []
    importer.apply(found, progress=seen.append)
    assert seen[-1] == 12_000 and len(seen) == 3
    assert TimeEntry.objects.count() == 12_000
    assert TimeEntry.tags.through.objects.count() == 12_000


# The real command


def test_patron_import_dry_run_then_import_then_refusals(patron, tmp_path):
    dry = patron("import", "toggl", str(DATA / "toggl_detailed.csv"), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert (
        "Dry run, nothing written: 4 time entries to import, 0 time entries already imported, 2 projects to create, 1 client to create."
        in dry.stdout
    )
    done = patron("import", "toggl", str(DATA / "toggl_detailed.csv"))
    assert done.returncode == 0, done.stderr
    assert "Imported: 4 time entries, 2 new projects, 1 new client." in done.stdout
    again = patron("import", "toggl", str(DATA / "toggl_detailed.csv"))
    assert "Imported: 0 time entries, 4 skipped as already imported." in again.stdout
    report = json.loads(patron("report", "--json").stdout)
    assert report["total_seconds"] == 5400 + 1200 + 2700 + 2700

    bad = patron("import", "toggl", str(DATA / "toggl_bad_rows.csv"))
    assert bad.returncode != 0
    # "Row 3: …" (the framework's prefix follows the install's language)
    assert " 3: it ends before it starts." in bad.stderr.replace("\xa0", " ").replace(" :", ":")
    assert "Nothing was imported: 4 rows need fixing first." in bad.stderr

    huge = tmp_path / "huge.csv"
    with open(huge, "wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: nothing is read before it is refused
    refused = patron("import", "toggl", str(huge))
    assert refused.returncode != 0 and "Nothing was imported" in refused.stderr
    assert "200" in refused.stderr and "50" in refused.stderr

    # The formula typed in Toggl comes out neutralised in the CSV report.
    csv_report = patron("report", "--csv").stdout
    assert "Admin" in csv_report
    assert json.loads(patron("report", "--json").stdout)["rows"][0]["key"] == "Admin"


def test_the_hour_repeated_when_clocks_go_back(business):
    header = (DATA / "toggl_detailed.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    # 27 October 2024: 03:00 summer time became 02:00 winter time in Brussels.
    rows = [
        "C,c@x.example,,Night,,first 02:40,Yes,2024-10-27,02:40:00,2024-10-27,02:50:00,00:10:00,,",
        "C,c@x.example,,Night,,across,Yes,2024-10-27,02:50:00,2024-10-27,02:10:00,00:20:00,,",
        "C,c@x.example,,Night,,second 02:20,Yes,2024-10-27,02:20:00,2024-10-27,02:30:00,,,",
    ]
    importer = get_importer("toggl")
    found = importer.plan("\n".join([header, *rows]).encode())
    assert found.ok, [str(e) for e in found.errors]
    importer.apply(found)
    across = TimeEntry.objects.get(note="across")
    assert across.duration_seconds == 1200
    second = TimeEntry.objects.get(note="second 02:20")
    assert second.start == datetime(2024, 10, 27, 1, 20, tzinfo=UTC)  # 02:20 winter time


def toggl_file(*rows):
    header = (DATA / "toggl_detailed.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    return "\n".join([header, *rows]).encode()


def test_the_hour_skipped_when_clocks_go_forward(business):
    # 30 March 2025: 02:00 winter time became 03:00 summer time in Brussels.
    importer = get_importer("toggl")
    found = importer.plan(
        toggl_file(
            "C,c@x.example,,Night,,across,Yes,2025-03-30,01:30:00,2025-03-30,03:30:00,01:00:00,,",
            "C,c@x.example,,Night,,eve,Yes,2025-03-29,23:30:00,2025-03-30,00:30:00,01:00:00,,",
        )
    )
    assert found.ok, [str(e) for e in found.errors]
    importer.apply(found)
    across = TimeEntry.objects.get(note="across")
    assert across.start == datetime(2025, 3, 30, 0, 30, tzinfo=UTC)
    assert across.duration_seconds == 3600
    eve = TimeEntry.objects.get(note="eve")
    assert eve.start == datetime(2025, 3, 29, 22, 30, tzinfo=UTC)
    assert eve.duration_seconds == 3600


def test_wall_clock_overlap_in_the_repeated_hour_is_not_a_real_one(business):
    # 27 October 2024: 02:30-02:50 summer time, then 02:10-02:40 winter time, an hour
    # later in real time although the clock readings share 02:30-02:40.
    importer = get_importer("toggl")
    found = importer.plan(
        toggl_file(
            "C,c@x.example,,Night,,summer,Yes,2024-10-27,02:30:00,2024-10-27,02:50:00,00:20:00,,",
            "C,c@x.example,,Night,,winter,Yes,2024-10-27,02:10:00,2024-10-27,02:40:00,00:30:00,,",
        )
    )
    assert found.ok, [str(e) for e in found.errors]
    importer.apply(found)
    winter = TimeEntry.objects.get(note="winter")
    assert winter.start == datetime(2024, 10, 27, 1, 10, tzinfo=UTC)


def test_a_row_overlapping_a_saved_entry_across_the_clock_change_is_refused(business):
    # Saved: 01:30 to 02:20 summer time (23:30 to 00:20 UTC), the night clocks go back.
    timing.do_save_entry(
        TimeEntry(
            project=Project.objects.create(name="Existing"),
            start=datetime(2024, 10, 26, 23, 30, tzinfo=UTC),
            end=datetime(2024, 10, 27, 0, 20, tzinfo=UTC),
        )
    )
    found = get_importer("toggl").plan(
        toggl_file(
            "C,c@x.example,,Night,,late,Yes,2024-10-27,02:10:00,2024-10-27,02:40:00,00:30:00,,",
        )
    )
    assert errors(found) == {
        2: "it overlaps the entry of Existing at 01:30 on 2024-10-27 already in Patron."
    }


def test_rows_overlapping_each_other_are_named_with_both_sides(business):
    found = get_importer("toggl").plan(
        toggl_file(
            "C,c@x.example,,Site,,one,Yes,2025-06-02,09:00:00,2025-06-02,10:00:00,01:00:00,,",
            "C,c@x.example,,Logo,,two,Yes,2025-06-02,11:00:00,2025-06-02,12:00:00,01:00:00,,",
            "C,c@x.example,,Logo,,three,Yes,2025-06-02,09:30:00,2025-06-02,09:45:00,00:15:00,,",
            "C,c@x.example,,Site,,four,Yes,2025-06-02,11:59:00,2025-06-02,12:30:00,00:31:00,,",
        )
    )
    assert errors(found) == {
        4: "it overlaps row 2 (Site).",
        5: "it overlaps row 3 (Logo).",
    }


def test_a_line_repeated_in_the_file_is_imported_once(business):
    line = "C,c@x.example,,Site,,twice,Yes,2025-06-02,09:00:00,2025-06-02,10:00:00,01:00:00,dev,"
    importer = get_importer("toggl")
    found = importer.plan(toggl_file(line, line))
    assert found.ok  # not an overlap with itself
    assert found.counts["import"] == 1 and found.counts["skip as already imported"] == 1
    importer.apply(found)
    entry = TimeEntry.objects.get()
    assert list(entry.tags.values_list("name", flat=True)) == ["dev"]


def test_sources_stay_those_of_earlier_imports(business):
    """A file imported by an earlier version is recognised: the source is the same hash."""
    importer = get_importer("toggl")
    importer.apply(importer.plan((DATA / "toggl_detailed.csv").read_bytes()))
    hero = TimeEntry.objects.get(note="Hero illustration")
    assert (
        hero.source
        == "toggl:"
        + hashlib.sha256(
            "\x1f".join(
                [
                    "Claire Dubois",
                    "claire@atelier-lumen.example",
                    "Brasserie Vos",
                    "Website",
                    "Home page",
                    "Hero illustration",
                    "20250602070000",
                    "20250602083000",
                ]
            ).encode()
        ).hexdigest()[:40]
    )


def test_times_in_a_half_hour_zone(business):
    business.time_zone = "Asia/Kolkata"
    business.save()
    importer = get_importer("toggl")
    importer.apply(
        importer.plan(
            toggl_file(
                "C,c@x.example,,Site,,india,Yes,2025-06-02,09:00:00,2025-06-02,10:15:00,,,",
            )
        )
    )
    entry = TimeEntry.objects.get()
    assert entry.start == datetime(2025, 6, 2, 3, 30, tzinfo=UTC)
    assert entry.duration_seconds == 4500


def test_a_date_at_the_end_of_the_calendar_is_a_row_error(business):
    found = get_importer("toggl").plan(
        toggl_file(
            "C,c@x.example,,Site,,far,Yes,0001-01-01,00:10:00,0001-01-01,00:20:00,,,",
        )
    )
    assert errors(found) == {2: "its start or end is not a date and time."}


@pytest.mark.parametrize(
    "start, end, duration, message",
    [
        ("9999-12-31,09:00:00", "9999-12-31,10:00:00", "01:00:00", "not between 1970 and 2100"),
        ("0001-01-01,09:00:00", "0001-01-01,10:00:00", "01:00:00", "not between 1970 and 2100"),
        ("2025-06-05,12:00:00+02:00", "2025-06-05,11:00:00", "-01:00:00", "ends before it starts"),
    ],
)
def test_far_dates_and_mixed_offsets_are_row_errors_not_crashes(
    business, start, end, duration, message
):
    header = (
        "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,"
        "End date,End time,Duration,Tags,Amount (EUR)\n"
    )
    row = f"C,c@x.example,Vos,Website,,odd,Yes,{start},{end},{duration},,\n"
    found = get_importer("toggl").plan((header + row).encode())
    assert [e.row for e in found.errors] == [2] and message in found.errors[0].message
    assert not TimeEntry.objects.exists()


# Each source on its own: the importers share their checks and their writing, not their
# reading, so each is held to the same promises.

SAMPLES = [
    ("toggl", "toggl_detailed.csv"),
    ("clockify", "clockify_detailed_us.csv"),
    ("clockify", "clockify_detailed_eu.csv"),
    ("clockify", "clockify_import_sample.csv"),
    ("harvest", "harvest_detailed.csv"),
    ("watson", "watson_frames.json"),
]


def saved_entries():
    entries = TimeEntry.objects.order_by("source")
    return list(entries.values_list("source", "project__name", "start", "end", "note", "billable"))


@pytest.mark.parametrize("kind, name", SAMPLES)
def test_each_source_imported_twice_writes_nothing_the_second_time(business, kind, name):
    first = load(kind, name)
    before = saved_entries()
    importer, again = plan(kind, name)
    assert again.ok, [str(e) for e in again.errors]
    assert again.counts == {"import": 0, "skip as already imported": first["time entries"]}
    assert importer.apply(again)["time entries"] == 0
    assert saved_entries() == before


@pytest.mark.parametrize(
    "kind, data, says",
    [
        (
            "clockify",
            b"Project,Start Date,Start Time,End Date,End Time\n"
            b"Site,2025-06-21,09:00,2025-06-21,10:00\n"
            b"Site,2025-06-20,14:00,2025-06-20,13:00\n",
            {3: "it ends before it starts."},
        ),
        (
            "harvest",
            b"Date,Project,Hours\n2025-06-16,Site,2\n2025-06-16,Site,lots\n",
            {3: "“lots” is not a number of hours."},
        ),
        (
            "watson",
            json.dumps(
                [
                    [1749020400, 1749024000, "site", "a" * 32, []],
                    [1749031200, 1749027600, "site", "b" * 32, []],
                ]
            ).encode(),
            {2: "it ends before it starts."},
        ),
    ],
)
def test_a_bad_row_from_any_source_is_named_and_nothing_is_written(business, kind, data, says):
    importer = get_importer(kind)
    found = importer.plan(data)
    assert errors(found) == says
    with pytest.raises(ImportRefused, match="has errors"):
        importer.apply(found)
    assert not TimeEntry.objects.exists() and not Project.objects.exists()


@pytest.mark.parametrize(
    "kind, name, message",
    [
        ("clockify", "watson_frames.json", "not a Clockify detailed report export"),
        ("harvest", "toggl_detailed.csv", "not a Harvest detailed time report export"),
        ("watson", "toggl_detailed.csv", "not a Watson frames file"),
    ],
)
def test_each_source_refuses_a_file_of_another_kind(business, kind, name, message):
    with pytest.raises(ImportRefused, match=message):
        plan(kind, name)
    assert not TimeEntry.objects.exists() and not Project.objects.exists()


def test_clockify_and_harvest_times_follow_the_clock_changes(business):
    # Brussels: summer time (UTC+2) from 30 March 2025, winter time (UTC+1) from 26 October.
    load_data = [
        (
            "clockify",
            b"Project,Start Date,Start Time,End Date,End Time\n"
            b"Spring,2025-03-30,07:00,2025-03-30,08:00\n"
            b"Autumn,2025-10-26,07:00,2025-10-26,08:00\n",
        ),
        ("harvest", b"Date,Project,Hours\n2025-03-30,Spring,1\n2025-10-26,Autumn,1\n"),
    ]
    for kind, data in load_data:
        importer = get_importer(kind)
        found = importer.plan(data)
        assert found.ok, [str(e) for e in found.errors]
        importer.apply(found)
    starts = TimeEntry.objects.filter(project__name="Spring").values_list("start", flat=True)
    assert sorted(starts) == [
        datetime(2025, 3, 30, 5, 0, tzinfo=UTC),  # Clockify, 07:00 summer time
        datetime(2025, 3, 30, 7, 0, tzinfo=UTC),  # Harvest, from 09:00 summer time
    ]
    starts = TimeEntry.objects.filter(project__name="Autumn").values_list("start", flat=True)
    assert sorted(starts) == [
        datetime(2025, 10, 26, 6, 0, tzinfo=UTC),  # 07:00 winter time
        datetime(2025, 10, 26, 8, 0, tzinfo=UTC),  # 09:00 winter time
    ]
