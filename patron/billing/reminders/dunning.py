"""Reminders of overdue invoices (dunning): the schedule, the daily run, pausing.

The schedule has three steps (a friendly reminder, a firm one, a formal notice), each some
days after the due date, each an email in French and in English that the owner edits.
The formal notice states the late-payment interest and the fixed recovery indemnity the
law allows (late_interest.py), computed for the invoice, and carries a PDF letter.

Once a day, `run` (the worker's periodic job, or `patron reminders run`):
1. finds the overdue invoices (payments.filter_state: never a paid or credited one) of
   clients with an email, neither the invoice nor its client paused;
2. for each, the first active step that is due and not yet written for it — one step per
   invoice per run, in order, so an invoice found late gets the friendly one first;
3. writes that reminder as an outbox row, unique per (invoice, step): a second run, or a
   second worker, finds the row and writes nothing;
4. sends the queued rows one by one: each claimed queued → sending by a conditional UPDATE
   in its own transaction, sent, then marked sent. A worker killed mid-send leaves the row
   "sending"; past the outbox timeout it shows as interrupted, and the workers (or the next
   run) send it again with the same Message-ID (patron/system/outbox.py).
"""

import hashlib
import logging
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from patron.audit.log import record
from patron.billing.models import (
    Document,
    Kind,
    Reminder,
    ReminderPause,
    ReminderStep,
    StepKind,
)
from patron.billing.payments.ledger import filter_state, with_states
from patron.billing.rules.late_interest import late_cost
from patron.billing.rules.mentions import locale_of
from patron.money import format_money
from patron.system import outbox
from patron.system.mail import connection, sender

log = logging.getLogger(__name__)

MAX_SUBJECT, MAX_BODY = 200, 5000
PLACEHOLDERS = (
    "client", "number", "amount", "due_date", "days_late", "seller", "interest", "indemnity",
    "rate", "total",
)  # fmt: skip
PLACEHOLDER = re.compile(r"\{(\w+)\}")
BRACED = re.compile(r"\{([^{}]+)\}")  # what a user may have meant as a placeholder

DEFAULT_STEPS = {
    StepKind.FRIENDLY: (
        3,
        "Rappel : facture {number}",
        "Bonjour {client},\n\nSauf erreur de notre part, la facture {number} de {amount}, "
        "échue le {due_date}, n'est pas encore réglée. Pourriez-vous vérifier ? Si le "
        "paiement est en route, merci de ne pas tenir compte de ce message.\n\n"
        "Bien cordialement,\n{seller}",
        "Reminder: invoice {number}",
        "Hello {client},\n\nUnless we are mistaken, invoice {number} for {amount}, due on "
        "{due_date}, has not been paid yet. Could you check? If the payment is on its way, "
        "please disregard this message.\n\nKind regards,\n{seller}",
    ),
    StepKind.FIRM: (
        15,
        "Second rappel : facture {number} impayée",
        "Bonjour {client},\n\nLa facture {number} de {amount} est échue depuis le {due_date} "
        "({days_late} jours) et reste impayée malgré notre premier rappel. Merci de la régler "
        "sans délai.\n\nCordialement,\n{seller}",
        "Second reminder: invoice {number} unpaid",
        "Hello {client},\n\nInvoice {number} for {amount} was due on {due_date} ({days_late} "
        "days ago) and is still unpaid despite our first reminder. Please pay it without "
        "delay.\n\nRegards,\n{seller}",
    ),
    StepKind.NOTICE: (
        30,
        "Mise en demeure : facture {number}",
        "Madame, Monsieur,\n\nMalgré nos rappels, la facture {number} de {amount}, échue le "
        "{due_date}, reste impayée. Par la présente, nous vous mettons en demeure de régler "
        "sous huit jours la somme de {total}, soit le principal, les intérêts de retard de "
        "{interest} au taux de {rate} et l'indemnité forfaitaire pour frais de recouvrement "
        "de {indemnity}. Vous trouverez le détail dans la lettre jointe.\n\n{seller}",
        "Formal notice: invoice {number}",
        "Dear Sir or Madam,\n\nDespite our reminders, invoice {number} for {amount}, due on "
        "{due_date}, is still unpaid. We hereby give you formal notice to pay, within eight "
        "days, {total}: the principal, late-payment interest of {interest} at {rate} and the "
        "fixed recovery indemnity of {indemnity}. The attached letter gives the details.\n\n"
        "{seller}",
    ),
}


def schedule():
    """The three steps, created with their defaults the first time they are asked for."""
    steps = {step.kind: step for step in ReminderStep.objects.all()}
    missing = [kind for kind in StepKind.values if kind not in steps]
    for kind in missing:
        days, subject_fr, body_fr, subject_en, body_en = DEFAULT_STEPS[kind]
        try:
            with transaction.atomic():
                steps[kind] = ReminderStep.objects.create(
                    kind=kind,
                    days_after_due=days,
                    subject_fr=subject_fr,
                    body_fr=body_fr,
                    subject_en=subject_en,
                    body_en=body_en,
                )
        except IntegrityError:  # another process created it meanwhile
            steps[kind] = ReminderStep.objects.get(kind=kind)
    return sorted(steps.values(), key=lambda s: (s.days_after_due, StepKind.values.index(s.kind)))


