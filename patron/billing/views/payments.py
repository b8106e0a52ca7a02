from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from patron.accounts.access import owner_required
from patron.billing.books import tables
from patron.billing.forms.payments import PaymentForm
from patron.billing.models import Document, Kind, Payment
from patron.billing.payments.ledger import (
    REFUNDED,
)
from patron.billing.payments.recording import (
    LargeOverpayment,
    also_payable,
    describe,
    do_delete_payment,
    do_record_payment,
    do_use_credit,
)
from patron.billing.views.documents import PER_PAGE, issued_context
from patron.money import format_money
from patron.system import filters
from patron.system.exporting import csv_response
from patron.system.fragments import page_or_fragment


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
    query = filters.typed(request.GET, "q")
    payments = Payment.objects.select_related("client").prefetch_related("allocations__document")
    if query:
        payments = payments.filter(
            Q(client__name__icontains=query)
            | Q(client__last_name__icontains=query)
            | Q(reference__icontains=query)
            | Q(allocations__document__number__icontains=query)
        ).distinct()
    if request.GET.get("format") == "csv":
        return csv_response("payments.csv", *tables.payment_table(payments.order_by("date", "pk")))
    page = Paginator(payments.order_by("-date", "-pk"), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filtered": bool(query),
        "filter_fields": [
            filters.search("q", _("Search"), query, placeholder=_("Client, reference or number")),
        ],
    }
    return page_or_fragment(request, "billing/payments.html", "results", context, push_query=True)
