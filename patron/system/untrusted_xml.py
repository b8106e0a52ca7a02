"""Reading XML that comes from outside (bank statements, supplier e-invoices).

XML from outside is hostile until read: the parser resolves no entity, loads no DTD and
opens no network connection, and a document with a DOCTYPE is refused outright, since none
of the formats Patron imports needs one and it is what XXE and entity-expansion attacks are
made of. The helpers below walk elements by local name, namespaces ignored: the formats
come with several prefixes and versions for the same names.
"""

import re

from django.utils.translation import gettext as _
from lxml import etree

from patron.system.importing import ImportRefused, marked_encoding

DECLARATIONS = re.compile(r"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
HEAD = 65536


def head_text(data):
    """The first bytes of `data` as text, in the encoding its byte order mark gives (UTF-16
    and UTF-32 XML carry one), else read byte for byte, NULs dropped (UTF-16 without its
    mark, which the parser also reads): what the checks before parsing see."""
    marked = marked_encoding(data)
    if marked is None:
        return data[:HEAD].replace(b"\x00", b"").decode("latin-1")
    encoding, skip = marked
    return data[skip : skip + HEAD].decode(encoding, errors="replace")


def looks_like_xml(data):
    """True when the file's first character, past a byte order mark and spaces, is "<"."""
    return head_text(data[: HEAD + 4]).lstrip(" \t\r\n")[:1] == "<"


def xml_parser():
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data):
    """The root element of `data`, or ImportRefused saying why it cannot be read."""
    # Refused before parsing as well as after: no DOCTYPE, whatever it declares.
    if DECLARATIONS.search(head_text(data)):
        raise ImportRefused(
            _(
                "This XML file declares a DOCTYPE or entities, which none of the files Patron "
                "imports needs: refused."
            )
        )
    try:
        root = etree.fromstring(data, parser=xml_parser())
    except etree.XMLSyntaxError as e:
        raise ImportRefused(
            _("This is not well-formed XML (line %(line)s): %(error)s")
            % {"line": e.lineno or "?", "error": str(e.msg)[:200]}
        ) from None
    if root.getroottree().docinfo.doctype:
        raise ImportRefused(_("This XML file declares a DOCTYPE: refused."))
    return root


def local(element):
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def namespace(element):
    return etree.QName(element).namespace or ""


def child(element, *path):
    """The first descendant along `path` of local names (namespaces ignored), or None."""
    for name in path:
        if element is None:
            return None
        element = next((c for c in element if local(c) == name), None)
    return element


def children(element, name):
    return [c for c in element if local(c) == name] if element is not None else []


def text(element, *path):
    """The text of the element along `path`, whitespace collapsed; "" when absent."""
    found = child(element, *path)
    return " ".join((found.text or "").split()) if found is not None else ""
