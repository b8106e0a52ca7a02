"""Checking an uploaded logo: by its content, never its name or declared type.

PNG and JPEG are decoded and re-encoded by Pillow, which drops whatever rides
along (metadata, an appended archive). SVG is parsed without DTD or network,
refused when it carries active content (scripts, event handlers, javascript:
links, embedded HTML) and stripped of whatever is not plain SVG drawing.
"""

import re
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from lxml import etree

from patron.system.uploads import reencode_image

MAX_LOGO_BYTES = 2 * 1024 * 1024
# The types a stored logo is served as, by its file extension (what saving it gave it).
LOGO_TYPES = {"png": "image/png", "jpg": "image/jpeg", "svg": "image/svg+xml"}
MAX_LOGO_PIXELS = 25_000_000

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
SVG_ELEMENTS = {
    "svg", "g", "defs", "symbol", "use", "title", "desc", "style",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "textPath", "image",
    "linearGradient", "radialGradient", "stop", "clipPath", "mask", "pattern",
}  # fmt: skip
ACTIVE_ELEMENTS = {"script", "foreignObject", "iframe", "embed", "object", "handler"}
SAFE_DATA_URL = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$")
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.DOTALL)
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
LOCAL_URL = re.compile(r"url\(\s*['\"]?#[\w.:-]*['\"]?\s*\)")
FETCHING_CSS = ("url(", "@import", "image-set(", "image(", "src(", "@font-face", "expression(")


def unescape_css(text):
    def replace(match):
        if match[1]:
            code = int(match[1], 16)
            return chr(code) if 0 < code < 0x110000 else "\ufffd"
        return match[2]

    return CSS_ESCAPE.sub(replace, text)


def reaches_outside(css):
    """True when CSS, or an attribute read as CSS, could make a reader fetch something.

    Escapes and comments are undone first (`\\75 rl(` is `url(`); references
    inside the file (`url(#gradient)`) are fine.
    """
    plain = CSS_COMMENT.sub("", unescape_css(css)).lower()
    plain = LOCAL_URL.sub("", "".join(plain.split()))
    return any(token in plain for token in FETCHING_CSS)


def refuse(message, **params):
    raise ValidationError(message, code="invalid", params=params)


def check_logo(upload):
    """A ContentFile, with a random name, of the cleaned logo; or a ValidationError."""
    if upload.size > MAX_LOGO_BYTES:
        refuse(
            _("The logo is %(size)s MB; the limit is 2 MB."),
            size=number_format(upload.size / 1024 / 1024, 1, use_l10n=True),
        )
    data = upload.read()
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        content, ext = reencode(data, "PNG"), "png"
    elif data.startswith(b"\xff\xd8\xff"):
        content, ext = reencode(data, "JPEG"), "jpg"
    elif looks_like_svg(data):
        content, ext = clean_svg(data), "svg"
    else:
        refuse(_("The logo must be a PNG, JPEG or SVG image; this file is something else."))
    return ContentFile(content, name=f"{uuid.uuid4().hex}.{ext}")


def reencode(data, fmt):
    return reencode_image(
        data,
        fmt,
        max_pixels=MAX_LOGO_PIXELS,
        too_large=_("The image is %(width)s × %(height)s pixels; a logo needs far fewer."),
        bomb=_("The image claims too many pixels for a logo: it is refused."),
    )


def looks_like_svg(data):
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--")


def local_name(tag):
    return etree.QName(tag).localname if isinstance(tag, str) else None


def clean_svg(data):  # noqa: C901 -- a sanitiser is audited whole
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_pis=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        refuse(_("The SVG could not be read: it is not well-formed XML."))
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        refuse(_("SVG files with a DOCTYPE are refused: export the logo again as plain SVG."))
    if root.tag != f"{{{SVG_NS}}}svg":
        refuse(_("The file is XML but not an SVG image."))

    for element in list(root.iter()):
        name = local_name(element.tag)
        if name in ACTIVE_ELEMENTS:
            refuse(
                _("The SVG contains a %(element)s element, which could run code: it is refused."),
                element=name,
            )
        for attr, value in element.attrib.items():
            attr_name = local_name(attr)
            lowered = value.strip().lower()
            if attr_name.lower().startswith("on"):
                refuse(
                    _(
                        "The SVG contains an event handler (%(attr)s), which could run code: it is refused."
                    ),
                    attr=attr_name,
                )
            compact = "".join(unescape_css(lowered).split())
            if "javascript:" in compact or "vbscript:" in compact:
                refuse(_("The SVG contains a javascript: link: it is refused."))

    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            element.getparent().remove(element)  # comments
            continue
        qname = etree.QName(element.tag)
        if qname.namespace != SVG_NS or qname.localname not in SVG_ELEMENTS:
            if element is not root:
                element.getparent().remove(element)
            continue
        if qname.localname == "style":
            css = "".join(element.itertext())
            for child in list(element):
                element.remove(child)
            element.text = "" if reaches_outside(css) else css
        for attr in list(element.attrib):
            value = element.attrib[attr]
            attr_q = etree.QName(attr)
            if attr_q.localname == "href":
                if not (value.startswith("#") or SAFE_DATA_URL.match(value)):
                    del element.attrib[attr]  # a reference outside the file
            elif attr_q.namespace not in (None, XLINK_NS) and attr_q.namespace != (
                "http://www.w3.org/XML/1998/namespace"
            ):
                del element.attrib[attr]
            elif reaches_outside(value):  # style=, and presentation attributes (fill=url(…))
                del element.attrib[attr]
    etree.cleanup_namespaces(root)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")
