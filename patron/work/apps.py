from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "patron.work"
    label = "work"
    # What the framework finds here (patron/system/registry.py).
    importers = {
        "toggl": "patron.work.importers:TogglImporter",
        "clockify": "patron.work.importers:ClockifyImporter",
        "harvest": "patron.work.importers:HarvestImporter",
        "watson": "patron.work.importers:WatsonImporter",
        # A supplier's e-invoice (Factur-X / ZUGFeRD PDF, CII or UBL XML) booked as an expense.
        "expense": "patron.work.expenses.supplier_invoices:ExpenseImporter",
    }
    import_phrases = [
        "patron.work.importers:PHRASES",
        "patron.work.expenses.supplier_invoices:PHRASES",
    ]
    api_routes = [
        ("/work", "patron.work.api:router"),
        ("/expenses", "patron.work.expenses.api:router"),
    ]
