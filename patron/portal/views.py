"""The client portal: one document behind its private link, and a quote's answer.

Every failure to find a live link answers the same plain 404: a wrong token, a revoked
one and another object's all look alike.
"""

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import override
from django.views.decorators.http import require_GET, require_POST

from patron.accounts.throttling import client_ip
from patron.billing.documents.quotes import do_answer, is_expired, why_not_answerable
from patron.billing.einvoice.epc import epc_qr_svg
from patron.billing.einvoice.rendering import download, formats_of
from patron.billing.models import Kind
from patron.billing.rules.vat import vat_mentions
from patron.business.brand import font_stack
from patron.business.logos import LOGO_TYPES
from patron.portal.forms import AcceptForm, DeclineForm
from patron.portal.links import find_link


def live_link(token):
    link = find_link(token)
    if link is None:
        raise Http404
    return link


def page(request, link, accept=None, decline=None, error=""):
    document = link.document
    business = request.business
    lines = list(document.lines.all())
    with override(document.language):
        context = {
            "document": document,
            "business": business,
            "font": font_stack(business.typeface) if business else "",
            "totals": document.compute_totals(lines),
            "mentions": vat_mentions(document, lines),
            "lines": lines,
            "token": request.resolver_match.kwargs["token"],
            "is_quote": document.kind == Kind.QUOTE,
            "expired": is_expired(document),
            "answerable": not why_not_answerable(document),
            "decision": getattr(document, "decision", None),
            "accept": accept or AcceptForm(),
            "decline": decline or DeclineForm(),
            "error": error,
            "formats": formats_of(document),
            # segno's single path, drawn from the payment data: no text of the document.
            "qr": mark_safe(epc_qr_svg(document, scale=4)),  # noqa: S308
        }
        response = render(request, "portal/document.html", context)
    response["Cache-Control"] = "no-store"
    # No Referer with the token to other sites; "no-referrer" would make the browser send
    # "Origin: null" with the answer form, which the CSRF check rightly refuses.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def document(request, token):
    link = live_link(token)
    link.last_seen_at = timezone.now()
    link.save(update_fields=["last_seen_at"])
    return page(request, link)


@require_POST
def answer(request, token):
    link = live_link(token)
    accepted = request.POST.get("answer") == "accept"
    form = (AcceptForm if accepted else DeclineForm)(request.POST)
    if not form.is_valid():
        forms = {"accept": form} if accepted else {"decline": form}
        return page(request, link, **forms)
    data = form.cleaned_data
    try:
        do_answer(
            link.document, accepted=accepted, name=data.get("name", ""),
            reason=data.get("reason", ""), terms_accepted=data.get("terms", False),
            ip=client_ip(request),
        )  # fmt: skip
    except ValidationError as e:
        return page(request, link, error=" ".join(e.messages))
    return redirect("portal:document", token=token)


@require_GET
def logo(request, token):
    live_link(token)
    business = request.business
    if not business or not business.logo:
        raise Http404
    extension = business.logo.name.rsplit(".", 1)[-1]
    return FileResponse(business.logo.open("rb"), content_type=LOGO_TYPES[extension])


@require_GET
def download_file(request, token, fmt):
    return download(live_link(token).document, fmt)
