from django.core.management.base import BaseCommand, CommandError

from patron.system.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write a consistent single-file archive of the database and media, safe to take "
        "while Patron runs. FILE may be a path ending in .tar.gz, or a folder to write a "
        "dated archive in (default: the backups folder in the data folder). "
        "Check an archive with `patron restore FILE --verify-only`."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Where to write the archive.")

    def handle(self, *args, file=None, **options):
        try:
            path = create_backup(file)
        except BackupError as e:
            raise CommandError(f"No backup was written. {e}") from e
        self.stdout.write(str(path))
