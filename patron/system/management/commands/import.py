import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations
from django.utils.translation import ngettext

from patron.system import registry
from patron.system.importing import (
    ImportRefused,
    check_size,
    describe_counts,
    get_importer,
)

MAX_ERRORS_SHOWN = 30


class Command(BaseCommand):
    help = (
        "Import a file: contacts from LinkedIn (Connections.csv) or vCard, time from "
        "Toggl, Clockify, Harvest or Watson, a bank statement (camt.053, or CSV with "
        "--mapping BANK), a supplier's e-invoice as an expense (Factur-X/ZUGFeRD PDF, CII or "
        "UBL XML). Every row is checked first; one bad row and nothing is written."
    )
    # The project's checks belong to `patron serve`; an import should not pay a second for them.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(registry.importers()))
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and show what it would do."
        )
        parser.add_argument(
            "--mapping",
            default="",
            help="For a CSV bank statement: the name of its bank's saved column mapping.",
        )

    @no_translations  # the command line speaks English, as the other commands do
    def handle(self, *args, kind, file, dry_run=False, mapping="", **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file at {file}.")
        try:
            check_size(path.stat().st_size)
            if mapping and kind != "statement":
                raise ImportRefused("--mapping is for bank statements only.")
            importer = get_importer(kind, **({"mapping": mapping} if mapping else {}))
            if kind == "statement":
                importer.file_name = path.name
            plan = importer.plan(path.read_bytes())
        except ImportRefused as e:
            raise CommandError(f"Nothing was imported. {e}") from e
        if not plan.ok:
            for error in plan.errors[:MAX_ERRORS_SHOWN]:
                self.stderr.write(str(error))
            more = len(plan.errors) - MAX_ERRORS_SHOWN
            if more > 0:
                self.stderr.write(f"… and {more} more.")
            raise CommandError(
                ngettext(
                    "Nothing was imported: %(count)s row needs fixing first.",
                    "Nothing was imported: %(count)s rows need fixing first.",
                    len(plan.errors),
                )
                % {"count": len(plan.errors)}
            )
        for warning in plan.warnings[:MAX_ERRORS_SHOWN]:
            self.stderr.write(f"Warning: {warning}")
        more = len(plan.warnings) - MAX_ERRORS_SHOWN
        if more > 0:
            self.stderr.write(f"… and {more} more warnings.")
        summary = describe_counts(plan.counts)
        if dry_run:
            self.stdout.write(f"Dry run, nothing written: {summary or 'nothing to do'}.")
            return
        progress = Progress(self.stderr, len(plan.items)) if sys.stderr.isatty() else None
        counts = importer.apply(plan, progress=progress)
        if progress:
            progress.done()
        self.stdout.write(f"Imported: {describe_counts(counts) or 'nothing new'}.")


class Progress:
    """A one-line progress bar on a terminal: call it with the number of rows done."""

    def __init__(self, stream, total):
        self.stream, self.total, self.shown = stream, max(total, 1), -1

    def __call__(self, done):
        percent = min(100, done * 100 // self.total)
        if percent != self.shown:
            self.shown = percent
            bar = "#" * (percent // 4)
            self.stream.write(f"\r[{bar:<25}] {percent:3d}%", ending="")
            self.stream.flush()

    def done(self):
        self(self.total)
        self.stream.write("")
