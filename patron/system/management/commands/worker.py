import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from patron.system.schedule import run_scheduler


class Command(BaseCommand):
    help = (
        "Run the background worker (django-tasks database backend) and the periodic-job scheduler."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-scheduler", action="store_true", help="Only run tasks.")
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")

    def handle(self, *args, no_scheduler=False, batch=False, **options):
        stop = threading.Event()
        if not no_scheduler and not batch:
            threading.Thread(
                target=run_scheduler, args=(stop,), daemon=True, name="scheduler"
            ).start()
        try:
            call_command(
                "db_worker", reload=False, batch=batch, interval=1, verbosity=options["verbosity"]
            )
        finally:
            stop.set()
