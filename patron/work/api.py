"""Projects, tasks, time entries and the timer over the REST API: the same rules as the pages."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from patron.api.errors import ValidationErrors, form_errors, validation_errors
from patron.api.fields import Money
from patron.api.forms import patch_form
from patron.business.profile import get_business
from patron.work.forms import ProjectForm, TaskForm
from patron.work.models import Project, Task, TimeEntry
from patron.work.projects import do_save_project, projects_for_list
from patron.work.reports import business_zone
from patron.work.timing import (
    do_delete_entry,
    do_save_entry,
    do_start_timer,
    do_stop_timer,
    parse_duration,
    running_entry,
)

router = Router(tags=["work"])


class Message(Schema):
    detail: str


# Projects


class ProjectOut(Schema):
    id: int
    name: str
    client_id: int | None
    status: str
    billing_mode: str
    rate: Money | None
    budget_hours: Decimal | None
    budget_amount: Money | None
    billing_increment_minutes: int
    start_on: date | None
    due_on: date | None
    description: str
    tracked_seconds: int = 0


class ProjectIn(Schema):
    name: str | None = None
    client_id: int | None = None
    new_client: str | None = Field(None, description="Creates this client (or finds it by name).")
    status: str | None = None
    billing_mode: str | None = None
    rate: Decimal | None = None
    budget_hours: Decimal | None = None
    budget_amount: Decimal | None = None
    billing_increment_minutes: int | None = None
    start_on: date | None = None
    due_on: date | None = None
    description: str | None = None


class ProjectFilters(Schema):
    status: str = ""
    client_id: int | None = None
    q: str = Field("", max_length=100)


PROJECT_FORM_FIELDS = [
    "name", "client", "status", "billing_mode", "rate", "budget_hours", "budget_amount",
    "billing_increment_minutes", "start_on", "due_on", "description",
]  # fmt: skip


def save_project(request, project, payload, created=False):
    current = model_to_dict(project, fields=PROJECT_FORM_FIELDS) if project.pk else {}
    if not project.pk:
        current.update(status="active", billing_mode="hourly", billing_increment_minutes=1)
    form = patch_form(ProjectForm, current, payload, instance=project)
    if not form.is_valid():
        return form_errors(form, "The project was not saved.")
    project = do_save_project(
        request.user, form.save(commit=False), form.cleaned_data["new_client"]
    )
    return (201 if created else 200), project


@router.get(
    "/projects", response=list[ProjectOut], url_name="work_projects", summary="List projects"
)
@paginate(LimitOffsetPagination)
def list_projects(request: HttpRequest, filters: Query[ProjectFilters]):
    return projects_for_list(
        status=filters.status, client=filters.client_id, query=filters.q.strip()
    )


@router.post(
    "/projects",
    response={201: ProjectOut, 422: ValidationErrors},
    url_name="work_project_new",
    summary="Create a project",
)
def create_project(request: HttpRequest, payload: ProjectIn):
    return save_project(request, Project(), payload, created=True)


@router.get("/projects/{project_id}", response=ProjectOut, url_name="work_project")
def read_project(request: HttpRequest, project_id: int):
    return get_object_or_404(projects_for_list(), pk=project_id)


@router.patch(
    "/projects/{project_id}",
    response={200: ProjectOut, 422: ValidationErrors},
    url_name="work_project_update",
    summary="Change some fields of a project",
)
def update_project(request: HttpRequest, project_id: int, payload: ProjectIn):
    return save_project(request, get_object_or_404(Project, pk=project_id), payload)


# Tasks


class TaskOut(Schema):
    id: int
    project_id: int
    title: str
    status: str
    due_on: date | None
    position: int


class TaskIn(Schema):
    project_id: int | None = None
    title: str | None = None
    status: str | None = None
    due_on: date | None = None


@router.get("/tasks", response=list[TaskOut], url_name="work_tasks", summary="List tasks")
@paginate(LimitOffsetPagination)
def list_tasks(request: HttpRequest, project_id: int | None = None, status: str = ""):
    tasks = Task.objects.order_by("project_id", "status", "position", "pk")
    if project_id:
        tasks = tasks.filter(project_id=project_id)
    if status:
        tasks = tasks.filter(status=status)
    return tasks


def save_task(task, payload, created):
    current = (
        model_to_dict(task, fields=["title", "status", "due_on"]) if task.pk else {"status": "todo"}
    )
    form = patch_form(TaskForm, current, payload, exclude={"project_id"}, instance=task)
    project_id = payload.dict(exclude_unset=True).get("project_id")
    if not task.pk:
        project = Project.objects.filter(pk=project_id).first() if project_id else None
        if project is None:
            form.is_valid()
            form.add_error(None, "Give the project_id of an existing project.")
            return form_errors(form, "The task was not saved.")
        task.project = project
    if not form.is_valid():
        return form_errors(form, "The task was not saved.")
    return (201 if created else 200), form.save()


@router.post("/tasks", response={201: TaskOut, 422: ValidationErrors}, url_name="work_task_new")
def create_task(request: HttpRequest, payload: TaskIn):
    return save_task(Task(), payload, created=True)


@router.patch(
    "/tasks/{task_id}", response={200: TaskOut, 422: ValidationErrors}, url_name="work_task_update"
)
def update_task(request: HttpRequest, task_id: int, payload: TaskIn):
    return save_task(get_object_or_404(Task, pk=task_id), payload, created=False)


# Time entries


class EntryOut(Schema):
    id: int
    project_id: int
    task_id: int | None
    start: datetime
    end: datetime | None
    duration_seconds: int
    note: str
    tags: list[str]
    billable: bool
    running: bool

    @staticmethod
    def resolve_tags(obj):
        return sorted(t.name for t in obj.tags.all())

    @staticmethod
    def resolve_running(obj):
        return obj.end is None


class EntryIn(Schema):
    project_id: int | None = None
    task_id: int | None = None
    start: datetime | None = Field(
        None, description="ISO 8601; without an offset, in the business's time zone."
    )
    end: datetime | None = None
    duration: str | None = Field(None, description='Instead of end: "1h30", "90m", "1:30", "1.5".')
    note: str | None = Field(None, max_length=500)
    tags: list[str] | None = None
    billable: bool | None = None


class EntryFilters(Schema):
    project_id: int | None = None
    since: date | None = Field(None, alias="from")
    until: date | None = Field(None, alias="to")


def aware(value):
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value, business_zone(get_business()))
    return value


@router.get(
    "/entries", response=list[EntryOut], url_name="work_entries", summary="List time entries"
)
@paginate(LimitOffsetPagination)
def list_entries(request: HttpRequest, filters: Query[EntryFilters]):
    entries = TimeEntry.objects.prefetch_related("tags").order_by("-start", "-pk")
    zone = business_zone(get_business())
    if filters.project_id:
        entries = entries.filter(project_id=filters.project_id)
    if filters.since:
        entries = entries.filter(
            start__gte=datetime.combine(filters.since, datetime.min.time(), zone)
        )
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), datetime.min.time(), zone)
        entries = entries.filter(start__lt=end)
    return entries


def set_end(entry, changes, errors):
    """The entry's end from a typed duration (which wins) or an end, if the payload sets one."""
    if changes.get("duration"):
        try:
            seconds = parse_duration(changes["duration"])
        except ValidationError as e:
            errors["duration"] = e.messages
            return
        if entry.start is not None:
            entry.end = entry.start + timedelta(seconds=seconds)
    elif "end" in changes:
        entry.end = aware(changes["end"])


