"""Drop a supplier's Factur-X PDF and see the expense it made; a plain PDF is refused."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfWriter

from patron.work.models import Expense
from tests.billing.scenarios import EXAMPLES
from tests.fixtures import log_in

pytestmark = pytest.mark.browser

FACTURX = EXAMPLES / "facturx" / "sample-weasyprint-drafthorse.pdf"


def plain_pdf(path):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_drop_a_supplier_factur_x_and_see_the_expense(
    page_en, live_server, owner, business, screenshot, tmp_path
):
    page = page_en
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/app/work/expenses/")
    page.get_by_role("button", name="Book a supplier's e-invoice").click()
    expect(page.locator("main h1")).to_have_text("Book a supplier's e-invoice")

    # A scan has no invoice in it: refused, with what to do instead.
    page.locator("input[type=file]").set_input_files(plain_pdf(tmp_path / "scan.pdf"))
    page.get_by_role("button", name="Book it").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was booked.")
    expect(page.get_by_role("alert")).to_contain_text("no Factur-X")
    screenshot(page, "einvoice-refused")
    assert not Expense.objects.exists()

    page.locator("input[type=file]").set_input_files(FACTURX)
    page.get_by_role("button", name="Book it").click()
    expect(page).to_have_url(re.compile(r"/app/work/expenses/\d+/$"))
    expect(page.locator("main")).to_contain_text("is booked as this expense")
    section = page.locator("section.einvoice-read")
    expect(section).to_contain_text("FA-2026-0042")
    expect(section).to_contain_text("Camille Martin EI")
    expect(section.locator("table.einvoice-vat")).to_contain_text("20 %")
    expect(page.locator("input[name=amount_excl_vat]")).to_be_disabled()
    screenshot(page, "einvoice-booked")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "einvoice-booked-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The expense is in the list, its supplier among the contacts.
    page.locator("input[name=category]").fill("Sous-traitance")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/app/work/expenses/$"))
    expect(page.locator("table.expenses")).to_contain_text("Camille Martin EI")
    expect(page.locator("table.expenses")).to_contain_text("Sous-traitance")
    expense = Expense.objects.get()
    assert expense.category == "Sous-traitance" and expense.supplier_contact.is_supplier
    assert (expense.amount_excl_vat, expense.vat_amount) == (2500, 500)
