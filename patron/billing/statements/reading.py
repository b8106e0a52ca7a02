"""Bank statements read into lines: camt.053 XML (ISO 20022, what European banks export) and
CSV laid out as a saved BankMapping says.

`StatementImporter` is the `patron import statement FILE [--mapping BANK]` importer and the
one the page and the API use: it tells camt.053 from CSV by the file's first character, reads
every line and checks it first (row-numbered errors, nothing written), then writes the
statement and its new lines in one transaction and proposes a match for each credit
(matching.py). A line already imported, from this file or an overlapping one, is recognised
by its fingerprint and skipped: importing a statement twice records nothing twice.

XML from outside is read by patron/system/untrusted_xml.py: no entity, no DTD, no network,
no DOCTYPE.
"""

import csv
import hashlib
import re
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy
from lxml import etree

from patron.audit.log import record
from patron.billing.models import BankMapping, Statement, StatementLine
from patron.billing.statements.matching import do_propose
from patron.money import cents
from patron.system.importing import (
    ImportPlan,
    ImportRefused,
    RowError,
    check_size,
    decode_text,
    marked_encoding,
)
from patron.system.untrusted_xml import child, children, local, looks_like_xml, parse_xml, text

MAX_AMOUNT = Decimal("9999999999.99")
LIMITS = {"counterparty": 200, "iban": 34, "communication": 500, "bank_reference": 140}
CAMT053 = "urn:iso:std:iso:20022:tech:xsd:camt.053."
AMOUNT_PATTERN = re.compile(r"^[+-]?\d+(\.\d{1,2})?$")
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")


def detect_format(data):
    """camt053 for XML (in any of the encodings XML may come in), csv for anything else."""
    return Statement.Format.CAMT053 if looks_like_xml(data) else Statement.Format.CSV


# camt.053 ---------------------------------------------------------------------------------


def camt_date(element):
    value = text(element, "Dt") or text(element, "DtTm")[:10]
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def camt_records(data):
    """(account IBAN, [(row, values or None, problems)]) from a camt.053 file."""
    root = parse_xml(data)
    namespace = etree.QName(root).namespace or ""
    statements = children(child(root, "BkToCstmrStmt"), "Stmt")
    if local(root) != "Document" or not namespace.startswith(CAMT053) or not statements:
        raise ImportRefused(
            _("This XML file is not a camt.053 bank statement (ISO 20022 BkToCstmrStmt).")
        )
    account, records = "", []
    for statement in statements:
        account = account or text(statement, "Acct", "Id", "IBAN").replace(" ", "").upper()
        for entry in children(statement, "Ntry"):
            if (text(entry, "Sts") or text(entry, "Sts", "Cd")) in ("PDNG", "INFO"):
                continue  # not booked yet: it comes again, booked, in a later statement
            details = [tx for d in children(entry, "NtryDtls") for tx in children(d, "TxDtls")] or [
                None
            ]
            for number, tx in enumerate(details, 1):
                records.append(camt_line(entry, tx, number if len(details) > 1 else 0))
    return account, records


