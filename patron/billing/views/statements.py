"""The bank statement pages: upload (camt.053 or CSV), the banks' CSV mappings, a statement's
lines with their proposed matches, and the confirm, choose and ignore actions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from patron.accounts.access import owner_required
from patron.audit.log import record
from patron.billing.forms.statements import BankMappingForm, StatementForm
from patron.billing.models import BankMapping, Document, Statement, StatementLine
from patron.billing.payments.recording import describe
from patron.billing.statements.matching import (
    do_confirm_line,
    do_confirm_proposed,
    do_ignore_line,
    do_propose,
    do_restore_line,
    open_invoices,
    statement_counts,
)
from patron.billing.statements.reading import StatementImporter
from patron.system.importing import ImportRefused, check_size, describe_counts

PER_PAGE = 50
LINES_PER_PAGE = 100
MAX_ERRORS_SHOWN = 50


def do_upload(user, form):
    """(importer, counts) for the statement of a valid upload form; ImportRefused, or
    (importer, None) with the plan's row errors on `importer.errors`, when it cannot be."""
    upload = form.cleaned_data["file"]
    check_size(upload.size)
    importer = StatementImporter(mapping=form.cleaned_data["mapping"], file_name=upload.name)
    plan = importer.plan(upload.read())
    importer.errors = plan.errors
    if not plan.ok:
        return importer, None
    return importer, importer.apply(plan, user=user)


@owner_required
def statement_list(request):
    form = StatementForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            importer, counts = do_upload(request.user, form)
        except ImportRefused as e:
            form.add_error("file", str(e))
        else:
            errors = importer.errors
            if counts is not None:
                return after_import(request, importer, counts)
    statements = statement_counts(Statement.objects.select_related("mapping"))
    page = Paginator(statements.order_by("-imported_at", "-pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form, "page": page, "mappings": BankMapping.objects.all(),
        "errors": errors[:MAX_ERRORS_SHOWN], "more_errors": max(0, len(errors) - MAX_ERRORS_SHOWN),
    }  # fmt: skip
    return render(
        request, "billing/statements.html", context, status=422 if form.errors or errors else 200
    )


def after_import(request, importer, counts):
    if counts["statement lines"]:
        messages.success(request, _("Imported: %(counts)s.") % {"counts": describe_counts(counts)})
        return redirect("billing:statement", pk=importer.statement.pk)
    if importer.statement:
        messages.info(request, _("This statement was imported already: nothing new."))
        return redirect("billing:statement", pk=importer.statement.pk)
    messages.info(request, _("Every line of this file was imported before: nothing new."))
    return redirect("billing:statements")


@owner_required
def statement_page(request, pk):
    statement = get_object_or_404(Statement.objects.select_related("mapping"), pk=pk)
    state = request.GET.get("state", "")
    lines = statement.lines.select_related("document__client", "payment")
    if state in StatementLine.State.values:
        lines = lines.filter(state=state, amount__gt=0)
    elif state == "debits":
        lines = lines.filter(amount__lt=0)
    page = Paginator(lines.order_by("row", "pk"), LINES_PER_PAGE).get_page(request.GET.get("page"))
    counted = statement_counts(Statement.objects.filter(pk=pk)).get()
    context = {
        "statement": counted, "page": page, "state": state,
        "invoices": open_invoices(), "states": StatementLine.State.choices,
    }  # fmt: skip
    return render(request, "billing/statement.html", context)


def line_of(pk):
    return get_object_or_404(StatementLine.objects.select_related("statement", "document"), pk=pk)


def back_to(line):
    return redirect(reverse("billing:statement", args=[line.statement_id]) + f"#line-{line.pk}")


@owner_required
@require_POST
def line_confirm(request, pk):
    line = line_of(pk)
    chosen, value = None, request.POST.get("document", "").strip()[:12]
    if value:
        chosen = Document.objects.filter(pk=value).first() if value.isdigit() else None
        if chosen is None:
            messages.error(request, _("Choose one of the open invoices."))
            return back_to(line)
    try:
        recorded, document = do_confirm_line(request.user, line, chosen)
    except ValidationError as e:
        messages.error(request, _("Nothing was recorded: %(reason)s") % {
            "reason": " ".join(e.messages)})  # fmt: skip
    else:
        messages.success(request, describe(recorded, document))
    return back_to(line)


@owner_required
@require_POST
def line_ignore(request, pk):
    line = line_of(pk)
    try:
        do_ignore_line(request.user, line)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return back_to(line)


@owner_required
@require_POST
def line_restore(request, pk):
    line = line_of(pk)
    do_restore_line(request.user, line)
    return back_to(line)


@owner_required
@require_POST
def statement_confirm_all(request, pk):
    statement = get_object_or_404(Statement, pk=pk)
    done, refused = do_confirm_proposed(request.user, statement)
    if done:
        messages.success(request, ngettext("%(count)s payment recorded.",
                                           "%(count)s payments recorded.", len(done))
                         % {"count": len(done)})  # fmt: skip
    for line, reason in refused:
        messages.error(request, _("Row %(row)s: %(reason)s") % {"row": line.row, "reason": reason})
    if not done and not refused:
        messages.info(request, _("No proposed match to confirm."))
    return redirect("billing:statement", pk=pk)


@owner_required
@require_POST
def statement_match(request, pk):
    statement = get_object_or_404(Statement, pk=pk)
    proposed = do_propose(statement.lines.all())
    messages.info(request, ngettext("%(count)s line has a proposed match.",
                                    "%(count)s lines have a proposed match.", proposed)
                  % {"count": proposed})  # fmt: skip
    return redirect("billing:statement", pk=pk)


@owner_required
def mapping_form(request, pk=None):
    mapping = get_object_or_404(BankMapping, pk=pk) if pk else None
    form = BankMappingForm(request.POST or None, instance=mapping)
    if request.method == "POST":
        if request.POST.get("action") == "delete" and mapping:
            record(request.user, "delete", mapping)
            mapping.delete()
            messages.success(request, _("The mapping has been deleted."))
            return redirect("billing:statements")
        if form.is_valid():
            saved = form.save()
            record(request.user, "update" if mapping else "create", saved, {"name": saved.name})
            messages.success(request, _("The mapping of %(name)s is saved.") % {"name": saved.name})
            return redirect("billing:statements")
    status = 422 if form.errors else 200
    return render(
        request, "billing/mapping.html", {"form": form, "mapping": mapping}, status=status
    )
