"""Every document kind Patron draws as a PDF, on every scenario the PDF tests render
(tests/billing/scenarios.py), drawn by the application's path (Typst since issue 13), kept
in test-artifacts/typst/ to look at as PNG (pdftoppm -r 80), and checked: a PDF/A-3b, tagged
(accessible), in subset fonts that are all Patron's, the invoices and credit notes passing
the validator(s) with factur-x.xml declared once; a quote, a pro-forma and the formal
notice letter too. Prints how long each took.

    .venv/bin/python -m pytest bench/typst_scenarios.py -s
"""

import io
import time
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from patron.billing.einvoice.facturx import facturx_pdf
from patron.billing.models import Kind, Reminder, StepKind
from patron.billing.reminders.dunning import run
from patron.billing.reminders.notice import letter_pdf
from tests.billing import scenarios
from tests.billing.pdf_fonts import embedded_fonts, patron_fonts

OUT = Path(__file__).resolve().parents[1] / "test-artifacts" / "typst"
ALL = {**scenarios.BELGIAN_SCENARIOS, "franchise-fr": scenarios.franchise_fr}


def drawn(stem, render, *args):
    """The PDF of render(*args), kept under OUT, checked as every PDF must be."""
    started = time.perf_counter()
    data = render(*args)
    print(f"{stem}: {(time.perf_counter() - started) * 1000:.0f} ms, {len(data):,} B")
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{stem}.pdf"
    path.write_bytes(data)
    catalogue = PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert b"<pdfaid:part>3</pdfaid:part>" in catalogue["/Metadata"].get_object().get_data()
    assert "/StructTreeRoot" in catalogue, f"{stem}: not tagged"
    embedded, bare = embedded_fonts(data)
    assert bare == set() and embedded and set(embedded) <= patron_fonts(), stem
    return path, catalogue


@pytest.mark.parametrize("name", list(ALL))
def test_every_scenario_is_drawn_as_a_valid_tagged_factur_x(name, owner, request):
    if name != "franchise-fr":
        request.getfixturevalue("business")
    for n, document in enumerate(ALL[name](owner)):
        path, catalogue = drawn(f"{name}-{n}-{document.kind}", facturx_pdf, document)
        assert scenarios.einvoice_errors(path) == [], path.name
        if document.kind in (Kind.INVOICE, Kind.CREDIT_NOTE):
            assert [entry.get_object()["/UF"] for entry in catalogue["/AF"]] == ["factur-x.xml"]


def test_a_quote_and_a_pro_forma_are_pdf_a_without_xml(owner, business):
    acme = scenarios.acme()
    quote = scenarios.accepted_quote(owner, acme, [("Site vitrine", "1", "1800", "21")])
    proforma = scenarios.issue(
        owner, acme, [("Acompte, atelier", "1", "900", "21")], kind=Kind.PROFORMA
    )
    for document in (quote, proforma):
        _path, catalogue = drawn(document.kind, facturx_pdf, document)
        assert "/AF" not in catalogue


def test_the_formal_notice_letter_is_a_tagged_pdf_a(owner, business):
    scenarios.with_brand_kit(owner)
    invoice = scenarios.normal_single_rate(owner)[0]
    for days in (3, 15, 30):
        run(today=invoice.due_date + timedelta(days=days))
    drawn("notice", letter_pdf, Reminder.objects.get(step=StepKind.NOTICE))
