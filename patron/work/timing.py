"""Tracking time: the timer, entries, durations as people type them, billing increments.

Every way in (the header timer, the entry form, the week grid, the API, `patron
start/stop`, the importers) goes through these functions, so the rules hold
everywhere: one timer at a time, no overlapping entries, no end before start.
"""

import re
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from patron.money import in_seconds
from patron.work.models import Project, Tag, TimeEntry

MAX_ENTRY_SECONDS = 24 * 3600

# ASCII digits only: int() would also read Arabic-Indic or full-width ones.
HH_MM = re.compile(r"(\d{1,3}):([0-5]?\d)(?::([0-5]?\d))?", re.ASCII)  # 1:30, 01:30:00
HOURS = re.compile(r"(\d{1,3}(?:[.,]\d{1,4})?)h?", re.ASCII)  # 2, 2h, 1.5, 1,5h
HOURS_AND_MINUTES = re.compile(r"(\d{1,3})h([0-5]?\d)(?:m|min|mn)?", re.ASCII)  # 1h30, 1h30m
MINUTES = re.compile(r"(\d{1,4})(?:m|min|mn|minutes?)", re.ASCII)  # 90m, 90min


def parse_duration(text):
    """Seconds from "1h30", "90m", "1:30", "1.5h", "1,5" or "2"; ValidationError otherwise."""
    value = "".join((text or "").lower().split())
    seconds = None
    if match := HH_MM.fullmatch(value):
        h, m, s = (int(g or 0) for g in match.groups())
        seconds = h * 3600 + m * 60 + s
    elif match := HOURS.fullmatch(value):
        # 1.3333h is 4799.88 s: rounded to the second, not cut.
        seconds = in_seconds(match[1].replace(",", "."))
    elif match := HOURS_AND_MINUTES.fullmatch(value):
        seconds = int(match[1]) * 3600 + int(match[2]) * 60
    elif match := MINUTES.fullmatch(value):
        seconds = int(match[1]) * 60
    if seconds is None:
        raise ValidationError(
            _("“%(value)s” is not a duration: type it like 1h30, 90m, 1:30 or 1.5."),
            code="invalid",
            params={"value": (text or "")[:20]},
        )
    if seconds <= 0 or seconds > MAX_ENTRY_SECONDS:
        raise ValidationError(
            _("A duration must be more than zero and at most 24 hours."), code="range"
        )
    return seconds


def format_duration(seconds):
    """1h30, 45m, 2h: how durations are shown and accepted back."""
    seconds = int(seconds or 0)
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    if hours and minutes:
        return f"{hours}h{minutes:02d}"
    if hours:
        return f"{hours}h"
    return f"{minutes}m"


