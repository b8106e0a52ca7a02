from itertools import groupby

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils import timezone

from patron.work.management.commands._cli import (
    clock,
    date_range,
    refused,
    use_business_clock,
)
from patron.work.reports import time_log
from patron.work.timing import find_project, format_duration


class Command(BaseCommand):
    requires_system_checks = []  # a time command answers at once, as Watson does
    help = "List the time entries, day by day: patron log [--from D] [--to D] [--project P]."

    def add_arguments(self, parser):
        parser.add_argument("--from", help="First day (YYYY-MM-DD, today, yesterday).")
        parser.add_argument("--to", help="Last day, included.")
        parser.add_argument("--project", help="Only this project (the start of its name).")

    def handle(self, *args, **options):
        business = use_business_clock()
        start_on, end_on = date_range(options)
        project = None
        if options.get("project"):
            try:
                project = find_project(options["project"])
            except ValidationError as e:
                raise refused(e) from e
        now = timezone.now()
        entries = time_log(start_on, end_on, project, business=business)
        shown = False
        for day, items in groupby(entries, key=lambda e: timezone.localtime(e.start).date()):
            items = list(items)
            total = sum(e.elapsed_seconds(now) for e in items)
            self.stdout.write(f"{day:%A %d %B %Y} — {format_duration(total)}")
            for entry in items:
                self.stdout.write("  " + line(entry, now))
            shown = True
        if not shown:
            self.stdout.write("No time recorded in this period.")


def line(entry, now):
    end = clock(entry.end) if entry.end else "(running)"
    what = entry.project.name + (f" / {entry.task.title}" if entry.task_id else "")
    parts = [
        f"{clock(entry.start)} to {end:<9}",
        f"{format_duration(entry.elapsed_seconds(now)):>6}",
        what,
    ]
    tags = " ".join(f"+{t.name}" for t in entry.tags.all())
    if tags:
        parts.append(tags)
    if entry.note:
        parts.append(f"— {entry.note}")
    return "  ".join(parts)
