import logging
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend

from patron.system.schedule import enqueue_due_jobs, run_scheduler, sweep

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run the background worker (django-tasks database backend) and the periodic-job scheduler."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-scheduler", action="store_true", help="Only run tasks.")
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")

    def handle(self, *args, no_scheduler=False, batch=False, **options):
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError(
                "The database is not up to date with this Patron: run `patron migrate` (or "
                "`patron serve`, which backs up, migrates and starts the worker) first."
            )
        if not isinstance(task_backends["default"], DatabaseBackend):
            return self.schedule_only(batch)
        if batch:
            sweep()  # what a killed worker left half-done is queued again first
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

    def schedule_only(self, batch):
        """Tasks run where they are enqueued (PATRON_TASKS_IMMEDIATE): there is no queue to
        work through, but the periodic jobs still have to be started, and they run here."""
        log.info("Tasks run immediately (PATRON_TASKS_IMMEDIATE): only the scheduler runs.")
        if batch:
            enqueue_due_jobs()
            sweep()
            return
        stop = threading.Event()
        try:
            run_scheduler(stop)
        except KeyboardInterrupt:
            stop.set()
