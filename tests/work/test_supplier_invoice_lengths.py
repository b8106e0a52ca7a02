"""A supplier's e-invoice is never cut to fit without a word: a name, number or code longer
than its column is refused with the business term it is; a line's description longer than
Patron keeps is shortened with "…" and a warning, on the page, the API and the command line
(the original file, kept as the receipt, holds the whole)."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from patron.accounts.models import create_token
from patron.billing.einvoice.rendering import rendering
from patron.work.expenses.einvoice_reading import EInvoiceRefused
from patron.work.expenses.supplier_invoices import do_import_supplier_invoice
from patron.work.models import Expense, ExpenseLine
from tests.billing import scenarios

LONG_LINE = "Logo design, " + "with its variants for print and screen, " * 20  # 813 characters


@pytest.fixture
def cii(owner, business):
    """Patron's own CII of a one-line invoice (line "Logo design", seller "Claire Dubois")."""
    invoice = scenarios.normal_single_rate(owner)[0]
    return rendering(invoice, "cii")[2]


def long_line(cii):
    return cii.replace(
        b"<ram:Name>Logo design</ram:Name>", f"<ram:Name>{LONG_LINE}</ram:Name>".encode()
    )


def test_a_long_line_description_is_shortened_with_a_warning(cii):
    booked = do_import_supplier_invoice(long_line(cii))
    line = ExpenseLine.objects.get()
    assert len(line.description) == 500 and line.description.endswith("…")
    assert LONG_LINE.startswith(line.description[:-1])
    assert len(booked.expense.description) <= 500
    assert [str(w) for w in booked.warnings] == [
        f"Line 1: its description is {len(LONG_LINE.strip())} characters long; Patron keeps the "
        "first 499, ending in “…” (the whole is in the original file, kept as the receipt)."
    ]


def test_the_page_says_what_was_shortened(owner_client, cii):
    response = owner_client.post(
        reverse("work:expense_import"),
        {"file": SimpleUploadedFile("invoice.xml", long_line(cii))},
        follow=True,
    )
    page = response.content.decode()
    assert "is booked as this expense" in page
    assert "Line 1: its description is" in page and "kept as the receipt" in page


def test_the_api_returns_the_warnings(owner, cii):
    token = create_token(owner, "tests")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")
    response = api.post(
        "/api/expenses/import", {"file": SimpleUploadedFile("i.xml", long_line(cii))}
    )
    assert response.status_code == 201, response.json()
    [warning] = response.json()["warnings"]
    assert warning.startswith("Line 1: its description is")
    again = api.post("/api/expenses/import", {"file": SimpleUploadedFile("i.xml", long_line(cii))})
    assert again.status_code == 200 and again.json()["warnings"] == []


def test_the_command_line_prints_the_warning(cii, tmp_path):
    path = tmp_path / "invoice.xml"
    path.write_bytes(long_line(cii))
    out, err = StringIO(), StringIO()
    call_command("import", "expense", str(path), stdout=out, stderr=err)
    assert "Warning: Line 1: its description is" in err.getvalue()
    assert "Imported: 1 supplier invoice booked as an expense" in out.getvalue()


@pytest.mark.parametrize(
    "old, new, says",
    [
        (
            b"<ram:Name>Claire Dubois</ram:Name>",
            b"<ram:Name>" + b"C" * 250 + b"</ram:Name>",
            "[BR-06] The seller's name (BT-27) is 250 characters long; Patron takes at most 200.",
        ),
        (
            b"<ram:ID>F-2026-0001</ram:ID>",
            b"<ram:ID>" + b"F" * 120 + b"</ram:ID>",
            "[BR-02] The invoice number (BT-1) is 120 characters long; Patron takes at most 100.",
        ),
        (
            b"<ram:InvoiceCurrencyCode>EUR<",
            b"<ram:InvoiceCurrencyCode>EURO<",
            "[BR-05] The currency (BT-5) is 4 characters long; Patron takes at most 3.",
        ),
        (
            b'unitCode="C62"',
            b'unitCode="HOURS"',
            "[BR-CL-23] The unit of line 1 (BT-130) is 5 characters long; Patron takes at most 3.",
        ),
    ],
)
def test_a_name_number_or_code_too_long_is_refused_and_nothing_is_booked(
    cii, old, new, says, tmp_path
):
    data = cii.replace(old, new)
    assert data != cii
    with pytest.raises(EInvoiceRefused) as refused:
        do_import_supplier_invoice(data)
    assert str(refused.value) == says
    path = tmp_path / "invoice.xml"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import", "expense", str(path))
    assert not Expense.objects.exists()


def test_a_new_supplier_s_street_too_long_is_left_out_with_a_warning(cii):
    data = cii.replace(b"Rue de la Loi 42", b"Rue " + b"x" * 300)
    booked = do_import_supplier_invoice(data)
    assert booked.new_supplier and booked.expense.supplier_contact.street == ""
    assert booked.warnings == [
        "The seller's street (BT-35) is 304 characters long: the new supplier contact is made "
        "without it."
    ]
