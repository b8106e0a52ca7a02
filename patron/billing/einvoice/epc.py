"""The EPC ("BCD") QR code a banking app scans to fill in a SEPA transfer (EPC069-12).

Printed on the invoices of Belgian businesses, where every banking app reads it; EUR only;
the Belgian structured communication goes in the structured-reference field as its 12
digits, the form Belgian banking apps read (docs/facts/payments.md §1 and §2).
"""

from decimal import Decimal

import segno

MAX_AMOUNT = Decimal("999999999.99")


def epc_payload(document):
    """The text of the QR code, or "" when there is nothing to pay by SEPA transfer."""
    seller = document.seller
    iban = "".join(str(seller.get("iban") or "").split()).upper()
    due = Decimal(document.amount_due)
    if seller.get("country") != "BE" or document.kind != "invoice":
        return ""
    if document.currency != "EUR" or not iban or not Decimal("0.01") <= due <= MAX_AMOUNT:
        return ""
    name = " ".join((seller.get("legal_name") or seller.get("trading_name") or "").split())
    reference = "".join(ch for ch in document.structured_reference if ch.isdigit())
    elements = [
        "BCD",
        "002",
        "1",  # UTF-8
        "SCT",
        str(seller.get("bic") or "").strip(),
        name[:70],
        iban,
        f"EUR{due:.2f}",
        "",  # purpose
        reference,  # structured remittance information…
        "" if reference else document.number[:140],  # …or unstructured, never both
    ]
    return "\n".join(elements).rstrip("\n")


def epc_qr_svg(document, scale=3):
    """The QR code as an inline <svg> element, or "" when there is none.

    segno draws it as one path: no text of the document appears in the markup. Error
    correction M and version 13 at most, as EPC069-12 asks."""
    payload = epc_payload(document)
    if not payload:
        return ""
    qr = segno.make_qr(payload.encode("utf-8"), error="m", boost_error=False)
    if qr.version > 13:
        return ""
    return qr.svg_inline(scale=scale, border=0, dark="#000000", omitsize=False)
