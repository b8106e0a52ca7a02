from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from patron.accounts.access import owner_required
from patron.audit.log import record
from patron.billing import books
from patron.billing.archive import archive_of, request_archive
from patron.billing.archive import download as archive_download
from patron.billing.chasing_views import reminder_context
from patron.billing.drafting import (
    do_create_from_work,
    do_credit_note,
    do_delete_draft,
    new_draft,
    refresh_draft,
)
from patron.billing.exchange import do_take_ecb_rate
from patron.billing.forms import (
    AdjustmentFormSet,
    DocumentForm,
    FromWorkForm,
    LineFormSet,
    PaymentForm,
    PeriodForm,
    SendForm,
)
from patron.billing.issuing import do_issue, problems
from patron.billing.models import Document, Kind, Payment, Sending, Status
from patron.billing.payments import (
    REFUNDED,
    STATES,
    LargeOverpayment,
    also_payable,
    client_credit,
    describe,
    do_delete_payment,
    do_record_payment,
    do_use_credit,
    filter_state,
    open_amount,
    outstanding,
    state_of,
    with_states,
)
from patron.billing.quotes import (
    deposits_of,
    do_deposit_invoice,
    do_final_invoice,
    do_invoice_from_proforma,
    is_expired,
)
from patron.billing.rendering import download, formats_of
from patron.billing.sending import default_message, do_send, do_send_again
from patron.billing.social import belgian_estimate, micro_declarations
from patron.billing.thresholds import checks
from patron.billing.validation.documents import checked_summary, do_check_document, stored_verdict
from patron.billing.vat import exemption, rates_for
from patron.billing.vat_return import vat_return
from patron.money import format_money
from patron.portal.links import create_link, portal_path, revoke_links
from patron.system.exporting import csv_response

PER_PAGE = 50


def parse_kind(value):
    return value if value in Kind.values else Kind.INVOICE


