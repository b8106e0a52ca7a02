"""HTML to PDF with WeasyPrint, and no network (rule 4 of the design).

WeasyPrint fetches whatever a document names: stylesheets, fonts, images, attachments,
and the same inside SVG. Patron's fetcher serves only Patron's own static files (the
bundled fonts) and media files (the logo), read from disk after the path is resolved, so
neither `..` nor a symbolic link leads out; every other URL, http(s), ftp, file: outside
those folders, is refused and stops the rendering (FatalURLFetchingError): a refused URL
means something got into a template that should not have. Redirects cannot happen: there
is no HTTP at all.
"""

import base64
import binascii
import re
import threading
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pydyf
from django.conf import settings
from fontTools.ttLib import TTFont
from weasyprint import CSS, HTML
from weasyprint.pdf.metadata import DocumentMetadata
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse, path2url

STATIC_TYPES = {
    ".css": "text/css",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}
MEDIA_TYPES = {ext: STATIC_TYPES[ext] for ext in (".png", ".jpg", ".jpeg", ".svg")}
# Bitmaps an SVG logo may carry inline (patron/business/logos.py lets them through).
DATA_IMAGE = re.compile(r"^data:(image/(?:png|jpeg|gif|webp));base64,([A-Za-z0-9+/=\s]*)$")


@lru_cache(maxsize=64)
def woff_as_ttf(path, mtime):
    """A WOFF font unpacked to TrueType, as WeasyPrint would, but keeping the font's own
    timestamps: WeasyPrint's unpacking stamps the current time into the font (fontTools
    recalculates head.modified), and so into the PDF, which then differs each second."""
    font = TTFont(str(path), recalcTimestamp=False)
    font.flavor = font.flavorData = None
    out = BytesIO()
    font.save(out)
    return out.getvalue()


class RefusedURL(FatalURLFetchingError):
    """A document asked for something outside Patron's static and media files."""


def static_root():
    return Path(settings.STATICFILES_DIRS[0]).resolve()


def media_root():
    return Path(settings.MEDIA_ROOT).resolve()


def static_url(relative):
    """The URL under which the fetcher serves one of Patron's static files."""
    return path2url(static_root() / relative)


def media_url(relative):
    return path2url(media_root() / relative)


class LocalFetcher(URLFetcher):
    """Serves Patron's static and media files from disk; refuses every other URL.

    `fetched` lists the URLs served, `refused` the ones refused (tests read both)."""

    def __init__(self):
        super().__init__(allow_redirects=False, allowed_protocols=("file",))
        self.roots = ((static_root(), STATIC_TYPES), (media_root(), MEDIA_TYPES))
        self.fetched, self.refused = [], []

    def fetch(self, url, headers=None):
        found = DATA_IMAGE.match(url) if url.startswith("data:") else None
        if found:
            try:
                body = base64.b64decode(found[2], validate=False)
            except binascii.Error:
                return self.refuse(url)
            self.fetched.append(url[:40])
            return URLFetcherResponse(url, body, {"Content-Type": found[1]})
        path = self.local_path(url)
        if path is None:
            return self.refuse(url)
        self.fetched.append(url)
        if path.suffix.lower() == ".woff":
            body = woff_as_ttf(path, path.stat().st_mtime_ns)
            return URLFetcherResponse(url, body, {"Content-Type": "font/ttf"})
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": self.type_of(path)})

    def local_path(self, url):
        """The file a file: URL names, if it is one of Patron's static or media files."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        try:
            path = Path(unquote(parts.path)).resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        for root, types in self.roots:
            if path.is_relative_to(root) and path.is_file() and path.suffix.lower() in types:
                return path
        return None

    def type_of(self, path):
        for _root, types in self.roots:
            if path.suffix.lower() in types:
                return types[path.suffix.lower()]
        return "application/octet-stream"

    def refuse(self, url):
        self.refused.append(url)
        raise RefusedURL(f"Refused to fetch {url[:200]!r}: only Patron's static and media files")


class Metadata(DocumentMetadata):
    """WeasyPrint's metadata, plus rdf:Description elements of our own in the XMP packet."""

    extra_rdf = b""

    def generate_rdf_metadata(self, variant, version, conformance):
        rdf = super().generate_rdf_metadata(variant, version, conformance)
        return rdf.replace(b"</rdf:RDF>", self.extra_rdf + b"</rdf:RDF>")


def w3c(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# One rendering at a time per process: the shared font configuration (Pango and fontconfig
# underneath) is not meant to be used by two threads at once.
RENDERING = threading.Lock()


@lru_cache(maxsize=1)
def font_config():
    """The fonts every PDF of this process uses, loaded once (see stylesheet)."""
    return FontConfiguration()


@lru_cache(maxsize=16)
def stylesheet(css):
    """CSS text parsed once per process, its @font-face fonts loaded into font_config().

    Parsing the stylesheet and loading its fonts took a good third of a one-page PDF's
    time, and both are the same for every document of a business: the look changes only
    when the brand kit does, which gives another text and so another entry here."""
    return CSS(
        string=css, base_url=static_url(""), url_fetcher=LocalFetcher(), font_config=font_config()
    )


def list_each_attachment_once(document, pdf):
    """WeasyPrint (70) lists each attachment twice in the catalogue's /AF array of a PDF/A-3,
    once from the embedded files' name tree and once from the file specifications."""
    if "AF" in pdf.catalog:
        pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(pdf.catalog["AF"]))


def write_pdf(
    html, *, created, identifier, stylesheets=(), attachments=(), extra_rdf=b"", fetcher=None
):
    """A PDF/A-3b of the HTML, styled by the CSS texts of `stylesheets`; the same bytes for
    the same input.

    `created` (an aware UTC datetime) dates the document and `identifier` (bytes) is its
    PDF file identifier: with both fixed, nothing in the file depends on the clock."""
    fetcher = fetcher or LocalFetcher()
    output = BytesIO()
    with RENDERING:
        rendered = HTML(string=html, base_url=static_url(""), url_fetcher=fetcher).render(
            stylesheets=[stylesheet(css) for css in stylesheets], font_config=font_config()
        )
        metadata = Metadata(**vars(rendered.metadata))
        metadata.created = metadata.modified = w3c(created)
        metadata.extra_rdf = extra_rdf
        rendered.metadata = metadata
        rendered.write_pdf(
            output,
            pdf_variant="pdf/a-3b",
            pdf_identifier=identifier,
            attachments=list(attachments),
            finisher=list_each_attachment_once,
        )
    return output.getvalue()
