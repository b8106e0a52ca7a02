from django.core.management.base import BaseCommand
from django.utils import timezone

from patron.work.management.commands._cli import describe, use_business_clock
from patron.work.timing import running_entry


class Command(BaseCommand):
    requires_system_checks = []  # a time command answers at once, as Watson does
    help = "Show the running timer, if any."

    def handle(self, *args, **options):
        use_business_clock()
        entry = running_entry()
        if entry is None:
            self.stdout.write("No timer is running.")
            return
        what, duration = describe(entry)
        started = timezone.localtime(entry.start)
        since = f"{started:%H:%M}"
        if started.date() != timezone.localdate():
            since = f"{started:%Y-%m-%d %H:%M}"
        note = f" — {entry.note}" if entry.note else ""
        self.stdout.write(f"{what} since {since} ({duration}){note}")
