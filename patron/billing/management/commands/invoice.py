"""`patron invoice ACTION …`: issued invoices and credit notes from the command line.

Each action is a subcommand with a method of the same name; `export` writes one of a
document's stored files (rendered first if it is missing).
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from patron.billing.models import Document, Status
from patron.billing.rendering import NotRendered, rendering

FORMATS = ("pdf", "cii", "ubl")


class Command(BaseCommand):
    help = "Issued invoices and credit notes. `patron invoice export NUMBER --format pdf --out F`."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        export = actions.add_parser(
            "export",
            help="Write an issued document's PDF (Factur-X), CII or UBL XML to a file.",
        )
        export.add_argument("number", help="The document's number, e.g. F-2026-0001.")
        export.add_argument("--format", choices=FORMATS, default="pdf")
        export.add_argument("--out", required=True, help="The file to write; - for stdout.")

    def handle(self, *args, action, **options):
        translation.activate("en")
        return getattr(self, action)(**options)

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
