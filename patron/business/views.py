from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from patron.accounts.access import owner_required
from patron.audit.log import record
from patron.business.brand import contrast_warnings
from patron.business.forms import BrandForm, ProfileForm
from patron.business.letterhead import letterhead_context
from patron.business.logos import LOGO_TYPES
from patron.business.profile import BusinessExists, do_save_business
from patron.pricing.warnings import warn_if_below
from patron.system.mail import from_environment, mail_server
from patron.system.mailforms import MailServerForm
from patron.system.models import MailServer
from patron.system.tasks import send_test_email


def profile_page(request, template, next_url, step=None):
    form = ProfileForm(request.POST or None, instance=request.business or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_save_business(request.user, form)
        except BusinessExists:
            # Saved meanwhile from another tab: show that one rather than a second.
            return redirect("business:settings_profile")
        messages.success(request, _("The business profile has been saved."))
        if form.iban_hint:
            messages.warning(request, form.iban_hint)
        warn_if_below(request, form.instance.default_hourly_rate, form.instance.currency)
        return redirect(next_url)
    return render(
        request,
        template,
        {
            "form": form,
            "step": step,
        },
    )


def brand_page(request, template, next_url, step=None):
    business = request.business
    form = BrandForm(request.POST or None, request.FILES or None, instance=business)
    if request.method == "POST" and form.is_valid():
        do_save_business(request.user, form)
        messages.success(request, _("The brand kit has been saved."))
        for warning in contrast_warnings(business.primary_colour, business.accent_colour):
            messages.warning(request, warning)
        return redirect(next_url)
    context = {"form": form, "step": step}
    context.update(letterhead_context(business, request.POST if request.method == "POST" else None))
    return render(request, template, context)


@owner_required
def setup_profile(request):
    return profile_page(request, "business/setup_profile.html", "business:setup_brand", step=2)


@owner_required
def setup_brand(request):
    if not request.business:
        return redirect("business:setup_profile")
    return brand_page(request, "business/setup_brand.html", "dashboard:home", step=3)


@owner_required
def settings_index(request):
    return render(request, "business/settings.html")


@owner_required
def settings_profile(request):
    return profile_page(request, "business/settings_profile.html", "business:settings_profile")


@owner_required
def settings_brand(request):
    return brand_page(request, "business/settings_brand.html", "business:settings_brand")


@owner_required
@require_POST
def brand_preview(request):
    """The letterhead preview, redrawn by htmx as colours and typeface change."""
    return render(
        request,
        "business/_letterhead.html",
        letterhead_context(request.business, request.POST),
    )


@owner_required
def logo(request):
    business = request.business
    if not business or not business.logo:
        raise Http404
    ext = business.logo.name.rsplit(".", 1)[-1]
    if ext not in LOGO_TYPES:
        raise Http404
    response = FileResponse(business.logo.open("rb"), content_type=LOGO_TYPES[ext])
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "private, max-age=300"
    return response


@owner_required
def settings_mail(request):
    """The SMTP server invoices and quotes leave through, and a test message to oneself."""
    server = MailServer.objects.first()
    form = MailServerForm(request.POST or None, instance=server)
    if request.method == "POST" and "test" in request.POST:
        if mail_server() is None and not from_environment():
            messages.error(request, _("Save a mail server first."))
        else:
            send_test_email.enqueue(request.user.email)
            messages.success(
                request,
                _("A test message is on its way to %(email)s.") % {"email": request.user.email},
            )
        return redirect("business:settings_mail")
    if request.method == "POST" and form.is_valid():
        form.save()
        record(request.user, "update", form.instance, {"mail server": "saved"})
        messages.success(request, _("The mail server has been saved."))
        return redirect("business:settings_mail")
    context = {"form": form, "from_environment": from_environment(), "server": server}
    return render(request, "business/settings_mail.html", context)
