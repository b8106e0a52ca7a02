"""Triggers refusing any change to an issued document or its lines (patron/billing/frozen.py)."""

from django.db import migrations

from patron.billing import frozen

CONTENT_TABLES = ["billing_line"]


def install(apps, schema_editor):
    frozen.install(schema_editor.connection, apps.get_model("billing", "Document"), CONTENT_TABLES)


def uninstall(apps, schema_editor):
    frozen.uninstall(schema_editor.connection, CONTENT_TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0006_merge_0005_reminders_recurring_0005_statements"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
