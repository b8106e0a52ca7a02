"""Time imports never cut a field without a word: a name or tag longer than its column is a
row error (cut, it would name another project or merge two), a description longer than a
note holds is shortened with "…" and a warning for its row, shown before anything is written.
A Watson file nested deeper than Python's stack is refused with the reason, not a crash."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from patron.system.importing import ImportRefused, get_importer
from patron.work.models import TimeEntry

TOGGL_HEADER = (
    "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,"
    "End time,Duration,Tags,Amount (EUR)\n"
)


def toggl(project="Website", description="Hero", tags="design", client="Vos", task=""):
    return (
        TOGGL_HEADER
        + f'Claire,c@x.example,{client},{project},{task},"{description}",Yes,2025-06-02,09:00:00,'
        f'2025-06-02,10:00:00,01:00:00,"{tags}",\n'
    ).encode()


LONG = "lorem ipsum " * 8_500  # 102,000 characters: the "100 KB note"
LONG = LONG.strip()


def test_a_100_kb_description_is_shortened_with_a_warning_for_its_row(business):
    importer = get_importer("toggl")
    plan = importer.plan(toggl(description=LONG))
    assert plan.ok
    assert [str(w) for w in plan.warnings] == [
        f"Row 2: its description is {len(LONG)} characters long; Patron keeps the first 499, "
        "ending in “…”."
    ]
    importer.apply(plan)
    note = TimeEntry.objects.get().note
    assert len(note) <= 500 and note.endswith("…") and LONG.startswith(note[:-1])


@pytest.mark.parametrize(
    "kind, data",
    [
        (
            "clockify",
            "Project,Client,Description,Start Date,Start Time,End Date,End Time\n"
            f"Website,Vos,{LONG},2025-06-25,09:00:00,2025-06-25,10:00:00\n",
        ),
        (
            "harvest",
            f"Date,Client,Project,Task,Notes,Hours\n2025-06-16,Vos,Website,Design,{LONG},2\n",
        ),
    ],
)
def test_clockify_and_harvest_descriptions_are_shortened_the_same_way(business, kind, data):
    plan = get_importer(kind).plan(data.encode())
    assert plan.ok and len(plan.warnings) == 1 and "its description is" in str(plan.warnings[0])


@pytest.mark.parametrize(
    "fields, says",
    [
        (
            {"project": "P" * 201},
            "its project name is 201 characters long; Patron takes at most 200",
        ),
        ({"client": "C" * 250}, "its client name is 250 characters long"),
        ({"task": "T" * 201}, "its task is 201 characters long"),
        ({"tags": "ok, " + "t" * 51}, "its tag “tttttttttttttttttttttttttttttt…” is 51 characters"),
    ],
)
def test_a_name_or_tag_too_long_is_a_row_error_and_nothing_is_written(business, fields, says):
    plan = get_importer("toggl").plan(toggl(**fields))
    assert [e.row for e in plan.errors] == [2]
    assert says in plan.errors[0].message
    with pytest.raises(ImportRefused):
        get_importer("toggl").apply(plan)
    assert not TimeEntry.objects.exists()


def test_a_watson_frame_with_a_project_too_long_is_a_row_error(business):
    frame = f'[[1749020400, 1749024000, "{"p" * 300}", "6a1f3c8b2d4e4f6a8b9c0d1e2f3a4b5c", []]]'
    plan = get_importer("watson").plan(frame.encode())
    assert [e.row for e in plan.errors] == [1]
    assert "its project name is 300 characters long" in plan.errors[0].message


def test_the_command_line_prints_the_warnings_then_imports(business, tmp_path):
    path = tmp_path / "toggl.csv"
    path.write_bytes(toggl(description=LONG))
    out, err = StringIO(), StringIO()
    call_command("import", "toggl", str(path), "--dry-run", stdout=out, stderr=err)
    assert f"Warning: Row 2: its description is {len(LONG)} characters long" in err.getvalue()
    assert "Dry run, nothing written" in out.getvalue() and not TimeEntry.objects.exists()
    call_command("import", "toggl", str(path), stdout=out, stderr=err)
    assert TimeEntry.objects.count() == 1


def test_the_command_line_refuses_a_project_name_too_long(business, tmp_path):
    path = tmp_path / "toggl.csv"
    path.write_bytes(toggl(project="P" * 201))
    err = StringIO()
    with pytest.raises(CommandError, match="1 row needs fixing"):
        call_command("import", "toggl", str(path), stderr=err)
    assert "Row 2: its project name is 201 characters long" in err.getvalue()
    assert not TimeEntry.objects.exists()


@pytest.mark.parametrize("opening", ["[", '{"a":', '[{"a":'])
def test_a_watson_file_nested_too_deeply_is_refused_with_the_reason(business, opening, tmp_path):
    data = (opening * 200_000).encode()
    with pytest.raises(ImportRefused, match="nested far too deeply"):
        get_importer("watson").plan(data)
    path = tmp_path / "frames"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="Nothing was imported. .*nested far too deeply"):
        call_command("import", "watson", str(path))
