"""Is this e-invoice legal? The official EN 16931 and Peppol BIS Billing 3.0 rules, run here.

`validate(data)` takes the bytes of a CII XML, a UBL 2.1 Invoice or CreditNote, or a Factur-X
PDF, and returns a `Report`: what was checked and every finding (rule id, flag, message,
where). The rules are the official artefacts carried in `artefacts/` (PROVENANCE.md there
says where each comes from, at which commit, under which licence), unchanged:

| document | checks |
|---|---|
| CII | XSD CII D16B, then the CEN EN 16931 CII Schematron |
| UBL Invoice / CreditNote | XSD UBL 2.1, the CEN EN 16931 UBL Schematron, then the Peppol BIS 3 Schematron (unless `peppol=False`) |
| Factur-X PDF | the PDF's declarations (pdf.py), then the CII checks on factur-x.xml, plus the Factur-X EN 16931 XSD when the PDF says that is its level |

A finding flagged fatal or error fails the document; warnings and information do not. The
input is read as hostile XML (patron.system.untrusted_xml): no DOCTYPE, no entity, no network.
The tests run this on every rendering Patron makes; the transmission worker runs it on every
document before it leaves.
"""

import time
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from lxml import etree

from patron.billing.einvoice.validation.pdf import embedded_invoice
from patron.billing.einvoice.validation.rules import Finding, schema_findings, schematron_findings
from patron.system.importing import ImportRefused
from patron.system.untrusted_xml import parse_xml

__all__ = ["Finding", "Report", "validate"]

MAX_XML_BYTES = 20 * 1024 * 1024
CII = ("urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100", "CrossIndustryInvoice")
SYNTAXES = {
    CII: "cii",
    ("urn:oasis:names:specification:ubl:schema:xsd:Invoice-2", "Invoice"): "ubl-invoice",
    ("urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2", "CreditNote"): "ubl-creditnote",
}
PEPPOL = "PEPPOL-BIS3"


@dataclass
class Report:
    """What validate() found. `syntax` is cii, ubl-invoice or ubl-creditnote ("" when the
    document is none of them); `container` is "pdf" for a Factur-X PDF, else "xml"."""

    container: str = "xml"
    syntax: str = ""
    profile: str = ""  # a PDF's Factur-X conformance level
    rule_sets: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def errors(self):
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self):
        return [f for f in self.findings if not f.is_error]

    @property
    def ok(self):
        return bool(self.rule_sets) and not self.errors

    @property
    def en16931_ok(self):
        """Whether everything but the Peppol rules passed."""
        return bool(self.rule_sets) and not any(
            f.is_error for f in self.findings if f.rule_set != PEPPOL
        )

    @property
    def peppol_ok(self):
        """Whether the Peppol BIS 3 rules ran and passed; None when they did not run."""
        if PEPPOL not in self.rule_sets:
            return None
        return self.en16931_ok and not any(
            f.is_error for f in self.findings if f.rule_set == PEPPOL
        )

    def as_dict(self):
        return {
            "ok": self.ok,
            "container": self.container,
            "syntax": self.syntax,
            "profile": self.profile,
            "rule_sets": self.rule_sets,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "seconds": round(self.seconds, 3),
            "findings": [
                {
                    "rule": f.rule,
                    "flag": f.flag,
                    "message": f.message,
                    "location": f.location,
                    "rule_set": f.rule_set,
                }
                for f in self.findings
            ],
        }


def validate(data: bytes, *, peppol: bool = True) -> Report:
    """Check `data` against the official rules for its syntax; see the module's docstring."""
    started = time.perf_counter()
    report = Report()
    run(report, data, peppol)
    report.seconds = time.perf_counter() - started
    return report


def refuse(report, rule, message):
    report.findings.append(Finding(rule, "fatal", message, "", "input"))


def run(report, data, peppol):
    """Fill `report`: a PDF's declarations and the XML it carries; the XML read safely (or
    refused with the reason); its syntax from the root element; then its XSD, and the
    Schematron rule sets of that syntax, each adding its findings."""
    if b"%PDF-" in data[:1024]:
        report.container = "pdf"
        report.rule_sets.append("PDF")
        embedded = embedded_invoice(data)
        report.findings += embedded.findings
        report.profile = embedded.level
        if embedded.xml is None:
            return
        data = embedded.xml
    if len(data) > MAX_XML_BYTES:
        return refuse(report, "SIZE", _("The XML is too large to be an invoice."))
    try:
        root = parse_xml(data)
    except ImportRefused as e:
        return refuse(report, "XML", str(e))
    name = etree.QName(root)
    report.syntax = SYNTAXES.get((name.namespace, name.localname), "")
    if not report.syntax:
        return refuse(
            report,
            "SYNTAX",
            _(
                "This is not an e-invoice: its root element is %(tag)s, not a CII "
                "CrossIndustryInvoice nor a UBL Invoice or CreditNote."
            )
            % {"tag": name.localname},
        )
    checks = [("xsd", report.syntax)]
    if report.container == "pdf" and report.profile.replace(" ", "").upper() == "EN16931":
        checks.append(("xsd", "facturx-en16931"))
    if report.syntax == "cii":
        checks.append(("schematron", "EN16931-CII"))
    else:
        checks.append(("schematron", "EN16931-UBL"))
        if peppol:
            checks.append(("schematron", PEPPOL))
    text = None
    for kind, rule_set in checks:
        if kind == "xsd":
            report.rule_sets.append(f"XSD:{rule_set}")
            report.findings += schema_findings(rule_set, root)
        else:
            text = text or etree.tostring(root, encoding="unicode")
            report.rule_sets.append(rule_set)
            report.findings += schematron_findings(rule_set, text)
