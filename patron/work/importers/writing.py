"""Writing checked rows: time entries and their tags, inserted as they are."""

from itertools import chain

from django.db import connection

from patron.work.importers.reading import EPOCH, NAIVE_EPOCH
from patron.work.models import TimeEntry

ENTRY_COLUMNS = [
    "project_id", "task_id", "start", "end", "duration_seconds", "note", "billable", "source",
    "created_at", "updated_at",
]  # fmt: skip


def insert_entries(values):
    """Insert entries (ENTRY_COLUMNS, ready for the database); returns {source: pk}.

    The ORM's bulk_create spends most of an import preparing each field of each
    object; these rows are already checked and typed, so they go in as they are
    (bulk_create makes a 100,000-row import 3.0x as long on SQLite, 1.6x on
    PostgreSQL). The same plain INSERT runs on both: a row breaking a constraint
    fails the import's transaction, and nothing of the import stays.
    Their ids are then read as those above the largest id before the insert: ids
    only grow (SQLite's AUTOINCREMENT, PostgreSQL's sequences), and a row another
    transaction could add meanwhile on PostgreSQL is told apart by its source.
    """
    table = connection.ops.quote_name(TimeEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608 -- names from the model
        before = cursor.fetchone()[0] or 0
        insert_rows(cursor, TimeEntry._meta.db_table, ENTRY_COLUMNS, values)
        cursor.execute(f"SELECT source, id FROM {table} WHERE id > %s", [before])  # noqa: S608
        wanted = {v[7] for v in values}
        return {source: pk for source, pk in cursor.fetchall() if source in wanted}


def utc_adapter():
    """connection.ops.adapt_datetimefield_value for the importers' aware datetimes.

    Django's adapter checks and converts each value; SQLite stores UTC as naive
    text, which the epoch arithmetic of LocalClock gives directly, at a quarter
    of the cost (and of replace(tzinfo=None)'s).
    """
    if connection.vendor == "sqlite":
        return lambda moment: str(NAIVE_EPOCH + (moment - EPOCH))
    return connection.ops.adapt_datetimefield_value


def insert_links(links):
    """Insert (entry id, tag id) pairs into the entries' tags."""
    with connection.cursor() as cursor:
        insert_rows(
            cursor, TimeEntry.tags.through._meta.db_table, ["timeentry_id", "tag_id"], links
        )


# SQLite's lowest limit (Django's max_query_params for it); PostgreSQL takes 65,535.
PARAMETERS_PER_STATEMENT = 999


def insert_rows(cursor, table, columns, rows):
    """INSERT rows (tuples in the order of columns), as many a statement as fit.

    A statement a row costs SQLite the run of a whole statement, its AUTOINCREMENT
    bookkeeping included, for each row; with a hundred rows a statement (as
    bulk_create does) a large import's inserts take about a third less time.
    The full statements go in one executemany: Django rewrites the placeholders
    of a statement's text at each call, which for such long texts is not free.
    """
    quote = connection.ops.quote_name
    into = f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) VALUES"
    marks = f"({', '.join(['%s'] * len(columns))})"
    size = PARAMETERS_PER_STATEMENT // len(columns)
    full = len(rows) - len(rows) % size
    if full:
        statement = f"{into} {', '.join([marks] * size)}"
        batches = [list(chain.from_iterable(rows[i : i + size])) for i in range(0, full, size)]
        cursor.executemany(statement, batches)
    if full < len(rows):
        rest = rows[full:]
        cursor.execute(f"{into} {', '.join([marks] * len(rest))}", list(chain.from_iterable(rest)))
