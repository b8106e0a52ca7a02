"""Pages of the reminder schedule, of an invoice's reminders, and of recurring invoices."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from patron.accounts.access import owner_required
from patron.billing.forms.reminders import RecurringForm, RecurringLineFormSet, StepForm
from patron.billing.models import (
    Document,
    Kind,
    Recurring,
    RecurringLine,
    Reminder,
    ReminderPause,
    ReminderStep,
    StepKind,
)
from patron.billing.recurring.runs import (
    do_delete_recurring,
    do_save_recurring,
    next_date,
    total_of,
)
from patron.billing.reminders.dunning import do_pause, do_resume, do_retry, do_update_step, schedule
from patron.billing.rules.late_interest import rates_around
from patron.billing.tasks import deliver_reminder

PER_PAGE = 50
TEXTS = ("subject_fr", "body_fr", "subject_en", "body_en")


def reminder_context(document):
    """What the invoice page shows of its reminders: three queries, whatever the history."""
    if document.kind != Kind.INVOICE:
        return {}
    pauses = list(
        ReminderPause.objects.filter(document=document)
        | ReminderPause.objects.filter(client_id=document.client_id)
    )
    return {
        "reminders": list(Reminder.objects.filter(document=document).order_by("created_at", "pk")),
        "invoice_paused": any(p.document_id == document.pk for p in pauses),
        "client_paused": any(p.client_id == document.client_id for p in pauses),
    }


@owner_required
def reminders_page(request):
    steps = schedule()
    forms = [StepForm(instance=step, prefix=step.kind) for step in steps]
    if request.method == "POST":
        kind = request.POST.get("step", "")
        step = next((s for s in steps if s.kind == kind), None)
        if step is None:
            raise Http404
        form = StepForm(request.POST, instance=ReminderStep.objects.get(pk=step.pk), prefix=kind)
        forms = [form if f.prefix == kind else f for f in forms]
        if form.is_valid():
            data = form.cleaned_data
            try:
                do_update_step(
                    request.user, ReminderStep.objects.get(pk=step.pk),
                    days_after_due=data["days_after_due"], active=data["active"],
                    texts={name: data[name] for name in TEXTS},
                )  # fmt: skip
            except ValidationError as e:
                form.add_error(None, e)
            else:
                messages.success(request, _("The step has been saved."))
                return redirect("billing:reminders")
    reminders = Reminder.objects.select_related("document__client").order_by("-created_at", "-pk")
    page = Paginator(reminders, PER_PAGE).get_page(request.GET.get("page"))
    pauses = ReminderPause.objects.select_related("client", "document").order_by("-created_at")
    country = request.business.country if request.business else ""
    context = {
        "forms": forms, "page": page, "pauses": pauses[:200], "kinds": StepKind,
        "late_rates": rates_around(country, timezone.localdate()),
    }  # fmt: skip
    return render(request, "billing/reminders.html", context)


@owner_required
@require_POST
def document_reminders(request, pk):
    """Pause or resume the reminders of an invoice, or of its client."""
    document = get_object_or_404(Document, pk=pk, kind=Kind.INVOICE)
    action, scope = request.POST.get("action"), request.POST.get("scope")
    if action not in ("pause", "resume") or scope not in ("invoice", "client"):
        messages.error(request, _("Nothing was changed."))
        return redirect("billing:document", pk=pk)
    target = {"document": document} if scope == "invoice" else {"client": document.client}
    (do_pause if action == "pause" else do_resume)(request.user, **target)
    if action == "pause":
        messages.success(request, _("Reminders are paused."))
    else:
        messages.success(request, _("Reminders are back on."))
    if request.POST.get("next") == "list":
        return redirect("billing:reminders")
    return redirect("billing:document", pk=pk)


@owner_required
@require_POST
def reminder_retry(request, pk):
    """Send a failed reminder again (the worker sends it in a moment)."""
    reminder = get_object_or_404(Reminder.objects.select_related("document__client"), pk=pk)
    try:
        do_retry(request.user, reminder)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        transaction.on_commit(lambda: deliver_reminder.enqueue(reminder.pk))
        messages.success(
            request,
            _("The reminder goes to %(email)s again in a moment.")
            % {"email": reminder.document.client.email or "—"},
        )
    return redirect("billing:document", pk=reminder.document_id)


@owner_required
@require_POST
def pause_delete(request, pk):
    pause = get_object_or_404(ReminderPause, pk=pk)
    do_resume(request.user, document=pause.document, client=pause.client)
    messages.success(request, _("Reminders are back on."))
    return redirect("billing:reminders")


@owner_required
@require_GET
def reminder_letter(request, pk):
    from patron.billing.reminders.dunning import letter_name
    from patron.billing.reminders.notice import letter_pdf

    reminder = get_object_or_404(
        Reminder.objects.select_related("document"), pk=pk, step=StepKind.NOTICE
    )
    response = HttpResponse(letter_pdf(reminder), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter_name(reminder)}"'
    return response


@owner_required
@require_GET
def recurring_list(request):
    templates = Recurring.objects.select_related("client").prefetch_related("lines", "runs")
    page = Paginator(templates, PER_PAGE).get_page(request.GET.get("page"))
    for recurring in page.object_list:
        recurring.upcoming = next_date(recurring) if recurring.active else None
        recurring.net = total_of(recurring)
        recurring.made = len(recurring.runs.all())
    return render(request, "billing/recurring_list.html", {"page": page})


@owner_required
def recurring_edit(request, pk=None):
    recurring = get_object_or_404(Recurring, pk=pk) if pk else Recurring()
    form = RecurringForm(request.POST or None, instance=recurring)
    lines = RecurringLineFormSet(request.POST or None, instance=recurring, prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        kept = [
            RecurringLine(**{k: v for k, v in f.cleaned_data.items() if k in LINE_FIELDS})
            for f in lines.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            recurring = do_save_recurring(request.user, form.save(commit=False), kept)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("The recurring invoice has been saved."))
            return redirect("billing:recurring")
    context = {"form": form, "lines": lines, "recurring": recurring}
    return render(request, "billing/recurring_edit.html", context)


LINE_FIELDS = ("description", "quantity", "unit", "unit_price", "discount_percent", "vat_rate")


@owner_required
@require_POST
def recurring_delete(request, pk):
    do_delete_recurring(request.user, get_object_or_404(Recurring, pk=pk))
    messages.success(request, _("The recurring invoice has been deleted."))
    return redirect("billing:recurring")
