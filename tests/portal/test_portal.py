"""The client portal: a private link per document, a quote accepted or declined there,
then its deposit and final invoices in the back office."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from patron.audit.models import AuditEntry
from patron.billing.documents.issuing import do_issue
from patron.billing.documents.quotes import deposits_of
from patron.billing.models import Document, Kind, Status
from patron.contacts.models import Contact
from patron.portal.links import create_link, revoke_links
from patron.portal.models import Decision, Link
from tests.fixtures import draft


@pytest.fixture
def acme(db):
    return Contact.objects.create(
        is_organisation=True,
        name="Acme SA",
        is_client=True,
        street="Avenue Louise 1",
        postcode="1050",
        city="Ixelles",
        country="BE",
        vat_number="BE0403170701",
        language="en",
    )


@pytest.fixture
def quote(owner, business, acme):
    document = draft(
        acme,
        ("Design", "3", "600", "21"),
        ("Printing", "100", "2", "6"),
        kind=Kind.QUOTE,
        deposit_percent=Decimal("30"),
        language="en",
    )
    return do_issue(owner, document)


def test_the_owner_shares_a_link_and_the_client_sees_only_that_document(
    owner_client, client, quote
):
    response = owner_client.post(f"/app/billing/{quote.pk}/link/", follow=True)
    url = re.search(r"http://testserver(/p/[\w-]+/)", response.text).group(1)
    page = client.get(url)
    assert page.status_code == 200 and quote.number in page.text
    assert page["Cache-Control"] == "no-store" and page["X-Robots-Tag"] == "noindex"
    assert "Accept the quote" in page.text and "Dashboard" not in page.text
    assert "€600.00" in page.text and "€2,390.00" in page.text  # a unit price, the total
    assert Link.objects.get().last_seen_at is not None
    # Wrong, truncated, hostile and revoked tokens all get the same plain 404.
    for wrong in (url[:-5] + "xxxx/", "/p/%00/", "/p/" + "a" * 300 + "/", "/p/<script>/"):
        assert client.get(wrong).status_code == 404
    revoke_links(quote)
    assert client.get(url).status_code == 404


def test_a_draft_is_never_shown_through_a_link(client, owner, business, acme):
    document = draft(acme, ("Design", "1", "100", "21"))
    token = create_link(document)
    assert client.get(f"/p/{token}/").status_code == 404


def test_the_client_accepts_the_exact_version_with_name_and_terms(client, owner_client, quote):
    token = create_link(quote)
    refused = client.post(f"/p/{token}/answer/", {"answer": "accept", "name": ""})
    assert "This field is required." in refused.text and not Decision.objects.exists()
    client.post(
        f"/p/{token}/answer/",
        {"answer": "accept", "name": "<b>Jo</b> Smith", "terms": "on"},
        REMOTE_ADDR="203.0.113.9",
    )
    decision = Decision.objects.get()
    assert decision.accepted and decision.name == "<b>Jo</b> Smith" and decision.ip == "203.0.113.9"
    assert decision.version == quote.hash and decision.terms_accepted
    quote.refresh_from_db()
    assert quote.status == Status.ACCEPTED
    assert AuditEntry.objects.filter(action="accept", actor="<b>Jo</b> Smith (portal)").exists()
    again = client.post(f"/p/{token}/answer/", {"answer": "decline", "reason": "changed my mind"})
    assert "Accepted by" in again.text and Decision.objects.count() == 1
    page = owner_client.get(f"/app/billing/{quote.pk}/").text
    assert "&lt;b&gt;Jo&lt;/b&gt; Smith" in page and "On this exact version." in page


def test_the_client_declines_with_a_reason(client, quote):
    token = create_link(quote)
    response = client.post(f"/p/{token}/answer/", {"answer": "decline", "reason": ""})
    assert "This field is required." in response.text
    client.post(f"/p/{token}/answer/", {"answer": "decline", "reason": "Too expensive"})
    quote.refresh_from_db()
    assert quote.status == Status.DECLINED and Decision.objects.get().reason == "Too expensive"


def test_an_expired_quote_cannot_be_accepted(client, owner, business, acme):
    document = draft(
        acme,
        ("Design", "1", "100", "21"),
        kind=Kind.QUOTE,
        language="en",
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    quote = do_issue(owner, document)
    token = create_link(quote)
    assert "This quote has expired" in client.get(f"/p/{token}/").text
    client.post(f"/p/{token}/answer/", {"answer": "accept", "name": "Jo", "terms": "on"})
    assert not Decision.objects.exists()


def test_an_accepted_quote_becomes_a_deposit_then_a_final_invoice(
    owner_client, owner, client, quote
):
    token = create_link(quote)
    client.post(f"/p/{token}/answer/", {"answer": "accept", "name": "Jo Smith", "terms": "on"})
    response = owner_client.post(f"/app/billing/{quote.pk}/deposit/")
    deposit = Document.objects.get(is_deposit=True)
    assert response["Location"] == f"/app/billing/{deposit.pk}/"
    # 30 % of each VAT group: 1800 at 21 %, 200 at 6 %.
    assert sorted(deposit.lines.values_list("unit_price", "vat_rate")) == [
        (Decimal("60.0000"), Decimal("6.00")),
        (Decimal("540.0000"), Decimal("21.00")),
    ]
    deposit = do_issue(owner, deposit)
    assert deposit.total_incl_vat == Decimal("717.00")  # 540 × 1.21 + 60 × 1.06
    again = owner_client.post(f"/app/billing/{quote.pk}/deposit/", follow=True)
    assert "already invoiced" in again.text
    owner_client.post(f"/app/billing/{quote.pk}/final/")
    final = Document.objects.get(kind=Kind.INVOICE, is_deposit=False)
    assert final.quote == quote and final.prepaid == Decimal("717.00")
    final = do_issue(owner, final)
    assert final.total_incl_vat == Decimal("2390.00")  # 1800 × 1.21 + 200 × 1.06
    assert final.amount_due == Decimal("1673.00")
    assert [d.number for d in deposits_of(final)] == [deposit.number]  # in its XML and PDF
    assert owner_client.post(f"/app/billing/{quote.pk}/nonsense/").status_code == 404


def test_a_pro_forma_becomes_an_invoice(owner_client, owner, acme):
    proforma = do_issue(owner, draft(acme, ("Design", "1", "100", "21"), kind=Kind.PROFORMA))
    assert proforma.number.startswith("PF-")
    owner_client.post(f"/app/billing/{proforma.pk}/invoice/")
    invoice = Document.objects.get(kind=Kind.INVOICE)
    assert invoice.is_draft and invoice.total_excl_vat == Decimal("100.00")


def test_an_invoice_shows_how_to_pay_with_the_qr_code_and_a_quote_does_not(
    client, owner, quote, acme
):
    invoice = do_issue(owner, draft(acme, ("Design", "2", "600", "21"), language="en"))
    page = client.get(f"/p/{create_link(invoice)}/").text
    assert "BE71 0961 2345 6769" in page and invoice.structured_reference in page
    assert '<figure class="qr"><svg' in page and "Scan to pay" in page
    quote_page = client.get(f"/p/{create_link(quote)}/").text
    assert "<svg" not in quote_page and "BE71 0961 2345 6769" not in quote_page
