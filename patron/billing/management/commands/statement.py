"""`patron statement ACTION …`: the bank statements `patron import statement FILE` brought in.

`list` prints the statements; `lines ID` a statement's lines with their proposed matches
(`--json` for scripts, amounts as strings); `confirm LINE [--invoice NUMBER]` records the
payment a line is, as the page does; `confirm-all ID` each proposed match of a statement;
`ignore LINE` leaves a line out; `mappings` lists the banks' CSV layouts and `mapping BANK
--date-column … --amount-column …` saves one (the page's form checks it).
"""

from json import dumps

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from patron.billing.forms.statements import BankMappingForm
from patron.billing.models import BankMapping, Document, Kind, Statement, StatementLine, Status
from patron.billing.payments.recording import describe
from patron.billing.statements.matching import (
    do_confirm_line,
    do_confirm_proposed,
    do_ignore_line,
    statement_counts,
)


def line_row(line):
    return {
        "id": line.pk,
        "row": line.row,
        "date": line.booking_date.isoformat(),
        "amount": f"{line.amount:.2f}",
        "currency": line.currency,
        "counterparty": line.counterparty,
        "communication": line.communication,
        "state": line.state if line.amount > 0 else "debit",
        "rule": line.rule,
        "invoice": line.document.number if line.document_id else None,
    }


class Command(BaseCommand):
    help = (
        "Bank statements: `patron statement list`, `lines ID [--json]`, "
        "`confirm LINE [--invoice NUMBER]`, `confirm-all ID`, `ignore LINE`, `mappings`, "
        "`mapping BANK --date-column C --amount-column C …`. "
        "Import one with `patron import statement FILE [--mapping BANK]`."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("list", help="The imported statements, newest first.")
        lines = actions.add_parser("lines", help="A statement's lines and proposed matches.")
        lines.add_argument("statement", type=int)
        lines.add_argument("--json", action="store_true", help="A JSON list of objects.")
        confirm = actions.add_parser("confirm", help="Record the payment a line is.")
        confirm.add_argument("line", type=int)
        confirm.add_argument("--invoice", default="", help="Another open invoice's number.")
        confirm_all = actions.add_parser("confirm-all", help="Confirm every proposed match.")
        confirm_all.add_argument("statement", type=int)
        ignore = actions.add_parser("ignore", help="Leave a line out of the matching.")
        ignore.add_argument("line", type=int)
        actions.add_parser("mappings", help="The banks' CSV layouts.")
        mapping = actions.add_parser(
            "mapping", help="Save a bank's CSV layout (created, or changed where given)."
        )
        mapping.add_argument("bank")
        for name in BankMappingForm.Meta.fields[1:]:
            field = BankMapping._meta.get_field(name)
            if name == "decimal_comma":
                mapping.add_argument("--decimal-comma", choices=["yes", "no"])
                continue
            choices = [value for value, _label in field.choices] if field.choices else None
            mapping.add_argument(
                "--" + name.replace("_", "-"), choices=choices, help=str(field.verbose_name)
            )

    def handle(self, *args, action, **options):
        translation.activate("en")  # as every command: see patron/work/management/commands/_cli.py
        return getattr(self, action.replace("-", "_"))(**options)

    def list(self, **_):
        for s in statement_counts(Statement.objects.all()).order_by("-imported_at", "-pk"):
            self.stdout.write(
                f"{s.pk:>5}  {s.imported_at:%Y-%m-%d}  {s.file_name:<30}  "
                f"{s.n_proposed} proposed, {s.n_unmatched} unmatched, {s.n_confirmed} confirmed"
            )

    def lines(self, statement, json=False, **_):
        found = Statement.objects.filter(pk=statement).first()
        if found is None:
            raise CommandError(f"There is no statement {statement}.")
        rows = [line_row(line) for line in found.lines.select_related("document")]
        if json:
            self.stdout.write(dumps(rows, ensure_ascii=False, indent=2))
            return
        for r in rows:
            self.stdout.write(
                f"{r['id']:>6}  {r['date']}  {r['amount']:>12} {r['currency']}  "
                f"{r['counterparty'][:28]:<28}  {r['state']:<9} {r['invoice'] or ''}"
            )

    def line(self, pk):
        line = StatementLine.objects.filter(pk=pk).first()
        if line is None:
            raise CommandError(f"There is no statement line {pk}.")
        return line

    def confirm(self, line, invoice="", **_):
        line, chosen = self.line(line), None
        if invoice:
            chosen = (
                Document.objects.filter(kind=Kind.INVOICE, number=invoice.strip())
                .exclude(status=Status.DRAFT)
                .first()
            )
            if chosen is None:
                raise CommandError(f"No issued invoice is numbered “{invoice[:60]}”.")
        try:
            recorded, document = do_confirm_line(None, line, chosen)
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from None
        self.stdout.write(describe(recorded, document))

    def confirm_all(self, statement, **_):
        found = Statement.objects.filter(pk=statement).first()
        if found is None:
            raise CommandError(f"There is no statement {statement}.")
        done, refused = do_confirm_proposed(None, found)
        for line, reason in refused:
            self.stderr.write(f"Row {line.row}: {reason}")
        self.stdout.write(f"{len(done)} payments recorded, {len(refused)} refused.")
        if refused:
            raise CommandError("Some proposed matches were refused; they stay proposed.")

    def ignore(self, line, **_):
        try:
            do_ignore_line(None, self.line(line))
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from None
        self.stdout.write("The line is ignored.")

    def mappings(self, **_):
        for mapping in BankMapping.objects.all():
            columns = mapping.amount_column or f"{mapping.credit_column}/{mapping.debit_column}"
            self.stdout.write(f"{mapping.name:<30}  {mapping.date_column}  {columns}")

    def mapping(self, bank, **options):
        existing = BankMapping.objects.filter(name__iexact=bank.strip()).first()
        data = {
            name: getattr(existing, name) if existing else ""
            for name in BankMappingForm.Meta.fields
        }
        if not existing:
            data.update(
                delimiter=";",
                encoding="auto",
                skip_rows=0,
                decimal_comma=True,
                date_format="%d/%m/%Y",
            )
        data["name"] = bank
        for name in BankMappingForm.Meta.fields[1:]:
            if options.get(name) is not None:
                data[name] = options[name] == "yes" if name == "decimal_comma" else options[name]
        if not data["decimal_comma"]:
            data.pop("decimal_comma")  # a checkbox left unticked
        form = BankMappingForm(data, instance=existing)
        if not form.is_valid():
            problems = [
                f"{name.replace('_', '-')}: {' '.join(errors)}"
                if name != "__all__"
                else " ".join(errors)
                for name, errors in form.errors.items()
            ]
            raise CommandError("The layout was not saved. " + " ".join(problems))
        saved = form.save()
        self.stdout.write(f"The layout of {saved.name} is saved.")
