from datetime import timedelta

from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "patron.billing"
    label = "billing"
    # What the framework finds here (patron/system/registry.py).
    importers = {
        # camt.053 or CSV, told apart by the file itself, as on the page: one kind to remember.
        "statement": "patron.billing.statements.reading:StatementImporter",
    }
    import_phrases = ["patron.billing.statements.reading:PHRASES"]
    jobs = [
        ("send-reminders", "patron.billing.tasks:send_reminders", timedelta(days=1)),
        (
            "create-recurring-invoices",
            "patron.billing.tasks:create_recurring_invoices",
            timedelta(days=1),
        ),
    ]
    sweeps = [
        "patron.billing.recurring.runs:resume_interrupted_runs",
        "patron.billing.books.archive:resume_interrupted_builds",
    ]
    api_routes = [
        ("/billing/statements", "patron.billing.api.statements:router"),
        ("/billing", "patron.billing.api:router"),
        ("/billing", "patron.billing.api.reminders:router"),
        ("/einvoice", "patron.billing.einvoice.validation.api:router"),
    ]
