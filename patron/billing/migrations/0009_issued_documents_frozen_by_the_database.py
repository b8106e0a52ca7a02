"""Triggers refusing any change to an issued document, its lines, its discounts and charges
(patron/billing/documents/frozen.py)."""

from django.db import migrations

from patron.billing.documents import frozen

CONTENT_TABLES = ["billing_line", "billing_adjustment"]


def install(apps, schema_editor):
    frozen.install(schema_editor.connection, apps.get_model("billing", "Document"), CONTENT_TABLES)


def uninstall(apps, schema_editor):
    frozen.uninstall(schema_editor.connection, CONTENT_TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0008_adjustments_exchange_rate"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
