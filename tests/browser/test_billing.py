"""Invoicing a client's unbilled time in a real browser: draft, a typed line, issued."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from patron.billing.models import Document, Status
from patron.contacts.models import Contact
from patron.work.models import Project, TimeEntry
from patron.work.timing import do_save_entry
from tests.fixtures import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_unbilled_time_becomes_an_issued_invoice(page_en, live_server, owner, business, screenshot):
    acme = Contact.objects.create(
        is_organisation=True,
        name="Acme SA",
        is_client=True,
        street="Avenue Louise 1",
        postcode="1050",
        city="Ixelles",
        country="BE",
        vat_number="BE0403170701",
        company_number="0403170701",
        language="en",
    )
    site = Project.objects.create(name="Website redesign", client=acme)
    start = datetime(2026, 3, 2, 9, tzinfo=ZoneInfo("Europe/Brussels"))
    do_save_entry(TimeEntry(project=site, start=start, end=start + timedelta(hours=6)))
    page = page_en
    log_in(page, live_server, owner)
    page.get_by_role("link", name="Billing").click()
    screenshot(page, "billing-empty")
    page.locator(".subnav").get_by_role("link", name="Invoice unbilled work").click()
    page.locator("#id_client_search").fill("acme")
    page.locator("#id_client_matches").get_by_role("option", name="Acme SA").click()
    page.get_by_role("button", name="Create the draft invoice").click()
    expect(page.locator("main h1")).to_contain_text("Invoice")
    expect(page.locator("#id_lines-0-description")).to_have_value("Website redesign")
    page.locator("#id_lines-1-description").fill("Stock photos")
    page.locator("#id_lines-1-quantity").fill("2")
    page.locator("#id_lines-1-unit_price").fill("25")
    page.locator("#id_lines-1-vat_rate").fill("21")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator(".totals")).to_contain_text("560.00")  # 6 h × 85 + 2 × 25
    screenshot(page, "billing-draft")
    page.get_by_role("button", name="Issue", exact=True).click()
    expect(page.locator("main h1")).to_contain_text(re.compile(r"F-\d{4}-0001"))
    expect(page.locator(".totals")).to_contain_text("677.60")
    screenshot(page, "billing-issued")
    invoice = Document.objects.get()
    assert invoice.status == Status.ISSUED
    assert TimeEntry.objects.get().invoice == invoice


def test_a_client_accepts_a_quote_through_the_portal(
    page_fr, live_server, owner, business, screenshot
):
    from decimal import Decimal

    from patron.billing.documents.issuing import do_issue
    from patron.billing.models import Kind
    from patron.portal.links import create_link
    from tests.fixtures import draft

    acme = Contact.objects.create(
        is_organisation=True,
        name="Acme SA",
        is_client=True,
        street="Avenue Louise 1",
        postcode="1050",
        city="Ixelles",
        country="BE",
        vat_number="BE0403170701",
        language="fr",
    )
    quote = do_issue(
        owner,
        draft(
            acme,
            ("Refonte du site <script>", "3", "600", "21"),
            kind=Kind.QUOTE,
            deposit_percent=Decimal("30"),
        ),
    )
    token = create_link(quote)
    page = page_fr
    page.goto(f"{live_server.url}/p/{token}/")
    expect(page.locator("h1")).to_contain_text(quote.number)
    expect(page.locator(".issued-lines")).to_contain_text("Refonte du site <script>")
    page.get_by_label("Votre nom complet").fill("Jeanne Martin")
    page.get_by_label("J'accepte ce devis et ses conditions.").check()
    screenshot(page, "portal-quote")
    page.get_by_role("button", name="Accepter le devis").click()
    expect(page.locator(".answer")).to_contain_text("Jeanne Martin")
    screenshot(page, "portal-quote-accepted")
    quote.refresh_from_db()
    assert quote.status == Status.ACCEPTED


def test_an_invoice_sent_by_email_arrives_and_its_link_opens_the_portal(
    page_en, live_server, owner, business, inbox, immediate_tasks, screenshot
):
    from patron.billing.documents.issuing import do_issue
    from tests.fixtures import draft

    acme = Contact.objects.create(
        is_organisation=True,
        name="Acme SA",
        is_client=True,
        street="Avenue Louise 1",
        postcode="1050",
        city="Ixelles",
        country="BE",
        vat_number="BE0403170701",
        company_number="0403170701",
        email="compta@acme.example",
        language="fr",
    )
    invoice = do_issue(owner, draft(acme, ("Design", "10", "85", "21"), language="fr"))
    page = page_en
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/app/billing/{invoice.pk}/")
    expect(page.get_by_role("textbox", name="To", exact=True)).to_have_value("compta@acme.example")
    expect(page.get_by_label("Subject")).to_have_value(re.compile(invoice.number))
    page.get_by_label("Message").fill("Bonjour,\n\nVotre facture : {link}\n\nClaire")
    screenshot(page, "billing-send")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator(".sendings")).to_contain_text("compta@acme.example")
    expect(page.locator(".sendings")).to_contain_text("Sent")
    screenshot(page, "billing-sent")
    [message] = inbox.messages
    assert message["To"] == "compta@acme.example"
    attached = sorted(part.get_filename() for part in message.iter_attachments())
    assert attached == [
        f"{invoice.number}-cii.xml",
        f"{invoice.number}-ubl.xml",
        f"{invoice.number}.pdf",
    ]
    body = message.get_body(("plain",)).get_content().replace("\r\n", "\n")  # as on the wire
    assert body.startswith("Bonjour,\n\nVotre facture : http")
    link = next(word for word in body.split() if "/p/" in word)
    page.goto(link)  # the client, following the link in the message
    expect(page.locator("h1")).to_contain_text(invoice.number)
    expect(page.locator(".issued-lines")).to_contain_text("Design")
    expect(page.locator(".payment")).to_contain_text(invoice.structured_reference)
    expect(page.locator(".payment .qr svg")).to_be_visible()  # the EPC code to scan
    screenshot(page, "portal-invoice")
    invoice.refresh_from_db()
    assert invoice.status == Status.SENT


def test_a_partial_payment_then_the_rest_change_the_invoice_s_status(
    page_en, live_server, owner, business, screenshot
):
    from patron.billing.documents.issuing import do_issue
    from tests.fixtures import draft

    acme = Contact.objects.create(
        is_organisation=True,
        name="Acme SA",
        is_client=True,
        street="Avenue Louise 1",
        postcode="1050",
        city="Ixelles",
        country="BE",
        vat_number="BE0403170701",
    )
    invoice = do_issue(owner, draft(acme, ("Design", "10", "100", "21")))  # €1,210.00
    page = page_en
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/app/billing/{invoice.pk}/")
    expect(page.locator("h1 .status")).to_have_text("Issued")
    page.get_by_text("Record a payment").click()
    expect(page.get_by_label("Amount")).to_have_value("1210.00")
    page.get_by_label("Amount").fill("500")
    screenshot(page, "billing-payment")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.locator(".messages")).to_contain_text("is now partially paid")
    expect(page.locator("h1 .status")).to_have_text("Partially paid")
    expect(page.locator(".open-amount")).to_contain_text("€710.00")
    page.get_by_text("Record a payment").click()
    page.get_by_role("button", name="Record the payment").click()  # the rest, as offered
    expect(page.locator("h1 .status")).to_have_text("Paid")
    expect(page.locator(".open-amount")).to_have_text("Nothing left to pay.")
    screenshot(page, "billing-paid")
    page.get_by_role("link", name="Payments", exact=True).click()
    expect(page.locator("main table")).to_contain_text(invoice.number)
    page.goto(f"{live_server.url}/app/billing/?status=paid")
    expect(page.locator("table.documents")).to_contain_text(invoice.number)


def test_the_accountant_s_archive_downloads_from_the_books_page(
    page_fr, live_server, owner, business, screenshot, tmp_path
):
    import zipfile

    from django.core.management import call_command

    from patron.billing.documents.issuing import do_issue
    from tests.fixtures import draft

    acme = Contact.objects.create(
        is_organisation=True,
        name="Acme SA",
        is_client=True,
        street="Avenue Louise 1",
        postcode="1050",
        city="Ixelles",
        country="BE",
        vat_number="BE0403170701",
    )
    invoice = do_issue(owner, draft(acme, ("Design", "10", "100", "21")))
    page = page_fr
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/app/billing/")
    page.get_by_role("link", name="Pour le comptable").click()
    page.get_by_role("link", name="Ce mois-ci").click()
    expect(page.locator(".vat-return table")).to_contain_text("210,00 €")  # box 54
    screenshot(page, "billing-books")
    page.get_by_role("button", name="Préparer l’archive (ZIP)").click()
    expect(page.locator("#archive")).to_contain_text("En préparation")
    call_command("worker", "--batch")  # the worker builds it; the page, polling, offers it
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger l’archive (ZIP)").click()
    path = tmp_path / "books.zip"
    download.value.save_as(path)
    assert f"documents/{invoice.number}.pdf" in zipfile.ZipFile(path).namelist()


def test_a_camt053_statement_imported_and_a_proposed_match_confirmed(
    page_en, live_server, owner, business, screenshot
):
    from patron.billing.documents.issuing import do_issue
    from tests.billing.statement_samples import DATA, numbered
    from tests.fixtures import draft

    acme = Contact.objects.create(
        is_organisation=True,
        name="Acme SA",
        is_client=True,
        street="Avenue Louise 1",
        postcode="1050",
        city="Ixelles",
        country="BE",
        vat_number="BE0403170701",
    )
    invoice = numbered(do_issue(owner, draft(acme, ("Design", "10", "100", "21"))), 1)
    page = page_en
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/app/billing/")
    page.locator(".subnav").get_by_role("link", name="Statements").click()
    expect(page.locator("main h1")).to_have_text("Bank statements")
    page.get_by_label("Statement file").set_input_files(str(DATA / "camt053.xml"))
    screenshot(page, "statements-upload")
    page.get_by_role("button", name="Import the statement").click()
    expect(page.locator(".messages")).to_contain_text("Imported: 5 statement lines")
    row = page.locator("tr", has_text="ACME S.A.")
    expect(row).to_contain_text(f"{invoice.number} of Acme SA")
    expect(row).to_contain_text("structured communication")
    expect(page.locator("tr", has_text="Proximus SA")).to_contain_text("Outgoing")
    expect(page.locator("tr", has_text="P. Dupont")).to_contain_text("Unmatched")
    screenshot(page, "statement-proposed")
    row.get_by_role("button", name="Confirm", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(f"{invoice.number} is now paid")
    expect(page.locator("tr", has_text="ACME S.A.")).to_contain_text("Confirmed")
    screenshot(page, "statement-confirmed")
    page.locator("tr", has_text="ACME S.A.").get_by_role("link", name=invoice.number).click()
    expect(page.locator("h1 .status")).to_have_text("Paid")
    expect(page.locator(".payments")).to_contain_text("260000000170")
    screenshot(page, "statement-invoice-paid")


def test_ten_percent_off_and_a_travel_fee_are_added_on_the_draft_page(
    page_en, live_server, owner, business, screenshot
):
    from tests.billing.scenarios import acme, draft

    document = draft(
        acme(),
        [("Website design", "1", "2400", "21"), ("Printed brochure", "200", "1.35", "6")],
        language="en",
    )
    page = page_en
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/app/billing/{document.pk}/")
    page.locator("#id_adjustments-0-reason").fill("10 % off for a loyal client")
    page.locator("#id_adjustments-0-percent").fill("10")
    page.get_by_role("button", name="Save the draft").click()
    # 10 % of both rates: 2,160.00 at 21 % (VAT 453.60) and 243.00 at 6 % (VAT 14.58).
    expect(page.locator(".totals")).to_contain_text("€2,871.18")
    page.locator("#id_adjustments-1-reason_code").select_option(
        label="Miscellaneous charge (travel, fees…)"
    )
    page.locator("#id_adjustments-1-reason").fill("Travel to Ghent")
    page.locator("#id_adjustments-1-amount").fill("45")
    page.locator("#id_adjustments-1-vat_rate").fill("21")
    page.get_by_role("button", name="Save the draft").click()
    # 2,205.00 at 21 % (VAT 463.05), 243.00 at 6 % (VAT 14.58).
    expect(page.locator(".totals")).to_contain_text("€2,925.63")
    screenshot(page, "billing-draft-discount-and-charge")
    assert [a.is_charge for a in Document.objects.get().adjustments.all()] == [False, True]
