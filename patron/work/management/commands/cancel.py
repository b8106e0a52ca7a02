from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from patron.work.management.commands._cli import clock, refused, use_business_clock
from patron.work.timing import do_cancel_timer


class Command(BaseCommand):
    requires_system_checks = []  # a time command answers at once, as Watson does
    help = "Throw the running timer away, recording nothing."

    def handle(self, *args, **options):
        use_business_clock()
        try:
            entry = do_cancel_timer()
        except ValidationError as e:
            raise refused(e) from e
        self.stdout.write(
            f"Cancelled the timer of {entry.project.name} started at {clock(entry.start)}."
        )
