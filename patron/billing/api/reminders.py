"""Reminders and recurring invoices over the REST API, with the pages' checks.

Reminders: list them (by invoice, state), read and change the schedule's steps, pause and
resume per invoice or per client. Recurring invoices: list, create, read, change (the
lines are replaced as a whole when sent), delete.
"""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from patron.api.errors import ValidationErrors, form_errors, validation_errors
from patron.api.fields import Money
from patron.api.forms import patch_form
from patron.billing.api.documents import LineSchema
from patron.billing.forms.reminders import RecurringForm, RecurringLineForm
from patron.billing.models import Document, Kind, Recurring, Reminder, ReminderPause, StepKind
from patron.billing.recurring.runs import do_delete_recurring, do_save_recurring, next_date
from patron.billing.reminders.dunning import do_pause, do_resume, do_retry, do_update_step, schedule
from patron.billing.tasks import deliver_reminder
from patron.contacts.models import Contact
from patron.system.outbox import filter_display_state

router = Router(tags=["billing"])


class ReminderOut(Schema):
    id: int
    document_id: int
    step: str
    state: str
    to: str
    subject: str
    written_on: date
    days_late: int
    outstanding: Money
    interest: Money
    interest_rate: Decimal | None
    indemnity: Money
    error: str
    message_id: str
    created_at: datetime
    sent_at: datetime | None

    @staticmethod
    def resolve_state(reminder):
        return reminder.display_state  # "interrupted" for a send its worker did not finish


class ReminderFilters(Schema):
    document_id: int | None = None
    state: str | None = None


class StepOut(Schema):
    kind: str
    days_after_due: int
    active: bool
    subject_fr: str
    body_fr: str
    subject_en: str
    body_en: str


class StepIn(Schema):
    days_after_due: int | None = None
    active: bool | None = None
    subject_fr: str | None = None
    body_fr: str | None = None
    subject_en: str | None = None
    body_en: str | None = None


class PauseOut(Schema):
    paused: bool


class RecurringOut(Schema):
    id: int
    name: str
    client_id: int
    every: int
    unit: str
    start: date
    end: date | None
    count: int | None
    currency: str
    treatment: str
    auto_send: bool
    active: bool
    notes: str
    lines: list[LineSchema]
    next_date: date | None
    invoices: list[int]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())

    @staticmethod
    def resolve_next_date(obj):
        return next_date(obj) if obj.active else None

    @staticmethod
    def resolve_invoices(obj):
        return [run.document_id for run in obj.runs.all() if run.document_id]


class RecurringIn(Schema):
    name: str | None = None
    client_id: int | None = None
    every: int | None = None
    unit: str | None = None
    start: date | None = None
    end: date | None = None
    count: int | None = None
    currency: str | None = None
    treatment: str | None = None
    auto_send: bool | None = None
    active: bool | None = None
    notes: str | None = None
    lines: list[LineSchema] | None = None


@router.get(
    "/reminders",
    response=list[ReminderOut],
    url_name="billing_reminders",
    summary="The reminders written, newest first",
)
@paginate(PageNumberPagination, page_size=50)
def list_reminders(request: HttpRequest, filters: Query[ReminderFilters]):
    reminders = Reminder.objects.order_by("-created_at", "-pk")
    if filters.document_id is not None:
        reminders = reminders.filter(document_id=filters.document_id)
    if filters.state:
        reminders = filter_display_state(reminders, filters.state)
    return reminders


@router.get(
    "/reminder-steps",
    response=list[StepOut],
    url_name="billing_reminder_steps",
    summary="The reminder schedule: its three steps",
)
def list_steps(request: HttpRequest):
    return schedule()


@router.patch(
    "/reminder-steps/{kind}",
    response={200: StepOut, 422: ValidationErrors},
    url_name="billing_reminder_step",
    summary="Change a step of the schedule",
)
def update_step(request: HttpRequest, kind: str, payload: StepIn):
    step = next((s for s in schedule() if s.kind == kind and kind in StepKind.values), None)
    if step is None:
        return 422, {"detail": "No such step.", "errors": {"kind": [f"One of {StepKind.values}."]}}
    given = payload.dict(exclude_unset=True)
    texts = {
        f: given.get(f, getattr(step, f))
        for f in ("subject_fr", "body_fr", "subject_en", "body_en")
    }
    try:
        do_update_step(
            request.user,
            step,
            days_after_due=given.get("days_after_due", step.days_after_due),
            active=given["active"] if given.get("active") is not None else step.active,
            texts={k: v if v is not None else "" for k, v in texts.items()},
        )
    except ValidationError as e:
        return validation_errors(e, "The step was not changed.")
    return 200, step


def pause(request, target, paused):
    (do_pause if paused else do_resume)(request.user, **target)
    return {"paused": paused}


