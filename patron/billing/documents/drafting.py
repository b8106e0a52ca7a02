"""Drafts: started with the client's defaults, filled from unbilled time and billable
expenses or typed, turned into credit notes; saved and deleted while they are drafts."""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from patron.audit.log import record
from patron.billing.models import FROZEN, Adjustment, Document, Kind, Line, Status, Unit
from patron.billing.rules.vat import charges_vat, rates_for, suggest_treatment
from patron.business.models import Business
from patron.business.profile import get_business
from patron.money import in_hours
from patron.work.models import Expense, Project, TimeEntry
from patron.work.projects import applicable_rate
from patron.work.timing import billable_seconds

QUOTE_VALID_DAYS = 30


class Grouping:
    TASK, DAY, ONE = "task", "day", "one"
    CHOICES = [
        (TASK, gettext_lazy("A line per task")),
        (DAY, gettext_lazy("A line per day")),
        (ONE, gettext_lazy("One line per project")),
    ]


def standard_rate(business, on=None):
    rates = rates_for(business.country, on or timezone.localdate())
    return rates[0] if rates else Decimal("0")


def new_draft(client, kind=Kind.INVOICE, *, project=None, business=None, **fields):
    """An unsaved draft with the client's language and currency and the VAT treatment that
    fits seller and client (the user may change any of them)."""
    business = business or get_business()
    document = Document(kind=kind, client=client, project=project, **fields)
    if kind == Kind.QUOTE and "valid_until" not in fields:
        document.valid_until = timezone.localdate() + timedelta(days=QUOTE_VALID_DAYS)
    if "language" not in fields:
        document.language = client.language if client.language in ("fr", "en") else "fr"
    if business is not None:
        document.currency = fields.get("currency") or business.currency
        if "treatment" not in fields:
            document.treatment = suggest_treatment(
                business.country,
                business.vat_regime == Business.VatRegime.FRANCHISE,
                client.country,
                client.vat_number,
            )
    return document


def default_rate(document, business):
    return standard_rate(business) if business and charges_vat(document.treatment) else Decimal(0)


def unbilled_time(project=None, client=None, since=None, until=None):
    """Billable, finished time not on any invoice yet, for a project or a client's projects."""
    entries = TimeEntry.objects.filter(billable=True, invoice__isnull=True, end__isnull=False)
    if project is not None:
        entries = entries.filter(project=project)
    if client is not None:
        entries = entries.filter(project__client=client)
    if since:
        entries = entries.filter(start__date__gte=since)
    if until:
        entries = entries.filter(start__date__lte=until)
    return entries.exclude(project__billing_mode=Project.BillingMode.NON_BILLABLE)


def time_lines(entries, grouping, business, vat_rate, language):
    """Lines billing the entries: each entry rounded up to its project's increment, then
    grouped by project and task, by project and day, or by project alone."""
    groups = defaultdict(int)
    projects = {}
    for entry in entries:
        project = entry.project
        projects[project.pk] = project
        seconds = billable_seconds(entry.duration_seconds, project.billing_increment_minutes)
        if project.billing_mode == Project.BillingMode.FIXED:
            key = (project.pk, "")  # the agreed price, once, whatever the time spent
        elif grouping == Grouping.TASK:
            key = (project.pk, entry.task.title if entry.task_id else "")
        elif grouping == Grouping.DAY:
            key = (project.pk, timezone.localtime(entry.start).date())
        else:
            key = (project.pk, "")
        groups[key] += seconds
    lines = []
    with override(language):
        for (project_id, detail), seconds in sorted(
            groups.items(), key=lambda g: (g[0][0], str(g[0][1]))
        ):
            project = projects[project_id]
            rate = applicable_rate(project, business).amount or Decimal("0")
            description = project.name
            if detail:
                shown = (
                    date_format(detail, "SHORT_DATE_FORMAT") if hasattr(detail, "day") else detail
                )
                description = f"{project.name} — {shown}"
            quantity, unit = in_hours(seconds, 4), Unit.HOUR
            if project.billing_mode == Project.BillingMode.DAILY:
                per_day = business.planned_hours_per_day if business else Decimal(8)
                quantity, unit = in_hours(seconds / per_day, 4), Unit.DAY  # hours ÷ hours a day
            elif project.billing_mode == Project.BillingMode.FIXED:
                quantity, unit = Decimal(1), Unit.LUMP_SUM
            lines.append(
                Line(
                    description=description,
                    quantity=quantity,
                    unit=unit,
                    unit_price=rate,
                    vat_rate=vat_rate,
                )
            )
    return lines


def expense_lines(expenses, vat_rate):
    return [
        Line(
            description=" — ".join(filter(None, [expense.supplier, expense.description])),
            quantity=Decimal(1),
            unit=Unit.UNIT,
            unit_price=expense.amount_excl_vat,
            vat_rate=vat_rate,
        )
        for expense in expenses
    ]


def unbilled_expenses(project=None, client=None):
    expenses = Expense.objects.filter(billable=True, invoice__isnull=True)
    if project is not None:
        expenses = expenses.filter(project=project)
    if client is not None:
        expenses = expenses.filter(client=client) | expenses.filter(project__client=client)
    return expenses


