"""A document in another currency than the euro charges VAT once it has an exchange rate:
typed, or the ECB's reference rate of the day, fetched on request from a server that here
plays the ECB (its published eurofxref-daily.xml). The VAT is then stated in euros, on the
PDF and as BT-6 / BT-111 in the XML, at the rate frozen when the document is issued."""

import io
import json
import threading
import time
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from lxml import etree
from pypdf import PdfReader

from patron.billing.documents.drafting import do_credit_note
from patron.billing.documents.exchange import RateUnavailable, parse_ecb
from patron.billing.documents.issuing import do_issue, problems
from patron.billing.documents.verify import verify
from patron.billing.einvoice.facturx import cii_xml, facturx_pdf
from patron.billing.einvoice.rendering import do_store_renderings
from patron.billing.einvoice.ubl import ubl_xml
from patron.billing.models import Document
from tests.billing import scenarios

# The layout of https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml, shortened.
ECB_DAILY = b"""<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
\t<gesmes:subject>Reference rates</gesmes:subject>
\t<gesmes:Sender>
\t\t<gesmes:name>European Central Bank</gesmes:name>
\t</gesmes:Sender>
\t<Cube>
\t\t<Cube time='2026-12-03'>
\t\t\t<Cube currency='USD' rate='1.0850'/>
\t\t\t<Cube currency='JPY' rate='162.58'/>
\t\t\t<Cube currency='GBP' rate='0.84560'/>
\t\t\t<Cube currency='CHF' rate='0.9412'/>
\t\t</Cube>
\t</Cube>
</gesmes:Envelope>
"""
PATH = "/stats/eurofxref/eurofxref-daily.xml"
UBL = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


