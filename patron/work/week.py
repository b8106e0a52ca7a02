"""The week grid: time per project (and task) and day, typed in cell by cell.

A cell holds the time of one project/task on one day in the business's time
zone. Typing in a cell creates or replaces one entry there (starting at 09:00
local time, or after what already fills the morning); clearing it deletes that
entry. A cell that holds several entries is left to the time list, so no
tracked detail (notes, tags, exact times) is thrown away.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from patron.money import in_seconds
from patron.work.models import Project, Task, TimeEntry
from patron.work.timing import check_entry, do_save_entry, format_duration, parse_duration

DAY_START = time(9, 0)


def monday_of(day):
    return day - timedelta(days=day.weekday())


def local_midnight(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def week_entries(monday):
    start = local_midnight(monday)
    return TimeEntry.objects.filter(
        start__gte=start, start__lt=local_midnight(monday + timedelta(days=7))
    )


@dataclass
class Cell:
    day: object
    seconds: int = 0
    count: int = 0
    typed: str | None = None  # what was typed, when it could not be saved
    error: str = ""

    @property
    def text(self):
        if self.typed is not None:
            return self.typed
        return format_duration(self.seconds) if self.seconds else ""

    @property
    def key(self):
        return self.day.isoformat()


@dataclass
class Row:
    project: Project
    task: Task | None
    cells: list = field(default_factory=list)

    @property
    def total(self):
        return sum(cell.seconds for cell in self.cells)

    @property
    def key(self):
        return f"{self.project.pk}_{self.task.pk if self.task else 0}"


@dataclass
class Day:
    day: object
    seconds: int
    planned_seconds: int

    @property
    def over(self):
        return self.planned_seconds and self.seconds > self.planned_seconds

    @property
    def percent(self):
        """Of the planned day, at most 100: the width of its bar."""
        if not self.planned_seconds:
            return 0
        return min(100, round(self.seconds * 100 / self.planned_seconds))


@dataclass
class Week:
    monday: object
    rows: list
    days: list

    @property
    def total(self):
        return sum(day.seconds for day in self.days)

    @property
    def previous(self):
        return self.monday - timedelta(days=7)

    @property
    def next(self):
        return self.monday + timedelta(days=7)

    @property
    def sunday(self):
        return self.monday + timedelta(days=6)


def build_week(monday, business, extra_project_ids=(), errors=None):
    """The grid of one week: a row per project/task with time, plus the extra rows asked for.

    Costs three queries whatever the week holds: the sums, the projects, the tasks.
    """
    days = [monday + timedelta(days=i) for i in range(7)]
    sums = (
        week_entries(monday)
        .annotate(day=TruncDate("start"))
        .values("project_id", "task_id", "day")
        .annotate(seconds=Sum("duration_seconds"), count=Count("pk"))
    )
    cells = {}
    for row in sums:
        cells[(row["project_id"], row["task_id"] or 0, row["day"])] = (row["seconds"], row["count"])
    errors = errors or {}
    keys = {(p, t) for p, t, _d in cells} | {(p, t) for p, t, _d in errors}
    keys |= {(int(pk), 0) for pk in extra_project_ids}
    projects = Project.objects.in_bulk({p for p, _t in keys})
    tasks = Task.objects.in_bulk({t for _p, t in keys if t})
    rows = []
    for project_id, task_id in keys:
        if project_id not in projects or (task_id and task_id not in tasks):
            continue
        row = Row(projects[project_id], tasks.get(task_id))
        for day in days:
            seconds, count = cells.get((project_id, task_id, day), (0, 0))
            cell = Cell(day, seconds, count)
            if (project_id, task_id, day) in errors:
                cell.typed, cell.error = errors[(project_id, task_id, day)]
            row.cells.append(cell)
        rows.append(row)
    rows.sort(key=lambda r: (r.project.name.lower(), r.project.pk, r.task.title if r.task else ""))
    planned = in_seconds(business.planned_hours_per_day) if business else 0
    totals = [
        Day(day, sum(r.cells[i].seconds for r in rows if r.cells[i].typed is None), planned)
        for i, day in enumerate(days)
    ]
    return Week(monday, rows, totals)


def parse_cell_name(name):
    """`c_<project>_<task or 0>_<YYYY-MM-DD>` → (project_id, task_id, date), or None."""
    parts = name.split("_")
    if len(parts) != 4 or parts[0] != "c" or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    try:
        day = datetime.strptime(parts[3], "%Y-%m-%d").date()  # noqa: DTZ007 (a date only)
    except ValueError:
        return None
    return int(parts[1]), int(parts[2]), day


def cell_entries(project_id, task_id, day):
    start = local_midnight(day)
    return TimeEntry.objects.filter(
        project_id=project_id,
        task_id=task_id or None,
        start__gte=start,
        start__lt=local_midnight(day + timedelta(days=1)),
    )


def place_entry(entry, seconds, day):
    """Start at 09:00, or at the end of whatever already fills that time of day."""
    candidates = [timezone.make_aware(datetime.combine(day, DAY_START))]
    others = (
        TimeEntry.objects.exclude(pk=entry.pk)
        .filter(end__gt=candidates[0], start__lt=local_midnight(day + timedelta(days=1)))
        .order_by("end")
        .values_list("end", flat=True)
    )
    candidates += list(others[:50])
    error = None
    for start in candidates:
        entry.start = start
        entry.end = start + timedelta(seconds=seconds)
        try:
            check_entry(entry)
            return entry
        except ValidationError as e:
            error = e
    raise error


def set_cell(project_id, task_id, day, seconds):
    """Make the cell hold `seconds` (0: empty it); ValidationError if it cannot."""
    entries = list(cell_entries(project_id, task_id, day)[:2])
    if len(entries) > 1:
        raise ValidationError(
            _("This day has several entries for this row: change them in the time list.")
        )
    entry = entries[0] if entries else None
    if entry is not None and entry.end is None:
        raise ValidationError(_("The timer is running here: stop it first."))
    if not seconds:
        if entry is not None:
            entry.delete()
        return None
    if entry is not None and entry.duration_seconds == seconds:
        return entry
    if entry is None:
        entry = TimeEntry(project_id=project_id, task_id=task_id or None)
    elif (entry.start + timedelta(seconds=seconds)).date() == entry.start.date():
        # Keep where it started when the longer entry still fits there.
        entry.end = entry.start + timedelta(seconds=seconds)
        try:
            check_entry(entry)
            return do_save_entry(entry)
        except ValidationError:
            pass
    place_entry(entry, seconds, day)
    return do_save_entry(entry)


def do_save_week(monday, business, data):
    """Apply every changed cell of a posted grid, all or nothing.

    Steps: read each `c_…` field of the week; parse what was typed; skip cells
    whose time did not change; set the others in one transaction; if any cell
    fails, roll every cell back and return the errors keyed by cell.
    """
    current = build_week(monday, business)
    known = {
        (r.project.pk, r.task.pk if r.task else 0, c.day): c.seconds
        for r in current.rows
        for c in r.cells
    }
    week_days = {monday + timedelta(days=i) for i in range(7)}
    changes, errors = [], {}
    for name, typed in data.items():
        cell = parse_cell_name(name)
        if cell is None or cell[2] not in week_days:
            continue
        typed = typed.strip()[:20]
        try:
            seconds = parse_duration(typed) if typed and typed not in {"0", "0h", "0m"} else 0
        except ValidationError as e:
            errors[cell] = (typed, e.messages[0])
            continue
        if known.get(cell, 0) != seconds:
            changes.append((cell, typed, seconds))
    project_ids = {cell[0] for cell, _t, _s in changes}
    existing = set(Project.objects.filter(pk__in=project_ids).values_list("pk", flat=True))
    task_pairs = {(cell[0], cell[1]) for cell, _t, _s in changes if cell[1]}
    valid_tasks = set(
        Task.objects.filter(pk__in={t for _p, t in task_pairs}).values_list("project_id", "pk")
    )
    for cell, typed, _seconds in changes:
        if cell[0] not in existing or (cell[1] and (cell[0], cell[1]) not in valid_tasks):
            errors[cell] = (typed, _("This project or task no longer exists."))
    if errors:
        return errors
    with transaction.atomic():
        for cell, typed, seconds in changes:
            try:
                with transaction.atomic():
                    set_cell(cell[0], cell[1], cell[2], seconds)
            except ValidationError as e:
                errors[cell] = (typed, e.messages[0])
        if errors:
            transaction.set_rollback(True)
            # What was typed stays in every changed cell, saved or not: nothing was.
            for cell, typed, _seconds in changes:
                errors.setdefault(cell, (typed, ""))
    return errors


def first_day_of_week(value, today):
    """The Monday of the week holding the date `value` (YYYY-MM-DD); this week's otherwise."""
    try:
        day = datetime.strptime((value or "")[:10], "%Y-%m-%d").date()  # noqa: DTZ007
    except ValueError:
        day = today
    if not 1900 <= day.year <= 2999:
        day = today
    return monday_of(day)