@owner_required
@require_GET
def document_list(request):
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    query = " ".join(request.GET.get("q", "")[:100].split())
    documents = with_states(Document.objects.select_related("client"))
    if kind in Kind.values:
        documents = documents.filter(kind=kind)
    if status in STATES:
        documents = filter_state(documents, status)
    if query:
        documents = documents.filter(
            Q(number__icontains=query)
            | Q(client__name__icontains=query)
            | Q(client__last_name__icontains=query)
            | Q(client__first_name__icontains=query)
        )
    if request.GET.get("format") == "csv":
        # The issued ones the filters keep, as the accountant's archive writes them.
        issued = documents.exclude(status=Status.DRAFT).select_related("corrects")
        header, rows = books.document_table(
            issued.order_by("kind", "issue_date", "sequence_number")
        )
        return csv_response("documents.csv", header, rows)
    page = Paginator(documents.order_by("-created_at", "-pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    for document in page.object_list:
        document.state = state_of(document, today)
        document.state_label = STATES.get(document.state, document.state)
        document.to_pay = outstanding(document) if document.kind == Kind.INVOICE else None
    context = {
        "page": page,
        "kind": kind,
        "status": status,
        "query": query,
        "kinds": Kind.choices,
        "statuses": list(STATES.items()),
    }
    return render(request, "billing/list.html", context)


@owner_required
def document_create(request):
    """A new draft for a client: the rest is filled in on the draft's own page."""
    kind = parse_kind(request.GET.get("kind") or request.POST.get("kind"))
    form = DocumentForm(request.POST or None, instance=Document(kind=kind))
    for name in list(form.fields):
        if name not in ("client", "project"):
            del form.fields[name]
    if request.method == "POST" and form.is_valid():
        document = new_draft(
            form.cleaned_data["client"], kind, project=form.cleaned_data["project"]
        )
        with transaction.atomic():
            document.save()
            record(request.user, "create", document)
        return redirect("billing:document", pk=document.pk)
    return render(request, "billing/new.html", {"form": form, "kind": kind, "kinds": Kind})


@owner_required
def from_work(request):
    form = FromWorkForm(request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = do_create_from_work(
                request.user, data["client"], project=data["project"], since=data["since"],
                until=data["until"], grouping=data["grouping"],
                with_expenses=data["with_expenses"],
            )  # fmt: skip
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("The draft invoice bills the unbilled work."))
            return redirect("billing:document", pk=document.pk)
    return render(request, "billing/from_work.html", {"form": form})


def vat_mentions(document, lines):
    """The exemption mentions of an issued document's VAT groups, in its language."""
    country = document.seller.get("country", "")
    found = []
    for category in sorted({line.category for line in lines}):
        mention = exemption(category, country, document.language)
        if mention and mention[1] not in found:
            found.append(mention[1])
    return found


def issued_context(document, payment_form=None):
    lines = list(document.lines.all())
    return {
        "document": document,
        "totals": document.compute_totals(lines),
        "mentions": vat_mentions(document, lines),
        "lines": lines,
        "credit_notes": document.credit_notes.order_by("pk"),
        "invoices": document.invoices.order_by("pk"),
        "decision": getattr(document, "decision", None),
        "expired": document.kind == Kind.QUOTE and is_expired(document),
        "links": document.portal_links.filter(revoked_at__isnull=True).count(),
        "send_form": send_form(document),
        "formats": formats_of(document),
        "einvoice": stored_verdict(document),
        "sendings": document.sendings.all()[:20],
        **payment_context(document, payment_form),
        **reminder_context(document),
    }


@owner_required
def document_page(request, pk):
    document = get_object_or_404(
        Document.objects.select_related("client", "project", "corrects"), pk=pk
    )
    if not document.is_draft:
        return render(request, "billing/document.html", issued_context(document))
    form = DocumentForm(request.POST or None, instance=document)
    lines = LineFormSet(request.POST or None, instance=document)
    # A post without the discounts and charges (an older page) leaves them as they are.
    posted = "adjustments-TOTAL_FORMS" in request.POST
    adjustments = AdjustmentFormSet(
        request.POST if posted else None, instance=document, prefix="adjustments"
    )
    if request.method == "POST":
        valid = [form.is_valid(), lines.is_valid(), adjustments.is_valid() or not posted]
        if all(valid):
            try:
                do_save_draft(request.user, form, lines, adjustments if posted else None)
            except ValidationError as e:
                if any(error.code == "frozen" for error in getattr(e, "error_list", ())):
                    # Issued meanwhile (another tab, the API): the issued document holds.
                    messages.error(request, " ".join(e.messages))
                    return redirect("billing:document", pk=pk)
                form.add_error(None, e)
            else:
                messages.success(request, _("The draft has been saved."))
                return redirect("billing:document", pk=pk)
        # Shown with what was typed, beside the totals of what is stored.
        document = Document.objects.select_related("client", "project", "corrects").get(pk=pk)
    business = request.business
    context = {
        "document": document,
        "form": form,
        "lines": lines,
        "adjustments": adjustments,
        "deposits": list(deposits_of(document)),
        "totals": document.totals(),
        "problems": problems(document, business),
        "rates": rates_for(business.country, document.created_at.date()) if business else (),
    }
    return render(request, "billing/draft.html", context)


@transaction.atomic
def do_save_draft(user, form, lines, adjustments=None):
    document = form.save()
    for line in lines.save(commit=False):
        line.document = document
        line.refresh_amounts(document.treatment)
        line.save()
    for line in lines.deleted_objects:
        line.delete()
    if adjustments is not None:
        for adjustment in adjustments.save(commit=False):
            adjustment.document = document
            adjustment.refresh_amounts(document.treatment)
            adjustment.save()
        for adjustment in adjustments.deleted_objects:
            adjustment.delete()
    refresh_draft(document)
    record(user, "update", document, {"draft": "saved"})
    return document


@owner_required
@require_POST
def document_ecb_rate(request, pk):
    """The ECB's reference rate of the day on a draft in another currency than the euro."""
    document = get_object_or_404(Document, pk=pk)
    try:
        document = do_take_ecb_rate(request.user, document)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request,
            _("ECB reference rate of %(date)s: 1 € = %(rate)s %(currency)s.")
            % {"date": document.exchange_rate_date.isoformat(),
               "rate": document.exchange_rate.normalize(), "currency": document.currency},
        )  # fmt: skip
    return redirect("billing:document", pk=pk)


@owner_required
@require_POST
def document_issue(request, pk):
    document = get_object_or_404(Document, pk=pk)
    try:
        document = do_issue(request.user, document)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(number)s has been issued.") % {"number": document.number})
    return redirect("billing:document", pk=pk)


@owner_required
@require_POST
def document_delete(request, pk):
    document = get_object_or_404(Document, pk=pk)
    try:
        do_delete_draft(request.user, document)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("billing:document", pk=pk)
    messages.success(
        request, _("The draft has been deleted; its time and expenses are unbilled again.")
    )
    return redirect("billing:list")


@owner_required
@require_POST
def document_credit(request, pk):
    invoice = get_object_or_404(Document, pk=pk)
    try:
        note = do_credit_note(request.user, invoice, full=request.POST.get("full") == "1")
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("billing:document", pk=pk)
    return redirect("billing:document", pk=note.pk)


@owner_required
@require_POST
def document_link(request, pk):
    """A new private link for the client; its address is shown this once."""
    document = get_object_or_404(Document, pk=pk)
    if document.is_draft:
        messages.error(request, _("Issue the document before sharing it."))
    else:
        token = create_link(document)
        record(request.user, "share", document)
        url = request.build_absolute_uri(portal_path(token))
        messages.success(
            request, _("The client's private link (shown only now): %(url)s") % {"url": url}
        )
    return redirect("billing:document", pk=pk)


@owner_required
@require_POST
def document_revoke_links(request, pk):
    document = get_object_or_404(Document, pk=pk)
    count = revoke_links(document)
    record(request.user, "revoke links", document)
    messages.success(request, _("Client links revoked: %(count)s.") % {"count": count})
    return redirect("billing:document", pk=pk)


FOLLOW_UPS = {
    "deposit": do_deposit_invoice,
    "final": do_final_invoice,
    "invoice": do_invoice_from_proforma,
}


@owner_required
@require_POST
def document_follow_up(request, pk, step):
    """From an accepted quote, its deposit or final invoice; from a pro-forma, the invoice."""
    source = get_object_or_404(Document, pk=pk)
    make = FOLLOW_UPS.get(step)
    if make is None:
        raise Http404
    try:
        invoice = make(request.user, source)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("billing:document", pk=pk)
    return redirect("billing:document", pk=invoice.pk)


def payment_context(document, form=None):
    """The payments part of an issued invoice's or credit note's page."""
    state = state_of(document)
    context = {"state": state, "state_label": STATES.get(state, state)}
    if document.kind not in (Kind.INVOICE, Kind.CREDIT_NOTE):
        return context
    left = open_amount(document)
    allocations = document.allocations.select_related("payment").order_by("payment__date", "pk")
    initial = {
        "date": timezone.localdate(),
        "amount": left or None,
        "reference": document.structured_reference or document.number,
    }
    # The client's credit only matters to an invoice that still asks for something.
    usable = document.kind == Kind.INVOICE and left
    credit = client_credit(document.client, document.currency) if usable else 0
    return {
        **context,
        "allocations": allocations,
        "open_amount": left,
        "client_credit": credit,
        "payment_form": form
        or PaymentForm(initial=initial, prefix="payment", others=also_payable(document)),
    }


@owner_required
def document_payment(request, pk):
    """Record a payment of an invoice (or a refund of a credit note) from its page."""
    document = get_object_or_404(Document.objects.select_related("client", "corrects"), pk=pk)
    if document.is_draft or document.kind not in (Kind.INVOICE, Kind.CREDIT_NOTE):
        raise Http404
    if request.method != "POST":
        return redirect("billing:document", pk=pk)
    form = PaymentForm(request.POST, prefix="payment", others=also_payable(document))
    if form.is_valid():
        direction = REFUNDED if document.kind == Kind.CREDIT_NOTE else Payment.Direction.RECEIVED
        fields = dict(form.cleaned_data)
        also = list(fields.pop("also", None) or [])
        confirmed = fields.pop("confirm_overpayment", False)
        try:
            recorded = do_record_payment(
                request.user, client=document.client, currency=document.currency,
                direction=direction, documents=[document, *also], overpayment_confirmed=confirmed,
                **fields,
            )  # fmt: skip
        except LargeOverpayment as e:
            form.ask_to_confirm(format_money(e.credit, document.currency))
            form.add_error(None, e)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, describe(recorded, document, also))
            return redirect("billing:document", pk=pk)
    # The page again, with what was typed and why it was refused.
    return render(request, "billing/document.html", issued_context(document, form), status=422)


