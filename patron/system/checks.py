from django.core.checks import Error, Tags, register
from django.db import connection


@register(Tags.database)
def check_sqlite_pragmas(app_configs, databases=None, **kwargs):
    """Read back the SQLite PRAGMAs: a misplaced OPTIONS key fails silently. Only when the
    database is asked for (`check --database default`, as `patron serve` does): a plain
    `patron check` must not open, or create, the database."""
    if connection.vendor != "sqlite" or "default" not in (databases or ()):
        return []
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout")
        busy_timeout = cursor.fetchone()[0]
    errors = []
    if journal_mode.lower() not in ("wal", "memory"):
        errors.append(Error(f"SQLite journal_mode is {journal_mode}, not WAL.", id="patron.E001"))
    if busy_timeout < 1000:
        errors.append(Error(f"SQLite busy_timeout is {busy_timeout} ms.", id="patron.E002"))
    return errors
