"""The accountant's period: CSV of documents, lines, payments and expenses, and a ZIP with
every issued PDF and XML, from the page, the API and the command line."""

import csv
import io
import json
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qsl

import pytest
from django.utils import timezone

from patron.accounts.models import create_token
from patron.billing.books.tables import Period, presets
from patron.billing.documents.issuing import do_issue
from patron.billing.payments.recording import do_record_payment
from patron.contacts.models import Contact
from patron.work.models import Expense
from tests.fixtures import draft


@pytest.fixture
def acme(db):
    return Contact.objects.create(
        is_organisation=True,
        name='=HYPERLINK("http://evil")',
        is_client=True,
        street="Avenue Louise 1",
        postcode="1050",
        city="Ixelles",
        country="BE",
        vat_number="BE0403170701",
    )


@pytest.fixture
def issued(owner, business, acme):
    invoice = do_issue(
        owner, draft(acme, ("Design <b>", "10", "100", "21"), ("Hosting", "1", "50", "21"))
    )
    do_record_payment(
        owner, client=acme, date=timezone.localdate(), amount="500", documents=[invoice]
    )
    Expense.objects.create(
        on=timezone.localdate(),
        supplier="@SUM(1)",
        description="Paper",
        amount_excl_vat=Decimal("10"),
        vat_rate=Decimal("21"),
        vat_amount=Decimal("2.10"),
    )
    return invoice


def this_year():
    today = timezone.localdate()
    return f"start={today.year}-01-01&end={today.isoformat()}"


def read_csv(data):
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: spreadsheets read it right
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_archive_holds_the_tables_and_every_file(
    owner_client, issued, immediate_tasks, django_capture_on_commit_callbacks
):
    page = owner_client.get(f"/app/billing/books/?{this_year()}")
    assert page.status_code == 200 and "Prepare the archive (ZIP)" in page.text
    with django_capture_on_commit_callbacks(execute=True):  # the worker builds it
        owner_client.post("/app/billing/books/archive/", dict(parse_qsl(this_year())))
    page = owner_client.get(f"/app/billing/books/?{this_year()}")
    assert "Download the archive (ZIP)" in page.text
    response = owner_client.get(f"/app/billing/books/archive.zip?{this_year()}")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert {"documents.csv", "lines.csv", "payments.csv", "expenses.csv"} <= names
    number = issued.number
    assert {f"documents/{number}.pdf", f"documents/{number}-cii.xml"} <= names
    assert archive.read(f"documents/{number}.pdf").startswith(b"%PDF")
    documents = read_csv(archive.read("documents.csv"))
    assert documents[1][0] == number and documents[1][4] == '\'=HYPERLINK("http://evil")'
    assert documents[1][12:15] == ["500.00", "770.50", "partially_paid"]
    lines = read_csv(archive.read("lines.csv"))
    assert [row[4] for row in lines[1:]] == ["Design <b>", "Hosting"]
    payments = read_csv(archive.read("payments.csv"))
    assert payments[1][5] == "500.00" and payments[1][7] == f"{number}:500.00"
    expenses = read_csv(archive.read("expenses.csv"))
    assert expenses[1][1] == "'@SUM(1)"


def test_each_table_downloads_alone_and_bad_periods_are_refused(owner_client, issued):
    response = owner_client.get(f"/app/billing/books/lines.csv?{this_year()}")
    rows = read_csv(b"".join(response.streaming_content))
    assert len(rows) == 3
    assert owner_client.get(f"/app/billing/books/nope.csv?{this_year()}").status_code == 404
    for query, error in [
        ("start=2026-02-01&end=2026-01-01", "ends before it starts"),
        ("start=2000-01-01&end=2026-01-01", "at most three years"),
        ("start=<script>&end=2026-01-01", "Enter a valid date."),
        ("start=&end=", "This field is required."),
    ]:
        page = owner_client.get(f"/app/billing/books/?{query}")
        assert page.status_code == 422 and error in page.text and "<script>" not in page.text
        assert owner_client.get(f"/app/billing/books/archive.zip?{query}").status_code == 404
    empty = owner_client.get("/app/billing/books/?start=2001-01-01&end=2001-12-31")
    assert "No invoice or credit note issued in this period." in empty.text


