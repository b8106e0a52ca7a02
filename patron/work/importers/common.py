"""What every time importer shares: the row, the checks of the plan, the writing of
apply, and the phrases naming their counts."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext_lazy

from patron.business.profile import get_business
from patron.contacts.models import Contact
from patron.system.importing import (
    ImportPlan,
    ImportRefused,
    RowError,
    RowWarning,
    check_size,
    shortened,
)
from patron.work.importers.matching import (
    match_clients,
    match_projects,
    match_tags,
    match_tasks,
    names_to_create,
    project_keys,
)
from patron.work.importers.reading import (
    NO_PROJECT,
    YES,
    cell_text,
    fingerprint,
    stamp,
    tags_of,
)
from patron.work.importers.writing import insert_entries, insert_links, utc_adapter
from patron.work.models import Project, Tag, Task, TimeEntry
from patron.work.timing import MAX_ENTRY_SECONDS

CHUNK = 5000


@dataclass(slots=True)
class Row:
    number: int
    project: str
    start: datetime
    end: datetime
    source: str
    client: str = ""
    task: str = ""
    note: str = ""
    billable: bool = True
    tags: tuple = ()


class TimeImporter:
    kind = ""

    def report_row(self, number, values, start, end):
        """A Row from the columns Toggl's and Clockify's detailed reports share.

        values: the cells of REPORT_COLUMNS, in that order (more may follow).
        """
        user, email, client, project, task, description, billable, tags = values[:8]
        identity = (user, email, client, project, task, description, stamp(start), stamp(end))
        return Row(  # by position, in the order of Row's fields: a third of the keywords' cost
            number,
            cell_text(project) or NO_PROJECT,
            start,
            end,
            fingerprint(self.kind, *identity),
            cell_text(client),
            cell_text(task),
            cell_text(description),
            billable.casefold() in YES if billable else True,
            tags_of(tags),
        )

    def plan(self, data):
        check_size(len(data))
        business = get_business()
        self.zone = ZoneInfo(business.time_zone) if business else timezone.get_current_timezone()
        rows, errors = self.read(data)
        plan = ImportPlan(errors=errors)
        bad = set()
        for row in rows:
            if problem := check_row(row):
                plan.errors.append(RowError(row.number, problem))
                bad.add(row.number)
            elif len(row.note) > NOTE_LIMIT:
                plan.warnings.append(RowWarning(row.number, long_note(row.note)))
                row.note = shortened(row.note, NOTE_LIMIT)
        known = set(
            TimeEntry.objects.filter(source__startswith=f"{self.kind}:").values_list(
                "source", flat=True
            )
        )
        fresh, seen, skipped = [], set(), 0
        for row in rows:
            if row.source in known or row.source in seen:
                skipped += 1
            else:
                seen.add(row.source)
                fresh.append(row)
        plan.errors.extend(overlaps([r for r in fresh if r.number not in bad], self.zone))
        plan.errors.sort(key=lambda e: e.row)
        plan.items = fresh
        clients, projects = names_to_create(fresh)
        plan.counts = {"import": len(fresh), "skip as already imported": skipped}
        if projects:
            plan.counts["create as new projects"] = len(projects)
        if clients:
            plan.counts["create as new clients"] = len(clients)
        return plan

    def read(self, data):
        """(rows, errors) from the file's bytes; ImportRefused if it is not this format."""
        raise NotImplementedError

    def apply(self, plan, progress=None):
        if not plan.ok:
            raise ImportRefused("This import has errors: fix them first.")
        with transaction.atomic():
            return self.write(plan, progress)

    def write(self, plan, progress):
        rows = plan.items
        keys = project_keys(rows)
        clients = match_clients(dict.fromkeys(client for client, _project in keys if client))
        projects, new_projects = match_projects(keys, clients)
        project_ids = {names: projects[key] for names, key in keys.items()}
        tasks = match_tasks(rows, project_ids)
        tags = match_tags(dict.fromkeys(t for r in rows for t in r.tags))
        tag_ids = {}  # a row's tags -> their ids, once per list of tags
        for names in {r.tags for r in rows}:
            tag_ids[names] = {tags[name.casefold()] for name in names}
        adapt = utc_adapter()
        now = adapt(timezone.now())
        done = 0
        for first in range(0, len(rows), CHUNK):
            chunk = rows[first : first + CHUNK]
            values = []  # as ENTRY_COLUMNS
            for r in chunk:
                project = project_ids[r.client, r.project]
                task = tasks.get((project, r.task.casefold())) if r.task else None
                seconds = int((r.end - r.start).total_seconds())
                start, end = adapt(r.start), adapt(r.end)
                values.append(
                    (project, task, start, end, seconds, r.note, r.billable, r.source, now, now)
                )
            pks = insert_entries(values)
            insert_links([(pks[r.source], tag) for r in chunk for tag in tag_ids[r.tags]])
            done += len(chunk)
            if progress:
                progress(done)
        counts = {"time entries": len(rows)}
        if new_projects:
            counts["new projects"] = new_projects
        if clients.created:
            counts["new clients"] = clients.created
        skipped = plan.counts.get("skip as already imported", 0)
        if skipped:
            counts["skipped as already imported"] = skipped
        return counts


