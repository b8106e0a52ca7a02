"""Time imported from Toggl, Clockify, Harvest and Watson: checked first, all or nothing, once."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

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


def patron(data_dir, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATRON_")}
    env.pop("DATABASE_URL", None)
    env["PATRON_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "patron.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_patron_import_dry_run_then_import_then_refusals(tmp_path):
    assert patron(tmp_path, "migrate", "-v0").returncode == 0
    dry = patron(tmp_path, "import", "toggl", str(DATA / "toggl_detailed.csv"), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert (
        "Dry run, nothing written: 4 time entries to import, 0 time entries already imported, 2 projects to create, 1 client to create."
        in dry.stdout
    )
    done = patron(tmp_path, "import", "toggl", str(DATA / "toggl_detailed.csv"))
    assert done.returncode == 0, done.stderr
    assert "Imported: 4 time entries, 2 new projects, 1 new client." in done.stdout
    again = patron(tmp_path, "import", "toggl", str(DATA / "toggl_detailed.csv"))
    assert "Imported: 0 time entries, 4 skipped as already imported." in again.stdout
    report = json.loads(patron(tmp_path, "report", "--json").stdout)
    assert report["total_seconds"] == 5400 + 1200 + 2700 + 2700

    bad = patron(tmp_path, "import", "toggl", str(DATA / "toggl_bad_rows.csv"))
    assert bad.returncode != 0
    # "Row 3: …" (the framework's prefix follows the install's language)
    assert " 3: it ends before it starts." in bad.stderr.replace("\xa0", " ").replace(" :", ":")
    assert "Nothing was imported: 4 rows need fixing first." in bad.stderr

    huge = tmp_path / "huge.csv"
    with open(huge, "wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: nothing is read before it is refused
    refused = patron(tmp_path, "import", "toggl", str(huge))
    assert refused.returncode != 0 and "Nothing was imported" in refused.stderr
    assert "200" in refused.stderr and "50" in refused.stderr

    # The formula typed in Toggl comes out neutralised in the CSV report.
    csv_report = patron(tmp_path, "report", "--csv").stdout
    assert "Admin" in csv_report
    assert json.loads(patron(tmp_path, "report", "--json").stdout)["rows"][0]["key"] == "Admin"


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
