from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from patron.work.management.commands._cli import (
    clock,
    describe,
    parse_at,
    refused,
    use_business_clock,
)
from patron.work.timing import do_stop_timer


class Command(BaseCommand):
    requires_system_checks = []  # a time command answers at once, as Watson does
    help = "Stop the running timer, now or at the time given (--at HH:MM)."

    def add_arguments(self, parser):
        parser.add_argument("--at", help="When you stopped (HH:MM today), if not now.")

    def handle(self, *args, at=None, **options):
        use_business_clock()
        end = parse_at(at) if at else None
        try:
            entry = do_stop_timer(at=end)
        except ValidationError as e:
            raise refused(e) from e
        what, duration = describe(entry)
        self.stdout.write(
            f"Stopped {what}: {duration} ({clock(entry.start)} to {clock(entry.end)})."
        )
