"""The Typst trial against every scenario the PDF tests render (tests/billing/scenarios.py)
and a quote: each document drawn by WeasyPrint (Patron's path) and by Typst
(bench/typst_pdf.py), both kept in test-artifacts/typst-trial/ to compare as PNG
(pdftoppm -r 80), and the Typst one checked: it passes the validator(s), says the same words
as WeasyPrint's (noting where the page count differs), embeds subset fonts that are all
Patron's, and declares factur-x.xml once. Needs the bench extra (typst, pikepdf):

    .venv/bin/python -m pytest bench/typst_scenarios.py
"""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from patron.billing.einvoice.facturx import facturx_pdf
from tests.billing import scenarios
from tests.billing.pdf_fonts import embedded_fonts, patron_fonts

typst_pdf = pytest.importorskip("typst_pdf", reason="the bench extra (typst) is not installed")

OUT = Path(__file__).resolve().parents[1] / "test-artifacts" / "typst-trial"
ALL = {**scenarios.BELGIAN_SCENARIOS, "franchise-fr": scenarios.franchise_fr}


def words(data):
    """The words of the PDF's text, sorted: the same content whatever the line breaks."""
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return sorted(text.replace("\u202f", " ").replace("\xa0", " ").split()), len(reader.pages)


@pytest.mark.parametrize("name", list(ALL))
def test_typst_draws_every_scenario_as_weasyprint_does_and_validly(name, owner, request):
    if name != "franchise-fr":
        request.getfixturevalue("business")
    OUT.mkdir(parents=True, exist_ok=True)
    for n, document in enumerate(ALL[name](owner)):
        stem = f"{name}-{n}-{document.kind}"
        ours, theirs = facturx_pdf(document), typst_pdf.typst_pdf(document)
        (OUT / f"{stem}.weasyprint.pdf").write_bytes(ours)
        path = OUT / f"{stem}.typst.pdf"
        path.write_bytes(theirs)
        assert scenarios.einvoice_errors(path) == [], stem
        if name != "hostile-input":  # an unbreakable word and an emoji drawn differently
            (typst_words, typst_pages), (weasyprint_words, weasyprint_pages) = (
                words(theirs),
                words(ours),
            )
            if typst_pages == weasyprint_pages:
                assert typst_words == weasyprint_words, stem
            else:  # the footer and page numbers once more or less
                assert set(typst_words) - {"1", "2", "3", "/"} == set(weasyprint_words) - {
                    "1",
                    "2",
                    "3",
                    "/",
                }, stem
                print(f"{stem}: {weasyprint_pages} pages by WeasyPrint, {typst_pages} by Typst")
        embedded, bare = embedded_fonts(theirs)
        assert bare == set() and embedded and set(embedded) <= patron_fonts(), stem
        catalogue = PdfReader(io.BytesIO(theirs)).trailer["/Root"]
        if document.kind in ("invoice", "credit_note"):
            assert [entry.get_object()["/UF"] for entry in catalogue["/AF"]] == ["factur-x.xml"]


def test_typst_draws_a_quote_as_a_pdf_a_without_xml(owner, business):
    quote = scenarios.accepted_quote(owner, scenarios.acme(), [("Site vitrine", "1", "1800", "21")])
    OUT.mkdir(parents=True, exist_ok=True)
    ours, theirs = facturx_pdf(quote), typst_pdf.typst_pdf(quote)
    (OUT / "quote.weasyprint.pdf").write_bytes(ours)
    (OUT / "quote.typst.pdf").write_bytes(theirs)
    assert words(theirs) == words(ours)
    catalogue = PdfReader(io.BytesIO(theirs)).trailer["/Root"]
    assert "/AF" not in catalogue and "PDF/A" not in str(catalogue.get("/Names", ""))
    assert b"<pdfaid:part>3</pdfaid:part>" in catalogue["/Metadata"].get_object().get_data()