@router.post(
    "/reminders/{int:reminder_id}/retry",
    response={202: ReminderOut, 422: ValidationErrors},
    url_name="billing_reminder_retry",
    summary="Send a failed reminder again (to the client's address as it is now)",
)
def retry_reminder(request: HttpRequest, reminder_id: int):
    reminder = get_object_or_404(
        Reminder.objects.select_related("document__client"), pk=reminder_id
    )
    try:
        do_retry(request.user, reminder)
    except ValidationError as e:
        return validation_errors(e, "The reminder was not sent again.")
    transaction.on_commit(lambda: deliver_reminder.enqueue(reminder.pk))
    reminder.refresh_from_db()
    return 202, reminder


@router.post(
    "/documents/{int:document_id}/reminders/pause",
    response=PauseOut,
    url_name="billing_reminders_pause",
    summary="Pause an invoice's reminders",
)
def pause_document(request: HttpRequest, document_id: int):
    document = get_object_or_404(Document, pk=document_id, kind=Kind.INVOICE)
    return pause(request, {"document": document}, True)


@router.post(
    "/documents/{int:document_id}/reminders/resume",
    response=PauseOut,
    url_name="billing_reminders_resume",
    summary="Resume an invoice's reminders",
)
def resume_document(request: HttpRequest, document_id: int):
    document = get_object_or_404(Document, pk=document_id, kind=Kind.INVOICE)
    return pause(request, {"document": document}, False)


@router.post(
    "/clients/{int:client_id}/reminders/pause",
    response=PauseOut,
    url_name="billing_client_reminders_pause",
    summary="Pause a client's reminders",
)
def pause_client(request: HttpRequest, client_id: int):
    return pause(request, {"client": get_object_or_404(Contact, pk=client_id)}, True)


@router.post(
    "/clients/{int:client_id}/reminders/resume",
    response=PauseOut,
    url_name="billing_client_reminders_resume",
    summary="Resume a client's reminders",
)
def resume_client(request: HttpRequest, client_id: int):
    return pause(request, {"client": get_object_or_404(Contact, pk=client_id)}, False)


@router.get(
    "/reminder-pauses",
    response=list[dict],
    url_name="billing_reminder_pauses",
    summary="What is paused: clients and invoices",
)
def list_pauses(request: HttpRequest):
    return [
        {"client_id": p.client_id, "document_id": p.document_id}
        for p in ReminderPause.objects.order_by("pk")[:1000]
    ]


def recurring_set():
    return Recurring.objects.prefetch_related("lines", "runs")


FIELDS = ["name", "every", "unit", "start", "end", "count", "currency", "treatment",
          "auto_send", "active", "notes"]  # fmt: skip


def save(request, recurring, payload, created):
    current = {name: getattr(recurring, name) for name in FIELDS}
    current["client"] = recurring.client_id
    form = patch_form(RecurringForm, current, payload, exclude={"lines"}, instance=recurring)
    if not form.is_valid():
        return form_errors(form, "The recurring invoice was not saved.")
    lines, errors = [], {}
    if payload.lines is not None:
        for number, line in enumerate(payload.lines):
            line_form = RecurringLineForm(line.dict())
            if line_form.is_valid():
                lines.append(line_form.save(commit=False))
            else:
                for field, messages in line_form.errors.items():
                    errors[f"lines.{number}.{field}"] = [str(m) for m in messages]
    else:
        lines = [line for line in recurring.lines.all()] if recurring.pk else []
        for line in lines:
            line.pk = None
    if errors:
        return 422, {"detail": "The recurring invoice was not saved.", "errors": errors}
    try:
        recurring = do_save_recurring(request.user, form.save(commit=False), lines)
    except ValidationError as e:
        return validation_errors(e, "The recurring invoice was not saved.")
    return (201 if created else 200), get_object_or_404(recurring_set(), pk=recurring.pk)


@router.get(
    "/recurring",
    response=list[RecurringOut],
    url_name="billing_recurring",
    summary="The recurring invoices",
)
@paginate(PageNumberPagination, page_size=50)
def list_recurring(request: HttpRequest):
    return recurring_set().order_by("name", "pk")


@router.post(
    "/recurring",
    response={201: RecurringOut, 422: ValidationErrors},
    url_name="billing_recurring_create",
    summary="Create a recurring invoice",
)
def create_recurring(request: HttpRequest, payload: RecurringIn):
    return save(request, Recurring(), payload, True)


@router.get(
    "/recurring/{int:recurring_id}",
    response=RecurringOut,
    url_name="billing_recurring_read",
    summary="Read a recurring invoice",
)
def read_recurring(request: HttpRequest, recurring_id: int):
    return get_object_or_404(recurring_set(), pk=recurring_id)


@router.patch(
    "/recurring/{int:recurring_id}",
    response={200: RecurringOut, 422: ValidationErrors},
    url_name="billing_recurring_update",
    summary="Change a recurring invoice",
)
def update_recurring(request: HttpRequest, recurring_id: int, payload: RecurringIn):
    return save(request, get_object_or_404(Recurring, pk=recurring_id), payload, False)


@router.delete(
    "/recurring/{int:recurring_id}",
    response={204: None},
    url_name="billing_recurring_delete",
    summary="Delete a recurring invoice (its invoices stay)",
)
def delete_recurring(request: HttpRequest, recurring_id: int):
    do_delete_recurring(request.user, get_object_or_404(Recurring, pk=recurring_id))
    return 204, None
