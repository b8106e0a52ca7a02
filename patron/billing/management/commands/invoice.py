"""`patron invoice ACTION …`: issued invoices and credit notes from the command line.

Each action is a subcommand with a method of the same name; `export` writes one of a
document's stored files (rendered first if it is missing).
"""

import sys
from json import dumps
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from patron.billing.documents.listing import rows
from patron.billing.einvoice.rendering import NotRendered, rendering
from patron.billing.models import Document, Status

FORMATS = ("pdf", "cii", "ubl")


class Command(BaseCommand):
    help = (
        "Quotes, invoices and credit notes: `patron invoice list [--json]`, "
        "`patron invoice export NUMBER --format pdf|cii|ubl --out FILE`."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        export = actions.add_parser(
            "export",
            help="Write an issued document's PDF (Factur-X), CII or UBL XML to a file.",
        )
        export.add_argument("number", help="The document's number, e.g. F-2026-0001.")
        export.add_argument("--format", choices=FORMATS, default="pdf")
        export.add_argument("--out", required=True, help="The file to write; - for stdout.")
        listing = actions.add_parser(
            "list", help="Every quote, pro-forma, invoice and credit note, drafts included."
        )
        listing.add_argument(
            "--json", action="store_true", help="A JSON list of objects (amounts as strings)."
        )

    def handle(self, *args, action, **options):
        translation.activate("en")
        return getattr(self, action)(**options)

    def list(self, json=False, **options):
        found = list(rows())
        if json:
            self.stdout.write(dumps(found, ensure_ascii=False, indent=2))
            return None
        for row in found:
            self.stdout.write(
                f"{row['number'] or '(draft)':<16} {row['kind']:<12} {row['status']:<10} "
                f"{row['issue_date'] or '':<10} {row['total_incl_vat']:>12} {row['currency']}  "
                f"{row['client']}"
            )
        return None

    def export(self, number, format, out, **options):
        document = (
            Document.objects.exclude(status=Status.DRAFT)
            .select_related("corrects")
            .filter(number=number.strip())
            .first()
        )
        if document is None:
            raise CommandError(f"No issued document is numbered “{number[:60]}”.")
        try:
            name, _mimetype, data = rendering(document, format)
        except NotRendered as e:  # a quote's XML, the UBL of a client without Peppol address
            raise CommandError(str(e)) from None
        if out == "-":
            sys.stdout.buffer.write(data)
            return None
        Path(out).write_bytes(data)
        self.stdout.write(f"{name}: {len(data)} bytes written to {out}")
        return None
