"""The document page says whether its e-invoice files pass EN 16931 and Peppol: the verdict
the render task kept, or else a check of the files as stored; the check page lists every
finding, file by file."""

import hashlib

from django.urls import reverse

from patron.billing.einvoice.rendering import UBL, do_store_renderings, filename
from patron.billing.einvoice.validation import rules
from patron.billing.einvoice.validation.documents import do_check_document, stored_verdict
from patron.billing.models import Document, Kind, Rendering
from patron.billing.tasks import render_document
from tests.billing import scenarios


def check(client, document, htmx=False):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.get(reverse("billing:check", args=[document.pk]), **headers)


def page(client, document):
    return client.get(reverse("billing:document", args=[document.pk])).content.decode()


def test_the_document_page_asks_for_the_check_when_none_was_kept(owner_client, owner):
    invoice = scenarios.normal_single_rate(owner)[0]
    shown = page(owner_client, invoice)
    url = reverse("billing:check", args=[invoice.pk])
    assert f'hx-get="{url}" hx-trigger="load"' in shown
    assert f'<a href="{url}">Check the e-invoice against EN 16931 and Peppol</a>' in shown


def test_the_render_task_keeps_the_verdict_the_document_page_shows(owner_client, owner):
    invoice = scenarios.normal_single_rate(owner)[0]
    assert stored_verdict(invoice) is None
    render_document.call(invoice.pk)
    verdicts = dict(Rendering.objects.filter(document=invoice).values_list("format", "verdict"))
    assert set(verdicts) == {"cii", "pdf", "ubl"}
    assert all(v["ok"] and v["rules"] == rules.rules_version() for v in verdicts.values())
    shown = page(owner_client, invoice)
    assert 'EN 16931 <span class="check-ok">✓ passes</span>' in shown
    assert 'Peppol BIS 3 <span class="check-ok">✓ passes</span>' in shown
    assert "hx-trigger" not in shown.split('id="einvoice-check"')[1][:200]  # nothing to load


def test_a_verdict_no_longer_holds_when_its_file_or_the_rules_changed(owner, business):
    invoice = scenarios.normal_single_rate(owner)[0]
    render_document.call(invoice.pk)
    assert stored_verdict(invoice)["en16931_ok"] is True
    ubl = Rendering.objects.filter(document=invoice, format=UBL)
    stored = ubl.get()
    # The file was rendered again since (after a change of the brand kit, say): other bytes.
    with stored.file.open("rb") as f:
        again = f.read() + b"\n"
    with stored.file.storage.open(stored.file.name, "wb") as f:
        f.write(again)
    ubl.update(sha256=hashlib.sha256(again).hexdigest())
    assert stored_verdict(invoice) is None
    render_document.call(invoice.pk)  # the task checks what no verdict holds for
    assert stored_verdict(invoice) is not None
    verdict = ubl.get().verdict
    ubl.update(verdict={**verdict, "rules": "older-rules"})
    assert stored_verdict(invoice) is None


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
    details = check(owner_client, invoice).content.decode()
    assert f'{filename(invoice, UBL)} <span class="check-fail">✗ fails</span>' in details
    assert "<code>PEPPOL-EN16931-R003</code>" in details
    # The file is not the one Patron wrote (its digest differs): no kept verdict holds for
    # it, and the document page checks it again each time it is shown.
    assert stored_verdict(invoice) is None
    assert 'hx-trigger="load"' in page(owner_client, invoice)


def test_the_check_page_lists_each_file_and_what_it_was_checked_against(owner_client, owner):
    invoice = scenarios.normal_single_rate(owner)[0]
    details = check(owner_client, invoice).content.decode()
    assert f"<title>E-invoice check of {invoice.number}" in details
    checked = do_check_document(invoice)
    assert [c.format for c in checked] == ["cii", "pdf", "ubl"]
    for item in checked:
        assert f'{item.filename} <span class="check-ok">✓ passes</span>' in details
    assert "Checked against: PDF, XSD:cii, XSD:facturx-en16931, EN16931-CII" in details
    assert "Checked against: XSD:ubl-invoice, EN16931-UBL, PEPPOL-BIS3" in details


def test_a_quote_carries_no_e_invoice_and_a_draft_has_no_check(owner_client, owner):
    acme = scenarios.acme()
    quote = scenarios.issue(owner, acme, [("Logo", "1", "900", "21")], kind=Kind.QUOTE)
    assert do_check_document(quote) == []
    assert reverse("billing:check", args=[quote.pk]) not in page(owner_client, quote)
    assert "carries no e-invoice" in check(owner_client, quote, htmx=True).content.decode()
    draft = scenarios.draft(acme, [("Logo", "1", "900", "21")])
    assert check(owner_client, draft).status_code == 404
    assert Document.objects.get(pk=draft.pk).is_draft


def test_the_check_is_for_the_owner_only(client, owner, business):
    invoice = scenarios.normal_single_rate(owner)[0]
    response = check(client, invoice)
    assert response.status_code == 302 and response["Location"].startswith("/app/login/")