def billable_seconds(seconds, increment_minutes):
    """Seconds as billed: each started increment counts whole. Tracked time is never changed."""
    step = max(1, int(increment_minutes or 1)) * 60
    return -(-int(seconds) // step) * step if seconds > 0 else 0


def find_project(query, projects=None):
    """The project whose name starts with query, ignoring case; ValidationError if none or several."""
    query = (query or "").strip()
    projects = projects if projects is not None else Project.objects.all()
    if not query:
        exact, found = [], []
    elif query.isascii():
        exact = list(projects.filter(name__iexact=query)[:2])
        found = list(projects.filter(name__istartswith=query)[:6])
    else:
        # SQLite's LIKE folds the case of ASCII letters only ("école" would miss
        # "École"): compare the names in Python, which folds every letter.
        folded = query.casefold()
        names = projects.values_list("pk", "name")
        exact = [pk for pk, name in names if name.casefold() == folded][:2]
        found = [pk for pk, name in names if name.casefold().startswith(folded)][:6]
        by_pk = projects.in_bulk(set(exact) | set(found))
        exact = [by_pk[pk] for pk in exact]
        found = [by_pk[pk] for pk in found]
    if len(exact) == 1:
        return exact[0]
    if not found:
        raise ValidationError(
            _("No project starts with “%(query)s”."), code="none", params={"query": query[:50]}
        )
    if len(found) > 1:
        names = ", ".join(p.name for p in found[:5])
        raise ValidationError(
            _("“%(query)s” matches several projects: %(names)s. Type more of the name."),
            code="ambiguous",
            params={"query": query[:50], "names": names},
        )
    return found[0]


def overlapping(start, end, exclude=None):
    """Entries that share some time with [start, end) (end None: still running)."""
    entries = TimeEntry.objects.all()
    if exclude is not None and exclude.pk:
        entries = entries.exclude(pk=exclude.pk)
    later_end = Q(end__gt=start) | Q(end__isnull=True)
    if end is None:
        return entries.filter(later_end)
    return entries.filter(later_end, start__lt=end)


def check_not_invoiced(entry):
    """Time billed on an issued invoice is locked: the invoice stands on it."""
    if entry.pk is None:
        return
    stored = TimeEntry.objects.filter(pk=entry.pk).values_list("invoice__status", "invoice__number")
    status, number = stored.first() or (None, "")
    if status not in (None, "draft"):
        raise ValidationError(
            _("This time is billed on invoice %(number)s: it can no longer change."),
            code="invoiced",
            params={"number": number},
        )


def do_delete_entry(entry):
    check_not_invoiced(entry)
    entry.delete()


def check_entry(entry):
    """Raise ValidationError (per field) if the entry is impossible; returns it otherwise."""
    check_not_invoiced(entry)
    if entry.end is not None:
        if entry.end <= entry.start:
            raise ValidationError({"end": _("The end must come after the start.")})
        if (entry.end - entry.start).total_seconds() > MAX_ENTRY_SECONDS:
            raise ValidationError({"end": _("An entry lasts at most 24 hours.")})
    if entry.task_id and entry.task.project_id != entry.project_id:
        raise ValidationError({"task": _("This task belongs to another project.")})
    clash = overlapping(entry.start, entry.end, exclude=entry).select_related("project").first()
    if clash is not None:
        local = timezone.localtime(clash.start)
        raise ValidationError(
            _("This overlaps the entry of %(project)s at %(time)s on %(date)s."),
            code="overlap",
            params={
                "project": clash.project.name,
                "time": f"{local:%H:%M}",
                "date": f"{local:%Y-%m-%d}",
            },
        )
    return entry


def set_tags(entry, names):
    """Set the entry's tags by name ("+design" or "design"), reusing a tag whatever its case."""
    wanted = {}
    for name in names:
        name = (name or "").strip().lstrip("+").strip()[:50]
        if name:
            wanted.setdefault(name.casefold(), name)
    # Folded in Python: SQLite's iexact ignores the case of ASCII letters only.
    known = {t.name.casefold(): t for t in Tag.objects.all()} if wanted else {}
    tags = [known.get(folded) or Tag.objects.create(name=name) for folded, name in wanted.items()]
    entry.tags.set(tags)


@transaction.atomic
def do_save_entry(entry, tags=None):
    """Save a finished entry after the checks; its duration is derived from start and end."""
    if entry.end is None:
        raise ValidationError({"end": _("A finished entry needs an end.")})
    check_entry(entry)
    entry.duration_seconds = int((entry.end - entry.start).total_seconds())
    entry.running = None
    entry.save()
    if tags is not None:
        set_tags(entry, tags)
    return entry


def running_entry():
    # No ordering: .first() would sort by start, and SQLite would then walk the start
    # index through every entry instead of looking the one running row up. And not
    # running=True, which SQLite gets as `WHERE running` (nor "is not null") and answers by
    # reading every row; `running IN (1)` finds the one row through the unique index.
    found = (
        TimeEntry.objects.filter(running__in=[True]).select_related("project", "task").order_by()
    )
    return next(iter(found[:1]), None)


def do_start_timer(project, *, task=None, note="", tags=(), at=None):
    """Start the timer; refused while another runs or when it would overlap."""
    start = (at or timezone.now()).replace(microsecond=0)
    entry = TimeEntry(project=project, task=task, start=start, note=note[:500], running=True)
    try:
        with transaction.atomic():
            current = running_entry()
            if current is not None:
                raise ValidationError(
                    _("A timer already runs for %(project)s since %(time)s: stop it first."),
                    code="running",
                    params={
                        "project": current.project.name,
                        "time": f"{timezone.localtime(current.start):%H:%M}",
                    },
                )
            check_entry(entry)
            entry.save()
            set_tags(entry, tags)
    except IntegrityError:  # another request started one in the same instant
        raise ValidationError(
            _("A timer is already running: stop it first."), code="running"
        ) from None
    return entry


@transaction.atomic
def do_stop_timer(at=None):
    """Stop the running timer; returns the finished entry."""
    entry = running_entry()
    if entry is None:
        raise ValidationError(_("No timer is running."), code="none")
    end = (at or timezone.now()).replace(microsecond=0)
    if end <= entry.start:
        raise ValidationError(
            _("The timer started at %(time)s: it cannot stop before."),
            code="before",
            params={"time": f"{timezone.localtime(entry.start):%H:%M}"},
        )
    if (end - entry.start) > timedelta(seconds=MAX_ENTRY_SECONDS):
        raise ValidationError(
            _("The timer has run for more than 24 hours: give the time it stopped (--at)."),
            code="too_long",
        )
    entry.end = end
    return do_save_entry(entry)


@transaction.atomic
def do_cancel_timer():
    """Throw the running timer away; returns what it was."""
    entry = running_entry()
    if entry is None:
        raise ValidationError(_("No timer is running."), code="none")
    entry.delete()
    return entry