def save_entry(entry, payload, created):
    changes = payload.dict(exclude_unset=True)
    errors = {}
    if "project_id" in changes or created:
        entry.project = Project.objects.filter(pk=changes.get("project_id") or 0).first()
        if entry.project is None:
            errors["project_id"] = ["Give the id of an existing project."]
    if "task_id" in changes:
        entry.task = Task.objects.filter(pk=changes["task_id"] or 0).first()
        if changes["task_id"] and entry.task is None:
            errors["task_id"] = ["No such task."]
    if "start" in changes or created:
        entry.start = aware(changes.get("start"))
        if entry.start is None:
            errors["start"] = ["Give the start."]
    set_end(entry, changes, errors)
    if entry.end is None and not errors:
        errors["end"] = ["Give an end or a duration."]
    for name in ("note", "billable"):
        if changes.get(name) is not None:
            setattr(entry, name, changes[name])
    if errors:
        return 422, {"detail": "The entry was not saved.", "errors": errors}
    try:
        do_save_entry(entry, tags=changes.get("tags"))
    except ValidationError as e:
        return validation_errors(e, "The entry was not saved.")
    return (201 if created else 200), entry


@router.post(
    "/entries",
    response={201: EntryOut, 422: ValidationErrors},
    url_name="work_entry_new",
    summary="Add a finished time entry",
)
def create_entry(request: HttpRequest, payload: EntryIn):
    return save_entry(TimeEntry(), payload, created=True)


