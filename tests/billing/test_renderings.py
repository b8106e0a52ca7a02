"""The files of an issued document: legal e-invoices by Patron's validator (and the
independent one when it is there), the mandatory mentions on the PDF, the same bytes every
time, stored once, and no file read but Patron's own fonts and the logo."""

import io
import socket
import time
import urllib.request
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from lxml import etree
from PIL import Image
from pypdf import PdfReader

from patron.billing.einvoice.epc import epc_payload
from patron.billing.einvoice.facturx import cii_xml, facturx_pdf
from patron.billing.einvoice.pdf import document_context, document_data
from patron.billing.einvoice.rendering import do_store_renderings, formats_of, rendering
from patron.billing.einvoice.ubl import NotForPeppol, ubl_xml
from patron.business.demo import LOGO
from patron.business.models import Business
from patron.system.pdf import RenderingError, media_file, media_root, typeset
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
    # The EPC QR code is drawn from segno's SVG, with its label under it.
    assert (
        "<svg"
        in document_data(document_context(invoice, Business.objects.get()), invoice)["payment"][
            "qr"
        ]
    )
    assert "Scannez pour payer" in text or "Scan to pay" in text


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
    assert (
        "/EmbeddedFiles" in PdfReader(io.BytesIO(facturx_pdf(document))).trailer["/Root"]["/Names"]
    )
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


def test_text_that_looks_like_typst_markup_is_printed_as_text(owner, business):
    contact = scenarios.client(
        name='#read("/etc/passwd") *Bold* $x^2$',
        street="Rue de la Loi 1",
        postcode="1000",
        city="Bruxelles",
        country="BE",
        vat_number="BE0403170701",
        company_number="0403170701",
    )
    lines = [
        ('#image("/etc/passwd") #import "@preview/evil:0.1.0": * @label <x>', "1", "10", "21"),
        ("] } ) // not a comment /* nor this */ \\ #set page(width: 1cm)", "1", "10", "21"),
    ]
    document = scenarios.issue(owner, contact, lines, notes='#eval("1 + 1")')
    text = pdf_text(facturx_pdf(document))
    for shown in (
        '#read("/etc/passwd") *Bold* $x^2$',
        '#image("/etc/passwd")',
        '#import "@preview/evil:0.1.0"',
        "// not a comment /* nor this */",
        "#set page(width: 1cm)",
        '#eval("1 + 1")',
    ):
        assert shown in text, shown
    assert "root:x:0:0" not in text


@pytest.mark.parametrize(
    "reads",
    [
        '#read("/etc/passwd")',
        '#read("../../../../../../../etc/passwd")',
        '#image("/proc/self/environ")',
        '#read("/patron.sqlite3")',
        '#read("/documents")',
    ],
)
def test_typst_reads_no_file_outside_its_own_folder(reads, business):
    source = f"#let data = json(bytes(sys.inputs.data))\n{reads}".encode()
    media_root().mkdir(parents=True, exist_ok=True)
    (media_root() / "patron.sqlite3").write_bytes(b"secret")  # a media file that is not the logo
    with pytest.raises(RenderingError):
        typeset(source, {}, created=at_noon(), typefaces=["inter"])


def test_the_logo_is_the_one_file_typst_is_given(tmp_path, business):
    logos = media_root() / "logos"
    logos.mkdir(parents=True, exist_ok=True)
    (logos / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert media_file("logos/logo.png") == logos / "logo.png"
    source = (
        b"#let data = json(bytes(sys.inputs.data))\n#str(read(data.logo, encoding: none).len())"
    )
    pdf = typeset(source, {}, created=at_noon(), typefaces=["inter"], logo="logos/logo.png")
    assert pdf_text(pdf) == "8"
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"secret")
    (logos / "link.png").symlink_to(secret)  # a link out of the media folder
    for name in ("logos/link.png", "../secret.png", str(secret), "logos/missing.png"):
        assert media_file(name) is None, name
    with pytest.raises(RenderingError):  # no logo given: there is nothing to read
        typeset(source, {}, created=at_noon(), typefaces=["inter"], logo="logos/link.png")


def at_noon():
    from datetime import UTC, datetime

    return datetime(2026, 1, 5, 12, tzinfo=UTC)


def test_rendering_hostile_input_with_a_logo_reaches_no_network(owner, business, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("rendering tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    scenarios.with_brand_kit(owner)
    document = scenarios.hostile(owner)[0]
    pdf = facturx_pdf(document)
    reader = PdfReader(io.BytesIO(pdf))
    assert list(reader.attachments) == ["factur-x.xml"]
    # The logo (the demo's SVG, its text in Lora) is drawn: tagged as a figure with its name.
    assert b"/Alt (Atelier Lumen)" in pdf or "Lumen" in pdf_text(pdf)
    assert "root:x:0:0" not in pdf_text(pdf)


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


def png_logo():
    image = Image.new("RGB", (300, 100), "#0f766e")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    "name, logo, content_type",
    [("logo.png", png_logo, "image/png"), ("logo.svg", lambda: LOGO, "image/svg+xml")],
)
def test_the_brand_kit_s_logo_is_drawn_on_the_downloaded_pdf(
    name, logo, content_type, owner, owner_client, business
):
    upload = SimpleUploadedFile(name, logo(), content_type)
    fields = {"primary_colour": "#0f766e", "accent_colour": "#b45309", "typeface": "lora"}
    response = owner_client.post("/app/settings/brand/", {**fields, "logo": upload})
    assert response.status_code == 302 and Business.objects.get().logo
    invoice = scenarios.normal_single_rate(owner)[0]
    response = owner_client.get(f"/app/billing/{invoice.pk}/file/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    # Tagged as a figure named after the business (the QR code is the other figure).
    assert "Atelier Lumen" in figures(reader.trailer["/Root"]["/StructTreeRoot"])
    if name.endswith(".png"):  # a bitmap: the one image of the first page
        assert [image.image.size for image in reader.pages[0].images] == [(300, 100)]
    assert facturx_pdf(invoice) == response.content  # the logo's copy leaves no trace
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"brand-kit-{name}.pdf"
    path.write_bytes(response.content)
    assert scenarios.einvoice_errors(path) == []


def figures(element):
    """The alternative texts of the figures in a PDF's structure tree."""
    element = element.get_object() if hasattr(element, "get_object") else element
    found = []
    if isinstance(element, dict):
        if element.get("/S") == "/Figure" and "/Alt" in element:
            found.append(str(element["/Alt"]))
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            found += figures(kid)
    return found
