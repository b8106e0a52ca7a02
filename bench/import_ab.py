"""The time importers' speed tricks against the plain code they replace, alternated
in one process on the same file: each round imports the file once per variant,
in a rotating order, each into a fresh copy of the same migrated install.

A variant turns tricks off by putting the plain code in their place (here, in
the bench: the importers hold only what they use). The tricks dropped since
(the cycle collector paused, SQLite's larger page cache, INSERT OR FAIL, cached
name cleaning) were weighed by this bench's first versions, in the commits that
added and timed them. Every variant must write the same rows (compared by a digest
of every entry and its tags), or the run stops.

    .venv/bin/python bench/import_ab.py TEMPLATE_DIR WORK_DIR FILE --runs 5 [--tricks a,b]

bench/report.py --import-only --ab runs it; WORK_DIR is the PATRON_DATA_DIR. With
DATABASE_URL set (a migrated PostgreSQL database), each import starts from its time,
contact and project tables emptied instead.
"""

import argparse
import contextlib
import hashlib
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

import django


class PlainClock:
    """zoneinfo for every time: what LocalClock's epoch arithmetic replaces (with no
    origin, wall_clock reads each time through zoneinfo, both folds)."""

    def __init__(self, zone):
        self.zone = zone

    def origin(self, day):
        return None

    def utc(self, moment, fold=0):
        from datetime import UTC

        if moment.tzinfo is not None:
            moment = moment.replace(tzinfo=None)
        return moment.replace(tzinfo=self.zone, fold=fold).astimezone(UTC)


def plain_write(self, plan, progress):
    """TimeImporter.write with the ORM's bulk_create for the entries and their tags."""
    from django.utils import timezone

    from patron.work.importers import common
    from patron.work.models import TimeEntry

    rows = plan.items
    keys = common.project_keys(rows)
    clients = common.match_clients(dict.fromkeys(client for client, _project in keys if client))
    projects, new_projects = common.match_projects(keys, clients)
    project_ids = {names: projects[key] for names, key in keys.items()}
    tasks = common.match_tasks(rows, project_ids)
    tags = common.match_tags(dict.fromkeys(t for r in rows for t in r.tags))
    tag_ids = {names: {tags[name.casefold()] for name in names} for names in {r.tags for r in rows}}
    Link = TimeEntry.tags.through
    now = timezone.now()
    done = 0
    for first in range(0, len(rows), common.CHUNK):
        chunk = rows[first : first + common.CHUNK]
        entries = []
        for r in chunk:
            project = project_ids[r.client, r.project]
            entries.append(
                TimeEntry(
                    project_id=project,
                    task_id=tasks.get((project, r.task.casefold())) if r.task else None,
                    start=r.start,
                    end=r.end,
                    duration_seconds=int((r.end - r.start).total_seconds()),
                    note=r.note,
                    billable=r.billable,
                    source=r.source,
                    created_at=now,
                    updated_at=now,
                )
            )
        TimeEntry.objects.bulk_create(entries, batch_size=1000)
        links = [
            Link(timeentry_id=e.pk, tag_id=tag)
            for e, r in zip(entries, chunk, strict=True)
            for tag in tag_ids[r.tags]
        ]
        Link.objects.bulk_create(links, batch_size=1000)
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


def tricks():
    """{trick: [(owner, attribute, its plain replacement)]}."""
    from patron.work.importers import clockify, common, harvest, toggl

    return {
        "insert": [(common.TimeImporter, "write", plain_write)],
        "clock": [(module, "LocalClock", PlainClock) for module in (clockify, harvest, toggl)],
        "stamp": [(common, "stamp", plain_stamp)],
        "utc": [(common, "utc_adapter", plain_adapter)],
    }


def plain_stamp(moment):
    """The sources' timestamp as Python formats it: what reading.stamp replaces."""
    return f"{moment:%Y%m%d%H%M%S}"