@router.get("/entries/{entry_id}", response=EntryOut, url_name="work_entry")
def read_entry(request: HttpRequest, entry_id: int):
    return get_object_or_404(TimeEntry, pk=entry_id)


@router.patch(
    "/entries/{entry_id}",
    response={200: EntryOut, 422: ValidationErrors},
    url_name="work_entry_update",
    summary="Change a finished time entry",
)
def update_entry(request: HttpRequest, entry_id: int, payload: EntryIn):
    entry = get_object_or_404(TimeEntry, pk=entry_id)
    if entry.end is None:
        return 422, {
            "detail": "The entry was not saved.",
            "errors": {"__all__": ["This is the running timer: stop it first."]},
        }
    return save_entry(entry, payload, created=False)


@router.delete(
    "/entries/{entry_id}", response={204: None, 422: ValidationErrors}, url_name="work_entry_delete"
)
def delete_entry(request: HttpRequest, entry_id: int):
    try:
        do_delete_entry(get_object_or_404(TimeEntry, pk=entry_id))
    except ValidationError as e:
        return validation_errors(e, "The entry was not deleted.")
    return 204, None


# The timer


class TimerStart(Schema):
    project_id: int
    task_id: int | None = None
    note: str = Field("", max_length=500)
    tags: list[str] = []


@router.get(
    "/timer",
    response={200: EntryOut, 204: None},
    url_name="work_timer",
    summary="The running timer",
)
def current_timer(request: HttpRequest):
    entry = running_entry()
    return (204, None) if entry is None else (200, entry)


@router.post(
    "/timer/start",
    response={201: EntryOut, 422: ValidationErrors},
    url_name="work_timer_start",
    summary="Start the timer (refused while one runs)",
)
def start_timer(request: HttpRequest, payload: TimerStart):
    project = Project.objects.filter(pk=payload.project_id).first()
    if project is None:
        return 422, {
            "detail": "The timer did not start.",
            "errors": {"project_id": ["No such project."]},
        }
    task = project.tasks.filter(pk=payload.task_id).first() if payload.task_id else None
    try:
        entry = do_start_timer(project, task=task, note=payload.note, tags=payload.tags[:20])
    except ValidationError as e:
        return validation_errors(e, "The timer did not start.")
    return 201, entry


@router.post(
    "/timer/stop",
    response={200: EntryOut, 422: ValidationErrors},
    url_name="work_timer_stop",
    summary="Stop the running timer",
)
def stop_timer(request: HttpRequest):
    try:
        return 200, do_stop_timer()
    except ValidationError as e:
        return validation_errors(e, "The timer did not stop.")
