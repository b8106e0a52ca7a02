"""A PDF depends on Patron's own fonts only: every font it embeds is one of the full fonts
shipped in static/vendor/fonts/full, whatever the brand kit's typeface and whatever the
host has installed, and the narrow no-break space of French amounts is drawn with one."""

import io

import pytest
from pypdf import PdfReader

from patron.billing.einvoice.facturx import facturx_pdf
from patron.billing.einvoice.pdf import document_context
from patron.business.brand import TYPEFACES
from patron.business.models import Business
from tests.billing import scenarios
from tests.billing.pdf_fonts import embedded_fonts, patron_fonts

NARROW_NO_BREAK_SPACE = 0x202F


@pytest.mark.parametrize("typeface", list(TYPEFACES))
def test_a_french_invoice_with_thousands_embeds_only_patron_s_fonts(owner, typeface):
    invoice = scenarios.franchise_fr(owner)[0]
    Business.objects.update(typeface=typeface)
    # 1 800,00 €: French groups thousands with a narrow no-break space, which the web's
    # subsets of Inter lack, and Lora and Atkinson Hyperlegible altogether.
    assert "\u202f" in document_context(invoice, Business.objects.get())["due"]
    embedded, bare = embedded_fonts(facturx_pdf(invoice))
    assert bare == set(), "fonts used without being embedded"
    assert embedded, "the PDF embeds no font"
    assert set(embedded) - patron_fonts() == set(), "fonts that are not Patron's"
    family = TYPEFACES[typeface][0]
    assert any(name.startswith(family) for name, *_ in embedded), f"{family} is not used"


def test_a_french_amount_s_narrow_space_is_drawn_with_patron_s_font(owner):
    invoice = scenarios.franchise_fr(owner)[0]
    data = facturx_pdf(invoice)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "2\u202f050,00\xa0€" in text
    embedded, _ = embedded_fonts(data)
    drawing = {font for font, characters in embedded.items() if NARROW_NO_BREAK_SPACE in characters}
    assert drawing, "no embedded font draws U+202F"
    assert drawing <= patron_fonts()