def camt_line(entry, tx, number=0):
    """One line from an entry and, when the entry holds several transactions, its `number`th."""
    row, problems = entry.sourceline or 0, []
    direction = text(entry, "CdtDbtInd")
    amount_element = None
    if tx is not None:
        amount_element = child(tx, "Amt")
        if amount_element is None:
            amount_element = child(tx, "AmtDtls", "TxAmt", "Amt")
    if amount_element is None:
        amount_element = child(entry, "Amt")
    raw = " ".join((amount_element.text or "").split()) if amount_element is not None else ""
    amount = None
    if direction not in ("CRDT", "DBIT"):
        problems.append(_("the entry is neither a credit (CRDT) nor a debit (DBIT)."))
    elif raw.startswith("-"):
        problems.append(
            _("the amount %(amount)s is negative; camt.053 tells debits by DBIT.")
            % {"amount": raw[:30]}
        )
    else:
        amount = checked_amount(raw, problems)
        if amount is not None and direction == "DBIT":
            amount = -amount
    currency = (amount_element.get("Ccy", "") if amount_element is not None else "").upper()
    booked = camt_date(child(entry, "BookgDt")) or camt_date(child(entry, "ValDt"))
    if booked is None:
        problems.append(_("the entry has no booking date."))
    party = "Dbtr" if direction == "CRDT" else "Cdtr"
    parties = child(tx, "RltdPties") if tx is not None else None
    name = text(parties, party, "Nm") or text(parties, party, "Pty", "Nm")
    iban = text(parties, party + "Acct", "Id", "IBAN")
    remittance = child(tx, "RmtInf") if tx is not None else None
    structured = [text(s, "CdtrRefInf", "Ref") for s in children(remittance, "Strd")]
    free = [" ".join((u.text or "").split()) for u in children(remittance, "Ustrd")]
    communication = " ".join(part for part in structured + free if part)
    if not communication:
        communication = text(entry, "AddtlNtryInf")
    reference = text(tx, "Refs", "AcctSvcrRef") if tx is not None else ""
    if not reference and text(entry, "AcctSvcrRef"):
        # A batch booked as one entry: its transactions told apart by their place in it.
        reference = text(entry, "AcctSvcrRef") + (f"/{number}" if number else "")
    values = {
        "booking_date": booked,
        "amount": amount,
        "currency": currency,
        "counterparty": name,
        "iban": iban.replace(" ", "").upper(),
        "communication": communication,
        "bank_reference": reference,
    }
    return row, values, problems


# CSV --------------------------------------------------------------------------------------


def find_mapping(name):
    known = ", ".join(BankMapping.objects.values_list("name", flat=True)) or _("none yet")
    if not (name or "").strip():
        raise ImportRefused(
            _(
                "A CSV statement is read with its bank's column mapping: choose one (saved "
                "mappings: %(known)s)."
            )
            % {"known": known}
        )
    mapping = BankMapping.objects.filter(name__iexact=name.strip()).first()
    if mapping is None:
        raise ImportRefused(
            _("There is no bank mapping named “%(name)s” (saved mappings: %(known)s).")
            % {"name": name[:60], "known": known}
        )
    return mapping


def csv_text(data, mapping):
    # A byte order mark says the encoding more surely than a saved mapping can.
    if mapping.encoding == BankMapping.Encoding.AUTO or marked_encoding(data):
        return decode_text(data)
    if b"\x00" in data[:8192]:
        raise ImportRefused(_("This is not a text file."))
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode(mapping.encoding)
    except UnicodeDecodeError as e:
        raise ImportRefused(
            _(
                "The file is not in %(encoding)s as the mapping “%(name)s” says (byte %(at)s): "
                "change the mapping's encoding."
            )
            % {"encoding": mapping.get_encoding_display(), "name": mapping.name, "at": e.start}
        ) from None


def csv_records(data, mapping):
    lines = csv_text(data, mapping).splitlines(keepends=True)
    skipped, lines = mapping.skip_rows, lines[mapping.skip_rows :]
    reader = csv.reader(lines, delimiter=mapping.delimiter)
    header = next(reader, None)
    if not header:
        raise ImportRefused(_("The file has no header row where the mapping expects one."))
    header = [h.strip().lstrip("\ufeff").casefold() for h in header]
    columns = {}
    for field in (
        "date",
        "amount",
        "credit",
        "debit",
        "currency",
        "name",
        "iban",
        "communication",
        "reference",
    ):
        wanted = getattr(mapping, f"{field}_column").strip()
        if not wanted:
            continue
        if wanted.casefold() not in header:
            raise ImportRefused(
                _(
                    "The column “%(column)s” of the mapping “%(name)s” is not in the file's "
                    "header, which has: %(header)s."
                )
                % {"column": wanted, "name": mapping.name, "header": ", ".join(header)[:300]}
            )
        columns[field] = header.index(wanted.casefold())
    records = []
    for cells in reader:
        row = skipped + reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        records.append(csv_line(row, cells, columns, mapping))
    return records