def test_presets_are_whole_months_quarters_and_years():
    named = dict(presets(date(2026, 2, 14)))
    assert named["Last month"] == Period(date(2026, 1, 1), date(2026, 1, 31))
    assert named["Last quarter"] == Period(date(2025, 10, 1), date(2025, 12, 31))
    assert named["This quarter"] == Period(date(2026, 1, 1), date(2026, 2, 14))
    assert named["Last year"] == Period(date(2025, 1, 1), date(2025, 12, 31))
    assert dict(presets(date(2026, 7, 3)))["Last quarter"].start == date(2026, 4, 1)


def test_the_archive_over_the_api(
    owner, issued, client, immediate_tasks, django_capture_on_commit_callbacks
):
    token = create_token(owner, "tests")[1]
    today = timezone.localdate()
    url = f"/api/billing/books/archive?start={today.year}-01-01&end={today.isoformat()}"
    with django_capture_on_commit_callbacks(execute=True):  # the worker builds it
        queued = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert queued.status_code == 202 and queued.json()["state"] == "queued"
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert f"documents/{issued.number}.pdf" in archive.namelist()
    bad = client.get(url.replace("start=", "start=x"), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert bad.status_code == 422
    assert client.get(url).status_code == 401


def test_patron_books_export_writes_the_archive(patron, tmp_path):
    assert patron("demo", "--password", "a demo passphrase").returncode == 0
    out = tmp_path / "books.zip"
    today = date.today()  # noqa: DTZ011 -- the demo issues today; a wide period covers it
    start, end = (today - timedelta(days=40)).isoformat(), (today + timedelta(days=1)).isoformat()
    result = patron("books", "export", "--from", start, "--to", end, "--out", str(out))
    assert result.returncode == 0, result.stderr
    names = zipfile.ZipFile(out).namelist()
    assert "documents.csv" in names and sum(n.endswith(".pdf") for n in names) >= 8
    assert str(out) in result.stdout
    refused = patron("books", "export", "--from", end, "--to", start, "--out", str(out))
    assert refused.returncode != 0 and "ends before it starts" in refused.stderr
    summary = patron("books", "summary", "--from", start, "--to", end, "--json")
    assert json.loads(summary.stdout)["documents"][0]["currency"] in {"CHF", "EUR"}


def test_the_archive_counts_a_deposit_and_its_final_invoice_once(owner_client, owner, business):
    from tests.billing import scenarios

    quote = scenarios.accepted_quote(owner, scenarios.acme(), [("Website", "1", "10000", "21")])
    deposit = scenarios.deposit_invoice(owner, quote, date(2026, 3, 3))
    final = scenarios.final_invoice(owner, quote, date(2026, 3, 20))
    query = "start=2026-03-01&end=2026-03-31"
    response = owner_client.get(f"/app/billing/books/documents.csv?{query}")
    header, *rows = read_csv(b"".join(response.streaming_content))
    column = {name: n for n, name in enumerate(header)}

    def total(name):
        return sum(Decimal(row[column[name]]) for row in rows)

    # The deposit states 3,000.00 + 630.00, the final invoice 10,000.00 + 2,100.00 and
    # deducts the deposit: 3,000.00 and 630.00 in its last two columns.
    assert [row[0] for row in rows] == [deposit.number, final.number]
    assert rows[1][-2:] == ["3000.00", "630.00"] and rows[0][-2:] == ["0.00", "0.00"]
    # The totals less what is deducted: the job once, 10,000.00 and 2,100.00.
    assert total("Total excl. VAT") - total("Deposit deducted excl. VAT") == Decimal("10000.00")
    assert total("VAT amount") - total("Deposit VAT deducted") == Decimal("2100.00")
    response = owner_client.get(f"/app/billing/books/lines.csv?{query}")
    header, *lines = read_csv(b"".join(response.streaming_content))
    # 3,000.00 (deposit) + 10,000.00 (final) − 3,000.00 (its deposit, on a row of its own)
    net = header.index("Net")
    assert [line[net] for line in lines] == ["3000.00", "10000.00", "-3000.00"]
    assert lines[2][3] == "" and lines[2][4] == "Deposit deducted"
    assert sum(Decimal(line[net]) for line in lines) == Decimal("10000.00")
    # The page's summary: 10,000.00 invoiced excl. VAT and 2,100.00 of VAT, not 13,000 / 2,730.
    page = owner_client.get(f"/app/billing/books/?{query}").text
    assert "€10,000.00" in page and "€2,100.00" in page and "€13,000.00" not in page