@owner_required
@require_POST
def document_use_credit(request, pk):
    document = get_object_or_404(Document.objects.select_related("client"), pk=pk)
    try:
        used = do_use_credit(request.user, document)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("%(amount)s of the client's credit used.") % {
            "amount": format_money(used, document.currency)})  # fmt: skip
    return redirect("billing:document", pk=pk)


@owner_required
def payment_delete(request, pk):
    payment = get_object_or_404(Payment.objects.select_related("client"), pk=pk)
    allocations = list(payment.allocations.select_related("document"))
    if request.method == "POST":
        do_delete_payment(request.user, payment)
        messages.success(request, _("The payment has been deleted."))
        if len(allocations) == 1:
            return redirect("billing:document", pk=allocations[0].document_id)
        return redirect("billing:payments")
    return render(
        request, "billing/payment_delete.html", {"payment": payment, "allocations": allocations}
    )


@owner_required
@require_GET
def payment_list(request):
    query = " ".join(request.GET.get("q", "")[:100].split())
    payments = Payment.objects.select_related("client").prefetch_related("allocations__document")
    if query:
        payments = payments.filter(
            Q(client__name__icontains=query)
            | Q(client__last_name__icontains=query)
            | Q(reference__icontains=query)
            | Q(allocations__document__number__icontains=query)
        ).distinct()
    if request.GET.get("format") == "csv":
        return csv_response("payments.csv", *books.payment_table(payments.order_by("date", "pk")))
    page = Paginator(payments.order_by("-date", "-pk"), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "billing/payments.html", {"page": page, "query": query})


