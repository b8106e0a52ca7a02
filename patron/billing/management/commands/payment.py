"""`patron payment ACTION …`: payments and refunds from the command line.

`add NUMBER AMOUNT` records a payment of an issued invoice (or the refund of a credit note)
as the invoice's page does; `list` prints them, `--json` for scripts (amounts as strings).
"""

from json import dumps

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from patron.billing.models import Document, Kind, Payment, Status
from patron.billing.payments.ledger import REFUNDED
from patron.billing.payments.recording import LargeOverpayment, describe, do_record_payment
from patron.work.management.commands._cli import date_option


class Command(BaseCommand):
    help = (
        "Payments: `patron payment add NUMBER AMOUNT [--also NUMBER …] [--date D] [--method M] "
        "[--reference R] [--confirm-overpayment]`, "
        "`patron payment list [--json]`."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        add = actions.add_parser(
            "add", help="Record a payment of an invoice, or the refund of a credit note."
        )
        add.add_argument("number", help="The invoice's (or credit note's) number.")
        add.add_argument("amount", help="e.g. 500 or 1210.50; beyond the invoice: a credit.")
        add.add_argument(
            "--date",
            type=date_option("--date"),
            help="YYYY-MM-DD; today if left out.",
        )
        add.add_argument(
            "--also",
            action="append",
            default=[],
            metavar="NUMBER",
            help="Another open invoice (or credit note) of the same client settled by the same "
            "payment; repeat for more. The amount goes to the oldest first.",
        )
        add.add_argument("--method", choices=Payment.Method.values, default="transfer")
        add.add_argument("--reference", default="", help="The bank's reference.")
        add.add_argument("--note", default="")
        add.add_argument(
            "--confirm-overpayment",
            action="store_true",
            help="Record a payment of more than twice what is due (or with nothing due): the rest "
            "becomes the client's credit. Refused without it: a typing mistake, most often.",
        )
        listing = actions.add_parser("list", help="Every payment and refund, newest first.")
        listing.add_argument("--json", action="store_true", help="A JSON list of objects.")

    def handle(self, *args, action, **options):
        translation.activate("en")  # as every command: see patron/work/management/commands/_cli.py
        return getattr(self, action)(**options)

    def add(
        self,
        number,
        amount,
        date=None,
        method="transfer",
        reference="",
        note="",
        also=(),
        confirm_overpayment=False,
        **_,
    ):
        document = self.issued(number)
        others = [self.issued(other) for other in also]
        for other in others:
            if (other.client_id, other.kind, other.currency) != (
                document.client_id,
                document.kind,
                document.currency,
            ):
                raise CommandError(
                    f"{other.number} is not a {document.get_kind_display().lower()} of the same "
                    f"client in {document.currency}: one payment settles one client's documents."
                )
        direction = REFUNDED if document.kind == Kind.CREDIT_NOTE else Payment.Direction.RECEIVED
        try:
            recorded = do_record_payment(
                None,
                client=document.client,
                date=date or timezone.localdate(),
                amount=amount,
                currency=document.currency,
                method=method,
                reference=reference,
                note=note,
                direction=direction,
                documents=[document, *others],
                overpayment_confirmed=confirm_overpayment,
            )
        except LargeOverpayment as e:
            raise CommandError(
                f"Nothing was recorded. {' '.join(e.messages)} Add --confirm-overpayment to "
                "record it."
            ) from None
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from None
        self.stdout.write(describe(recorded, document, others))

    def issued(self, number):
        document = (
            Document.objects.exclude(status=Status.DRAFT)
            .filter(number=number.strip(), kind__in=[Kind.INVOICE, Kind.CREDIT_NOTE])
            .select_related("client")
            .first()
        )
        if document is None:
            raise CommandError(f"No issued invoice or credit note is numbered “{number[:60]}”.")
        return document

    def list(self, json=False, **_):
        payments = Payment.objects.select_related("client").prefetch_related(
            "allocations__document"
        )
        rows = [
            {
                "id": p.pk,
                "date": p.date.isoformat(),
                "client": p.client.display_name,
                "direction": p.direction,
                "amount": f"{p.amount:.2f}",
                "currency": p.currency,
                "method": p.method,
                "reference": p.reference,
                "allocations": [
                    {"number": a.document.number, "amount": f"{a.amount:.2f}"}
                    for a in p.allocations.all()
                ],
            }
            for p in payments.order_by("-date", "-pk")
        ]
        if json:
            self.stdout.write(dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            settles = ", ".join(f"{a['number']} {a['amount']}" for a in row["allocations"])
            sign = "-" if row["direction"] == REFUNDED else ""
            self.stdout.write(
                f"{row['date']}  {sign}{row['amount']:>12} {row['currency']}  "
                f"{row['client']:<30}  {settles or '(credit)'}"
            )
