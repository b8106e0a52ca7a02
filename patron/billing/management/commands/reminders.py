"""`patron reminders ACTION`: the reminders of overdue invoices from the command line.

`run` writes and sends what the schedule says is due today (what the worker does once a
day; safe to run again: an invoice never gets a step twice), `--dry-run` only says what it
would send; `list` prints the reminders written, `--json` for scripts.
"""

from json import dumps

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from patron.billing.models import Reminder
from patron.billing.reminders.dunning import deliver, do_retry, run
from patron.work.management.commands._cli import date_option


class Command(BaseCommand):
    help = "Reminders: `patron reminders run [--dry-run] [--date D]`, `patron reminders list [--json]`."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        running = actions.add_parser("run", help="Write and send the reminders due today.")
        running.add_argument("--dry-run", action="store_true", help="Only say what is due.")
        running.add_argument(
            "--date",
            type=date_option("--date"),
            help="YYYY-MM-DD: run as if it were that day.",
        )
        retry = actions.add_parser(
            "retry",
            help="Send a failed or interrupted reminder again, to the client's address as it is now.",
        )
        retry.add_argument("id", type=int, help="The reminder's id (see `list`).")
        listing = actions.add_parser("list", help="The reminders written, newest first.")
        listing.add_argument("--json", action="store_true", help="A JSON list of objects.")

    def handle(self, *args, action, **options):
        translation.activate("en")  # as every command: see patron/work/management/commands/_cli.py
        return getattr(self, action)(**options)

    def run(self, dry_run=False, date=None, **_):
        result = run(today=date, dry_run=dry_run)
        for item in result.planned:
            self.stdout.write(
                f"{item.document.number}\t{item.step.kind}\t{item.document.client.email}"
            )
        if dry_run:
            self.stdout.write(f"{len(result.planned)} reminders due (dry run: nothing sent).")
        else:
            self.stdout.write(
                f"{result.written} reminders written, {result.sent} sent, {result.failed} failed."
            )

    def retry(self, id, **_):
        reminder = Reminder.objects.select_related("document__client").filter(pk=id).first()
        if reminder is None:
            raise CommandError(f"There is no reminder {id}.")
        try:
            do_retry(None, reminder)
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from None
        outcome = deliver(reminder.pk)
        reminder.refresh_from_db()
        if outcome != "sent":
            raise CommandError(f"Reminder {id} failed again: {reminder.error}")
        self.stdout.write(f"Reminder {id} sent to {reminder.to}.")

    def list(self, json=False, **_):
        reminders = Reminder.objects.select_related("document").order_by("-created_at", "-pk")
        rows = [
            {
                "id": r.pk,
                "invoice": r.document.number,
                "step": r.step,
                "state": r.display_state,
                "to": r.to,
                "days_late": r.days_late,
                "outstanding": f"{r.outstanding:.2f}",
                "interest": f"{r.interest:.2f}",
                "indemnity": f"{r.indemnity:.2f}",
                "created_at": r.created_at.isoformat(),
                "sent_at": r.sent_at.isoformat() if r.sent_at else None,
            }
            for r in reminders[:1000]
        ]
        if json:
            self.stdout.write(dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(
                f"{row['created_at'][:10]}\t{row['invoice']}\t{row['step']}\t{row['state']}\t"
                f"{row['to']}"
            )
        if not rows:
            self.stdout.write("No reminder yet.")
