"""Reading the fonts a PDF embeds: which of Patron's full fonts, and what each can draw."""

import io
import re
from pathlib import Path

from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

FULL_FONTS = Path(__file__).resolve().parents[2] / "patron/static/vendor/fonts/full"


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
            if node.get("/Type") == "/Font" and node.get("/Subtype") == "/Type0":
                # A subset without a cmap (Typst's): what it draws is in the ToUnicode map.
                characters = to_unicode(node)
                for descendant in node["/DescendantFonts"]:
                    program = font_program(descendant.get_object())
                    if program is not None:
                        font = TTFont(io.BytesIO(program))
                        embedded.setdefault(identity(font), set()).update(characters)
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


def to_unicode(font):
    """The characters a composite font's ToUnicode map says its glyphs draw."""
    if "/ToUnicode" not in font:
        return set()
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    characters = set()
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for _glyph, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            characters.update(map(ord, bytes.fromhex(text).decode("utf-16-be")))
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for first, last, start in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            begin = int(start, 16)
            characters.update(range(begin, begin + int(last, 16) - int(first, 16) + 1))
    return characters


def font_program(font):
    """The TrueType program embedded for a font, or None."""
    descriptor = font.get("/FontDescriptor")
    if descriptor is None or "/FontFile2" not in descriptor.get_object():
        return None
    return descriptor.get_object()["/FontFile2"].get_object().get_data()
