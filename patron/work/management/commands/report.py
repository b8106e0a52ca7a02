import csv
import json
from decimal import Decimal

from django.core.management.base import BaseCommand

from patron.system.exporting import neutralise
from patron.work.management.commands._cli import date_range, use_business_clock
from patron.work.reports import GROUPINGS, time_report
from patron.work.timing import format_duration


class Command(BaseCommand):
    requires_system_checks = []  # a time command answers at once, as Watson does
    help = (
        "Time and billable money per project, client, tag or day, over all time unless "
        "--from/--to say otherwise. --json prints one object for scripts: "
        '{"from", "to", "total_seconds", "rows": [{"key", "seconds", "amount"}]}.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", help="First day (YYYY-MM-DD, today, yesterday).")
        parser.add_argument("--to", help="Last day, included.")
        parser.add_argument("--by", choices=GROUPINGS, default="project")
        output = parser.add_mutually_exclusive_group()
        output.add_argument("--json", action="store_true", help="One JSON object.")
        output.add_argument("--csv", action="store_true", help="CSV with a header line.")

    def handle(self, *args, by="project", json=False, csv=False, **options):
        business = use_business_clock()
        start_on, end_on = date_range(options)
        report = time_report(start_on, end_on, by=by, business=business)
        if json:
            self.print_json(report)
        elif csv:
            self.print_csv(report)
        else:
            self.print_table(report, by, business.currency if business else "")

    def print_json(self, report):
        self.stdout.write(json.dumps(report, ensure_ascii=False))

    def print_csv(self, report):
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow([neutralise(v) for v in ("key", "seconds", "duration", "amount")])
        for row in report["rows"]:
            values = (
                row["key"],
                row["seconds"],
                format_duration(row["seconds"]),
                row["amount"] or "",
            )
            writer.writerow([neutralise(v) for v in values])

    def print_table(self, report, by, currency):
        period = (
            f"from {report['from'] or 'the start'} to {report['to'] or 'today'}"
            if report["from"] or report["to"]
            else "over all time"
        )
        self.stdout.write(f"Time by {by}, {period}:")
        if not report["rows"]:
            self.stdout.write("No time recorded in this period.")
            return
        width = min(40, max(len(row["key"]) for row in report["rows"]))
        amounts = [Decimal(row["amount"]) for row in report["rows"] if row["amount"]]
        for row in report["rows"]:
            amount = f"{row['amount']} {currency}" if row["amount"] else "—"
            key = row["key"][:width]
            self.stdout.write(f"  {key:<{width}}  {format_duration(row['seconds']):>8}  {amount}")
        total_amount = f"{sum(amounts)} {currency}" if amounts else "—"
        total = format_duration(report["total_seconds"])
        self.stdout.write(f"  {'Total':<{width}}  {total:>8}  {total_amount}")
