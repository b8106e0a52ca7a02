import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from patron.accounts.owner import owner_exists, setup_code, setup_code_required
from patron.system.backup import BackupError, create_backup


def pending_migrations():
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    applied = executor.loader.applied_migrations
    return plan, bool(applied)


def control_socket():
    """gunicorn's control socket (for `gunicornc`) in this install's data folder: its default,
    one path in the user's home, is shared by every instance on the machine, each taking it
    from the other and removing it when it stops. Off when the path is too long for a Unix
    socket (about 100 bytes)."""
    path = str(settings.DATA_DIR / "gunicorn.ctl")
    if len(path.encode()) > 100:
        return ["--no-control-socket"]
    return ["--control-socket", path]


class Command(BaseCommand):
    help = (
        "Serve Patron with gunicorn and run the background worker beside it. "
        "Pending migrations are applied first, after a backup."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.HOST)
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--workers", type=int, default=settings.WEB_WORKERS)
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start `patron worker`."
        )

    def handle(self, *args, host, port, workers, no_worker, **options):
        # The web processes must know where they listen (the setup code depends on it).
        os.environ["PATRON_HOST"] = settings.HOST = host
        self.upgrade_database()
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("check", databases=["default"], tags=["database"], verbosity=0)
        if not owner_exists() and setup_code_required():
            self.stdout.write(
                f"No owner yet: the first visit to /app/welcome/ asks for this setup code: {setup_code()}"
            )
        connection.close()

        processes = []
        if not no_worker:
            processes.append(subprocess.Popen([sys.executable, "-m", "patron.cli", "worker"]))
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "patron.wsgi:application",
                    "--bind",
                    f"{host}:{port}",
                    "--workers",
                    str(workers),
                    "--access-logfile",
                    "-",
                    "--graceful-timeout",
                    "10",
                    # Import Django once, then fork: the workers are up sooner.
                    "--preload",
                    *control_socket(),
                    # No reset tokens or query strings in the access log.
                    "--logger-class",
                    "patron.system.gunicorn.MaskingLogger",
                ]
            )
        )
        self.stdout.write(f"Patron is at http://{host}:{port}/app/ (Ctrl+C to stop)")

        def stop(signum, frame):
            for process in processes:
                if process.poll() is None:
                    process.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        # If either process ends, stop the other: a half-running Patron helps nobody.
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
        stop(None, None)
        codes = [process.wait() for process in processes]
        if any(code not in (0, -signal.SIGTERM, -signal.SIGINT) for code in codes):
            raise CommandError(f"Patron stopped: exit codes {codes}")

    def upgrade_database(self):
        """Apply pending migrations; on an existing database take a backup first."""
        plan, has_data = pending_migrations()
        if not plan:
            return
        backup = None
        if has_data:
            try:
                backup = create_backup(settings.DATA_DIR / "backups", label="pre-upgrade")
            except BackupError as e:
                raise CommandError(
                    f"Migrations are pending but the backup before them failed: {e}"
                ) from e
            self.stdout.write(f"Backed up the database before upgrading: {backup}")
        self.stdout.write(f"Applying {len(plan)} migration(s)…")
        try:
            call_command("migrate", interactive=False, verbosity=0)
        except Exception as e:
            hint = (
                f"\nYour data as it was is in {backup}. Fix the cause (the message above) and "
                "run `patron serve` again; or reinstall the Patron version you had, then "
                f"restore with:\n  patron restore {backup} --force"
                if backup
                else ""
            )
            raise CommandError(f"Upgrading the database failed: {e}{hint}") from e
