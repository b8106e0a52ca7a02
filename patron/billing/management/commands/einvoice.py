"""`patron einvoice validate FILE…`: the official EN 16931 and Peppol checks on any e-invoice.

Each FILE (CII XML, UBL XML, Factur-X PDF) gets a line PASS or FAIL with the rule sets run
and the time taken, then its findings, the same rule raised on several lines told once with
the count. `--json` prints one object for scripts; `--no-peppol` runs UBL against EN 16931
only; `-q` hides warnings. Exit code 0 when every file passes, 1 otherwise.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from patron.billing.einvoice.validation import Finding, Report, validate

MAX_FILE_BYTES = 100 * 1024 * 1024


def unreadable(why):
    return Report(findings=[Finding("FILE", "fatal", why, "", "input")])


def validate_file(name, peppol):
    path = Path(name)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return unreadable("The file is larger than 100 MB: not an invoice.")
        data = path.read_bytes()
    except OSError as e:
        return unreadable(f"Cannot read the file: {e.strerror or e}.")
    return validate(data, peppol=peppol)


def summary_lines(name, report, quiet):
    verdict = "PASS" if report.ok else "FAIL"
    what = "; ".join(filter(None, [report.syntax or "?", ", ".join(report.rule_sets)]))
    profile = f", Factur-X {report.profile}" if report.profile else ""
    yield (
        f"{verdict}  {name}  [{what}{profile}]  {len(report.errors)} error(s), "
        f"{len(report.warnings)} warning(s), {report.seconds:.2f} s"
    )
    grouped = {}
    for f in report.findings:
        if f.is_error or not quiet:
            grouped.setdefault((f.flag, f.rule, f.rule_set, f.message), []).append(f.location)
    for (flag, rule, rule_set, message), locations in grouped.items():
        where = f"  @ {locations[0]}" if locations[0] else ""
        more = f" (and {len(locations) - 1} more)" if len(locations) > 1 else ""
        yield f"    [{flag}] {rule} ({rule_set}): {message[:300]}{where}{more}"


class Command(BaseCommand):
    help = (
        "E-invoices: `patron einvoice validate FILE… [--json] [--no-peppol] [-q]` checks CII, "
        "UBL or Factur-X files against the official EN 16931 and Peppol BIS 3 rules."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        check = actions.add_parser(
            "validate", help="Check files against EN 16931 (and Peppol BIS 3 for UBL)."
        )
        check.add_argument("files", nargs="+", metavar="FILE")
        check.add_argument("--json", action="store_true", help="One JSON object for scripts.")
        check.add_argument(
            "--no-peppol", action="store_true", help="UBL: EN 16931 only, not Peppol BIS 3."
        )
        check.add_argument("-q", "--quiet", action="store_true", help="Hide warnings.")

    def handle(self, *args, action, files, no_peppol, quiet, **options):
        translation.activate("en")  # as every command: see patron/work/management/commands/_cli.py
        reports = [(name, validate_file(name, peppol=not no_peppol)) for name in files]
        if options["json"]:
            files_out = [{"file": name, **report.as_dict()} for name, report in reports]
            ok = all(report.ok for _name, report in reports)
            self.stdout.write(json.dumps({"ok": ok, "files": files_out}, indent=2))
        else:
            for name, report in reports:
                for line in summary_lines(name, report, quiet):
                    self.stdout.write(line)
        failed = sum(not report.ok for _name, report in reports)
        if failed:
            raise CommandError(f"{failed} of {len(reports)} file(s) fail.")
