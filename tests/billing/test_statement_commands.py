"""`patron import statement FILE [--mapping BANK]` and `patron statement …`, the real
commands on a demo install."""

import json
from datetime import timedelta

from django.utils import timezone

from tests.billing.statement_samples import BNP, CAMT, XXE


def camt_paying(invoice, day):
    """A camt.053 whose first credit names `invoice` in its text and pays what it asks."""
    return (
        CAMT.replace(b"<Ref>260000000170</Ref>", b"<Ref>no reference</Ref>")
        .replace(b"Facture F-2026-0002 merci", f"Facture {invoice['number']}".encode())
        .replace(b'Ccy="EUR">242.00', f'Ccy="EUR">{invoice["amount_due"]}'.encode())
        .replace(b"2026-03-10", day.encode())
    )


def last_statement(patron):
    """The number of the statement imported last, as `patron statement list` shows it first
    (the database's sequences start at 1 on a new install only)."""
    return patron("statement", "list").stdout.split()[0]


def test_a_statement_imported_and_confirmed_on_the_command_line(patron, tmp_path):
    assert patron("demo", "--password", "a demo passphrase").returncode == 0
    documents = json.loads(patron("invoice", "list", "--json").stdout)
    open_one = next(d for d in documents if d["kind"] == "invoice" and d["currency"] == "EUR"
                    and d["status"] in ("issued", "partially_paid"))  # fmt: skip
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    statement = tmp_path / "statement.xml"
    statement.write_bytes(camt_paying(open_one, yesterday))
    dry = patron("import", "statement", str(statement), "--dry-run")
    assert dry.returncode == 0 and "5 statement lines" in dry.stdout, dry.stderr
    done = patron("import", "statement", str(statement))
    assert done.returncode == 0, done.stderr
    assert "Imported: 5 statement lines, 1 match proposed." in done.stdout
    again = patron("import", "statement", str(statement))
    assert again.returncode == 0 and "5 skipped as already imported" in again.stdout
    lines = json.loads(patron("statement", "lines", last_statement(patron), "--json").stdout)
    proposed = next(line for line in lines if line["state"] == "proposed")
    assert proposed["invoice"] == open_one["number"] and proposed["rule"] == "number"
    assert [line["state"] for line in lines].count("debit") == 1
    confirmed = patron("statement", "confirm", str(proposed["id"]))
    assert confirmed.returncode == 0, confirmed.stderr
    assert open_one["number"] in confirmed.stdout
    twice = patron("statement", "confirm", str(proposed["id"]))
    assert twice.returncode != 0 and "already confirmed" in twice.stderr
    after = json.loads(patron("invoice", "list", "--json").stdout)
    assert next(d for d in after if d["number"] == open_one["number"])["status"] == "paid"
    listed = patron("statement", "list")
    assert "statement.xml" in listed.stdout and "1 confirmed" in listed.stdout


def test_bad_statements_are_refused_on_the_command_line(patron, tmp_path):
    for name, data, message in [
        ("xxe.xml", XXE, "DOCTYPE"),
        ("empty.csv", b"", "empty"),
        ("bank.csv", b"Date;Montant\n10/03/2026;12,00\n", "column mapping"),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        result = patron("import", "statement", str(path))
        assert result.returncode != 0 and message in result.stderr, result.stderr
        assert "root:" not in result.stderr + result.stdout
    mapped = patron("import", "statement", str(tmp_path / "bank.csv"), "--mapping", "X")
    assert mapped.returncode != 0 and "no bank mapping named “X”" in mapped.stderr
    other = patron("import", "vcard", str(tmp_path / "bank.csv"), "--mapping", "X")
    assert other.returncode != 0 and "--mapping is for bank statements" in other.stderr
    assert "no statement" in patron("statement", "lines", "7").stderr
    assert patron("statement", "list").stdout == ""


def test_a_bank_layout_saved_on_the_command_line_reads_its_csv(patron, tmp_path):
    bank = "BNP Paribas Fortis"
    half = patron("statement", "mapping", bank, "--date-column", "Date d'exécution")
    assert half.returncode != 0 and "The layout was not saved" in half.stderr
    saved = patron("statement", "mapping", bank, "--date-column", "Date d'exécution",
                   "--amount-column", "Montant", "--name-column", "Nom de la contrepartie",
                   "--communication-column", "Communication",
                   "--reference-column", "Numéro de séquence")  # fmt: skip
    assert saved.returncode == 0 and f"The layout of {bank} is saved." in saved.stdout
    assert bank in patron("statement", "mappings").stdout
    path = tmp_path / "bnp.csv"
    path.write_bytes(BNP)
    done = patron("import", "statement", str(path), "--mapping", bank.lower())
    assert done.returncode == 0 and "4 statement lines" in done.stdout, done.stderr
    lines = json.loads(patron("statement", "lines", last_statement(patron), "--json").stdout)
    assert [line["amount"] for line in lines] == ["1210.00", "242.00", "-35.20", "50.00"]
    assert lines[3]["counterparty"] == '=HYPERLINK("http://evil.example","clic")'
    changed = patron("statement", "mapping", bank, "--decimal-comma", "no")
    assert changed.returncode == 0
    again = patron("import", "statement", str(path), "--mapping", bank)
    assert again.returncode != 0 and "Row 2" in again.stderr  # 1.210,00 read with a point