class FakeEcb(BaseHTTPRequestHandler):
    body = ECB_DAILY
    delay = 0.0
    hits = []

    def do_GET(self):  # http.server's name
        self.hits.append(self.path)
        time.sleep(self.delay)
        if self.path != PATH:
            self.send_error(404)
            return
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(self.body)))
            self.end_headers()
            self.wfile.write(self.body)
        except BrokenPipeError:  # Patron gave up waiting, as it should
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def ecb(settings):
    """A local server playing the ECB, with Patron pointed at it; its handler class (to
    change the answer or the delay, and count the requests)."""
    handler = type("Handler", (FakeEcb,), {"hits": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.ECB_RATES_URL = f"http://127.0.0.1:{server.server_port}{PATH}"
    settings.ECB_TIMEOUT = 1
    yield handler
    server.shutdown()
    server.server_close()


@pytest.fixture
def acme(db):
    return scenarios.acme()


NO_LINES = {"lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "1", "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "200"}  # fmt: skip


def usd_draft(acme, **fields):
    return scenarios.draft(acme, [("Logo design", "1", "1000", "21")], currency="USD", **fields)


def test_the_ecb_daily_file_is_read_with_its_day():
    day, rates = parse_ecb(ECB_DAILY)
    assert day == date(2026, 12, 3)
    assert rates == {
        "USD": Decimal("1.0850"),
        "JPY": Decimal("162.58"),
        "GBP": Decimal("0.84560"),
        "CHF": Decimal("0.9412"),
    }
    for broken in (b"<html>maintenance</html>", b"not xml", b"<!DOCTYPE x [<!ENTITY a 'b'>]><x/>"):
        with pytest.raises(RateUnavailable):
            parse_ecb(broken)


def test_the_draft_page_takes_the_ecb_rate_of_the_day(ecb, owner_client, acme):
    draft = usd_draft(acme)
    page = owner_client.get(f"/app/billing/{draft.pk}/").text
    assert "Take the ECB reference rate of the day" in page
    assert any("VAT must be stated in euros" in p for p in problems(draft))
    response = owner_client.post(f"/app/billing/{draft.pk}/ecb-rate/", follow=True)
    assert "ECB reference rate of 2026-12-03: 1 € = 1.085 USD." in response.text
    draft.refresh_from_db()
    assert draft.exchange_rate == Decimal("1.0850") and draft.exchange_rate_source == "ecb"
    assert draft.exchange_rate_date == date(2026, 12, 3)
    assert draft.total_vat_eur == Decimal("193.55")  # 210.00 USD / 1.085
    assert ecb.hits == [PATH]
    assert not any("VAT must be stated in euros" in p for p in problems(draft))


@pytest.mark.parametrize(
    "setup, message",
    [
        ("closed", "could not be fetched"),
        ("slow", "could not be fetched"),
        ("off", "turned off"),
        ("garbage", "could not be read"),
    ],
)
def test_an_ecb_out_of_reach_says_so_quickly_and_changes_nothing(
    ecb, settings, owner_client, acme, setup, message
):
    if setup == "closed":
        settings.ECB_RATES_URL = "http://127.0.0.1:9/eurofxref-daily.xml"
    elif setup == "slow":
        ecb.delay = 3  # longer than the one second allowed
    elif setup == "off":
        settings.ECB_RATES_URL = ""
    else:
        ecb.body = b"<Envelope><Cube><Cube time='yesterday'/></Cube></Envelope>"
    draft = usd_draft(acme)
    started = time.monotonic()
    response = owner_client.post(f"/app/billing/{draft.pk}/ecb-rate/", follow=True)
    assert time.monotonic() - started < 2.5
    assert message in response.text and "type the rate" in response.text
    draft.refresh_from_db()
    assert draft.exchange_rate is None and draft.exchange_rate_source == ""


def test_a_currency_the_ecb_does_not_quote_is_typed(ecb, owner_client, acme):
    draft = scenarios.draft(acme, [("Logo", "1", "100000", "21")], currency="XOF")
    response = owner_client.post(f"/app/billing/{draft.pk}/ecb-rate/", follow=True)
    assert "The ECB publishes no reference rate for XOF: type the rate." in response.text


def test_a_typed_rate_always_works_and_is_dated_the_day_it_is_typed(owner_client, acme):
    draft = usd_draft(acme)
    response = owner_client.post(
        f"/app/billing/{draft.pk}/",
        {
            "client": acme.pk,
            "language": "en",
            "currency": "USD",
            "treatment": "normal",
            "exchange_rate": "1.0912",
            **NO_LINES,
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.exchange_rate == Decimal("1.0912") and draft.exchange_rate_source == "typed"
    assert draft.exchange_rate_date == timezone.localdate()
    # Another currency without a new rate drops the old one (it was the dollar's).
    owner_client.post(
        f"/app/billing/{draft.pk}/",
        {
            "client": acme.pk,
            "language": "en",
            "currency": "GBP",
            "treatment": "normal",
            "exchange_rate": "1.0912",
            **NO_LINES,
        },
    )
    draft.refresh_from_db()
    assert draft.currency == "GBP" and draft.exchange_rate is None
    response = owner_client.post(
        f"/app/billing/{draft.pk}/",
        {
            "client": acme.pk,
            "language": "en",
            "currency": "GBP",
            "treatment": "normal",
            "exchange_rate": "-2",
            **NO_LINES,
        },
    )
    assert "An exchange rate is above zero." in response.text


def test_the_rate_is_set_and_fetched_over_the_api(ecb, token_client, acme):
    draft = usd_draft(acme)
    url = f"/api/billing/documents/{draft.pk}"
    response = token_client.post(f"{url}/ecb-rate")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["exchange_rate"] == "1.085000" and body["exchange_rate_source"] == "ecb"
    assert body["total_vat_eur"] == "193.55"
    response = token_client.patch(
        url, json.dumps({"exchange_rate": "1.1"}), content_type="application/json"
    )
    body = response.json()
    assert body["exchange_rate_source"] == "typed" and body["total_vat_eur"] == "190.91"
    ecb.delay = 3
    response = token_client.post(f"{url}/ecb-rate")
    assert (
        response.status_code == 422 and "type the rate" in response.json()["errors"]["__all__"][0]
    )
    assert Document.objects.get().exchange_rate == Decimal("1.1")


def test_an_invoice_in_dollars_states_its_vat_in_euros_at_the_frozen_rate(
    owner, business, behind_patrons_back
):
    invoice = scenarios.usd_with_vat(owner)[0]
    assert invoice.total_vat == Decimal("210.00") and invoice.total_vat_eur == Decimal("193.55")
    ubl = etree.fromstring(ubl_xml(invoice))
    assert ubl.xpath("cbc:TaxCurrencyCode/text()", namespaces=UBL) == ["EUR"]
    totals = [
        (t.get("currencyID"), t.text)
        for t in ubl.xpath("cac:TaxTotal/cbc:TaxAmount", namespaces=UBL)
    ]
    assert totals == [("USD", "210.00"), ("EUR", "193.55")]
    cii = etree.fromstring(cii_xml(invoice))
    assert cii.xpath("//*[local-name()='TaxCurrencyCode']/text()") == ["EUR"]
    amounts = cii.xpath("//*[local-name()='TaxTotalAmount']")
    assert [(a.get("currencyID"), a.text) for a in amounts] == [
        ("USD", "210.00"),
        ("EUR", "193.55"),
    ]
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(facturx_pdf(invoice))).pages
    )
    text = " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())
    assert "VAT in euros 193,55 €" in text
    assert "1 € = 1,085 US$ (ECB reference rate of 3 December 2026)" in text
    # Frozen and hashed: the rate cannot change, and a change behind Patron's back is seen.
    invoice.exchange_rate = Decimal("2")
    with pytest.raises(ValidationError, match="credit note"):
        invoice.save()
    assert verify() == []
    with behind_patrons_back():
        Document.objects.filter(pk=invoice.pk).update(exchange_rate=Decimal("2"))
    assert [f.problem for f in verify()] == ["altered since it was issued"]


def test_rendering_never_asks_the_ecb(ecb, owner, business, acme):
    invoice = do_issue(
        owner,
        usd_draft(acme, exchange_rate=Decimal("1.0850"), exchange_rate_date=date(2026, 12, 3)),
    )
    do_store_renderings(invoice)
    assert invoice.renderings.count() == 3 and ecb.hits == []


def test_a_credit_note_takes_back_the_vat_in_euros_at_the_invoice_s_rate(owner, business):
    invoice = scenarios.usd_with_vat(owner)[0]
    note = do_issue(owner, do_credit_note(owner, invoice, full=True))
    assert note.exchange_rate == invoice.exchange_rate
    assert note.exchange_rate_date == invoice.exchange_rate_date
    assert note.total_vat_eur == invoice.total_vat_eur == Decimal("193.55")