@transaction.atomic
def do_create_from_work(
    user,
    client,
    *,
    project=None,
    since=None,
    until=None,
    grouping=Grouping.TASK,
    with_expenses=True,
):
    """A draft invoice billing the unbilled time (and billable expenses) of a project or client;
    the entries and expenses are linked to it, and freed again if the draft is deleted."""
    business = get_business()
    entries = list(
        unbilled_time(project, None if project else client, since, until)
        .select_related("project", "project__client", "task")
        .select_for_update(of=("self",))
        .order_by("start")
    )
    expenses = (
        list(unbilled_expenses(project, None if project else client)) if with_expenses else []
    )
    if not entries and not expenses:
        raise ValidationError(_("There is no unbilled time or billable expense to invoice."))
    document = new_draft(client, Kind.INVOICE, project=project, business=business)
    if entries:
        document.service_start = timezone.localtime(entries[0].start).date()
        document.service_end = timezone.localtime(entries[-1].start).date()
    document.save()
    rate = default_rate(document, business)
    lines = time_lines(entries, grouping, business, rate, document.language)
    lines += expense_lines(expenses, rate)
    save_lines(document, lines)
    TimeEntry.objects.filter(pk__in=[e.pk for e in entries]).update(invoice=document)
    Expense.objects.filter(pk__in=[e.pk for e in expenses]).update(invoice=document)
    record(user, "create", document)
    return document


@transaction.atomic
def save_lines(document, lines):
    """Replace the draft's lines and its totals (under the draft's lock: see models.locked)."""
    if document.stored_status(lock=True) not in (None, Status.DRAFT):
        raise ValidationError(FROZEN, code="frozen")
    document.lines.all().delete()
    for position, line in enumerate(lines):
        line.document, line.position = document, position
        line.refresh_amounts(document.treatment)
    Line.objects.bulk_create(lines)
    document.compute_totals(lines)
    document.save()
    return lines


@transaction.atomic
def save_adjustments(document, adjustments):
    """Replace the draft's discounts and charges on the whole document, and its totals (under
    the draft's lock, as save_lines)."""
    if document.stored_status(lock=True) not in (None, Status.DRAFT):
        raise ValidationError(FROZEN, code="frozen")
    document.adjustments.all().delete()
    for position, adjustment in enumerate(adjustments):
        adjustment.document, adjustment.position = document, position
        adjustment.refresh_amounts(document.treatment)
    Adjustment.objects.bulk_create(adjustments)
    document.compute_totals(adjustments=adjustments)
    document.save()
    return adjustments


def refresh_draft(document):
    """The draft's lines and totals again, after its treatment or lines changed."""
    document.refresh_lines(list(document.lines.all()))
    document.save()
    return document


def follow_up(source, kind, **fields):
    """An unsaved draft that follows `source` (a credit note, a deposit or final invoice…):
    the same client, project, VAT treatment, currency, language and client's reference."""
    return new_draft(
        source.client,
        kind,
        project=source.project,
        treatment=source.treatment,
        currency=source.currency,
        language=source.language,
        buyer_reference=source.buyer_reference,
        **fields,
    )


def copied_lines(source):
    """Unsaved copies of a document's lines, for the document that follows it."""
    return [
        Line(
            description=line.description,
            quantity=line.quantity,
            unit=line.unit,
            unit_price=line.unit_price,
            discount_percent=line.discount_percent,
            vat_rate=line.vat_rate,
        )
        for line in source.lines.all()
    ]


def copied_adjustments(source):
    """Unsaved copies of a document's discounts and charges, for the document that follows."""
    return [
        Adjustment(
            reason_code=adjustment.reason_code,
            reason=adjustment.reason,
            percent=adjustment.percent,
            amount=adjustment.amount,
            vat_rate=adjustment.vat_rate,
        )
        for adjustment in source.adjustments.all()
    ]


def save_copy(document, source):
    """The lines, discounts and charges of `source` on the draft `document`."""
    save_lines(document, copied_lines(source))
    if source.adjustments.exists():
        save_adjustments(document, copied_adjustments(source))


@transaction.atomic
def do_credit_note(user, invoice, *, full=True):
    """A draft credit note for an issued invoice: a copy of its lines, discounts and charges
    (full), or none to type the part to credit (partial)."""
    if invoice.kind != Kind.INVOICE or invoice.is_draft:
        raise ValidationError(_("Only an issued invoice can be credited."))
    # At the invoice's exchange rate: the credit note takes back the VAT in euros it stated.
    # A full one mirrors the invoice, the deposit it deducted included: crediting a final
    # invoice takes back what it asked, the deposit invoice keeps its own (a credit note
    # of its own takes that back).
    note = follow_up(
        invoice,
        Kind.CREDIT_NOTE,
        corrects=invoice,
        exchange_rate=invoice.exchange_rate,
        exchange_rate_date=invoice.exchange_rate_date,
        exchange_rate_source=invoice.exchange_rate_source,
        prepaid=invoice.prepaid if full else Decimal("0.00"),
    )
    note.save()
    if full:
        save_copy(note, invoice)
    record(user, "create", note)
    return note


@transaction.atomic
def do_delete_draft(user, document):
    """Delete a draft; the time and expenses it billed are unbilled again."""
    record(user, "delete", document)
    document.delete()