# Time tracked outside these years is a typing or export mistake (and 9999-12-31 would
# overflow the overlap check's arithmetic).
EARLIEST_ENTRY = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_ENTRY = datetime(2100, 1, 1, tzinfo=UTC)


# The longest of each name an entry refers to, as their columns hold them.
NAME_LIMITS = (
    ("project", Project._meta.get_field("name").max_length, "its project name"),
    ("client", Contact._meta.get_field("name").max_length, "its client name"),
    ("task", Task._meta.get_field("title").max_length, "its task"),
)
TAG_LIMIT = Tag._meta.get_field("name").max_length
NOTE_LIMIT = TimeEntry._meta.get_field("note").max_length


def check_row(row):
    """The row's problem in words, or "". A name too long for its column is an error (cut,
    it would name another project, or merge two); a long note is only shortened (plan)."""
    for attribute, limit, what in NAME_LIMITS:
        if len(getattr(row, attribute)) > limit:
            return f"{what} is {len(getattr(row, attribute))} characters long; Patron takes at most {limit}."
    for tag in row.tags:
        if len(tag) > TAG_LIMIT:
            return f"its tag “{tag[:30]}…” is {len(tag)} characters long; Patron takes at most {TAG_LIMIT}."
    if row.start < EARLIEST_ENTRY or row.end > LATEST_ENTRY:
        return "its dates are not between 1970 and 2100."
    if row.end <= row.start:
        return "it ends before it starts."
    if (row.end - row.start).total_seconds() > MAX_ENTRY_SECONDS:
        return "it lasts more than 24 hours; Patron takes entries of a day at most."
    return ""


def long_note(note):
    return (
        f"its description is {len(note)} characters long; Patron keeps the first "
        f"{NOTE_LIMIT - 1}, ending in “…”."
    )


def overlaps(rows, zone):
    """RowErrors for rows that share time with another row or an entry already saved.

    Steps: gather the rows and the saved entries of their period as intervals,
    sort them by start, and sweep, keeping the interval that ends last so far;
    any interval starting before that end overlaps it.
    """
    if not rows:
        return []
    low = min(r.start for r in rows)
    high = max(r.end for r in rows)
    far = high + timedelta(days=1)
    saved = TimeEntry.objects.filter(start__lt=high).exclude(end__lte=low)
    intervals = [(r.start, r.end, r) for r in rows]
    intervals += [
        (start, end or far, (name, start))
        for start, end, name in saved.values_list("start", "end", "project__name")
    ]
    intervals.sort(key=itemgetter(0, 1))
    errors = {}
    last_end, holder = None, None
    for start, end, what in intervals:
        if last_end is not None and start < last_end:
            row, other = (what, holder) if isinstance(what, Row) else (holder, what)
            if isinstance(row, Row) and row.number not in errors:
                errors[row.number] = RowError(row.number, f"it overlaps {describe(other, zone)}.")
        if last_end is None or end > last_end:
            last_end, holder = end, what
    return list(errors.values())


def describe(other, zone):
    if isinstance(other, Row):
        return f"row {other.number} ({other.project})"
    name, start = other
    local = timezone.localtime(start, zone)
    return f"the entry of {name} at {local:%H:%M} on {local:%Y-%m-%d} already in Patron"


# What this importer's counts mean, in plural forms: a plan's (what would be done) and
# then apply's (what was done); `patron import` and the pages read them (system/registry).
PHRASES = {
    "import": ngettext_lazy(
        "%(count)s time entry to import", "%(count)s time entries to import", "count"
    ),
    "skip as already imported": ngettext_lazy(
        "%(count)s time entry already imported",
        "%(count)s time entries already imported",
        "count",
    ),
    "create as new projects": ngettext_lazy(
        "%(count)s project to create", "%(count)s projects to create", "count"
    ),
    "create as new clients": ngettext_lazy(
        "%(count)s client to create", "%(count)s clients to create", "count"
    ),
    "time entries": ngettext_lazy("%(count)s time entry", "%(count)s time entries", "count"),
    "new projects": ngettext_lazy("%(count)s new project", "%(count)s new projects", "count"),
    "new clients": ngettext_lazy("%(count)s new client", "%(count)s new clients", "count"),
    "skipped as already imported": ngettext_lazy(
        "%(count)s skipped as already imported", "%(count)s skipped as already imported", "count"
    ),
}
