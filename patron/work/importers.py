"""Time from other trackers: Toggl Track and Clockify detailed CSV, Harvest's
detailed time report, Watson's `frames` file (formats in
docs/facts/imports.md).

Every importer turns its file into `Row`s, then `TimeImporter.plan` checks them
all against Patron's rules before anything is written:

1. each row on its own: a project, a start before its end, at most a day;
2. rows already imported (their `source` is known) are skipped, so importing
   a file twice adds nothing;
3. the rest must not overlap each other or the entries already in Patron: real
   trackers allow parallel entries, Patron does not, so an overlap is a row
   error, named with both sides, and the user fixes the file (or the entry).
   The check is one sort-and-sweep over the rows and the entries of the same
   period, not a query per row;
4. clients (organisations marked as clients) and projects are matched by name
   ignoring case, and created when missing; so are tasks and tags.

`apply` writes all of it in one transaction with bulk inserts in chunks.
Times in CSV files are the wall-clock times of the business's time zone.
"""

import csv
import functools
import gc
import hashlib
import io
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import chain
from operator import itemgetter
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import connection, transaction
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
    decode_text,
    shortened,
)
from patron.work.models import Project, Tag, Task, TimeEntry
from patron.work.timing import MAX_ENTRY_SECONDS, parse_duration

CHUNK = 5000
NO_PROJECT = "No project"
HARVEST_DAY_STARTS = time(9, 0)
YES = {"yes", "true", "1", "y", "oui"}


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


def cell_text(value):
    """A cell's text, whitespace collapsed; never cut: check_row says what is too long."""
    return " ".join((value or "").split())


# Clients, projects and tasks: the same few names on thousands of lines.
name_text = functools.lru_cache(maxsize=4096)(cell_text)


