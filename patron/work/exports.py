"""CSV exports of the project list and of the time entries, with the pages' filters.

Rows are read as plain values (values_list, in chunks), never as model
instances, so ten years of time entries stream in constant memory.
"""

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from patron.contacts.models import DISPLAY_NAME_FIELDS, display_name
from patron.money import in_hours
from patron.system.exporting import csv_response
from patron.work.models import Project, TimeEntry

CHUNK = 2000


def label(model, field):
    return capfirst(model._meta.get_field(field).verbose_name)


def client_name(values):
    """The client's name from its columns (all None when there is no client)."""
    return display_name(*values) if values[0] is not None else ""


PROJECT_COLUMNS = (
    "name", "status", "billing_mode", "rate", "budget_hours", "budget_amount",
    "start_on", "due_on", "tracked_seconds", "open_tasks", "description",
)  # fmt: skip


def project_rows(projects, currency):
    statuses = dict(Project.Status.choices)
    modes = dict(Project.BillingMode.choices)
    client_fields = [f"client__{name}" for name in DISPLAY_NAME_FIELDS]
    values = projects.values_list(*PROJECT_COLUMNS, *client_fields)
    for row in values.iterator(chunk_size=CHUNK):
        p = dict(zip(PROJECT_COLUMNS, row, strict=False))
        yield (
            p["name"],
            client_name(row[len(PROJECT_COLUMNS) :]),
            statuses.get(p["status"], p["status"]),
            modes.get(p["billing_mode"], p["billing_mode"]),
            p["rate"],
            p["budget_hours"],
            p["budget_amount"],
            currency,
            p["start_on"],
            p["due_on"],
            in_hours(p["tracked_seconds"]),
            p["open_tasks"],
            p["description"],
        )


def projects_csv(projects, currency):
    """The projects of the list (already filtered, annotated with tracked_seconds and open_tasks)."""
    header = [
        _("Project"), _("Client"), label(Project, "status"), label(Project, "billing_mode"),
        label(Project, "rate"), label(Project, "budget_hours"), label(Project, "budget_amount"),
        _("Currency"), label(Project, "start_on"), label(Project, "due_on"),
        _("Tracked (hours)"), _("Open tasks"), label(Project, "description"),
    ]  # fmt: skip
    return csv_response("projects.csv", header, project_rows(projects, currency))


def local(moment, zone):
    """2025-03-14 09:30 in the business's time zone, or "" (a running entry has no end)."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def tags_of(entry_ids):
    """{entry id: "tag, tag"} for a chunk of entries, in one query."""
    links = (
        TimeEntry.tags.through.objects.filter(timeentry_id__in=entry_ids)
        .order_by("tag__name")
        .values_list("timeentry_id", "tag__name")
    )
    found = {}
    for entry_id, name in links:
        found.setdefault(entry_id, []).append(name)
    return {entry_id: ", ".join(names) for entry_id, names in found.items()}


def entry_rows(entries):
    """The rows of the time export: entries read by chunks, each chunk's tags in one query."""
    client_fields = [f"project__client__{name}" for name in DISPLAY_NAME_FIELDS]
    values = entries.values_list(
        "pk",
        "start",
        "end",
        "duration_seconds",
        "project__name",
        "task__title",
        "note",
        "billable",
        *client_fields,
    ).iterator(chunk_size=CHUNK)
    zone, answers = timezone.get_current_timezone(), {True: _("yes"), False: _("no")}
    chunk = []
    for row in values:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield from entry_chunk(chunk, zone, answers)
            chunk = []
    yield from entry_chunk(chunk, zone, answers)


def entry_chunk(chunk, zone, answers):
    tags = tags_of([row[0] for row in chunk]) if chunk else {}
    for pk, start, end, seconds, project, task, note, billable, *client in chunk:
        yield (
            local(start, zone),
            local(end, zone),
            in_hours(seconds),
            project,
            client_name(client),
            task or "",
            note,
            tags.get(pk, ""),
            answers[billable],
        )


def entries_csv(entries):
    """The time entries of the list (already filtered and ordered)."""
    header = [
        label(TimeEntry, "start"), label(TimeEntry, "end"), _("Duration (hours)"), _("Project"),
        _("Client"), _("Task"), label(TimeEntry, "note"), label(TimeEntry, "tags"),
        label(TimeEntry, "billable"),
    ]  # fmt: skip
    return csv_response("time-entries.csv", header, entry_rows(entries))
