"""The files of an issued document: legal e-invoices by Patron's validator (and the
independent one when it is there), the mandatory mentions on the PDF, the same bytes every time, stored once, and no fetch of
anything but Patron's own static and media files."""

import io
import socket
import time
import urllib.request
from decimal import Decimal

import pytest
from lxml import etree
from pypdf import PdfReader

from patron.billing.einvoice.epc import epc_payload
from patron.billing.einvoice.facturx import at_midnight, cii_xml, facturx_pdf
from patron.billing.einvoice.pdf import document_html
from patron.billing.einvoice.rendering import do_store_renderings, formats_of, rendering
from patron.billing.einvoice.ubl import NotForPeppol, ubl_xml
from patron.system.pdf import LocalFetcher, RefusedURL, media_root, static_url, write_pdf
from tests.billing import scenarios
from tests.billing.scenarios import ARTIFACTS

ALL = {**scenarios.BELGIAN_SCENARIOS, "franchise-fr": scenarios.franchise_fr}


def build(name, owner, request):
    if name != "franchise-fr":
        request.getfixturevalue("business")
    return ALL[name](owner)


def pdf_text(data):
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def flat(text):
    """Without any space: amounts read the same whatever the locale's group separator."""
    return "".join(text.split())


@pytest.mark.parametrize("name", list(ALL))
def test_every_rendering_of_every_scenario_passes_the_validator(name, owner, request):
    documents = build(name, owner, request)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    failures = {}
    for document in documents:
        do_store_renderings(document)
        for fmt in formats_of(document):
            filename, _mimetype, data = rendering(document, fmt)
            path = ARTIFACTS / f"{name}--{filename}"
            path.write_bytes(data)
            found = scenarios.einvoice_errors(path)
            if found:
                failures[path.name] = found
        assert set(formats_of(document)) >= {"pdf", "cii"}
    assert failures == {}


def test_a_belgian_invoice_says_what_belgian_law_asks(owner, business):
    invoice = scenarios.normal_single_rate(owner)[0]
    text = pdf_text(facturx_pdf(invoice))
    for mention in (
        invoice.number,
        "BE0712345630",
        "0712.345.630",
        "BE0403170701",
        "Acme SA",
        "Rue de la Loi 42",
        "BE71 0961 2345 6769",
        "GKCCBEBB",
        invoice.structured_reference,
        "loi du 2 août 2002",
        "40 €",
    ):
        assert mention in text, mention
    for money in ("1200,00 €", "252,00 €", "1452,00 €"):
        assert flat(money) in flat(text), money
    payload = epc_payload(invoice).split("\n")
    assert payload[:4] == ["BCD", "002", "1", "SCT"]
    assert payload[4:8] == ["GKCCBEBB", "Claire Dubois", "BE71096123456769", "EUR1452.00"]
    assert payload[9] == invoice.structured_reference.strip("+").replace("/", "")
    assert b"<svg" in document_html(invoice).encode()


def test_a_french_micro_entrepreneur_s_invoice_says_what_french_law_asks(owner):
    invoice, to_a_person = scenarios.franchise_fr(owner)
    text = pdf_text(facturx_pdf(invoice))
    for mention in (
        "Julien Marin EI",
        "SIREN 443 061 841",
        "SIRET 443 061 841 00047",
        "SIREN 552 100 554",
        "TVA non applicable, art. 293 B du CGI",
        "Catégorie de l'opération : prestation de services",
        "Indemnité forfaitaire pour frais de recouvrement : 40 €",
        "Pas d'escompte pour paiement anticipé",
        "FR76 3000 6000 0112 3456 7890 189",
        invoice.number,
    ):
        assert mention in text, mention
    assert epc_payload(invoice) == ""  # the QR code is for Belgian invoices
    # A private client: no late-payment indemnity (B2B only) and no Peppol address.
    private = pdf_text(facturx_pdf(to_a_person))
    assert "40 €" not in private
    assert formats_of(to_a_person) == ["cii", "pdf"]
    with pytest.raises(NotForPeppol):
        ubl_xml(to_a_person)


@pytest.mark.parametrize(
    "name, mention",
    [
        ("reverse-charge-nl", "Reverse charge (Autoliquidation)"),
        ("reverse-charge-fr", "Autoliquidation"),
        ("outside-eu-us", "Not subject to Belgian VAT – art. 21 §2 of the VAT Code"),
        ("outside-eu-ch", "Opération non soumise à la TVA belge – art. 21 §2 du Code TVA"),
        ("franchise-be", "Régime particulier de franchise des petites entreprises"),
    ],
)
def test_documents_without_vat_say_why(name, mention, owner, business):
    document = ALL[name](owner)[0]
    assert mention in pdf_text(facturx_pdf(document))
    cii = etree.fromstring(cii_xml(document))
    reasons = cii.xpath("//*[local-name()='ExemptionReason']/text()")
    assert reasons == [mention]


def test_a_credit_note_names_the_invoice_it_corrects(owner, business):
    invoice, full, _other, partial = scenarios.credit_notes(owner)
    assert f"corrects invoice {_other.number}" in pdf_text(facturx_pdf(partial))
    ubl = etree.fromstring(ubl_xml(full))
    assert etree.QName(ubl).localname == "CreditNote"
    ns = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"}
    assert ubl.xpath("cac:BillingReference/*/*[local-name()='ID']/text()", namespaces=ns) == [
        invoice.number
    ]