def cell(cells, columns, field):
    index = columns.get(field)
    if index is None or index >= len(cells):
        return ""
    return " ".join(cells[index].split())


def csv_amount(raw, mapping):
    raw = raw.replace("\u00a0", "").replace(" ", "").replace("'", "")
    if mapping.decimal_comma:
        raw = raw.replace(".", "").replace(",", ".")
    else:
        raw = raw.replace(",", "")
    return raw


def csv_line(row, cells, columns, mapping):
    problems = []
    raw_date = cell(cells, columns, "date")
    try:
        booked = datetime.strptime(raw_date, mapping.date_format).date()  # noqa: DTZ007 -- a day
    except ValueError:
        booked = None
        problems.append(
            _("“%(value)s” is not a date like %(example)s.")
            % {"value": raw_date[:30], "example": mapping.get_date_format_display()}
        )
    amount = None
    if "amount" in columns:
        amount = checked_amount(
            csv_amount(cell(cells, columns, "amount"), mapping), problems, signed=True
        )
    else:
        credit = csv_amount(cell(cells, columns, "credit"), mapping)
        debit = csv_amount(cell(cells, columns, "debit"), mapping).lstrip("-")
        if credit.startswith("-"):
            problems.append(_("the credit %(amount)s is negative.") % {"amount": credit[:30]})
        elif credit and debit:
            problems.append(_("the line has both a credit and a debit."))
        elif credit:
            amount = checked_amount(credit, problems)
        elif debit:
            amount = checked_amount(debit, problems)
            amount = -amount if amount is not None else None
        else:
            problems.append(_("the line has no amount."))
    values = {
        "booking_date": booked,
        "amount": amount,
        "currency": (cell(cells, columns, "currency") or "EUR").upper(),
        "counterparty": cell(cells, columns, "name"),
        "iban": cell(cells, columns, "iban").replace(" ", "").upper(),
        "communication": cell(cells, columns, "communication"),
        "bank_reference": cell(cells, columns, "reference"),
    }
    return row, values, problems


# Both -------------------------------------------------------------------------------------


def checked_amount(raw, problems, signed=False):
    if not AMOUNT_PATTERN.match(raw) or (raw[0] in "+-" and not signed):
        problems.append(_("“%(value)s” is not an amount.") % {"value": raw[:30]})
        return None
    amount = Decimal(raw)
    if amount == 0:
        problems.append(_("the amount is zero."))
        return None
    if abs(amount) > MAX_AMOUNT:
        problems.append(_("the amount is beyond 9,999,999,999.99."))
        return None
    return cents(amount)


def check_values(values):
    problems = []
    if not CURRENCY_PATTERN.match(values["currency"]):
        problems.append(
            _("“%(value)s” is not a currency code.") % {"value": values["currency"][:10]}
        )
    for field, limit in LIMITS.items():
        if len(values[field]) > limit:
            problems.append(
                _("the %(field)s is longer than %(limit)s characters.")
                % {"field": StatementLine._meta.get_field(field).verbose_name, "limit": limit}
            )
    return problems


