from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from patron.accounts.access import owner_required
from patron.billing.books import tables
from patron.billing.books.archive import archive_of, request_archive
from patron.billing.books.archive import download as archive_download
from patron.billing.books.social import belgian_estimate, micro_declarations
from patron.billing.books.thresholds import checks
from patron.billing.books.vat_return import vat_return
from patron.billing.forms.books import PeriodForm
from patron.system.exporting import csv_response


def asked_period(request):
    """The period of the query string, or last month's; (form, period or None)."""
    default = tables.presets(timezone.localdate())[1][1]
    data = request.GET if "start" in request.GET or "end" in request.GET else None
    form = PeriodForm(data, initial={"start": default.start, "end": default.end})
    if data is None:
        return form, default
    return form, form.cleaned_data["period"] if form.is_valid() else None


@owner_required
@require_GET
def books_page(request):
    form, period = asked_period(request)
    today = timezone.localdate()
    context = {
        "form": form,
        "period": period,
        "presets": tables.presets(today),
        "summary": tables.summary(period) if period else None,
        "archive": archive_of(period) if period else None,
        "files": ["documents", "lines", "payments", "expenses"],
        "vat": vat_return(period, request.business) if period else None,
        "franchise": request.business and request.business.vat_regime == "franchise",
        "checks": checks(request.business, today.year),
        "micro": micro_declarations(request.business, today.year, today),
        "belgian": belgian_estimate(request.business, today.year, today),
    }
    return render(request, "billing/books.html", context, status=200 if period else 422)


def books_url(period):
    query = f"start={period.start.isoformat()}&end={period.end.isoformat()}"
    return f"{reverse('billing:books')}?{query}#archive-title"


@owner_required
def books_archive(request):
    """POST: have the worker prepare the period's archive (again); GET: how it is coming
    along, the fragment the page polls while it is being prepared."""
    data = request.POST if request.method == "POST" else request.GET
    form = PeriodForm(data)
    if not form.is_valid():
        raise Http404
    period = form.cleaned_data["period"]
    if request.method == "POST":
        request_archive(period, again=True)
        return redirect(books_url(period))
    context = {"period": period, "archive": archive_of(period)}
    return render(request, "billing/books.html#archive", context)


@owner_required
@require_GET
def books_file(request, name):
    form, period = asked_period(request)
    if period is None:
        raise Http404
    if name == "archive.zip":
        # Built by the worker (archive.py): here it is only handed over once it is ready.
        response = archive_download(archive_of(period))
        if response is None:
            messages.info(request, _("Prepare the archive first: the worker builds it."))
            return redirect(books_url(period))
        return response
    by_name = {table[0]: table for table in tables.tables(period)}
    if name not in by_name:
        raise Http404
    filename, header, rows = by_name[name]
    return csv_response(f"{filename[:-4]}-{period.slug}.csv", header, rows)
