"""A supplier's e-invoice booked as an expense: the official EN 16931 and Peppol examples,
the validator's broken ones refused with the rule they break, Patron's own Factur-X, CII
and UBL, one expense per supplier invoice, and the page that takes the file."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfWriter

from patron.audit.models import AuditEntry
from patron.billing.einvoice.rendering import do_store_renderings, formats_of, rendering
from patron.contacts.models import Contact
from patron.work.expenses.einvoice_reading import EInvoiceRefused, read_einvoice
from patron.work.expenses.supplier_invoices import do_import_supplier_invoice
from patron.work.models import Expense, ExpenseLine
from tests.billing import scenarios

EXAMPLES = scenarios.EXAMPLES
VALID = sorted(
    [*EXAMPLES.glob("en16931/*.xml"), *EXAMPLES.glob("peppol/*.xml"), *EXAMPLES.glob("facturx/*")]
)
# The validator's broken examples and the rule each breaks, as Patron names it. Two are
# booked all the same: a PDF whose attachment is declared loosely still carries a sound
# invoice, and a missing buyer reference is the Peppol network's rule, not the receiver's.
BROKEN = {
    "cii-BR-CO-15-grand-total.xml": "BR-CO-15",
    "cii-bad-date-format.xml": "CII-DT-097",
    "cii-no-lines.xml": "BR-16",
    "cii-no-seller-vat.xml": "BR-S-02",
    "facturx-taxtotal-no-currency.pdf": "BR-CO-15",
    "ubl-BR-CO-15-tax-inclusive.xml": "BR-CO-15",
    "ubl-bad-date-format.xml": "PEPPOL-EN16931-F001",
    "ubl-no-seller-vat.xml": "BR-S-02",
}
BOOKED_ANYWAY = [
    "facturx-af-unspecified.pdf",
    "facturx-no-fx-xmp.pdf",
    "ubl-no-buyer-reference.xml",
]
CAMT = b"""<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
<BkToCstmrStmt/></Document>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&xxe;</ID></Invoice>"""


def plain_pdf():
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def example(name):
    return next(EXAMPLES.glob(f"*/{name}")).read_bytes()


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_every_official_example_is_booked_with_its_totals(path, db):
    invoice = read_einvoice(path.read_bytes())
    booked = do_import_supplier_invoice(path.read_bytes())
    expense = booked.expense
    sign = -1 if invoice.is_credit_note else 1
    assert booked.created
    assert expense.number == invoice.number and expense.on == invoice.issued_on
    assert expense.currency == invoice.currency
    assert expense.amount_excl_vat == sign * invoice.totals.excl_vat
    assert expense.vat_amount == sign * invoice.totals.vat
    assert expense.lines.count() == len(invoice.lines)
    assert sum(line.net_amount for line in expense.lines.all()) == sign * invoice.totals.line_total
    assert sum(g.vat_amount for g in expense.vat_groups.all()) == expense.vat_amount
    assert expense.supplier_contact.is_supplier
    assert expense.supplier_contact.name == invoice.seller.name
    assert expense.receipt.name.endswith(".pdf" if path.suffix == ".pdf" else ".xml")
    assert expense.receipt.read() == path.read_bytes()


def test_an_invoice_with_two_rates_keeps_each_rate(db):
    expense = do_import_supplier_invoice(example("cen-CII_example1.xml")).expense
    groups = [(g.vat_rate, g.taxable_amount, g.vat_amount) for g in expense.vat_groups.all()]
    assert groups == [
        (Decimal("21.00"), Decimal("46.37"), Decimal("9.74")),
        (Decimal("6.00"), Decimal("183.23"), Decimal("10.99")),
    ]
    # 46.37 + 183.23 = 229.60 excluding VAT; 9.74 + 10.99 = 20.73 of VAT.
    assert (expense.amount_excl_vat, expense.vat_amount) == (Decimal("229.60"), Decimal("20.73"))
    assert expense.supplier == "De Koksmaat" and expense.lines.count() == 20


def test_a_supplier_credit_note_is_a_negative_expense(db):
    expense = do_import_supplier_invoice(example("cen-ubl-tc434-creditnote1.xml")).expense
    assert expense.amount_excl_vat == Decimal("-100.11") and expense.vat_amount == 0
    assert expense.description.startswith("Credit note 018304 / 28865")
    assert all(line.net_amount < 0 for line in expense.lines.all())


@pytest.mark.parametrize(("name", "rule"), BROKEN.items())
def test_broken_invoices_are_refused_with_the_rule_they_break(name, rule, db):
    with pytest.raises(EInvoiceRefused) as refused:
        do_import_supplier_invoice(example(name))
    assert refused.value.rule == rule
    assert str(refused.value).startswith(f"[{rule}] ")
    assert not Expense.objects.exists() and not Contact.objects.exists()


@pytest.mark.parametrize("name", BOOKED_ANYWAY)
def test_defects_a_receiver_need_not_mind_are_booked(name, db):
    assert do_import_supplier_invoice(example(name)).created


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (plain_pdf(), "no Factur-X"),
        (b"%PDF-1.7\n garbage that is no PDF", "cannot be read"),
        (b"Date;Amount\n2026-01-01;12\n", "neither a PDF nor XML"),
        (b"=cmd|' /C calc'!A0", "neither a PDF nor XML"),
        (b"<html><script>alert(1)</script></html>", "not an invoice"),
        (CAMT, "not an invoice"),
        (XXE, "DOCTYPE"),
        (b"<Invoice", "not well-formed"),
        (
            example("peppol-base-example.xml").replace(b"<cbc:ID>Snippet1</cbc:ID>", b"<cbc:ID/>"),
            "[BR-02]",
        ),
        (
            example("peppol-base-example.xml").replace(b">1325<", b">1e999<", 1),
            "out of range",
        ),
        (
            example("peppol-base-example.xml").replace(b">1325<", b">twelve<", 1),
            "not a number",
        ),
        (
            example("peppol-base-example.xml").replace(
                b"<cbc:DocumentCurrencyCode>EUR", b"<cbc:DocumentCurrencyCode>XXY"
            ),
            "ISO 4217",
        ),
    ],
)
def test_what_is_no_supplier_invoice_is_refused_with_the_reason(data, says, db):
    with pytest.raises(EInvoiceRefused) as refused:
        do_import_supplier_invoice(data)
    assert says in str(refused.value)
    assert not Expense.objects.exists()


def test_a_file_over_the_import_limit_is_refused_before_it_is_read(settings, db):
    settings.MAX_IMPORT_BYTES = 1000
    with pytest.raises(Exception, match="an import takes at most"):
        do_import_supplier_invoice(example("peppol-base-example.xml"))


def test_the_same_invoice_is_booked_once_whatever_the_file(db):
    first = do_import_supplier_invoice(example("cen-CII_example1.xml"))
    again = do_import_supplier_invoice(example("cen-CII_example1.xml"))
    # The same invoice from the same seller in UBL: the same number, the same VAT number.
    as_ubl = do_import_supplier_invoice(example("cen-ubl-tc434-example1.xml"))
    assert first.created and not again.created and not as_ubl.created
    assert again.expense == first.expense == as_ubl.expense
    assert Expense.objects.count() == 1 and ExpenseLine.objects.count() == 20
    assert Contact.objects.count() == 1
    # Another invoice of the same seller is another expense, with the same supplier.
    other = example("cen-CII_example1.xml").replace(
        b"<ram:ID>12115118</ram:ID>", b"<ram:ID>X2</ram:ID>"
    )
    second = do_import_supplier_invoice(other)
    assert second.created and second.expense.supplier_contact == first.expense.supplier_contact


def test_a_known_contact_is_matched_by_vat_number_and_becomes_a_supplier(db):
    known = Contact.objects.create(
        is_organisation=True, name="Koksmaat (our caterer)", vat_number="NL820098395B01"
    )
    expense = do_import_supplier_invoice(example("cen-CII_example1.xml")).expense
    known.refresh_from_db()
    assert expense.supplier_contact == known and known.is_supplier
    assert Contact.objects.count() == 1


def test_a_new_supplier_is_created_with_its_details(db):
    booked = do_import_supplier_invoice(example("peppol-base-example.xml"))
    supplier = booked.expense.supplier_contact
    assert booked.new_supplier
    assert (supplier.name, supplier.vat_number, supplier.country) == (
        "SupplierTradingName Ltd.",
        "GB1232434",
        "GB",
    )
    assert AuditEntry.objects.filter(object_type="work.expense", action="create").exists()


@pytest.mark.parametrize("name", ["several-rates", "credit-notes", "reverse-charge-nl"])
def test_patron_s_own_invoices_are_read_back_from_each_format(name, owner, business, db):
    documents = scenarios.BELGIAN_SCENARIOS[name](owner)
    for document in documents:
        do_store_renderings(document)
        expenses = set()
        for fmt in formats_of(document):
            _name, _type, data = rendering(document, fmt)
            booked = do_import_supplier_invoice(data)
            expenses.add(booked.expense.pk)
            sign = -1 if document.kind == "credit_note" else 1
            assert booked.expense.amount_excl_vat == sign * document.total_excl_vat, fmt
            assert booked.expense.vat_amount == sign * document.total_vat, fmt
            assert booked.expense.number == document.number
        # The PDF, the CII and the UBL of one invoice are one expense.
        assert len(expenses) == 1


# The pages ------------------------------------------------------------------------------


def upload(owner_client, data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return owner_client.post(
        reverse("work:expense_import"), {"file": SimpleUploadedFile(name, data)}, follow=True
    )


def test_dropping_a_factur_x_pdf_shows_the_expense_it_made(owner_client, english):
    response = upload(owner_client, example("sample-weasyprint-drafthorse.pdf"), "fx.pdf")
    expense = Expense.objects.get()
    assert response.redirect_chain[-1][0] == reverse("work:expense_edit", args=[expense.pk])
    page = response.content.decode()
    assert "is booked as this expense" in page
    assert "Read from the supplier's e-invoice" in page
    assert "FA-2026-0042" in page and "Camille Martin EI" in page
    again = upload(owner_client, example("sample-weasyprint-drafthorse.pdf"), "again.pdf")
    assert "was already booked" in again.content.decode()
    assert Expense.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (plain_pdf(), "no Factur-X"),
        (example("ubl-BR-CO-15-tax-inclusive.xml"), "BR-CO-15"),
        (b"<script>alert(1)</script>", "not an invoice"),
    ],
)
def test_a_refused_file_says_why_and_books_nothing(owner_client, english, data, says):
    response = upload(owner_client, data, "../../etc/passwd.xml")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was booked." in page and says in page
    assert "<script>alert(1)" not in page
    assert not Expense.objects.exists()


def test_the_amounts_of_a_booked_e_invoice_cannot_be_edited(owner_client, english):
    expense = do_import_supplier_invoice(example("cen-CII_example1.xml")).expense
    response = owner_client.post(
        reverse("work:expense_edit", args=[expense.pk]),
        {
            "on": "2020-01-01",
            "supplier": "Someone else",
            "description": "Kitchen supplies",
            "category": "Catering",
            "amount_excl_vat": "1",
            "vat_rate": "0",
            "vat_amount": "0",
            "currency": "USD",
        },
    )
    assert response.status_code == 302
    expense.refresh_from_db()
    assert (expense.category, expense.description) == ("Catering", "Kitchen supplies")
    assert (expense.amount_excl_vat, expense.vat_amount) == (Decimal("229.60"), Decimal("20.73"))
    assert (expense.supplier, expense.currency) == ("De Koksmaat", "EUR")


def test_saving_a_booked_invoice_keeps_a_vat_amount_that_its_rate_would_give(owner_client):
    # 2,500.00 at 20 % is 500.00: the form must not take it for a computed, empty amount.
    expense = do_import_supplier_invoice(example("sample-weasyprint-drafthorse.pdf")).expense
    page = owner_client.get(reverse("work:expense_edit", args=[expense.pk])).content.decode()
    assert 'value="500.00"' in page
    response = owner_client.post(
        reverse("work:expense_edit", args=[expense.pk]), {"category": "Subcontracting"}
    )
    assert response.status_code == 302
    expense.refresh_from_db()
    assert (expense.vat_amount, expense.category) == (Decimal("500.00"), "Subcontracting")


def test_a_credit_note_can_be_categorised(owner_client, english):
    expense = do_import_supplier_invoice(example("cen-ubl-tc434-creditnote1.xml")).expense
    page = owner_client.get(reverse("work:expense_edit", args=[expense.pk]))
    assert "Read from the supplier's credit note" in page.content.decode()
    response = owner_client.post(
        reverse("work:expense_edit", args=[expense.pk]), {"category": "Refunds", "supplier": "x"}
    )
    assert response.status_code == 302
    expense.refresh_from_db()
    assert expense.category == "Refunds" and expense.amount_excl_vat == Decimal("-100.11")


def test_the_original_xml_is_downloaded_never_shown(owner_client):
    expense = do_import_supplier_invoice(example("peppol-base-example.xml")).expense
    response = owner_client.get(reverse("work:expense_receipt", args=[expense.pk]))
    assert response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == example("peppol-base-example.xml")


def test_the_edit_page_of_a_booked_invoice_costs_a_constant_number_of_queries(
    owner_client, django_assert_max_num_queries
):
    small = do_import_supplier_invoice(example("peppol-base-example.xml")).expense
    large = do_import_supplier_invoice(example("cen-CII_example1.xml")).expense
    for expense in (small, large):
        with django_assert_max_num_queries(14):
            assert (
                owner_client.get(reverse("work:expense_edit", args=[expense.pk])).status_code == 200
            )


# The API --------------------------------------------------------------------------------


def api_upload(api, data, name="invoice.xml"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return api.post("/api/expenses/import", {"file": SimpleUploadedFile(name, data)})


def test_the_api_books_an_e_invoice_once_with_its_lines(api):
    created = api_upload(api, example("cen-CII_example5.xml"))
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["number"], body["einvoice_format"], body["currency"]) == ("TOSL110", "cii", "DKK")
    assert Decimal(body["amount_excl_vat"]) == Decimal("4000.00")
    assert len(body["lines"]) == 3
    assert [(g["vat_rate"], g["vat_amount"]) for g in body["vat_groups"]] == [
        ("25.00", "375.00"),
        ("12.00", "300.00"),
    ]
    again = api_upload(api, example("cen-CII_example5.xml"))
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    read = api.get(f"/api/expenses/{body['id']}").json()
    assert read["lines"] == body["lines"]
    assert "/api/expenses/import" in api.get("/api/openapi.json").json()["paths"]


@pytest.mark.parametrize(
    ("data", "rule", "says"),
    [
        (example("ubl-BR-CO-15-tax-inclusive.xml"), "BR-CO-15", "do not add up"),
        (plain_pdf(), "", "no Factur-X"),
        (XXE, "", "DOCTYPE"),
        (b"", "", "empty"),
    ],
)
def test_the_api_refuses_what_is_no_sound_invoice(api, data, rule, says):
    refused = api_upload(api, data)
    assert refused.status_code == 422
    assert refused.json()["rule"] == rule and says in refused.json()["detail"]
    assert not Expense.objects.exists()


def test_the_api_keeps_the_amounts_of_a_booked_invoice(api):
    expense_id = api_upload(api, example("peppol-base-example.xml")).json()["id"]
    url = f"/api/expenses/{expense_id}"
    refused = api.patch(url, '{"amount_excl_vat": "1.00"}', content_type="application/json")
    assert refused.status_code == 422 and "amount_excl_vat" in refused.json()["errors"]
    changed = api.patch(url, '{"category": "Hosting"}', content_type="application/json")
    assert changed.status_code == 200 and changed.json()["category"] == "Hosting"
    assert Expense.objects.get().amount_excl_vat == Decimal("1325.00")


# The command line -----------------------------------------------------------------------


def test_patron_import_expense_books_once_and_refuses_with_the_rule(patron, tmp_path):

    good = tmp_path / "facture.pdf"
    good.write_bytes(example("sample-weasyprint-drafthorse.pdf"))
    done = patron("import", "expense", str(good))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "Imported: 1 supplier invoice booked as an expense, 1 new supplier."
    )
    again = patron("import", "expense", str(good))
    assert again.returncode == 0
    assert "1 supplier invoice already booked (nothing new)" in again.stdout
    dry = patron("import", "expense", str(good), "--dry-run")
    assert dry.returncode == 0 and "already booked" in dry.stdout
    for name, says in [
        ("ubl-BR-CO-15-tax-inclusive.xml", "[BR-CO-15] The totals do not add up"),
        ("cii-no-lines.xml", "[BR-16]"),
    ]:
        bad = tmp_path / name
        bad.write_bytes(example(name))
        refused = patron("import", "expense", str(bad))
        assert refused.returncode != 0
        assert "Nothing was imported." in refused.stderr and says in refused.stderr
    plain = tmp_path / "scan.pdf"
    plain.write_bytes(plain_pdf())
    refused = patron("import", "expense", str(plain))
    assert refused.returncode != 0 and "no Factur-X" in refused.stderr
    listed = patron(
        "shell",
        "--no-imports",
        "-c",
        "from patron.work.models import Expense; print(Expense.objects.count())",
    )
    assert listed.stdout.strip() == "1"


@pytest.mark.parametrize("country", ["BE", "FR"])
def test_the_demo_supplier_invoice_passes_the_validator_and_is_booked(country, tmp_path, db):
    from patron.work.expenses.demo_einvoice import demo_invoice

    path = tmp_path / "demo.xml"
    path.write_bytes(demo_invoice(country, "Claire Dubois", "0123.456.749"))
    assert scenarios.einvoice_errors(path) == []
    expense = do_import_supplier_invoice(path.read_bytes()).expense
    # 24.00 + 3 × 12.00 = 60.00 at the standard rate, 10.00 at the reduced one.
    assert [g.taxable_amount for g in expense.vat_groups.all()] == [
        Decimal("60.00"),
        Decimal("10.00"),
    ]
    assert expense.lines.count() == 3


def test_the_list_says_several_rates_rather_than_one(owner_client, english):
    do_import_supplier_invoice(example("cen-CII_example1.xml"))  # 6 % and 21 %
    do_import_supplier_invoice(example("peppol-base-example.xml"))  # 25 % only
    page = owner_client.get(reverse("work:expenses")).content.decode()
    assert page.count("(several rates)") == 1 and "(25%)" in page.replace("\xa0", "")
