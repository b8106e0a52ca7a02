"""`patron recurring ACTION`: retainers from the command line.

`run` creates the invoices of the periods begun (what the worker does once a day; safe to
run again: a period is invoiced once); `list` prints the templates and their next date.
"""

from json import dumps

from django.core.management.base import BaseCommand
from django.utils import translation

from patron.billing.models import Recurring
from patron.billing.recurring.runs import next_date, run
from patron.work.management.commands._cli import date_option


class Command(BaseCommand):
    help = (
        "Recurring invoices: `patron recurring run [--date D]`, `patron recurring list [--json]`."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        running = actions.add_parser("run", help="Create the invoices of the periods begun.")
        running.add_argument(
            "--date",
            type=date_option("--date"),
            help="YYYY-MM-DD: run as if it were that day.",
        )
        listing = actions.add_parser("list", help="The recurring invoices and their next date.")
        listing.add_argument("--json", action="store_true", help="A JSON list of objects.")

    def handle(self, *args, action, **options):
        translation.activate("en")  # as every command: see patron/work/management/commands/_cli.py
        return getattr(self, action)(**options)

    def run(self, date=None, **_):
        made = run(today=date)
        for document in made:
            self.stdout.write(f"{document.number or 'draft'}\t{document.client}")
        self.stdout.write(f"{len(made)} invoices created.")

    def list(self, json=False, **_):
        templates = Recurring.objects.select_related("client").prefetch_related("runs")
        rows = []
        for recurring in templates:
            upcoming = next_date(recurring) if recurring.active else None
            rows.append(
                {
                    "id": recurring.pk,
                    "name": recurring.name,
                    "client": str(recurring.client),
                    "every": recurring.every,
                    "unit": recurring.unit,
                    "active": recurring.active,
                    "auto_send": recurring.auto_send,
                    "invoices": len(recurring.runs.all()),
                    "next": upcoming.isoformat() if upcoming else None,
                }
            )
        if json:
            self.stdout.write(dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(
                f"{row['name']}\t{row['client']}\tevery {row['every']} {row['unit']}\t"
                f"next: {row['next'] or '-'}"
            )
        if not rows:
            self.stdout.write("No recurring invoice yet.")
