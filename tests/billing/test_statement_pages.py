"""The statement pages: upload, a statement's lines and the actions on them, the banks' CSV
layouts; hostile files and text; the cost of a page."""

from django.core.files.uploadedfile import SimpleUploadedFile

from patron.billing.models import BankMapping, Document, Payment, Statement, StatementLine
from patron.billing.payments.ledger import state_of
from tests.billing.statement_samples import BNP, CAMT, XXE, load
from tests.fixtures import queries_of

URL = "/app/billing/statements/"


def upload(client, data, name="statement.xml", follow=False, **fields):
    return client.post(URL, {"file": SimpleUploadedFile(name, data), **fields}, follow=follow)


def test_a_camt053_uploaded_shows_its_lines_and_proposals(owner_client, invoices):
    response = upload(owner_client, CAMT)
    statement = Statement.objects.get()
    assert response.status_code == 302 and response.url == f"{URL}{statement.pk}/"
    page = owner_client.get(response.url)
    text = page.text
    assert "Imported: 5 statement lines, 3 matches proposed" in text
    assert "F-2026-0001 of Acme SA" in text and "structured communication" in text
    assert "Outgoing: not a client" in text and "Confirm all 3 proposed matches" in text
    listed = owner_client.get(URL).text
    assert "statement.xml" in listed and "BE68539007547034" in listed


def test_a_proposal_confirmed_on_the_page_pays_the_invoice(owner_client, invoices):
    upload(owner_client, CAMT)
    line = StatementLine.objects.get(rule="structured")
    response = owner_client.post(f"{URL}lines/{line.pk}/confirm/", follow=True)
    assert "€1,210.00 recorded. F-2026-0001 is now paid." in response.text
    assert state_of(Document.objects.get(pk=invoices[0].pk)) == "paid"
    again = owner_client.post(f"{URL}lines/{line.pk}/confirm/", follow=True)
    assert "already confirmed" in again.text and Payment.objects.count() == 1


def test_another_invoice_chosen_ignore_and_confirm_all(owner_client, invoices):
    upload(owner_client, CAMT)
    unknown = StatementLine.objects.get(counterparty="P. Dupont")
    owner_client.post(f"{URL}lines/{unknown.pk}/confirm/", {"document": invoices[1].pk})
    assert state_of(Document.objects.get(pk=invoices[1].pk)) == "partially_paid"
    for bad in ("abc", "999999", "1 OR 1=1"):
        response = owner_client.post(
            f"{URL}lines/{unknown.pk}/confirm/", {"document": bad}, follow=True
        )
        assert "Choose one of the open invoices" in response.text or "already" in response.text
    debit = StatementLine.objects.get(amount__lt=0)
    response = owner_client.post(
        f"{URL}lines/{debit.pk}/confirm/", {"document": invoices[0].pk}, follow=True
    )
    assert "going out" in response.text
    nord = StatementLine.objects.get(rule="amount")
    owner_client.post(f"{URL}lines/{nord.pk}/ignore/")
    statement = Statement.objects.get()
    response = owner_client.post(f"{URL}{statement.pk}/confirm-all/", follow=True)
    # Acme's line pays its invoice; Vos's pays what is left of theirs, and the 50.00 beyond
    # is kept as their credit.
    assert "2 payments recorded" in response.text
    assert Payment.objects.count() == 3
    owner_client.post(f"{URL}lines/{nord.pk}/restore/")
    assert StatementLine.objects.get(pk=nord.pk).state == "proposed"


def test_an_upload_refused_says_why_and_writes_nothing(owner_client, invoices, bnp, settings):
    cases = [
        (XXE, "statement.xml", {}, "DOCTYPE"),
        (b"", "empty.csv", {}, "empty"),
        (CAMT[:500], "cut.xml", {}, "not well-formed"),
        (BNP, "bnp.csv", {}, "column mapping: choose one"),
        (BNP.replace(b"242,00", b"abc"), "bnp.csv", {"mapping": bnp.pk}, "Row 3:"),
        (
            BNP.replace(b"242,00", b"-242,00").replace(b"Date d", b"Jour d"),
            "bnp.csv",
            {"mapping": bnp.pk},
            "is not in the file",
        ),
    ]
    for data, name, fields, message in cases:
        response = upload(owner_client, data, name, **fields)
        assert response.status_code == 422, name
        assert message in response.text, (name, response.text[-3000:])
        assert "root:x:0" not in response.text
    settings.MAX_IMPORT_BYTES = 1024
    response = upload(owner_client, CAMT)
    assert response.status_code == 422 and "at most" in response.text
    assert not Statement.objects.exists() and not StatementLine.objects.exists()


