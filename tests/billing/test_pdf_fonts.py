"""A PDF depends on Patron's own fonts only: every font it embeds is one of the full fonts
shipped in static/vendor/fonts/full, whatever the brand kit's typeface and whatever the
host has installed, and the narrow no-break space of French amounts is drawn with one."""

import io
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from patron.billing.einvoice.facturx import facturx_pdf
from patron.billing.einvoice.pdf import document_context
from patron.business.brand import TYPEFACES
from patron.business.models import Business
from tests.billing import scenarios

FULL_FONTS = Path(__file__).resolve().parents[2] / "patron/static/vendor/fonts/full"
NARROW_NO_BREAK_SPACE = 0x202F


def identity(font):
    """What tells one font from another, and survives subsetting: its full name, creation
    time and revision."""
    return (font["name"].getDebugName(4), font["head"].created, font["head"].fontRevision)


def patron_fonts():
    return {identity(TTFont(path)) for path in FULL_FONTS.glob("*/*.ttf")}


def embedded_fonts(data):
    """The characters each font program the PDF embeds can draw, by the font's identity,
    and the names of the fonts its pages use without a program (none should)."""
    reader = PdfReader(io.BytesIO(data))
    embedded, bare, seen = {}, set(), set()

    def walk(node):
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                return
            seen.add(node.idnum)
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            if node.get("/Type") == "/Font" and node.get("/Subtype") != "/Type0":
                program = font_program(node)
                if program is None:
                    bare.add(str(node.get("/BaseFont")))
                else:
                    font = TTFont(io.BytesIO(program))
                    characters = set(font.getBestCmap() or ()) if "cmap" in font else set()
                    embedded.setdefault(identity(font), set()).update(characters)
            for key, value in node.items():
                if key not in ("/Parent", "/P", "/K", "/StructTreeRoot"):
                    walk(value)
        elif isinstance(node, ArrayObject):
            for value in node:
                walk(value)

    for page in reader.pages:
        walk(page.get("/Resources"))
    return embedded, bare


def font_program(font):
    """The TrueType program embedded for a font, or None."""
    descriptor = font.get("/FontDescriptor")
    if descriptor is None or "/FontFile2" not in descriptor.get_object():
        return None
    return descriptor.get_object()["/FontFile2"].get_object().get_data()


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
