"""The database's own guard over rule 2 of the design: an issued document never changes.

The models refuse to change or delete an issued document, under the row's lock
(models.locked). These triggers refuse it beneath any code: a script, a queryset's
`update()`, a raw SQL statement or a future code path that forgets the rule. On an issued
document (any status but draft) they refuse:

- an UPDATE of any column but the few its life after issuing moves (`status`, never back
  to draft; `updated_at`; the `project` it is filed under, which no document shows);
- a DELETE;
- an INSERT, UPDATE or DELETE of a row of its content tables (its lines, its discounts
  and charges).

A refusal is an IntegrityError on both databases, with a message that starts with
"patron:". PostgreSQL compares the rows as JSON, so a column added later is frozen
without a new trigger. SQLite has no such thing and names each column; and SQLite alters a
table by building a new one, which drops the table's triggers and trips over the triggers of
the content tables that name it. So a migration that alters billing_document or a content
table wraps its operations in `around(...)`: the guard is lifted, the tables altered, and the
guard installed again for the model as it then is (tests/billing/test_frozen.py fails when
a migration forgets it).
"""

from contextlib import contextmanager

DOCUMENT_TABLE = "billing_document"
# Columns an issued document may still change: the moves of its life after issuing.
MOVABLE = ("status", "updated_at", "project_id")
MESSAGE = "patron: an issued document cannot be changed or deleted"
PREFIX = "patron_frozen"
# The tables that hold an issued document's content, as the latest migration installed them.
CONTENT_TABLES = ("billing_line", "billing_adjustment")


def frozen_columns(document_model):
    return [
        field.column
        for field in document_model._meta.concrete_fields
        if field.column not in MOVABLE and field.column != "id"
    ]


def issued(row):
    """SQLite: whether the document of the content row NEW or OLD is issued."""
    return (
        f"COALESCE((SELECT status FROM {DOCUMENT_TABLE} "  # noqa: S608 -- constants only
        f"WHERE id = {row}.document_id), 'draft') <> 'draft'"
    )


def sqlite_statements(columns, content_tables):
    raise_ = f"SELECT RAISE(ABORT, '{MESSAGE}');"
    changed = " OR ".join(f'NEW."{column}" IS NOT OLD."{column}"' for column in columns)
    statements = [
        f"CREATE TRIGGER {PREFIX}_document_update BEFORE UPDATE ON {DOCUMENT_TABLE} "
        f"FOR EACH ROW WHEN OLD.status <> 'draft' AND (NEW.status = 'draft' OR {changed}) "
        f"BEGIN {raise_} END",
        f"CREATE TRIGGER {PREFIX}_document_delete BEFORE DELETE ON {DOCUMENT_TABLE} "
        f"FOR EACH ROW WHEN OLD.status <> 'draft' BEGIN {raise_} END",
    ]
    for table in content_tables:
        statements += [
            f"CREATE TRIGGER {PREFIX}_{table}_insert BEFORE INSERT ON {table} "
            f"FOR EACH ROW WHEN {issued('NEW')} BEGIN {raise_} END",
            f"CREATE TRIGGER {PREFIX}_{table}_update BEFORE UPDATE ON {table} "
            f"FOR EACH ROW WHEN {issued('OLD')} OR {issued('NEW')} BEGIN {raise_} END",
            f"CREATE TRIGGER {PREFIX}_{table}_delete BEFORE DELETE ON {table} "
            f"FOR EACH ROW WHEN {issued('OLD')} BEGIN {raise_} END",
        ]
    return statements


def postgresql_statements(content_tables):
    movable = " - ".join(f"'{column}'" for column in MOVABLE)
    refuse = f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'"
    statements = [
        f"""CREATE FUNCTION {PREFIX}_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status <> 'draft' THEN
    IF TG_OP = 'DELETE' OR NEW.status = 'draft'
       OR (to_jsonb(NEW) - {movable}) IS DISTINCT FROM (to_jsonb(OLD) - {movable}) THEN
      {refuse};
    END IF;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$""",
        f"CREATE TRIGGER {PREFIX}_document BEFORE UPDATE OR DELETE ON {DOCUMENT_TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {PREFIX}_document()",
        # The document's row is read FOR SHARE: a line written while its document is being
        # issued waits for the issue to commit, then sees it issued.
        f"""CREATE FUNCTION {PREFIX}_content() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND EXISTS (SELECT 1 FROM {DOCUMENT_TABLE}
      WHERE id = OLD.document_id AND status <> 'draft' FOR SHARE) THEN
    {refuse};
  END IF;
  IF TG_OP <> 'DELETE' AND EXISTS (SELECT 1 FROM {DOCUMENT_TABLE}
      WHERE id = NEW.document_id AND status <> 'draft' FOR SHARE) THEN
    {refuse};
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$""",  # noqa: S608 -- constants only
    ]
    statements += [
        f"CREATE TRIGGER {PREFIX}_content BEFORE INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {PREFIX}_content()"
        for table in content_tables
    ]
    return statements


def drop_statements(vendor, content_tables):
    if vendor == "postgresql":
        return [
            f"DROP FUNCTION IF EXISTS {PREFIX}_document() CASCADE",
            f"DROP FUNCTION IF EXISTS {PREFIX}_content() CASCADE",
        ]
    names = [f"{PREFIX}_document_update", f"{PREFIX}_document_delete"]
    for table in content_tables:
        names += [f"{PREFIX}_{table}_{event}" for event in ("insert", "update", "delete")]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in names]


def install(connection, document_model, content_tables):
    """(Re)create the triggers for the document model as it is now (in a migration: the
    historical model) and the tables holding a document's content."""
    vendor = connection.vendor
    statements = drop_statements(vendor, content_tables)
    if vendor == "postgresql":
        statements += postgresql_statements(content_tables)
    elif vendor == "sqlite":
        statements += sqlite_statements(frozen_columns(document_model), content_tables)
    else:
        raise NotImplementedError(f"No guard of issued documents for {vendor}.")
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def uninstall(connection, content_tables):
    with connection.cursor() as cursor:
        for statement in drop_statements(connection.vendor, content_tables):
            cursor.execute(statement)


@contextmanager
def suspended(connection):
    """The guard lifted for the block, then put back as the current models want it: what
    the tests use to play someone altering the database by hand, for `patron verify` to
    find. Nothing in Patron itself calls it."""
    from patron.billing.models import Document

    uninstall(connection, CONTENT_TABLES)
    try:
        yield
    finally:
        install(connection, Document, CONTENT_TABLES)


def around(*operations, content_tables=CONTENT_TABLES):
    """A migration's operations on billing_document or its content tables, with the guard
    lifted before and installed again after (see the module's docstring)."""
    from django.db import migrations

    def lift(apps, schema_editor):
        uninstall(schema_editor.connection, content_tables)

    def guard(apps, schema_editor):
        install(schema_editor.connection, apps.get_model("billing", "Document"), content_tables)

    return [
        migrations.RunPython(lift, guard),
        *operations,
        migrations.RunPython(guard, lift),
    ]
