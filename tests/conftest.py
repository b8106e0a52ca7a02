"""Settings for the whole suite; the shared fixtures and helpers are in tests/fixtures.py."""

from hypothesis import HealthCheck, settings

# The shared fixtures and helpers: the cast (owner, business, owner_client…), a draft, the
# `patron` command in-process, fresh installs for the slow tests.
pytest_plugins = ["tests.fixtures"]

# A loaded 2-core machine makes Hypothesis's timing checks fail tests that are right: what
# its properties prove does not depend on how fast the examples come.
settings.register_profile("patron", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("patron")


def _flush_around_the_frozen_guard():
    """Django empties an SQLite test database with DELETE FROM, which the triggers guarding
    issued documents refuse (PostgreSQL's TRUNCATE fires no row trigger): the tests' flush
    lifts the guard, empties the tables and puts the guard back. Only tests flush."""
    from django.db.backends.sqlite3.base import DatabaseOperations

    from patron.billing.documents import frozen

    plain = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        statements = plain(self, style, tables, **kwargs)
        if frozen.DOCUMENT_TABLE not in tables or not statements:
            return statements
        from patron.billing.models import Document

        guard = frozen.sqlite_statements(frozen.frozen_columns(Document), frozen.CONTENT_TABLES)
        return [*frozen.drop_statements("sqlite", frozen.CONTENT_TABLES), *statements, *guard]

    DatabaseOperations.sql_flush = sql_flush


_flush_around_the_frozen_guard()
