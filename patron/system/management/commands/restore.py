from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from patron.system.backup import BackupError, restore_backup, verify_backup


def describe(manifest):
    media = sum(1 for name in manifest["files"] if name.startswith("media/"))
    rows = sum(manifest["counts"].values())
    return (
        f"a {manifest['engine']} database ({rows} rows in {len(manifest['counts'])} tables) "
        f"and {media} media file(s), made {manifest['created_at']} "
        f"by Patron {manifest['patron_version']}"
    )


class Command(BaseCommand):
    help = (
        "Replace the database and media with those of a backup archive. The archive is "
        "verified whole before anything is touched; an install that holds data is only "
        "replaced with --force, after a backup of it. Stop `patron serve` first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--force", action="store_true", help="Replace existing data (it is backed up first)."
        )
        parser.add_argument(
            "--verify-only", action="store_true", help="Check the archive and change nothing."
        )

    def handle(self, *args, file, force=False, verify_only=False, **options):
        try:
            if verify_only:
                manifest = verify_backup(file)
                self.stdout.write(f"The archive is sound: {describe(manifest)}.")
                return
            manifest, saved = restore_backup(file, force=force)
        except BackupError as e:
            raise CommandError(f"Nothing was restored. {e}") from e
        if saved:
            self.stdout.write(f"The data this replaced is saved in {saved}")
        try:
            # An archive from an older Patron gets this version's schema.
            call_command("migrate", interactive=False, verbosity=0)
        except Exception as e:
            raise CommandError(
                f"The backup was restored, but upgrading its database to this version of "
                f"Patron failed: {e}"
            ) from e
        self.stdout.write(f"Restored {describe(manifest)}.")
