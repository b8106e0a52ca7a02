"""`patron books ACTION …`: what the accountant asks for, for a period.

`export --from D --to D --out FILE` writes the ZIP the page offers (CSV of documents, lines,
payments and expenses, and every issued PDF and XML); `summary` prints the period's counts
and totals (`--json` for scripts, amounts as strings).
"""

from dataclasses import asdict
from json import dumps
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from patron.billing.books.social import BelgianEstimate, as_data, declarations
from patron.billing.books.tables import Period, summary, write_archive
from patron.billing.books.vat_return import vat_return
from patron.business.profile import get_business
from patron.work.management.commands._cli import date_option


class Command(BaseCommand):
    help = (
        "For the accountant: `patron books export --from D --to D --out FILE.zip`, "
        "`patron books summary|vat --from D --to D [--json]`, `patron books social [--year Y]`."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        export = actions.add_parser("export", help="Write the period's ZIP for the accountant.")
        summed = actions.add_parser("summary", help="The period's counts and totals.")
        vat = actions.add_parser("vat", help="The period's VAT return, box by box.")
        for action in (export, summed, vat):
            action.add_argument("--from", dest="start", type=date_option("--from"), required=True)
            action.add_argument("--to", dest="end", type=date_option("--to"), required=True)
        export.add_argument("--out", required=True, help="The ZIP file to write.")
        summed.add_argument("--json", action="store_true")
        vat.add_argument("--json", action="store_true")
        social = actions.add_parser(
            "social", help="The year's social declarations (URSSAF, or Belgian provisional)."
        )
        social.add_argument("--year", type=int, help="The year; this one when left out.")
        social.add_argument("--json", action="store_true")

    def handle(self, *args, action, start=None, end=None, **options):
        translation.activate("en")  # as every command: see patron/work/management/commands/_cli.py
        if action == "social":
            return self.social(**options)
        try:
            period = Period(start, end)
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from None
        return getattr(self, action)(period, **options)

    def export(self, period, out, **options):
        """Built here, in this process (the page has the worker build it), telling how far
        it is on stderr: rendering the PDFs still missing can take a while."""
        path = Path(out)

        def progress(done, total):
            if total and (done == total or done % 10 == 0):
                self.stderr.write(f"{done}/{total} documents")

        with path.open("wb") as f:
            count = write_archive(period, f, progress=progress)
        self.stdout.write(f"{count} documents, {path.stat().st_size} bytes: {path}")

    def summary(self, period, json=False, **options):
        figures = summary(period)
        if json:
            self.stdout.write(dumps(figures, default=str, indent=2))
            return
        for row in figures["documents"]:
            self.stdout.write(
                f"{row['currency']}: {row['invoices']} invoices, {row['credit_notes']} credit "
                f"notes, {row['invoiced']} invoiced and {row['credited']} credited excl. VAT, "
                f"VAT {row['net_vat']}"
            )
        for row in figures["payments"]:
            self.stdout.write(
                f"{row['currency']}: {row['count']} payments, {row['received']} received, "
                f"{row['refunded']} refunded"
            )
        self.stdout.write(f"{figures['expenses']} expenses")

    def vat(self, period, json=False, **options):
        found = vat_return(period, get_business())
        if json:
            self.stdout.write(dumps(asdict(found) if found else None, default=str, indent=2))
            return
        if found is None:
            self.stdout.write(
                _(
                    "No periodic VAT return: the business is under the franchise "
                    "or outside Belgium and France."
                )
            )
            return
        for box in found.boxes:
            amounts = "  ".join(f"{v:>12}" for v in (box.amount, box.vat) if v is not None)
            mark = f"  {_('[UNCONFIRMED]')} {box.unconfirmed}" if box.unconfirmed else ""
            self.stdout.write(f"{box.code:>3}  {amounts}  {box.label}{mark}")
        for note in found.notes:
            self.stdout.write(note)

    def social(self, year=None, json=False, **options):
        today = timezone.localdate()
        year = year or today.year
        if not 2000 <= year <= today.year:
            raise CommandError(f"{year} is not a year Patron has recorded.")
        business = get_business()
        found = declarations(business, year, today)
        if found is None:
            raise CommandError(
                _("Choose your social regime in your business profile first (Settings).")
            )
        if json:
            self.stdout.write(dumps(as_data(found), default=str, indent=2))
            return
        if isinstance(found, BelgianEstimate):
            self.stdout.write(
                f"{year}: {found.earned} in {found.days} days, about {found.estimated} a year; "
                f"net {found.net_income}: {found.yearly} a year, {found.quarterly} a quarter"
                + (f"; top-up {found.top_up}" if found.top_up else "")
            )
            return
        for period in found.periods:
            self.stdout.write(
                f"{period.start} – {period.end} (by {period.due}): {period.turnover} received, "
                f"{period.total} to pay"
            )