@contextmanager
def collector_paused():
    """Python's cycle collector off while an import builds its rows, then back as it was.

    Rows hold no cycles, but the collector would walk every row made so far, again
    and again as they pile up: about a tenth of a large import's time.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def fingerprint(kind, *parts):
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
    return f"{kind}:{digest}"


TWO_DIGITS = [f"{n:02}" for n in range(100)]  # "00" to "99"


def stamp(moment):
    """YYYYMMDDHHMMSS as f"{moment:%Y%m%d%H%M%S}" writes it (sources depend on it), faster.

    Two digits taken from a list cost a third less than formatting them with %02d,
    and a large import stamps two times a row.
    """
    two = TWO_DIGITS
    return (
        f"{moment.year}{two[moment.month]}{two[moment.day]}"
        f"{two[moment.hour]}{two[moment.minute]}{two[moment.second]}"
    )


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
            name_text(project) or NO_PROJECT,
            start,
            end,
            fingerprint(self.kind, *identity),
            name_text(client),
            name_text(task),
            cell_text(description),
            billable.casefold() in YES if billable else True,
            tags_of(tags),
        )

    def plan(self, data):
        with collector_paused():
            return self.check(data)

    def check(self, data):
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
        with collector_paused(), transaction.atomic():
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
        with roomy_cache():
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


ENTRY_COLUMNS = [
    "project_id", "task_id", "start", "end", "duration_seconds", "note", "billable", "source",
    "created_at", "updated_at",
]  # fmt: skip


def insert_entries(values):
    """Insert entries (ENTRY_COLUMNS, ready for the database); returns {source: pk}.

    The ORM's bulk_create spends most of an import preparing each field of each
    object; these rows are already checked and typed, so they go in as they are.
    Their ids are then read as those above the largest id before the insert: ids
    only grow (SQLite's AUTOINCREMENT, PostgreSQL's sequences), and a row another
    transaction could add meanwhile on PostgreSQL is told apart by its source.
    """
    table = connection.ops.quote_name(TimeEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608 -- names from the model
        before = cursor.fetchone()[0] or 0
        insert_rows(cursor, TimeEntry._meta.db_table, ENTRY_COLUMNS, values)
        cursor.execute(f"SELECT source, id FROM {table} WHERE id > %s", [before])  # noqa: S608
        wanted = {v[7] for v in values}
        return {source: pk for source, pk in cursor.fetchall() if source in wanted}


def utc_adapter():
    """connection.ops.adapt_datetimefield_value for the importers' aware datetimes.

    Django's adapter checks and converts each value; SQLite stores UTC as naive
    text, which the epoch arithmetic of LocalClock gives directly, at a quarter
    of the cost (and of replace(tzinfo=None)'s).
    """
    if connection.vendor == "sqlite":
        return lambda moment: str(NAIVE_EPOCH + (moment - EPOCH))
    return connection.ops.adapt_datetimefield_value


@contextmanager
def roomy_cache():
    """On SQLite, a page cache big enough for the index pages a large import touches,
    while it runs: with the default 2 MB, SQLite writes them out to the WAL file
    half-way and reads them back."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute("PRAGMA cache_size = -65536")  # negative: in KiB, so 64 MiB
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def insert_links(links):
    """Insert (entry id, tag id) pairs into the entries' tags."""
    with connection.cursor() as cursor:
        insert_rows(
            cursor, TimeEntry.tags.through._meta.db_table, ["timeentry_id", "tag_id"], links
        )


# SQLite's lowest limit (Django's max_query_params for it); PostgreSQL takes 65,535.
PARAMETERS_PER_STATEMENT = 999


def insert_rows(cursor, table, columns, rows):
    """INSERT rows (tuples in the order of columns), as many a statement as fit.

    A statement a row costs SQLite the run of a whole statement, its AUTOINCREMENT
    bookkeeping included, for each row; with a hundred rows a statement (as
    bulk_create does) a large import's inserts take about a third less time.
    The full statements go in one executemany: Django rewrites the placeholders
    of a statement's text at each call, which for such long texts is not free.

    On SQLite, OR FAIL: a row breaking a constraint stops the statement without
    undoing the rows before it, so SQLite keeps no journal to undo them (a copy
    of each page the statement changes, another quarter of the time); the error
    still rolls the whole import back, as its transaction ends with it.
    """
    quote = connection.ops.quote_name
    verb = "INSERT OR FAIL INTO" if connection.vendor == "sqlite" else "INSERT INTO"
    into = f"{verb} {quote(table)} ({', '.join(quote(c) for c in columns)}) VALUES"
    marks = f"({', '.join(['%s'] * len(columns))})"
    size = PARAMETERS_PER_STATEMENT // len(columns)
    full = len(rows) - len(rows) % size
    if full:
        statement = f"{into} {', '.join([marks] * size)}"
        batches = [list(chain.from_iterable(rows[i : i + size])) for i in range(0, full, size)]
        cursor.executemany(statement, batches)
    if full < len(rows):
        rest = rows[full:]
        cursor.execute(f"{into} {', '.join([marks] * len(rest))}", list(chain.from_iterable(rest)))


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


# Matching and creating clients, projects, tasks and tags by name


def project_keys(rows):
    """{(client, project) as the rows name them: the same casefolded, the key projects
    are matched by}, in the order of the rows: casefolded once a pair, not once a row."""
    pairs = dict.fromkeys((r.client, r.project) for r in rows)
    return {(client, name): (client.casefold(), name.casefold()) for client, name in pairs}


class Clients(dict):
    created = 0


def organisations():
    found = {}
    for pk, name in Contact.objects.filter(is_organisation=True).values_list("pk", "name"):
        found.setdefault(name.casefold(), pk)
    return found


def names_to_create(rows):
    """(clients, projects) the rows name that do not exist yet, for the plan's counts."""
    orgs = organisations()
    keys = set(project_keys(rows).values())
    clients = {client for client, _name in keys if client} - set(orgs)
    existing = existing_projects()
    projects = set()
    for key in keys:
        client, name = key
        if find_existing_project(existing, orgs.get(client) if client else None, name) is None:
            projects.add(key)
    return clients, projects


def existing_projects():
    found = {}
    for pk, name, client_id in Project.objects.values_list("pk", "name", "client_id"):
        found.setdefault((client_id, name.casefold()), pk)
        found.setdefault((None, name.casefold()), pk)  # a row without client takes any
    return found


def find_existing_project(existing, client_id, name):
    return existing.get((client_id, name)) if client_id else existing.get((None, name))


def match_clients(names):
    orgs = organisations()
    clients = Clients()
    missing = {}
    for name in names:
        if name.casefold() in orgs:
            clients[name.casefold()] = orgs[name.casefold()]
        else:
            missing.setdefault(name.casefold(), name)
    Contact.objects.filter(pk__in=list(clients.values()), is_client=False).update(is_client=True)
    for folded, name in missing.items():
        contact = Contact.objects.create(is_organisation=True, is_client=True, name=name)
        clients[folded] = contact.pk
    clients.created = len(missing)
    return clients


def match_projects(keys, clients):
    """({key: project id}, how many were created) for project_keys(rows)."""
    existing = existing_projects()
    projects, new = {}, {}
    for (_client, name), key in keys.items():
        if key in projects or key in new:
            continue
        client_id = clients[key[0]] if key[0] else None
        pk = find_existing_project(existing, client_id, key[1])
        if pk is None:
            new[key] = Project(name=name, client_id=client_id)
        else:
            projects[key] = pk
    if connection.features.can_return_rows_from_bulk_insert:
        Project.objects.bulk_create(new.values())  # sets their ids
    else:  # SQLite before 3.35
        for project in new.values():
            project.save()
    projects.update((key, project.pk) for key, project in new.items())
    return projects, len(new)


def match_tasks(rows, project_ids):
    """{(project id, casefolded title): task id}, the tasks the rows name made if missing.

    project_ids: {(client, project) as the rows name them: project id}.
    """
    wanted = {(project_ids[r.client, r.project], r.task.casefold()): r.task for r in rows if r.task}
    if not wanted:
        return {}
    tasks = {}
    for pk, project_id, title in Task.objects.filter(
        project_id__in={p for p, _t in wanted}
    ).values_list("pk", "project_id", "title"):
        tasks.setdefault((project_id, title.casefold()), pk)
    for (project_id, folded), title in wanted.items():
        if (project_id, folded) not in tasks:
            task = Task.objects.create(project_id=project_id, title=title)
            tasks[(project_id, folded)] = task.pk
    return tasks


def match_tags(names):
    tags = {t.name.casefold(): t.pk for t in Tag.objects.all()}
    missing = {}
    for name in names:
        if name.casefold() not in tags:
            missing.setdefault(name.casefold(), name)
    if missing:
        Tag.objects.bulk_create([Tag(name=name) for name in missing.values()])
        tags = {t.name.casefold(): t.pk for t in Tag.objects.all()}
    return tags


# Reading CSV files


def csv_rows(data, required, kind):
    """(header index, (line number, cells) for each line) after the header line found
    among the first lines.

    The lines are read as they are asked for: a large file's cells are not all held
    at once (a third of a 100,000-line import's memory, and its page faults).
    """
    text = decode_text(data)
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    # strict: a quote left open is an error, not the rest of the file read as one cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    wanted = {name.casefold() for name in required}
    with unreadable_csv(reader):
        for cells in reader:
            names = [c.strip().lstrip("\ufeff").casefold() for c in cells]
            if wanted <= set(names):
                index = {name: i for i, name in reversed(list(enumerate(names)))}
                return index, lines_after(reader)
            if reader.line_num >= 20:
                break
    raise ImportRefused(
        f"This is not a {kind} export: no header line with {', '.join(required)} was found."
    )


def lines_after(reader):
    """(line number, cells) of each line left that is not empty, as they are read."""
    with unreadable_csv(reader):
        for cells in reader:
            if any(cells):
                yield reader.line_num, cells


@contextmanager
def unreadable_csv(reader):
    try:
        yield
    except csv.Error as e:
        raise ImportRefused(
            f"This is not a readable CSV file (line {reader.line_num}: {e})."
        ) from e


def picker(index, names):
    """A function from a line's cells to the named columns' stripped values, in order.

    A column the header lacks, or a line cut short, reads as empty.
    """
    width = max(index.values()) + 1
    positions = [index.get(name.casefold(), -1) for name in names]

    def pick(cells):
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        cells.append("")  # what position -1, a missing column, reads
        return [cells[i].strip() for i in positions]

    return pick


@functools.lru_cache(maxsize=4096)  # a file repeats the same few tag lists
def tags_of(text):
    return tuple(t for t in (cell_text(t) for t in text.split(",")) if t)


DATE_FORMATS = ["%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d"]
TIME_FORMATS = ["%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p"]


def date_format(values):
    """The first format that reads every value: US month/day wins when both would."""
    values = [v for v in values if v]
    for fmt in DATE_FORMATS:
        try:
            for value in values:
                datetime.strptime(value, fmt)  # noqa: DTZ007 -- a date only
        except ValueError:
            continue
        return fmt
    return None


def read_date(value, fmt):
    if fmt == "%Y-%m-%d":
        return date.fromisoformat(value)
    return datetime.strptime(value, fmt).date()  # noqa: DTZ007 -- a date only


def read_time(value):
    value = value.strip().upper()
    if "M" not in value:  # 24-hour clock: the fast path
        return time.fromisoformat(value if value.count(":") else value + ":00")
    for fmt in ("%I:%M:%S %p", "%I:%M %p", "%I:%M:%S%p", "%I:%M%p"):
        try:
            return datetime.strptime(value, fmt).time()  # noqa: DTZ007 -- a time only
        except ValueError:
            continue
    raise ValueError(value)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NAIVE_EPOCH = EPOCH.replace(tzinfo=None)


class LocalClock:
    """Wall-clock times of one zone to UTC, the zone's rules looked up once per day.

    On a day the clocks do not change, every time of the day has the same UTC
    offset, so a time's UTC is the epoch plus its distance from the day's
    `origin`, the wall-clock reading of the epoch at that offset: a subtraction
    and an addition, where replace(tzinfo=…) alone costs five times both (it is
    what a large import spent most of its reading on). The few days the clocks
    change (None in `days`) go through zoneinfo time by time.
    """

    def __init__(self, zone):
        self.zone = zone
        self.days = {}  # date -> its origin, or None

    def origin(self, day):
        try:
            return self.days[day]
        except KeyError:
            pass
        try:
            ends = (datetime.combine(day, time.min), datetime.combine(day + timedelta(1), time.min))
        except OverflowError:  # 9999-12-31
            ends = ()
        # Both readings of both midnights: any change that day makes them differ.
        found = {self.zone.utcoffset(e.replace(fold=fold)) for e in ends for fold in (0, 1)}
        self.days[day] = NAIVE_EPOCH + found.pop() if len(found) == 1 else None
        return self.days[day]

    def utc(self, moment, fold=0):
        """The UTC time of a local time; fold=1 takes the second of a repeated hour.

        An offset written with the time ("09:00+02:00") is ignored: the wall-clock
        reading is what counts, as it always was.
        """
        if moment.tzinfo is not None:
            moment = moment.replace(tzinfo=None)
        origin = self.origin(moment.date())
        if origin is None:
            return moment.replace(tzinfo=self.zone, fold=fold).astimezone(UTC)
        return EPOCH + (moment - origin)


def local(day, moment, clock):
    return clock.utc(datetime.combine(day, moment))


def wall_clock(start, end, clock, duration="", after=None):
    """UTC start and end of an entry typed in local time, the autumn's repeated hour included.

    02:30 happens twice the night clocks go back: when the end read first would
    fall before the start, the end is the second 02:30; the Duration column, when
    given, is the real length and settles it. A start in that hour is the second
    one when the first would fall before `after`, the end of the row before
    (exports list entries in order).
    """
    if start.tzinfo is not None or end.tzinfo is not None:  # as in LocalClock.utc
        start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
    first, last = clock.origin(start.date()), clock.origin(end.date())
    if first is not None and last is not None:  # no clock change either day: one reading each
        return EPOCH + (start - first), EPOCH + (end - last)
    begin, finish = clock.utc(start), clock.utc(end)
    second = clock.utc(start, fold=1)
    if after is not None and begin < after <= second:
        begin = second
    later = clock.utc(end, fold=1)
    if duration and ":" in duration and not duration.startswith("-"):
        try:
            real = begin + timedelta(seconds=seconds_of(duration))
        except ValueError:
            real = None
        if real in (finish, later):
            return begin, real
    if finish <= begin < later:
        return begin, later
    return begin, finish


def seconds_of(text):
    """Seconds from "1:30:00", "1.5" or "1,5" (hours); ValueError otherwise."""
    text = text.strip()
    if text.startswith("-"):
        raise ValueError("negative")
    if ":" in text:
        parts = text.split(":")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            return int(parts[0]) * 3600 + int(parts[1]) * 60 + int(parts[2])
    try:
        return parse_duration(text)
    except ValidationError:
        raise ValueError(text) from None


REPORT_COLUMNS = ["User", "Email", "Client", "Project", "Task", "Description", "Billable", "Tags"]


class TogglImporter(TimeImporter):
    kind = "toggl"
    REQUIRED = ["Project", "Description", "Start date", "Start time", "End date", "End time"]
    TIMES = ["Start date", "Start time", "End date", "End time", "Duration"]

    def read(self, data):
        index, lines = csv_rows(data, self.REQUIRED, "Toggl detailed report")
        pick = picker(index, REPORT_COLUMNS + self.TIMES)
        clock = LocalClock(self.zone)
        rows, errors, previous_end = [], [], None
        for number, cells in lines:
            values = pick(cells)
            start_date, start_time, end_date, end_time, duration = values[8:]
            try:
                # An offset written with a time is ignored: its wall-clock time counts.
                start = datetime.fromisoformat(f"{start_date}T{start_time}").replace(tzinfo=None)
                end = datetime.fromisoformat(f"{end_date}T{end_time}").replace(tzinfo=None)
            except ValueError:
                errors.append(RowError(number, "its start or end is not a date and time."))
                continue
            if duration.startswith("-") and end > start:
                errors.append(RowError(number, "its duration is negative."))
                continue
            try:
                start, end = wall_clock(start, end, clock, duration, previous_end)
            except OverflowError:  # year 1 or 9999 once in UTC
                errors.append(RowError(number, "its start or end is not a date and time."))
                continue
            previous_end = end
            rows.append(self.report_row(number, values, start, end))
        return rows, errors


class ClockifyImporter(TimeImporter):
    kind = "clockify"
    REQUIRED = ["Project", "Start Date", "Start Time"]
    TIMES = [
        "Start Date", "Start Time", "End Date", "End Time", "Duration (h)", "Duration (decimal)",
    ]  # fmt: skip

    def read(self, data):
        index, lines = csv_rows(data, self.REQUIRED, "Clockify detailed report")
        pick = picker(index, REPORT_COLUMNS + self.TIMES)
        records = [(number, pick(cells)) for number, cells in lines]
        fmt = date_format([v for _n, values in records for v in (values[8], values[10])])
        if fmt is None and records:
            raise ImportRefused(
                "The dates of this file are in no format Patron knows "
                "(YYYY-MM-DD, MM/DD/YYYY, DD/MM/YYYY, DD.MM.YYYY)."
            )
        clock = LocalClock(self.zone)
        rows, errors = [], []
        for number, values in records:
            start_date, start_time, end_date, end_time, hours, decimal = values[8:]
            try:
                start = local(read_date(start_date, fmt), read_time(start_time), clock)
            except (ValueError, OverflowError):
                errors.append(RowError(number, "its start is not a date and time."))
                continue
            if end_date and end_time:
                try:
                    end = local(read_date(end_date, fmt), read_time(end_time), clock)
                except (ValueError, OverflowError):
                    errors.append(RowError(number, "its end is not a date and time."))
                    continue
            else:
                duration = hours or decimal
                try:
                    end = start + timedelta(seconds=seconds_of(duration))
                except ValueError:
                    errors.append(RowError(number, f"“{duration[:20]}” is not a duration."))
                    continue
            rows.append(self.report_row(number, values, start, end))
        return rows, errors


class HarvestImporter(TimeImporter):
    """Harvest has hours per day, no clock times: each day's rows are laid end to end
    from 09:00 in the order of the file, so the same file always gives the same times."""

    kind = "harvest"
    REQUIRED = ["Date", "Project", "Hours"]
    COLUMNS = [
        "Date", "Client", "Project", "Task", "Notes", "Hours", "First Name", "Last Name",
        "Billable?",
    ]  # fmt: skip

    def read(self, data):
        index, lines = csv_rows(data, self.REQUIRED, "Harvest detailed time report")
        pick = picker(index, self.COLUMNS)
        records = [(number, pick(cells)) for number, cells in lines]
        fmt = date_format([values[0] for _n, values in records])
        if fmt is None and records:
            raise ImportRefused("The dates of this file are not YYYY-MM-DD or M/D/YYYY.")
        clock = LocalClock(self.zone)
        rows, errors, next_start, seen = [], [], {}, {}
        for number, values in records:
            day, client, project, task, notes, hours, _first, _last, billable = values
            try:
                day = read_date(day, fmt)
            except ValueError:
                errors.append(RowError(number, f"“{values[0][:20]}” is not a date."))
                continue
            try:
                seconds = seconds_of(hours)
            except ValueError:
                errors.append(RowError(number, f"“{hours[:20]}” is not a number of hours."))
                continue
            try:
                start = next_start.get(day) or local(day, HARVEST_DAY_STARTS, clock)
            except OverflowError:
                errors.append(RowError(number, f"“{values[0][:20]}” is not a date."))
                continue
            end = start + timedelta(seconds=seconds)
            next_start[day] = end
            identity = tuple(values[:8])
            # Two identical lines are two entries: count them apart.
            occurrence = seen[identity] = seen.get(identity, 0) + 1
            rows.append(
                Row(
                    number=number,
                    client=cell_text(client),
                    project=cell_text(project) or NO_PROJECT,
                    task=cell_text(task),
                    note=cell_text(notes),
                    start=start,
                    end=end,
                    billable=billable.casefold() in YES if billable else True,
                    source=fingerprint(self.kind, *identity, str(occurrence)),
                )
            )
        return rows, errors


FRAME_ID = re.compile(r"[0-9a-f]{32}")


class WatsonImporter(TimeImporter):
    """Watson's `frames` file: [[start, stop, project, id, tags, updated_at], …] in UTC seconds."""

    kind = "watson"

    def read(self, data):
        try:
            frames = json.loads(decode_text(data))
        except ValueError as e:
            raise ImportRefused(f"This is not a Watson frames file: {e}.") from e
        except RecursionError:
            # json gives up on lists in lists in lists… deeper than Python's stack: a frames
            # file nests three deep, so this is no frames file (or a hostile one).
            raise ImportRefused(
                "This is not a Watson frames file: it is nested far too deeply "
                "(a frames file is a list of frames, each a list)."
            ) from None
        if not isinstance(frames, list):
            raise ImportRefused("This is not a Watson frames file: it should be a JSON list.")
        rows, errors = [], []
        for number, frame in enumerate(frames, start=1):
            if not isinstance(frame, list) or len(frame) < 4:
                errors.append(RowError(number, "it is not a frame [start, stop, project, id…]."))
                continue
            start, stop, project, frame_id = frame[:4]
            tags = frame[4] if len(frame) > 4 else []
            if not all(
                isinstance(t, int | float) and not isinstance(t, bool) for t in (start, stop)
            ):
                errors.append(RowError(number, "its start and stop are not timestamps."))
                continue
            if not isinstance(project, str) or not project.strip():
                errors.append(RowError(number, "it has no project."))
                continue
            if not isinstance(frame_id, str) or not FRAME_ID.fullmatch(frame_id.replace("-", "")):
                errors.append(RowError(number, "its id is not a Watson frame id."))
                continue
            if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
                errors.append(RowError(number, "its tags are not a list of words."))
                continue
            try:
                begin = datetime.fromtimestamp(int(start), UTC)
                end = datetime.fromtimestamp(int(stop), UTC)
            except (ValueError, OverflowError, OSError):
                errors.append(RowError(number, "its start or stop is out of range."))
                continue
            rows.append(
                Row(
                    number=number,
                    project=cell_text(project),
                    start=begin,
                    end=end,
                    tags=tuple(t for t in (cell_text(t) for t in tags) if t),
                    source=f"watson:{frame_id.replace('-', '')}",
                )
            )
        return rows, errors


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