def plain_adapter():
    """Django's own adapter for every database: what writing.utc_adapter replaces."""
    from django.db import connection

    return connection.ops.adapt_datetimefield_value


@contextlib.contextmanager
def without(found, names):
    saved = []
    for name in names:
        for owner, attribute, plain in found[name]:
            saved.append((owner, attribute, getattr(owner, attribute)))
            setattr(owner, attribute, plain)
    try:
        yield
    finally:
        for owner, attribute, value in reversed(saved):
            setattr(owner, attribute, value)


def fresh_install(template, work):
    from django.db import connection

    if connection.vendor == "postgresql":  # DATABASE_URL given, migrated: emptied instead
        tables = ["work_timeentry_tags", "work_timeentry", "work_task", "work_tag"]
        tables += ["work_project", "contacts_contact"]
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        return
    connection.close()
    for suffix in ("", "-wal", "-shm"):
        (work / f"patron.sqlite3{suffix}").unlink(missing_ok=True)
    shutil.copy(template / "patron.sqlite3", work / "patron.sqlite3")


def digest():
    """Every entry as the user sees it (created_at aside), and its tags."""
    from patron.work.models import TimeEntry

    hashed = hashlib.sha256()
    entries = TimeEntry.objects.order_by("source").values_list(
        "source", "project__name", "project__client__name", "task__title", "start", "end",
        "duration_seconds", "note", "billable",
    )  # fmt: skip
    for values in entries.iterator(chunk_size=10_000):
        hashed.update(repr(values).encode())
    links = TimeEntry.tags.through.objects.order_by("timeentry__source", "tag__name")
    for values in links.values_list("timeentry__source", "tag__name").iterator(chunk_size=10_000):
        hashed.update(repr(values).encode())
    return hashed.hexdigest()[:16]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("template", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("file", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tricks", default="", help="Comma-separated; all of them if empty.")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patron.settings")
    django.setup()
    from patron.system.importing import get_importer

    found = tricks()
    names = [t for t in args.tricks.split(",") if t] or list(found)
    variants = {"current": [], **{f"-{name}": [name] for name in names}}
    if len(names) > 1:
        variants["plain"] = names
    data = args.file.read_bytes()
    times = {variant: [] for variant in variants}  # (plan, apply, CPU) seconds
    digests = {}
    order = list(variants)
    for run in range(args.runs):
        for variant in order[run % len(order) :] + order[: run % len(order)]:
            fresh_install(args.template, args.work)
            with without(found, variants[variant]):
                importer = get_importer("toggl")
                cpu, started = time.process_time(), time.perf_counter()
                plan = importer.plan(data)
                checked = time.perf_counter()
                importer.apply(plan)
                written, cpu = time.perf_counter(), time.process_time() - cpu
            times[variant].append((checked - started, written - checked, cpu))
            digests.setdefault(variant, digest())
            if digests[variant] != digests["current"]:
                sys.exit(f"{variant} wrote other rows than the current code")
        print(f"round {run + 1}: " + ", ".join(f"{v} {times[v][-1][2]:.2f}" for v in order))
    print(
        f"{len(plan.items)} rows, {args.runs} rounds, medians: wall-clock seconds (plan + apply), "
        "CPU seconds, and the CPU time over the current code's in the same round"
    )
    for variant, runs in times.items():
        # Per round, the CPU time: the machine is shared, the CPU time varies least.
        ratios = [t[2] / b[2] for t, b in zip(runs, times["current"], strict=True)]
        print(
            f"  {variant:<10} {statistics.median(t[0] + t[1] for t in runs):6.2f} s "
            f"(plan {statistics.median(t[0] for t in runs):5.2f}, "
            f"apply {statistics.median(t[1] for t in runs):5.2f}), "
            f"CPU {statistics.median(t[2] for t in runs):6.2f} s  "
            f"× {statistics.median(ratios):.2f} (rounds: {', '.join(f'{r:.2f}' for r in ratios)})"
        )


if __name__ == "__main__":
    main()
