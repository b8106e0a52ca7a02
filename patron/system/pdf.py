"""PDF/A-3b documents drawn by Typst, from Patron's templates and fonts only, with no network
and no file but the logo (rule 4 of the design).

A document is a template (templates/**/pdf/*.typ, Typst markup written by Patron) and its
data: one JSON text that the template reads with `json()` and shows only as text, so nothing
a user typed is ever read as markup. Typst then reads files from the folder it is given as
its root and nothing outside it: each rendering gets a new, empty folder holding a copy of
the logo alone, checked first to be a file inside the media folder (a `..` or a symbolic
link out of it is refused). Typst has no HTTP of its own but for packages, which no template
imports. The fonts are Patron's full fonts (static/vendor/fonts/full), loaded once a
process; the host's and Typst's own are left out, so the PDF depends on Patron's alone.

Why Typst and not WeasyPrint (issue 13): the same two-page Factur-X invoice in 161 to 319 ms
where WeasyPrint took 725 to 1,436 ms on the same loaded machine (4.5 times faster, medians,
bench/invoices.py), a tagged PDF (accessible) where WeasyPrint's was not, no Pango or
HarfBuzz to install from the host, and no URL fetcher to keep tight.
"""

import json
import tempfile
from functools import lru_cache
from pathlib import Path

import typst
from django.conf import settings
from fontTools.ttLib import TTFont

# Full fonts for PDFs (SOURCES.md there): the web's subsets lack glyphs a document needs
# (U+202F, the French thousands separator).
PDF_FONTS = "vendor/fonts/full"
LOGO_TYPES = (".png", ".jpg", ".jpeg", ".svg")
# What a character no font of the PDF has becomes: PDF/A forbids drawing a missing glyph
# (Typst refuses the document), so it is drawn as an empty box, as WeasyPrint did.
MISSING = "\u25a1"


class RenderingError(RuntimeError):
    """Typst refused to draw a document (a defect of a template, not of the user's data)."""


def static_root():
    return Path(settings.STATICFILES_DIRS[0]).resolve()


def media_root():
    return Path(settings.MEDIA_ROOT).resolve()


@lru_cache(maxsize=1)
def fonts():
    """Patron's full fonts, loaded once a process; not the host's nor Typst's own."""
    return typst.Fonts(
        include_system_fonts=False,
        include_embedded_fonts=False,
        font_paths=[str(static_root() / PDF_FONTS)],
    )


@lru_cache(maxsize=8)
def template(*paths):
    """The Typst source of these template files, one after the other."""
    return "\n".join(Path(path).read_text() for path in paths).encode()


def media_file(name):
    """The path of a media file (the logo) if it is an image inside the media folder."""
    if not name:
        return None
    try:
        path = (media_root() / name).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if path.is_relative_to(media_root()) and path.is_file() and path.suffix.lower() in LOGO_TYPES:
        return path
    return None


@lru_cache(maxsize=8)
def drawable(typefaces):
    """The characters the fonts of these typefaces (folders of PDF_FONTS) can draw."""
    chars = set()
    for typeface in typefaces:
        for path in (static_root() / PDF_FONTS / typeface).glob("*.ttf"):
            chars.update(map(chr, TTFont(path, lazy=True).getBestCmap()))
    return frozenset(chars)


def drawn(value, chars):
    """Every string in value with the characters no font draws replaced by MISSING."""
    if isinstance(value, str):
        return "".join(ch if ch in chars or ch in "\n\t" else MISSING for ch in value)
    if isinstance(value, dict):
        return {key: drawn(item, chars) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [drawn(item, chars) for item in value]
    return value


def typeset(source, data, *, created, typefaces, logo=None, inputs=None):
    """A PDF/A-3b (bytes) of the Typst `source` showing `data` (JSON-able, every string
    already formatted); the same bytes for the same input.

    `created` (an aware datetime) dates the document, so nothing in the file depends on the
    clock; `typefaces` are the folders of PDF_FONTS the data is drawn with; `logo` is a media
    file's name, shown as /logo.<ext>; `inputs` are more strings for the source
    (sys.inputs), such as an attached XML."""
    data = drawn(data, drawable(tuple(typefaces)))
    path = media_file(logo)
    with tempfile.TemporaryDirectory(prefix="patron-pdf-") as root:
        data["logo"] = ""
        if path is not None:
            data["logo"] = f"/logo{path.suffix.lower()}"
            (Path(root) / data["logo"][1:]).write_bytes(path.read_bytes())
        compiler = typst.Compiler(
            root=root, font_paths=fonts(), package_path=root, package_cache_path=root
        )
        try:
            return compiler.compile(
                source,
                format="pdf",
                pdf_standards="a-3b",
                sys_inputs={"data": json.dumps(data), **(inputs or {})},
                timestamp=created,
            )
        except typst.TypstError as error:
            raise RenderingError(f"{error.message} {error.hints}") from error