def send_form(document, data=None):
    subject, body = default_message(document)
    return SendForm(data, initial={"to": document.client.email, "subject": subject, "body": body})


@owner_required
@require_POST
def document_send(request, pk):
    document = get_object_or_404(Document.objects.select_related("client"), pk=pk)
    form = send_form(document, request.POST)
    if form.is_valid():
        try:
            do_send(request.user, document, base_url=request.build_absolute_uri("/"),
                    **form.cleaned_data)  # fmt: skip
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("The email to %(to)s is on its way.") % form.cleaned_data)
    else:
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}: {' '.join(errors)}")
    return redirect("billing:document", pk=pk)


@owner_required
@require_POST
def sending_retry(request, pk):
    """Send a failed or interrupted email again (the worker sends it in a moment)."""
    sending = get_object_or_404(Sending, pk=pk)
    try:
        do_send_again(request.user, sending)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The email to %(to)s is on its way.") % {"to": sending.to})
    return redirect("billing:document", pk=sending.document_id)


@owner_required
@require_GET
def document_download(request, pk, fmt):
    return download(get_object_or_404(Document, pk=pk), fmt)


@owner_required
@require_GET
def document_check(request, pk):
    """The e-invoice files checked against EN 16931 and Peppol: the verdict for the document
    page (htmx), the findings file by file otherwise."""
    document = get_object_or_404(Document.objects.exclude(status=Status.DRAFT), pk=pk)
    checked = do_check_document(document)
    context = {"document": document, "einvoice": checked_summary(checked)}
    if request.htmx:
        return render(request, "billing/check.html#verdict", context)
    return render(request, "billing/check.html", {**context, "checked": checked})


def asked_period(request):
    """The period of the query string, or last month's; (form, period or None)."""
    default = books.presets(timezone.localdate())[1][1]
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
        "presets": books.presets(today),
        "summary": books.summary(period) if period else None,
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
    tables = {table[0]: table for table in books.tables(period)}
    if name not in tables:
        raise Http404
    filename, header, rows = tables[name]
    return csv_response(f"{filename[:-4]}-{period.slug}.csv", header, rows)
