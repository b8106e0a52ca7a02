"""The `patron` command: Django's command runner with Patron's settings.

Two mistakes get one line, not a traceback: a setting that cannot be read (it names the
variable), and a command run on a data folder without a database, which it would
otherwise create empty before failing on its first query.
"""

import os
import sys
from pathlib import Path

# The commands that make the database when there is none (serve and demo migrate first).
CREATE_THE_DATABASE = {"migrate", "serve", "demo", "restore", "test", "makemigrations"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patron.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 -- reads patron/settings.py now
    except ImproperlyConfigured as error:
        sys.exit(f"patron: {error}")
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    missing = missing_sqlite_file(settings) if command not in CREATE_THE_DATABASE else None
    if missing:
        # Opened read-write without creating it: a command that reads it fails (below)
        # instead of leaving an empty file behind.
        settings.DATABASES["default"]["NAME"] = f"{missing.as_uri()}?mode=rw"
    try:
        execute_from_command_line(sys.argv)
    except DatabaseError:
        if missing and not missing.exists():
            sys.exit(
                f"patron: there is no Patron database in {missing.parent}. Run `patron migrate` "
                "(or `patron serve`) to create one, or set PATRON_DATA_DIR to your data folder."
            )
        if not migrated():
            sys.exit(
                "patron: the database has no Patron tables yet: run `patron migrate` "
                "(or `patron serve`, which migrates) first."
            )
        raise


def missing_sqlite_file(settings):
    """The SQLite database's path when it is a file that does not exist yet."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return None
    path = Path(database["NAME"])
    return None if path.exists() else path


def migrated():
    """True when the database holds Django's migration table (asked without failing)."""
    from django.db import DatabaseError, connection

    try:
        connection.close()
        return "django_migrations" in connection.introspection.table_names()
    except DatabaseError:
        return False


if __name__ == "__main__":
    main()