def fingerprint(account, values, occurrence):
    """What recognises a line in any later file: the bank's own reference when it gives one;
    otherwise everything the line says, and which of its identical lines in the file it is."""
    if values["bank_reference"]:
        parts = [account, "ref", values["bank_reference"]]
    else:
        parts = [account, str(values["booking_date"]), str(values["amount"]), values["currency"],
                 values["iban"], values["counterparty"].casefold(),
                 values["communication"].casefold(), str(occurrence)]  # fmt: skip
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class StatementImporter:
    """camt.053 or CSV (with a mapping) into a statement and its lines; see the module."""

    def __init__(self, mapping=None, file_name=""):
        self.mapping, self.file_name = mapping, file_name
        self.statement = None  # the statement apply wrote, or the one already holding the file

    def plan(self, data):
        check_size(len(data))
        if not data.strip():
            raise ImportRefused(_("The file is empty."))
        if b"\x00" in data[:8192] and not marked_encoding(data):
            raise ImportRefused(_("This is not a text file."))
        kind = detect_format(data)
        if kind == Statement.Format.CAMT053:
            account, records = camt_records(data)
            mapping = None
        else:
            mapping = self.mapping
            if not isinstance(mapping, BankMapping):
                mapping = find_mapping(mapping)
            account, records = "", csv_records(data, mapping)
        if not records:
            raise ImportRefused(_("The statement has no lines."))
        if len(account) > StatementLine._meta.get_field("iban").max_length:
            raise ImportRefused(
                _("The statement's account (%(account)s…) is longer than an IBAN can be.")
                % {"account": account[:34]}
            )
        plan = ImportPlan(counts={"statement lines": 0})
        plan.statement = {
            "format": kind,
            "sha256": hashlib.sha256(data).hexdigest(),
            "account_iban": account,
            "mapping": mapping,
        }
        seen, occurrences = set(), {}
        for row, values, problems in records:
            problems = problems or check_values(values)
            if problems:
                plan.errors.extend(RowError(row, p) for p in problems)
                continue
            key = fingerprint(account, values, 0)
            occurrences[key] = occurrences.get(key, 0) + 1
            values["fingerprint"] = fingerprint(account, values, occurrences[key])
            if values["fingerprint"] in seen:
                # The same bank reference twice in one file: the bank lists one movement.
                repeated = plan.counts.get("duplicated statement lines", 0)
                plan.counts["duplicated statement lines"] = repeated + 1
                continue
            seen.add(values["fingerprint"])
            plan.items.append({"row": row, **values})
        known = set(
            StatementLine.objects.filter(fingerprint__in=seen).values_list("fingerprint", flat=True)
        )
        plan.items = [item for item in plan.items if item["fingerprint"] not in known]
        plan.counts["statement lines"] = len(plan.items)
        if known:
            plan.counts["statement lines already imported"] = len(known)
        self.statement = Statement.objects.filter(sha256=plan.statement["sha256"]).first()
        return plan

    def apply(self, plan, progress=None, user=None):
        """The statement and its new lines, then a proposal for each credit; the counts."""
        if not plan.ok:
            raise ImportRefused(_("This file has errors; nothing was imported."))
        done = {"statement lines": 0, "proposed matches": 0}
        if plan.counts.get("statement lines already imported"):
            done["skipped as already imported"] = plan.counts["statement lines already imported"]
        if not plan.items:
            return done
        try:
            with transaction.atomic():
                statement = Statement.objects.create(
                    file_name=self.file_name[:200] or _("statement"), **plan.statement
                )
                lines = StatementLine.objects.bulk_create(
                    StatementLine(
                        statement=statement,
                        state=StatementLine.State.UNMATCHED,
                        **item,
                    )
                    for item in plan.items
                )
                done["statement lines"] = len(lines)
                done["proposed matches"] = do_propose(statement.lines.all())
                record(user, "create", statement, {"lines": len(lines)})
        except IntegrityError:
            # Another import of the same lines won the race: this one writes nothing.
            raise ImportRefused(
                _("These lines were imported meanwhile; nothing was imported twice.")
            ) from None
        if progress:
            progress(len(plan.items))
        self.statement = statement
        return done


# What this importer's counts mean, in plural forms: a plan's (what would be done) and
# then apply's (what was done); `patron import` and the pages read them (system/registry).
PHRASES = {
    "statement lines": ngettext_lazy(
        "%(count)s statement line", "%(count)s statement lines", "count"
    ),
    "duplicated statement lines": ngettext_lazy(
        "%(count)s line repeated in the file (same bank reference)",
        "%(count)s lines repeated in the file (same bank reference)",
        "count",
    ),
    "statement lines already imported": ngettext_lazy(
        "%(count)s statement line already imported",
        "%(count)s statement lines already imported",
        "count",
    ),
    "proposed matches": ngettext_lazy(
        "%(count)s match proposed", "%(count)s matches proposed", "count"
    ),
}
