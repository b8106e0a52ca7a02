"""The document page says whether its e-invoice files pass EN 16931 and Peppol, from the
files as stored; the check page lists every finding, file by file."""

from django.urls import reverse

from patron.billing.models import Document, Kind, Rendering
from patron.billing.rendering import UBL, do_store_renderings, filename
from patron.billing.validation.documents import check_document
from tests.billing import scenarios


def check(client, document, htmx=False):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.get(reverse("billing:check", args=[document.pk]), **headers)


def test_the_document_page_asks_for_the_check_of_its_e_invoice(owner_client, owner):
    invoice = scenarios.normal_single_rate(owner)[0]
    page = owner_client.get(reverse("billing:document", args=[invoice.pk])).content.decode()
    url = reverse("billing:check", args=[invoice.pk])
    assert f'hx-get="{url}" hx-trigger="load"' in page
    assert f'<a href="{url}">Check the e-invoice against EN 16931 and Peppol</a>' in page


def test_an_invoice_sent_over_peppol_passes_en16931_and_peppol(owner_client, owner):
    invoice = scenarios.normal_single_rate(owner)[0]
    fragment = check(owner_client, invoice, htmx=True).content.decode()
    assert fragment.startswith('\n<div id="einvoice-check"')
    assert 'EN 16931 <span class="check-ok">✓ passes</span>' in fragment
    assert 'Peppol BIS 3 <span class="check-ok">✓ passes</span>' in fragment
    assert "<title>" not in fragment


def test_a_private_client_s_invoice_has_no_peppol_verdict(client, owner):
    _company, to_a_person = scenarios.franchise_fr(owner)
    client.force_login(owner)
    fragment = check(client, to_a_person, htmx=True).content.decode()
    assert 'EN 16931 <span class="check-ok">✓ passes</span>' in fragment
    assert "Peppol" not in fragment


def test_a_stored_file_that_breaks_a_rule_is_shown_failing_with_the_rule(owner_client, owner):
    invoice = scenarios.normal_single_rate(owner)[0]
    do_store_renderings(invoice)
    stored = Rendering.objects.get(document=invoice, format=Rendering.Format.UBL)
    # The file on disk is what is checked: one that went wrong is not hidden.
    broken = (scenarios.EXAMPLES / "broken" / "ubl-no-buyer-reference.xml").read_bytes()
    with stored.file.storage.open(stored.file.name, "wb") as f:
        f.write(broken)
    fragment = check(owner_client, invoice, htmx=True).content.decode()
    assert 'EN 16931 <span class="check-ok">✓ passes</span>' in fragment
    assert 'Peppol BIS 3 <span class="check-fail">✗ fails</span>' in fragment
    assert "<code>PEPPOL-EN16931-R003</code>" in fragment
    page = check(owner_client, invoice).content.decode()
    assert f'{filename(invoice, UBL)} <span class="check-fail">✗ fails</span>' in page
    assert "<code>PEPPOL-EN16931-R003</code>" in page


def test_the_check_page_lists_each_file_and_what_it_was_checked_against(owner_client, owner):
    invoice = scenarios.normal_single_rate(owner)[0]
    page = check(owner_client, invoice).content.decode()
    assert f"<title>E-invoice check of {invoice.number}" in page
    checked = check_document(invoice)
    assert [c.format for c in checked] == ["cii", "pdf", "ubl"]
    for item in checked:
        assert f'{item.filename} <span class="check-ok">✓ passes</span>' in page
    assert "Checked against: PDF, XSD:cii, XSD:facturx-en16931, EN16931-CII" in page
    assert "Checked against: XSD:ubl-invoice, EN16931-UBL, PEPPOL-BIS3" in page


def test_a_quote_carries_no_e_invoice_and_a_draft_has_no_check(owner_client, owner):
    acme = scenarios.acme()
    quote = scenarios.issue(owner, acme, [("Logo", "1", "900", "21")], kind=Kind.QUOTE)
    assert check_document(quote) == []
    page = owner_client.get(reverse("billing:document", args=[quote.pk])).content.decode()
    assert reverse("billing:check", args=[quote.pk]) not in page
    assert "carries no e-invoice" in check(owner_client, quote, htmx=True).content.decode()
    draft = scenarios.draft(acme, [("Logo", "1", "900", "21")])
    assert check(owner_client, draft).status_code == 404
    assert Document.objects.get(pk=draft.pk).is_draft


def test_the_check_is_for_the_owner_only(client, owner, business):
    invoice = scenarios.normal_single_rate(owner)[0]
    response = check(client, invoice)
    assert response.status_code == 302 and response["Location"].startswith("/app/login/")
