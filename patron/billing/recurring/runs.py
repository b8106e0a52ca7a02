"""Recurring invoices (retainers): a template of lines for a client, every N months or
weeks from a start date, until an end date or a number of invoices.

Once a day, `run` (the worker's periodic job, or `patron recurring run`) creates the invoice
of every period that has begun and has none yet: a draft to review, or issued and emailed
when the template says so. A period is invoiced exactly once: its run row is unique per
(template, period start) and is written in the same transaction as the draft, so a second
run, a second worker or a restart finds it and creates nothing. After downtime, the periods
missed are each invoiced once, on the next run. A run to issue and send stays "issuing"
until its email is queued: one a killed worker left so is taken up by the workers' sweep
(patron/system/schedule.py) once the outbox timeout has passed, and by the next run.
"""

import calendar
import logging
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patron.audit.log import record
from patron.billing.documents.drafting import new_draft, save_lines
from patron.billing.models import Line, Recurring, RecurringLine, RecurringRun, too_large_error
from patron.billing.rules.totals import MAX_AMOUNT, compute, line_amounts, too_large
from patron.billing.rules.vat import STANDARD
from patron.system.outbox import interrupted_before

log = logging.getLogger(__name__)

MAX_PERIODS = 1000  # a template never makes more invoices than this
MAX_LINES = 50
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def add_months(day, months):
    """The same day `months` later, or the month's last day (31 January + 1 → 28 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_start(recurring, n):
    """The first day of the template's n-th period (from 0), counted from the start each
    time so that short months do not drift the day."""
    if recurring.unit == Recurring.Unit.WEEKS:
        return recurring.start + timedelta(weeks=n * recurring.every)
    return add_months(recurring.start, n * recurring.every)


def periods(recurring, until):
    """The starts of the periods begun by `until`, within the template's end and count."""
    starts = []
    limit = min(recurring.count or MAX_PERIODS, MAX_PERIODS)
    for n in range(limit):
        start = period_start(recurring, n)
        if start > until or (recurring.end and start > recurring.end) or start > LATEST:
            break
        starts.append(start)
    return starts


def check_schedule(every, unit, start, end, count):
    """ValidationError with a clear message for an impossible schedule."""
    errors = []
    if unit not in Recurring.Unit.values:
        errors.append(_("Choose months or weeks."))
    if every is None or not 1 <= every <= (12 if unit == Recurring.Unit.MONTHS else 52):
        errors.append(_("Every: between 1 and 12 months, or 1 and 52 weeks."))
    if start is None:
        errors.append(_("Give the date of the first invoice."))
    elif not EARLIEST <= start <= LATEST:
        errors.append(_("The first invoice must be dated between 2000 and 2100."))
    if end is not None and start is not None and end < start:
        errors.append(_("The end cannot come before the start."))
    if end is not None and end > LATEST:
        errors.append(_("The end must be before 2101."))
    if count is not None and not 1 <= count <= MAX_PERIODS:
        errors.append(
            _("The number of invoices must be between 1 and %(max)s.") % {"max": MAX_PERIODS}
        )
    if errors:
        raise ValidationError(errors)


def check_lines(lines):
    if not lines:
        raise ValidationError(_("A recurring invoice needs at least one line."))
    if len(lines) > MAX_LINES:
        raise ValidationError(_("%(max)s lines at most.") % {"max": MAX_LINES})
    # Each invoice, with VAT charged, must fit the amount columns, or every run would fail.
    nets = [line_amounts(x.quantity, x.unit_price, x.discount_percent or 0).net for x in lines]
    totals = compute((STANDARD, x.vat_rate or 0, net) for x, net in zip(lines, nets, strict=True))
    if max(abs(net) for net in nets) > MAX_AMOUNT or too_large(totals):
        raise too_large_error()
    return lines


@transaction.atomic
def do_save_recurring(user, recurring, lines):
    """Save a template and replace its lines (unsaved RecurringLine objects)."""
    check_schedule(recurring.every, recurring.unit, recurring.start, recurring.end, recurring.count)
    check_lines(lines)
    created = recurring.pk is None
    recurring.save()
    recurring.lines.all().delete()
    for position, line in enumerate(lines):
        line.recurring, line.position = recurring, position
    RecurringLine.objects.bulk_create(lines)
    record(
        user,
        "create" if created else "update",
        recurring,
        None if created else {"lines": len(lines)},
    )
    return recurring


def do_delete_recurring(user, recurring):
    """Delete a template; the invoices it made stay (their runs go with it)."""
    with transaction.atomic():
        record(user, "delete", recurring)
        recurring.delete()


