from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from patron.accounts.access import owner_required
from patron.audit.log import record
from patron.billing.books import tables
from patron.billing.documents.drafting import (
    do_create_from_work,
    do_credit_note,
    do_delete_draft,
    new_draft,
    refresh_draft,
)
from patron.billing.documents.exchange import do_take_ecb_rate
from patron.billing.documents.issuing import do_issue, problems
from patron.billing.documents.quotes import (
    deposits_of,
    do_deposit_invoice,
    do_final_invoice,
    do_invoice_from_proforma,
    is_expired,
)
from patron.billing.documents.sending import default_message, do_send, do_send_again
from patron.billing.einvoice.rendering import download, formats_of
from patron.billing.einvoice.validation.documents import (
    checked_summary,
    do_check_document,
    stored_verdict,
)
from patron.billing.forms.documents import (
    AdjustmentFormSet,
    DocumentForm,
    FromWorkForm,
    LineFormSet,
    SendForm,
)
from patron.billing.forms.payments import PaymentForm
from patron.billing.models import Document, Kind, Sending, Status
from patron.billing.payments.ledger import (
    STATES,
    client_credit,
    filter_state,
    open_amount,
    outstanding,
    state_of,
    with_states,
)
from patron.billing.payments.recording import (
    also_payable,
)
from patron.billing.rules.vat import rates_for, vat_mentions
from patron.billing.views.reminders import reminder_context
from patron.portal.links import create_link, portal_path, revoke_links
from patron.system import filters
from patron.system.exporting import csv_response
from patron.system.fragments import page_or_fragment

PER_PAGE = 50


def parse_kind(value):
    return value if value in Kind.values else Kind.INVOICE


@owner_required
@require_GET
def document_list(request):
    kind = filters.one_of(request.GET, "kind", Kind.values)
    status = filters.one_of(request.GET, "status", STATES)
    query = filters.typed(request.GET, "q")
    documents = with_states(Document.objects.select_related("client"))
    if kind:
        documents = documents.filter(kind=kind)
    if status:
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
        header, rows = tables.document_table(
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
        "filtered": bool(query or kind or status),
        "filter_fields": [
            filters.search("q", _("Search"), query, placeholder=_("Number or client")),
            filters.select("kind", _("Kind"), kind, Kind.choices, blank=_("Every kind")),
            filters.select("status", _("Status"), status, STATES.items(), blank=_("Any status")),
        ],
    }
    return page_or_fragment(request, "billing/list.html", "results", context, push_query=True)


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