def test_the_same_statement_uploaded_twice_adds_nothing(owner_client, invoices, bnp):
    upload(owner_client, CAMT)
    response = upload(owner_client, CAMT, "again.xml", follow=True)
    assert "imported already: nothing new" in response.text
    upload(owner_client, BNP, "bnp.csv", mapping=bnp.pk)
    response = upload(
        owner_client, BNP.replace(b"\r\n", b"\n"), "bnp2.csv", mapping=bnp.pk, follow=True
    )
    assert "imported before: nothing new" in response.text
    assert Statement.objects.count() == 2 and StatementLine.objects.count() == 9


def test_hostile_text_in_a_statement_is_shown_as_text(owner_client, invoices, bnp):
    response = upload(
        owner_client, BNP, "<img src=x onerror=alert(1)>.csv", mapping=bnp.pk, follow=True
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert "=HYPERLINK(&quot;http://evil.example&quot;,&quot;clic&quot;)" in response.text
    listed = owner_client.get(URL).text
    assert "&lt;img src=x onerror=alert(1)&gt;.csv" in listed and "<img src=x" not in listed


def test_a_bank_layout_is_saved_checked_and_deleted(owner_client):
    fields = {"name": "KBC", "delimiter": ";", "encoding": "auto", "skip_rows": "0",
              "decimal_comma": "on", "date_column": "Datum", "date_format": "%d/%m/%Y"}  # fmt: skip
    response = owner_client.post(f"{URL}banks/new/", fields)
    assert response.status_code == 422 and "Name the amount column" in response.text
    assert 'value="Datum"' in response.text  # what was typed is shown again
    response = owner_client.post(
        f"{URL}banks/new/", {**fields, "amount_column": "Bedrag", "credit_column": "Credit"}
    )
    assert response.status_code == 422 and "not both" in response.text
    response = owner_client.post(f"{URL}banks/new/", {**fields, "amount_column": "Bedrag"})
    assert response.status_code == 302
    mapping = BankMapping.objects.get()
    assert mapping.amount_column == "Bedrag" and mapping.decimal_comma
    assert "KBC" in owner_client.get(URL).text
    owner_client.post(f"{URL}banks/{mapping.pk}/", {**fields, "action": "delete"})
    assert not BankMapping.objects.exists()


def test_statement_pages_are_for_the_owner(client, invoices):
    _, statement = load(CAMT)
    line = statement.lines.first()
    for url in (URL, f"{URL}{statement.pk}/", f"{URL}banks/new/"):
        assert client.get(url).status_code == 302
    assert client.post(f"{URL}lines/{line.pk}/confirm/").status_code == 302
    assert not Payment.objects.exists()


def test_a_statement_page_costs_the_same_however_many_lines(owner_client, invoices):
    _, statement = load(CAMT)
    url = f"{URL}{statement.pk}/"

    def cost():
        return queries_of(owner_client, url, URL)

    before = cost()
    more = b"".join(
        b"<Ntry><Amt Ccy='EUR'>%d.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-03-12"
        b"</Dt></BookgDt><AcctSvcrRef>x-%d</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Ustrd>"
        b"F-2026-000%d</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>" % (n, n, n % 3 + 1)
        for n in range(1, 30)
    )
    load(
        CAMT.replace(b"<Id>2026-056</Id>", b"<Id>2026-057</Id>").replace(
            b"</Stmt>", more + b"</Stmt>"
        )
    )
    StatementLine.objects.update(statement=statement)
    assert statement.lines.count() == 34 and statement.lines.filter(state="proposed").count() > 20
    assert cost() == before