def create_for_period(recurring, start, next_start, lines):
    """The run of one period with its draft, in one transaction; None if it exists. A run
    to issue and send starts "issuing", claimed by this process (see send_run)."""
    auto = recurring.auto_send
    try:
        with transaction.atomic():
            run = RecurringRun.objects.create(
                recurring=recurring,
                period_start=start,
                state=RecurringRun.State.ISSUING if auto else RecurringRun.State.DONE,
                claimed_at=timezone.now() if auto else None,
            )
            document = new_draft(
                recurring.client,
                currency=recurring.currency,
                treatment=recurring.treatment,
                service_start=start,
                service_end=next_start - timedelta(days=1),
                notes=recurring.notes,
            )
            document.save()
            save_lines(document, [copied(line) for line in lines])
            run.document = document
            run.save(update_fields=["document"])
    except IntegrityError:  # another run made this period's invoice
        return None
    return run


def copied(line):
    return Line(
        description=line.description,
        quantity=line.quantity,
        unit=line.unit,
        unit_price=line.unit_price,
        discount_percent=line.discount_percent,
        vat_rate=line.vat_rate,
    )


def send_run(run):
    """Issue the run's draft and queue its email, then mark the run done; an invoice the
    rules refuse stays a draft, the run "held" with the reason. Taken up where a process
    that died left it: a draft is issued, an issued invoice never emailed is emailed."""
    from patron.billing.documents.issuing import do_issue
    from patron.billing.documents.sending import default_message, do_send

    document = run.document
    try:
        if document is not None and document.is_draft:
            document = do_issue(None, document, actor="recurring")
        if document is not None and document.client.email and not document.sendings.exists():
            subject, body = default_message(document)
            do_send(
                None,
                document,
                to=document.client.email,
                subject=subject,
                body=body,
                base_url=settings.BASE_URL,
            )
    except ValidationError as e:
        reason = "; ".join(e.messages)
        log.warning("Recurring invoice left as a draft (%s): %s", document.pk, reason)
        RecurringRun.objects.filter(pk=run.pk).update(
            state=RecurringRun.State.HELD, error=reason[:500]
        )
        return document
    RecurringRun.objects.filter(pk=run.pk).update(state=RecurringRun.State.DONE, error="")
    return document


def resume_interrupted_runs(now=None):
    """Take up the runs a process left "issuing" longer than the outbox timeout ago, each
    claimed again by a conditional UPDATE so that one process only goes on with it."""
    now = now or timezone.now()
    stale = RecurringRun.objects.filter(
        state=RecurringRun.State.ISSUING, claimed_at__lte=interrupted_before(now)
    )
    resumed = []
    for run in stale.select_related("document__client").order_by("pk")[:100]:
        won = RecurringRun.objects.filter(
            pk=run.pk, state=RecurringRun.State.ISSUING, claimed_at=run.claimed_at
        ).update(claimed_at=now)
        if won:
            log.info("Taking up the interrupted recurring invoice of %s", run)
            resumed.append(send_run(run))
    return resumed


def run(today=None):
    """Create the invoices of every period begun by `today` that has none (see the top),
    after taking up those a process that died left half-done."""
    today = today or timezone.localdate()
    made = resume_interrupted_runs()
    templates = Recurring.objects.filter(active=True, start__lte=today).select_related("client")
    for recurring in templates.prefetch_related("lines"):
        done = set(recurring.runs.values_list("period_start", flat=True))
        lines = list(recurring.lines.all())
        if not lines:
            continue
        for n, start in enumerate(periods(recurring, today)):
            if start in done:
                continue
            try:
                made_run = create_for_period(
                    recurring, start, period_start(recurring, n + 1), lines
                )
            except ValidationError as e:  # a template saved before its figures were checked
                log.warning(
                    "Recurring invoice %s not made: %s", recurring.pk, "; ".join(e.messages)
                )
                break
            if made_run is None:
                continue
            document = send_run(made_run) if recurring.auto_send else made_run.document
            made.append(document)
    return made


def next_date(recurring):
    """The start of the next period not yet invoiced, or None when the template is done."""
    done = {run.period_start for run in recurring.runs.all()}
    for start in periods(recurring, LATEST):
        if start not in done:
            return start
    return None


def total_of(recurring):
    """What one invoice of the template comes to before VAT."""
    lines = recurring.lines.all()
    nets = (line_amounts(x.quantity, x.unit_price, x.discount_percent).net for x in lines)
    return sum(nets, Decimal("0.00"))
