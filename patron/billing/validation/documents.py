"""An issued document's e-invoices, checked as they are stored: what the document page shows
("EN 16931 ✓ · Peppol BIS 3 ✓"), and the check a sending path runs before a file leaves.

The files checked are the stored renderings (rendered now when missing, as a download does):
the CII XML and the Factur-X PDF against EN 16931, the UBL XML against EN 16931 and Peppol
BIS 3. A quote or a pro forma carries no e-invoice and has nothing to check.
"""

from dataclasses import dataclass

from patron.billing.rendering import CII, UBL, formats_of, rendering
from patron.billing.validation import Report, validate


@dataclass
class Checked:
    format: str
    filename: str
    report: Report


def check_document(document):
    """[Checked] for each rendering of `document` that carries an e-invoice."""
    formats = formats_of(document)
    if CII not in formats:
        return []
    checked = []
    for fmt in formats:
        filename, _mimetype, data = rendering(document, fmt)
        checked.append(Checked(fmt, filename, validate(data, peppol=fmt == UBL)))
    return checked


def verdict(checked):
    """What the page says: EN 16931 passed by every file, Peppol by the UBL (None when the
    document has no UBL), and every error with the file it is in."""
    peppol = [c.report.peppol_ok for c in checked if c.format == UBL]
    return {
        "checked": checked,
        "en16931_ok": bool(checked) and all(c.report.en16931_ok for c in checked),
        "peppol_ok": peppol[0] if peppol else None,
        "errors": [(c.filename, f) for c in checked for f in c.report.errors],
    }