def check_text(text, limit, label):
    """A step's subject or body: not empty, not too long, only known {placeholders}."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError(_("%(field)s cannot be empty.") % {"field": label})
    if len(text) > limit:
        raise ValidationError(
            _("%(field)s is too long: %(max)s characters at most.") % {"field": label, "max": limit}
        )
    unknown = sorted({name for name in BRACED.findall(text) if name not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            _("%(field)s uses unknown placeholders: %(names)s. Known: %(known)s.")
            % {
                "field": label,
                "names": ", ".join(f"{{{n[:30]}}}" for n in unknown[:5]),
                "known": ", ".join(f"{{{n}}}" for n in PLACEHOLDERS),
            }
        )
    return text


def do_update_step(user, step, *, days_after_due, active, texts):
    """Change one step; `texts` maps subject_fr, body_fr, subject_en, body_en."""
    try:
        days = int(days_after_due)
    except (TypeError, ValueError):
        raise ValidationError(_("The number of days must be a whole number.")) from None
    if not 1 <= days <= 365:
        raise ValidationError(_("The number of days must be between 1 and 365."))
    labels = {
        "subject_fr": _("The French subject"),
        "body_fr": _("The French text"),
        "subject_en": _("The English subject"),
        "body_en": _("The English text"),
    }
    checked = {}
    for field, label in labels.items():
        limit = MAX_SUBJECT if field.startswith("subject") else MAX_BODY
        checked[field] = check_text(texts.get(field), limit, label)
    for field in ("subject_fr", "subject_en"):
        checked[field] = " ".join(checked[field].split())  # no header injection
    with transaction.atomic():
        step.days_after_due, step.active = days, bool(active)
        for field, value in checked.items():
            setattr(step, field, value)
        step.save()
        record(user, "update", step, {"days": days, "active": step.active})
    return step


def fill(text, values):
    """Replace the known {placeholders}; anything else stays as typed (no template
    language on user text: docs/design.md §6)."""
    return PLACEHOLDER.sub(lambda m: values.get(m[1], m[0]), text)


def overdue_invoices(today):
    """The invoices a reminder may be written for today, with their balances."""
    invoices = with_states(
        Document.objects.filter(kind=Kind.INVOICE, due_date__isnull=False).select_related("client")
    )
    invoices = filter_state(invoices, "overdue", today)
    return (
        invoices.exclude(client__email="")
        .exclude(reminder_pause__isnull=False)
        .exclude(client__reminder_pause__isnull=False)
        .order_by("due_date", "pk")
    )


def is_paused(document):
    return ReminderPause.objects.filter(document=document).exists() or (
        ReminderPause.objects.filter(client_id=document.client_id).exists()
    )


@dataclass
class Planned:
    document: Document
    step: ReminderStep


def due_steps(today):
    """(invoice, step) of what today's run would write: per invoice, the first active step
    not yet written, once the invoice is that late and, after an earlier step, once the gap
    between the two steps has passed since it. Two queries, however many invoices."""
    steps = [step for step in schedule() if step.active]
    invoices = list(overdue_invoices(today))
    written = {}
    for document_id, kind, day in Reminder.objects.filter(
        document__in=[i.pk for i in invoices]
    ).values_list("document_id", "step", "written_on"):
        written[document_id, kind] = day
    planned = []
    for invoice in invoices:
        days_late = (today - invoice.due_date).days
        previous = None
        for step in steps:
            if (invoice.pk, step.kind) in written:
                previous = (step, written[invoice.pk, step.kind])
                continue
            gap_kept = previous is None or (today - previous[1]).days >= (
                step.days_after_due - previous[0].days_after_due
            )
            if days_late >= step.days_after_due and gap_kept:
                planned.append(Planned(invoice, step))
            break  # the next step waits for this one
    return planned


def reminder_values(document, cost, language):
    seller = document.seller.get("trading_name") or document.seller.get("legal_name", "")
    locale = locale_of(language, document.seller.get("country"))
    money = lambda amount: format_money(amount, document.currency, locale)  # noqa: E731
    from babel.dates import format_date
    from babel.numbers import format_percent

    rate = format_percent(cost.rate / 100, "#,##0.00 %", locale=locale) if cost.rate else "—"
    return {
        "client": document.buyer.get("display_name") or document.client.display_name,
        "number": document.number,
        "amount": money(cost.outstanding),
        "due_date": format_date(document.due_date, format="long", locale=locale),
        "days_late": str(cost.days_late),
        "seller": seller,
        "interest": money(cost.interest),
        "indemnity": format_money(cost.indemnity, "EUR", locale),
        "rate": rate,
        "total": money(cost.total),
    }


def cost_of(document, today, step_kind=StepKind.NOTICE):
    """What the invoice costs late today; the interest and indemnity only in a formal notice
    (the friendly steps ask for the invoice's amount)."""
    from patron.billing.payments.ledger import outstanding

    business_client = bool(document.buyer.get("is_organisation"))
    claim = step_kind == StepKind.NOTICE and business_client
    return late_cost(
        document.seller.get("country", ""),
        document.due_date,
        outstanding(document),
        today,
        business_client=claim,
    )


def write_reminder(planned, today):
    """The outbox row of one (invoice, step), or None when it exists already."""
    document, step = planned.document, planned.step
    language = document.language if document.language in ("fr", "en") else "fr"
    cost = cost_of(document, today, step.kind)
    values = reminder_values(document, cost, language)
    subject = " ".join(fill(getattr(step, f"subject_{language}"), values).split())[:200]
    body = fill(getattr(step, f"body_{language}"), values)
    try:
        with transaction.atomic():
            return Reminder.objects.create(
                document=document,
                step=step.kind,
                written_on=today,
                to=document.client.email,
                subject=subject,
                body=body,
                days_late=cost.days_late,
                outstanding=cost.outstanding,
                interest=cost.interest,
                interest_rate=cost.rate,
                indemnity=cost.indemnity,
            )
    except IntegrityError:  # written by another run: the key holds
        return None


def message_id(reminder):
    """The same Message-ID for the same (invoice, step), whoever sends it."""
    domain = sender().rpartition("@")[2].strip("> ") or "patron.invalid"
    key = hashlib.sha256(f"{reminder.document.hash}:{reminder.step}".encode()).hexdigest()[:20]
    return f"<reminder-{reminder.document_id}-{reminder.step}-{key}@{domain}>"


def deliver(reminder_id):
    """Send one queued reminder once: 'sent', 'failed' or 'skipped' (another has it)."""
    return outbox.deliver(Reminder, reminder_id, compose)


def compose(reminder):
    reminder = Reminder.objects.select_related("document__client").get(pk=reminder.pk)
    message = EmailMessage(
        reminder.subject, reminder.body, sender(), [reminder.to], connection=connection()
    )
    if reminder.step == StepKind.NOTICE:
        from patron.billing.reminders.notice import letter_pdf

        message.attach(letter_name(reminder), letter_pdf(reminder), "application/pdf")
    return message


def letter_name(reminder):
    with translation.override(reminder.document.language):
        name = _("formal-notice")
    return f"{name}-{reminder.document.number}.pdf"


@dataclass
class Run:
    planned: list
    written: int = 0
    sent: int = 0
    failed: int = 0


def run(today=None, dry_run=False):
    """The daily job: write what is due, then send every queued reminder (see the top)."""
    today = today or timezone.localdate()
    planned = due_steps(today)
    result = Run(planned)
    if dry_run:
        return result
    for item in planned:
        if write_reminder(item, today) is not None:
            result.written += 1
    outbox.take_back(Reminder)  # those a killed run or worker left half-sent
    queued = Reminder.objects.filter(state=Reminder.State.QUEUED).order_by("pk")
    for reminder_id in list(queued.values_list("pk", flat=True)):
        outcome = deliver(reminder_id)
        result.sent += outcome == "sent"
        result.failed += outcome == "failed"
    return result


def do_pause(user, *, document=None, client=None):
    with transaction.atomic():
        pause, created = ReminderPause.objects.get_or_create(document=document, client=client)
        if created:
            record(user, "pause reminders", document or client)
    return pause


def do_resume(user, *, document=None, client=None):
    with transaction.atomic():
        deleted, _rows = ReminderPause.objects.filter(document=document, client=client).delete()
        if deleted:
            record(user, "resume reminders", document or client)
    return deleted


def do_retry(user, reminder):
    """Queue a reminder that failed again, to the client's address as it is now (perhaps just
    corrected); refused when it did not fail or its invoice no longer asks for anything."""
    from patron.billing.payments.ledger import outstanding

    refused = _("Only a reminder that failed or was interrupted can be sent again.")
    if not reminder.can_send_again:
        raise ValidationError(refused)
    document = reminder.document
    if outstanding(document) <= 0:
        raise ValidationError(
            _("%(number)s no longer asks for anything: no reminder is sent.")
            % {"number": document.number}
        )
    was = reminder.display_state
    with transaction.atomic():
        if not outbox.requeue(reminder, to=document.client.email):
            raise ValidationError(refused)  # another request or a worker was first
        record(user, "update", reminder, {"state": [was, "queued"]})
    return reminder


def history(document):
    return list(Reminder.objects.filter(document=document).order_by("created_at", "pk"))
