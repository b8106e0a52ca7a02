import secrets
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from patron.accounts.owner import do_create_owner, owner_exists
from patron.business.profile import get_business


class Command(BaseCommand):
    help = (
        "Fill an empty Patron with a realistic sample business, to try it out. "
        "Each app adds its own sample data (its demo.populate)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", default="claire@atelier-lumen.example")
        parser.add_argument(
            "--password", help="The owner's password (default: a random one, printed)."
        )
        parser.add_argument(
            "--country",
            type=str.upper,
            choices=["BE", "FR"],
            default="BE",
            help="BE: a Brussels designer charging VAT (default); FR: a micro-entrepreneur "
            "in Lyon under the VAT franchise.",
        )

    def handle(self, *args, email, password=None, country="BE", **options):
        self.migrate_a_new_install()
        if get_business() is not None or owner_exists():
            raise CommandError(
                "This Patron is not empty: the demo only fills a new install. "
                "Use another PATRON_DATA_DIR to try it."
            )
        password = password or secrets.token_urlsafe(12)
        with transaction.atomic():
            owner = do_create_owner(
                email=email,
                password=password,
                first_name="Claire",
                last_name="Dubois",
                language="fr",
            )
            for app in apps.get_app_configs():
                if not app.name.startswith("patron.") or not find_spec(f"{app.name}.demo"):
                    continue
                made = import_module(f"{app.name}.demo").populate(owner, country=country)
                self.stdout.write(f"{app.label}: {made}")
        self.stdout.write(f"Log in at /app/ as {email} with the password: {password}")

    def migrate_a_new_install(self):
        """A new data folder gets its tables first; an install whose migrations are pending
        is upgraded by `patron serve` (which backs it up first), not by the demo."""
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if not plan:
            return
        if executor.loader.applied_migrations:
            raise CommandError(
                "This Patron's database needs upgrading first: run `patron serve` (or "
                "`patron migrate`), then the demo into a new PATRON_DATA_DIR."
            )
        call_command("migrate", interactive=False, verbosity=0)
