import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from patron.system.backup import BackupError, extract_verified, restore_backup


class Command(BaseCommand):
    help = (
        "Replace the database and media with those of a backup archive. The archive is "
        "verified whole before anything is touched; an install that holds data is only "
        "overwritten with --force. Stop `patron serve` first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--force", action="store_true", help="Overwrite existing data.")
        parser.add_argument(
            "--verify-only", action="store_true", help="Check the archive and change nothing."
        )

    def handle(self, *args, file, force=False, verify_only=False, **options):
        try:
            if verify_only:
                with tempfile.TemporaryDirectory() as tmp:
                    manifest = extract_verified(file, Path(tmp))
                self.stdout.write(
                    f"The archive is sound: {manifest['engine']} database and "
                    f"{len(manifest['files']) - 1} media file(s), made {manifest['created_at']}."
                )
                return
            manifest = restore_backup(file, force=force)
        except BackupError as e:
            raise CommandError(f"Nothing was restored. {e}") from e
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(
            f"Restored the backup made {manifest['created_at']} "
            f"(Patron {manifest['patron_version']})."
        )