def test_a_final_invoice_deducts_the_deposit(owner, business):
    deposit, final = scenarios.deposit_and_final(owner)
    assert deposit.is_deposit and final.prepaid == deposit.total_incl_vat == Decimal("1815.00")
    ubl = ubl_xml(final).decode()
    assert '<cbc:PrepaidAmount currencyID="EUR">1815.00</cbc:PrepaidAmount>' in ubl
    assert '<cbc:PayableAmount currencyID="EUR">4525.40</cbc:PayableAmount>' in ubl
    assert "<cbc:InvoiceTypeCode>386</cbc:InvoiceTypeCode>" in ubl_xml(deposit).decode()
    text = flat(pdf_text(facturx_pdf(final)))
    assert "1815,00€" in text and "4525,40€" in text


def test_hostile_text_is_printed_as_text_and_breaks_nothing(owner, business):
    document = scenarios.hostile(owner)[0]
    text = pdf_text(facturx_pdf(document))
    assert '<script>alert(1)</script> "Evil" & Co' in text
    assert '<img src="file:///etc/passwd">' in text
    assert "=HYPERLINK(" in text and "root:x:0:0" not in text
    html = document_html(document)
    assert "<script>" not in html and "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    ubl = etree.fromstring(ubl_xml(document))
    names = ubl.xpath("//*[local-name()='RegistrationName']/text()")
    assert '<script>alert(1)</script> "Evil" & Co' in names
    assert "\x01" not in cii_xml(document).decode()


def test_the_same_document_renders_to_the_same_bytes(owner, business):
    invoice = scenarios.normal_single_rate(owner)[0]
    first = [render(invoice) for render in (facturx_pdf, cii_xml, ubl_xml)]
    time.sleep(1.1)  # a timestamp anywhere in the files would differ now
    assert [render(invoice) for render in (facturx_pdf, cii_xml, ubl_xml)] == first
    reader = PdfReader(io.BytesIO(facturx_pdf(invoice)))
    assert reader.metadata["/CreationDate"].startswith("D:" + invoice.issue_date.strftime("%Y%m%d"))


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "https://example.com/x.png",
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:8000/admin/",
        "ftp://example.com/x.css",
        "file:///dev/urandom",
        "data:text/html;base64,PHNjcmlwdD4=",
    ],
)
def test_the_fetcher_refuses_anything_but_patron_s_files(url):
    fetcher = LocalFetcher()
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    with pytest.raises(RefusedURL):  # out of the static folder by ..
        fetcher.fetch(static_url("") + "../../../../../../etc/passwd")
    assert fetcher.fetched == []


def test_the_fetcher_serves_static_fonts_and_media_logos_from_disk(settings, tmp_path):
    fetcher = LocalFetcher()
    font = fetcher.fetch(static_url("vendor/fonts/inter/inter-latin-400-normal.woff"))
    assert font.read()[:4] == b"\x00\x01\x00\x00"  # unpacked to TrueType
    logos = media_root() / "logos"
    logos.mkdir(parents=True, exist_ok=True)
    (logos / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert fetcher.fetch(f"file://{logos / 'logo.png'}").read().startswith(b"\x89PNG")
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"secret")
    (logos / "link.png").symlink_to(secret)  # a link out of the media folder
    with pytest.raises(RefusedURL):
        fetcher.fetch(f"file://{logos / 'link.png'}")


def test_rendering_hostile_input_fetches_nothing_but_fonts_and_the_logo(
    owner, business, monkeypatch
):
    def no_network(*args, **kwargs):
        raise AssertionError("rendering tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    scenarios.with_brand_kit(owner)
    document = scenarios.hostile(owner)[0]
    fetcher = LocalFetcher()
    pdf = write_pdf(
        document_html(document),
        created=at_midnight(document.issue_date),
        identifier=b"0" * 32,
        fetcher=fetcher,
    )
    assert fetcher.refused == []
    assert fetcher.fetched and all(
        url.startswith(static_url("vendor/fonts/")) or "/media/logos/" in url
        for url in fetcher.fetched
    )
    assert any("/media/logos/" in url for url in fetcher.fetched)
    reader = PdfReader(io.BytesIO(pdf))
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    attachments = PdfReader(io.BytesIO(facturx_pdf(document))).attachments
    assert list(attachments) == ["factur-x.xml"]


@pytest.mark.parametrize(
    "name, words, not_words",
    [
        (
            "normal-single-rate",
            ["Prix unitaire HTVA", "Montant HTVA", "Total HTVA", "Total TVAC"],
            ["TTC"],
        ),
        ("franchise-fr", ["Prix unitaire HT", "Montant HT", "Total HT", "Total TTC"], ["HTVA"]),
        ("reverse-charge-nl", ["Unit price excl. VAT", "Total incl. VAT"], ["HTVA", "TTC"]),
    ],
)
def test_the_pdf_says_excluding_and_including_vat_as_the_seller_s_country_does(
    name, words, not_words, owner, request
):
    text = flat(pdf_text(facturx_pdf(build(name, owner, request)[0])).upper())
    for word in words:
        assert flat(word.upper()) in text
    for word in not_words:
        assert flat(word.upper()) not in text
