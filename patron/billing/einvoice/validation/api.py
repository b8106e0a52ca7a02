"""`POST /api/einvoice/validate`: the official EN 16931 and Peppol checks over the API.

Multipart, field `file` (CII XML, UBL XML or Factur-X PDF); `?peppol=false` checks a UBL
file against EN 16931 only. 200 with the report whatever the verdict (`ok` says it), 413
when the file is larger than an import may be. Nothing is stored.
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from patron.billing.einvoice.validation import validate

router = Router(tags=["e-invoices"])


class FindingOut(Schema):
    rule: str
    flag: str
    message: str
    location: str
    rule_set: str


class ReportOut(Schema):
    ok: bool
    container: str
    syntax: str
    profile: str
    rule_sets: list[str]
    errors: int
    warnings: int
    seconds: float
    findings: list[FindingOut]


class TooLarge(Schema):
    detail: str


@router.post(
    "/validate",
    response={200: ReportOut, 413: TooLarge},
    url_name="einvoice_validate",
    summary="Check an e-invoice (CII or UBL XML, Factur-X PDF; multipart, field `file`) "
    "against the official EN 16931 and Peppol BIS 3 rules",
)
def validate_einvoice(
    request: HttpRequest,
    file: UploadedFile = File(...),  # noqa: B008
    peppol: bool = True,
):
    data = file.read(settings.MAX_IMPORT_BYTES + 1)
    if len(data) > settings.MAX_IMPORT_BYTES:
        return 413, {
            "detail": _("The file is larger than %(mb)s MB: not an invoice.")
            % {"mb": settings.MAX_IMPORT_BYTES // (1024 * 1024)}
        }
    return 200, validate(data, peppol=peppol).as_dict()
