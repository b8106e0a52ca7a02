"""Bank statements: camt.053 and CSV read into lines, credits matched to open invoices by each
rule, matches confirmed into payments, and the hostile files that must change nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from patron.billing.documents.issuing import do_issue
from patron.billing.models import Allocation, BankMapping, Document, Payment, Statement
from patron.billing.models import StatementLine as Line
from patron.billing.payments.ledger import outstanding, state_of
from patron.billing.payments.recording import do_delete_payment
from patron.billing.statements.matching import (
    do_confirm_line,
    do_confirm_proposed,
    do_ignore_line,
    do_propose,
    name_words,
    same_name,
    structured_digits,
)
from patron.billing.statements.reading import StatementImporter
from patron.contacts.models import Contact
from patron.system.importing import ImportRefused
from tests.billing.statement_samples import BNP, CAMT, XXE, load, numbered
from tests.fixtures import draft


def refused(data, mapping=None):
    importer = StatementImporter(mapping=mapping)
    before = (Line.objects.count(), Statement.objects.count(), Payment.objects.count())
    with pytest.raises(ImportRefused) as e:
        plan = importer.plan(data)
        if not plan.ok:
            raise ImportRefused(" ".join(str(error) for error in plan.errors))
    assert (Line.objects.count(), Statement.objects.count(), Payment.objects.count()) == before
    return str(e.value)


def test_a_camt053_statement_is_read_into_its_lines(db):
    counts, statement = load(CAMT)
    assert counts == {"statement lines": 5, "proposed matches": 0}
    assert statement.format == "camt053" and statement.account_iban == "BE68539007547034"
    lines = list(statement.lines.all())
    first, debit = lines[0], lines[-1]
    assert first.amount == Decimal("1210.00") and first.currency == "EUR"
    assert first.booking_date == date(2026, 3, 10) and first.counterparty == "ACME S.A."
    assert first.iban == "BE71096123456769" and first.communication == "260000000170"
    assert first.bank_reference == "20260310-0001" and first.row > 1
    assert debit.amount == Decimal("-35.20") and debit.counterparty == "Proximus SA"
    assert [line.state for line in lines] == ["unmatched"] * 5


def test_each_rule_proposes_its_invoice_and_the_rest_stays_unmatched(invoices):
    counts, statement = load(CAMT)
    assert counts["proposed matches"] == 3
    acme, vos, nord = invoices
    lines = list(statement.lines.all())
    assert [(line.state, line.document_id, line.rule) for line in lines] == [
        ("proposed", acme.pk, "structured"),
        ("proposed", vos.pk, "number"),
        ("proposed", nord.pk, "amount"),
        ("unmatched", None, ""),
        ("unmatched", None, ""),  # the debit: never a client's payment
    ]
    assert not Payment.objects.exists()  # proposed, not recorded


def test_a_bnp_csv_with_its_mapping_is_read_and_matched(invoices, bnp):
    counts, statement = load(BNP, bnp, "bnp.csv")
    assert counts["statement lines"] == 4 and counts["proposed matches"] == 2
    lines = list(statement.lines.all())
    assert lines[0].amount == Decimal("1210.00") and lines[0].rule == "structured"
    assert lines[0].communication == "+++260/0000/00170+++" and lines[0].row == 2
    assert lines[1].rule == "number" and lines[2].amount == Decimal("-35.20")
    # A formula is kept as the text it is; HTML too (pages escape it).
    assert lines[3].counterparty == '=HYPERLINK("http://evil.example","clic")'
    assert lines[3].communication == "<script>alert(1)</script>"
    assert statement.format == "csv" and statement.mapping == bnp


def test_confirming_records_the_payment_and_the_invoice_is_paid(owner, invoices):
    acme = invoices[0]
    _, statement = load(CAMT)
    line = statement.lines.get(rule="structured")
    recorded, document = do_confirm_line(owner, line)
    line.refresh_from_db()
    assert line.state == "confirmed" and line.payment == recorded.payment
    payment = Payment.objects.get()
    assert (payment.amount, payment.date, payment.method) == (
        Decimal("1210.00"),
        date(2026, 3, 10),
        "transfer",
    )
    assert payment.client == acme.client and payment.reference == "260000000170"
    assert Allocation.objects.get().document == acme
    assert state_of(Document.objects.get(pk=acme.pk)) == "paid"
    with pytest.raises(ValidationError, match="already confirmed"):
        do_confirm_line(owner, line)
    assert Payment.objects.count() == 1


def test_a_smaller_credit_chosen_for_an_invoice_leaves_it_partially_paid(owner, invoices):
    _, statement = load(CAMT)
    unknown = statement.lines.get(counterparty="P. Dupont")
    do_confirm_line(owner, unknown, document=invoices[0])
    acme = Document.objects.get(pk=invoices[0].pk)
    assert state_of(acme) == "partially_paid" and outstanding(acme) == Decimal("1160.00")
    unknown.refresh_from_db()
    assert unknown.state == "confirmed" and unknown.document == acme and unknown.rule == ""


def test_confirm_all_records_each_proposed_line_once(owner, invoices):
    _, statement = load(CAMT)
    done, refused_lines = do_confirm_proposed(owner, statement)
    assert len(done) == 3 and refused_lines == []
    assert all(state_of(Document.objects.get(pk=i.pk)) == "paid" for i in invoices)
    assert do_confirm_proposed(owner, statement) == ([], [])
    assert Payment.objects.count() == 3
    assert statement.lines.filter(state="unmatched").count() == 2


def test_a_debit_or_an_ignored_line_is_not_recorded(owner, invoices):
    _, statement = load(CAMT)
    debit = statement.lines.get(amount__lt=0)
    with pytest.raises(ValidationError, match="going out"):
        do_confirm_line(owner, debit, document=invoices[0])
    line = statement.lines.get(rule="number")
    do_ignore_line(owner, line)
    line.refresh_from_db()
    assert line.state == "ignored" and line.document is None
    assert do_confirm_proposed(owner, statement)[0] and not line.payment
    with pytest.raises(ValidationError, match="Choose the invoice"):
        do_confirm_line(owner, line)


def test_a_deleted_payment_puts_its_line_back_to_confirm(owner, invoices):
    _, statement = load(CAMT)
    line = statement.lines.get(rule="structured")
    recorded, _ = do_confirm_line(owner, line)
    do_delete_payment(owner, recorded.payment)
    line.refresh_from_db()
    assert line.state == "proposed" and line.payment is None
    do_confirm_line(owner, line)
    assert Payment.objects.count() == 1


def test_an_invoice_paid_meanwhile_refuses_the_confirmation(owner, invoices):
    _, statement = load(CAMT)
    line = statement.lines.get(rule="structured")
    do_confirm_line(owner, statement.lines.get(counterparty="P. Dupont"), document=invoices[0])
    from patron.billing.payments.recording import do_record_payment

    do_record_payment(
        owner,
        client=invoices[0].client,
        date=date(2026, 3, 12),
        amount=Decimal("1160"),
        documents=[invoices[0]],
    )
    with pytest.raises(ValidationError, match="Nothing is left to settle"):
        do_confirm_line(owner, line)
    line.refresh_from_db()
    assert line.state == "proposed" and Payment.objects.count() == 2


def test_importing_the_same_statement_twice_records_nothing_twice(owner, invoices, bnp):
    load(CAMT)
    importer = StatementImporter(file_name="again.xml")
    plan = importer.plan(CAMT)
    assert plan.counts == {"statement lines": 0, "statement lines already imported": 5}
    assert importer.statement == Statement.objects.get()
    assert importer.apply(plan)["statement lines"] == 0
    assert Statement.objects.count() == 1 and Line.objects.count() == 5
    # The same movements in another file (a CSV export with the same bank references would
    # differ by account; an overlapping camt.053 does not): only the new ones are added.
    overlapping = CAMT.replace(b"<Id>2026-056</Id>", b"<Id>2026-057</Id>").replace(
        b"</Stmt>",
        b"<Ntry><Amt Ccy='EUR'>10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
        b"<BookgDt><Dt>2026-03-12</Dt></BookgDt><AcctSvcrRef>20260312-0006</AcctSvcrRef>"
        b"</Ntry></Stmt>",
    )
    counts, _ = load(overlapping)
    assert counts["statement lines"] == 1 and counts["skipped as already imported"] == 5
    assert Line.objects.count() == 6


def test_repeated_lines_in_one_file(db, bnp):
    """With the bank's reference, a repeated line is the same movement listed twice: kept
    once. Without one, identical lines are separate movements (two equal transfers on a
    day), each kept, and importing the file again still adds neither."""
    lines = BNP.splitlines(keepends=True)
    twice = b"".join(lines[:2] + lines[1:2])
    importer = StatementImporter(mapping=bnp)
    plan = importer.plan(twice)
    assert plan.counts["statement lines"] == 1 and plan.counts["duplicated statement lines"] == 1
    bnp.reference_column = ""
    bnp.save()
    counts, _ = load(twice, bnp)
    assert counts["statement lines"] == 2
    assert StatementImporter(mapping=bnp).plan(twice).counts["statement lines"] == 0


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"<Document><x/></Document>", "not a camt.053"),
        (
            b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">'
            b"<BkToCstmrDbtCdtNtfctn/></Document>",
            "not a camt.053",
        ),
        (CAMT[:900], "not well-formed"),
        (CAMT.replace(b"ACME S.A.", b"ACME \xe9\xff S.A."), "not well-formed"),
        (CAMT.replace(b'Ccy="EUR">1210.00', b'Ccy="EUR">-1210.00'), "negative"),
        (CAMT.replace(b'Ccy="EUR">242.00', b'Ccy="EUR">2,42'), "not an amount"),
        (CAMT.replace(b"<CdtDbtInd>DBIT", b"<CdtDbtInd>BOTH"), "neither a credit"),
        (
            CAMT.replace(b"<BookgDt><Dt>2026-03-10</Dt></BookgDt>", b"").replace(
                b"<ValDt><Dt>2026-03-10</Dt></ValDt>", b""
            ),
            "no booking date",
        ),
        (CAMT.replace(b'Ccy="EUR">50.00', b'Ccy="EURO">50.00'), "not a currency"),
        (CAMT.replace(b'Ccy="EUR">50.00', b">50.00"), "not a currency"),
        (CAMT.replace(b"P. Dupont", b"P" * 300), "longer than 200"),
        (b"\x00\x01\x02PK", "not a text file"),
    ],
)
def test_a_bad_camt053_says_why_and_writes_nothing(db, data, message):
    assert message in refused(data)


def test_an_external_entity_is_refused_never_resolved(db):
    message = refused(XXE)
    assert "DOCTYPE" in message and "root:" not in message
    # Even past the byte check (a DOCTYPE further than it reads), the parser resolves nothing.
    from lxml import etree

    from patron.system.untrusted_xml import xml_parser

    tree = etree.fromstring(XXE, parser=xml_parser())
    assert "root:" not in etree.tostring(tree).decode()
    assert tree.getroottree().docinfo.doctype


def test_entity_expansion_is_refused(db):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b"<Document>&lol2;</Document>"
    )
    assert "DOCTYPE" in refused(bomb)


def test_a_pending_entry_waits_for_its_booked_statement(db):
    pending = CAMT.replace(
        b"<Sts>BOOK</Sts>\n        <BookgDt><Dt>2026-03-11</Dt>",
        b"<Sts>PDNG</Sts>\n        <BookgDt><Dt>2026-03-11</Dt>",
        1,
    )
    counts, _ = load(pending)
    assert counts["statement lines"] == 4
    assert load(CAMT)[0] == {
        "statement lines": 1,
        "proposed matches": 0,
        "skipped as already imported": 4,
    }


def test_a_camt053_001_08_statement_with_batched_transactions(db):
    batch = CAMT.replace(b"camt.053.001.02", b"camt.053.001.08").replace(
        b'<Ntry>\n        <Amt Ccy="EUR">605.00</Amt>',
        b'<Ntry>\n        <Amt Ccy="EUR">605.00</Amt>',
    )
    batch = batch.replace(
        b"<RmtInf><Ustrd>Paiement mars</Ustrd></RmtInf>\n          </TxDtls>",
        b"<RmtInf><Ustrd>Paiement mars</Ustrd></RmtInf>\n          </TxDtls>"
        b"<TxDtls><Amt Ccy='EUR'>5.00</Amt><RmtInf><Ustrd>frais</Ustrd></RmtInf></TxDtls>",
    )
    counts, statement = load(batch)
    assert counts["statement lines"] == 6
    assert statement.lines.filter(communication="frais", amount=Decimal("5.00")).exists()


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.replace(b"10/03/2026;10/03", b"2026-03-10;10/03", 1), "not a date"),
        (lambda d: d.replace(b"242,00", b"deux cents"), "not an amount"),
        (lambda d: d.replace(b"242,00", b"0,00"), "zero"),
        (lambda d: d.replace(b"Montant", b"Bedrag"), "“Montant”"),
        (lambda d: d.split(b"\r\n")[0], "no lines"),
    ],
)
def test_a_bad_csv_says_why_and_writes_nothing(db, bnp, change, message):
    assert message in refused(change(BNP), bnp)


def test_a_csv_row_error_names_its_row(db, bnp):
    plan = StatementImporter(mapping=bnp).plan(BNP.replace(b"242,00", b"abc"))
    assert [str(error) for error in plan.errors] == ["Row 3: “abc” is not an amount."]


def test_a_csv_in_another_encoding_than_its_mapping_says_is_refused(db, bnp):
    bnp.encoding = "utf-8"
    bnp.save()
    assert "not in UTF-8" in refused(BNP, bnp)
    # A byte order mark is surer than the mapping: UTF-16 with its mark is read (test_encodings).


def test_a_csv_needs_a_known_mapping(db, bnp):
    assert "no bank mapping named “KBC” (saved mappings: BNP Paribas Fortis)" in refused(BNP, "KBC")
    assert "choose one" in refused(BNP, None)


def test_separate_credit_and_debit_columns(db):
    mapping = BankMapping.objects.create(
        name="ING",
        delimiter=",",
        decimal_comma=False,
        date_column="Date",
        date_format="%Y-%m-%d",
        credit_column="Credit",
        debit_column="Debit",
        name_column="Name",
    )
    data = b'Date,Name,Credit,Debit\n2026-03-10,Acme,"1,210.00",\n2026-03-11,Shop,,-12.50\n'
    counts, statement = load(data, mapping)
    assert [line.amount for line in statement.lines.all()] == [
        Decimal("1210.00"),
        Decimal("-12.50"),
    ]
    assert "negative" in refused(data.replace(b'"1,210.00"', b"-5"), mapping)
    assert "both a credit and a debit" in refused(data.replace(b",,-12.50", b",3,-12.50"), mapping)


def test_a_file_over_the_limit_is_refused(db, settings):
    settings.MAX_IMPORT_BYTES = 1024
    assert "at most" in refused(CAMT)


def test_structured_communications_and_names_compare_loosely():
    assert structured_digits("+++260/0000/00170+++ and ***260/0000/00271***") == {
        "260000000170",
        "260000000271",
    }
    assert structured_digits("260000000170") == {"260000000170"}
    assert structured_digits("260000000171") == set()  # a wrong check digit
    assert name_words("ACME S.A.") == {"acme"} == name_words("Acme SA")
    assert same_name("ATELIER NORD SRL", "Atelier Nord") and same_name("Café Zoé", "CAFE ZOE")
    assert not same_name("Nord Stream", "Atelier Nord") and not same_name("SA", "SA")


def test_an_amount_alone_is_not_enough(invoices):
    _, statement = load(CAMT.replace(b"ATELIER NORD SRL", b"Someone Else"))
    assert statement.lines.get(amount=Decimal("605.00")).state == "unmatched"


def test_matching_again_finds_an_invoice_issued_since(owner, business):
    _, statement = load(CAMT)
    assert statement.lines.filter(state="proposed").count() == 0
    client = Contact.objects.create(
        is_organisation=True,
        name="Acme SA",
        is_client=True,
        street="Rue Haute 1",
        postcode="1000",
        city="Bruxelles",
        country="BE",
    )
    numbered(do_issue(owner, draft(client, ("Design", "1", "1000", "21"))), 1)
    assert do_propose(statement.lines.all()) == 1
