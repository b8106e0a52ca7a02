"""An issued document's e-invoices, checked as they are stored: what the document page shows
("EN 16931 ✓ · Peppol BIS 3 ✓"), and the check a sending path runs before a file leaves.

The files checked are the stored renderings (rendered now when missing, as a download does):
the CII XML and the Factur-X PDF against EN 16931, the UBL XML against EN 16931 and Peppol
BIS 3. A quote or a pro forma carries no e-invoice and has nothing to check.

The render task checks the files it has just stored and keeps each verdict with its
rendering, so that the document page reads it without running the rules (their first run
in a process costs seconds and some 250 MB, which a web worker is spared). A verdict holds
for the file digest and the rules version it was reached with; when either changed, or no
verdict was stored yet, the page asks for the check again.
"""

import hashlib
from dataclasses import dataclass

from patron.billing.einvoice.rendering import CII, UBL, filename, formats_of, rendering
from patron.billing.einvoice.validation import Report, validate
from patron.billing.einvoice.validation.rules import rules_version
from patron.billing.models import Rendering

STORED_ERRORS = 10


@dataclass
class Checked:
    format: str
    filename: str
    report: Report


def einvoice_formats(document):
    """The renderings of `document` that carry an e-invoice: none for a quote or a pro forma."""
    formats = formats_of(document)
    return formats if CII in formats else []


def do_check_document(document):
    """[Checked] for each e-invoice rendering of `document`, read from its stored file; each
    verdict is kept with its rendering."""
    checked = []
    for fmt in einvoice_formats(document):
        name, _mimetype, data = rendering(document, fmt)
        report = validate(data, peppol=fmt == UBL)
        checked.append(Checked(fmt, name, report))
        # The digest of the bytes read: the verdict holds only while the rendering's matches.
        digest = hashlib.sha256(data).hexdigest()
        Rendering.objects.filter(document=document, format=fmt).update(
            verdict=verdict_of(report, digest)
        )
    return checked


def do_check_if_unchecked(document):
    """The render task's step: check the files whose verdict is missing or stale."""
    if einvoice_formats(document) and stored_verdict(document) is None:
        do_check_document(document)


def verdict_of(report, sha256):
    return {
        "ok": report.ok,
        "en16931_ok": report.en16931_ok,
        "peppol_ok": report.peppol_ok,
        "errors": [
            {"rule": f.rule, "message": f.message[:300], "rule_set": f.rule_set}
            for f in report.errors[:STORED_ERRORS]
        ],
        "error_count": len(report.errors),
        "warning_count": len(report.warnings),
        "sha256": sha256,
        "rules": rules_version(),
    }


def summary(verdicts):
    """What the page says, from [(filename, format, verdict)]: EN 16931 passed by every
    file, Peppol by the UBL (None when the document has none), and the errors by file."""
    peppol = [v["peppol_ok"] for _name, fmt, v in verdicts if fmt == UBL]
    return {
        "en16931_ok": bool(verdicts) and all(v["en16931_ok"] for _n, _f, v in verdicts),
        "peppol_ok": peppol[0] if peppol else None,
        "errors": [(name, error) for name, _f, v in verdicts for error in v["errors"]],
        "error_count": sum(v["error_count"] for _n, _f, v in verdicts),
    }


def stored_verdict(document):
    """The page's summary from the verdicts stored with the renderings; None when one is
    missing or no longer holds (its file or the rules changed since)."""
    formats = einvoice_formats(document)
    if not formats:
        return None
    stored = {r.format: r for r in Rendering.objects.filter(document=document, format__in=formats)}
    verdicts = []
    for fmt in formats:
        found = stored.get(fmt)
        verdict = found.verdict if found else None
        if not verdict or verdict.get("sha256") != found.sha256:
            return None
        if verdict.get("rules") != rules_version():
            return None
        verdicts.append((filename(document, fmt), fmt, verdict))
    return summary(verdicts)


def checked_summary(checked):
    """The page's summary from reports just made (do_check_document); None for none."""
    if not checked:
        return None
    return summary([(c.filename, c.format, verdict_of(c.report, "")) for c in checked])
