from datetime import datetime, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Max, Prefetch, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from patron.accounts.access import owner_required
from patron.audit.log import record
from patron.contacts.models import Contact
from patron.contacts.network import CONTACTS
from patron.pricing.warnings import warn_if_below
from patron.system import filters
from patron.system.fragments import page_or_fragment
from patron.system.picker import filter_picker, pick_response
from patron.work import exports
from patron.work import week as weeks
from patron.work.forms import (
    EntryForm,
    ProjectForm,
    TaskForm,
    TaskMoveForm,
    TimerStartForm,
    WeekRowForm,
    save_entry_form,
)
from patron.work.models import Project, Tag, Task, TimeEntry
from patron.work.projects import (
    PICK_SCOPES,
    PROJECTS,
    applicable_rate,
    budgets,
    do_create_project_named,
    do_save_project,
    project_tracked_seconds,
    projects_for_list,
    value_of_time,
)
from patron.work.templatetags.work_timer import timer_context
from patron.work.timing import do_delete_entry, do_start_timer, do_stop_timer

PROJECTS_PER_PAGE = 25
ENTRIES_PER_PAGE = 50


def parse_date(value):
    try:
        day = datetime.strptime((value or "")[:10], "%Y-%m-%d").date()  # noqa: DTZ007
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2999 else None


def parse_id(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


# Projects


@owner_required
@require_GET
def project_list(request):
    status = filters.one_of(request.GET, "status", Project.Status.values)
    client_id = parse_id(request.GET.get("client"))
    query = filters.typed(request.GET, "q")
    projects = projects_for_list(status=status, client=client_id, query=query)
    if request.GET.get("format") == "csv":
        return exports.projects_csv(projects, request.business.currency)
    page = Paginator(projects, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    client = Contact.objects.filter(pk=client_id).first() if client_id else None
    client_picker = filter_picker(
        "client", CONTACTS, "clients", client, id="f-client", placeholder=_("Any client")
    )
    context = {
        "page": page,
        "filtered": bool(query or status or client_id),
        "filter_fields": [
            filters.search("q", _("Search"), query, placeholder=_("Project or client")),
            filters.select(
                "status", _("Status"), status, Project.Status.choices, blank=_("Any status")
            ),
            filters.picker("client", _("Client"), client_picker),
        ],
    }
    return page_or_fragment(request, "work/projects.html", "list", context, push_query=True)


def project_form_page(request, project):
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        created = project.pk is None
        project = do_save_project(
            request.user, form.save(commit=False), form.cleaned_data["new_client"]
        )
        if created:
            messages.success(request, _("The project has been created."))
        else:
            messages.success(request, _("The project has been saved."))
        unit = {"hourly": "hour", "daily": "day"}.get(project.billing_mode)
        warn_if_below(request, project.rate, request.business.currency, unit)
        return redirect("work:project", pk=project.pk)
    return render(request, "work/project_form.html", {"form": form, "project": project})


@owner_required
def project_create(request):
    return project_form_page(request, Project())


@owner_required
def project_edit(request, pk):
    return project_form_page(request, get_object_or_404(Project, pk=pk))


def board_context(project, task_form=None):
    tasks = list(project.tasks.all())
    columns = [
        (value, label, [t for t in tasks if t.status == value])
        for value, label in Task.Status.choices
    ]
    return {"project": project, "columns": columns, "task_form": task_form or TaskForm()}


@owner_required
@require_GET
def project_detail(request, pk):
    project = get_object_or_404(Project.objects.select_related("client"), pk=pk)
    business = request.business
    rate = applicable_rate(project, business)
    tracked = project_tracked_seconds(project)
    billable = project_tracked_seconds(project, billable_only=True)
    recent = (
        project.time_entries.select_related("task").prefetch_related("tags").order_by("-start")[:10]
    )
    context = {
        "rate": rate,
        "tracked_seconds": tracked,
        "billable_seconds": billable,
        "value": value_of_time(project, billable, rate.amount, business),
        "budgets": budgets(project, tracked, rate.amount, business),
        "recent": recent,
        **board_context(project),
    }
    return render(request, "work/project_detail.html", context)


# Tasks


def board_response(request, project, task_form=None):
    if request.htmx:
        return render(request, "work/project_detail.html#board", board_context(project, task_form))
    return redirect(reverse("work:project", args=[project.pk]) + "#board")


@owner_required
@require_POST
def task_create(request, pk):
    project = get_object_or_404(Project, pk=pk)
    form = TaskForm(request.POST)
    if form.is_valid():
        task = form.save(commit=False)
        task.project = project
        task.position = (project.tasks.aggregate(last=Max("position"))["last"] or 0) + 1
        task.save()
        return board_response(request, project)
    if request.htmx:
        return board_response(request, project, form)
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return board_response(request, project)


@owner_required
def task_edit(request, pk):
    task = get_object_or_404(Task.objects.select_related("project"), pk=pk)
    form = TaskForm(request.POST or None, instance=task)
    if request.method == "POST":
        if "delete" in request.POST:
            task.delete()
            messages.success(request, _("The task has been deleted."))
            return redirect("work:project", pk=task.project_id)
        if form.is_valid():
            form.save()
            messages.success(request, _("The task has been saved."))
            return redirect("work:project", pk=task.project_id)
    return render(request, "work/task_form.html", {"form": form, "task": task})


@owner_required
@require_POST
def task_move(request, pk):
    task = get_object_or_404(Task.objects.select_related("project"), pk=pk)
    form = TaskMoveForm(request.POST)
    if form.is_valid() and form.cleaned_data["status"] != task.status:
        last = task.project.tasks.filter(status=form.cleaned_data["status"]).aggregate(
            last=Max("position")
        )["last"]
        task.status = form.cleaned_data["status"]
        task.position = (last or 0) + 1
        task.save(update_fields=["status", "position"])
    return board_response(request, task.project)


@owner_required
@require_GET
def project_pick(request):
    """Projects matching what is typed in a picker (the timer, an entry, a filter)."""
    return pick_response(request, PROJECTS, PICK_SCOPES)


# Time entries


@owner_required
@require_GET
def entry_list(request):
    entries = TimeEntry.objects.all()
    project_id = parse_id(request.GET.get("project"))
    since, until = parse_date(request.GET.get("from")), parse_date(request.GET.get("to"))
    if project_id:
        entries = entries.filter(project_id=project_id)
    if since:
        entries = entries.filter(start__gte=weeks.local_midnight(since))
    if until:
        entries = entries.filter(start__lt=weeks.local_midnight(until + timedelta(days=1)))
    if request.GET.get("format") == "csv":
        return exports.entries_csv(entries.order_by("-start", "-pk"))
    # The total of a project or a period; ten years of everything is one scan of every
    # entry on each visit, for a figure nobody reads: the count says enough there.
    total = None
    if project_id or since or until:
        total = entries.aggregate(total=Sum("duration_seconds"))["total"] or 0
    project = Project.objects.filter(pk=project_id).first() if project_id else None
    entries = entries.select_related("project", "task").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name"))
    )
    page = Paginator(entries.order_by("-start", "-pk"), ENTRIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    project_picker = filter_picker(
        "project", PROJECTS, "all", project, id="f-project", placeholder=_("Every project")
    )
    context = {
        "page": page,
        "total": total,
        "filtered": total is not None,
        "filter_fields": [
            filters.picker("project", _("Project"), project_picker),
            filters.date("from", _("From"), since),
            filters.date("to", _("To"), until),
        ],
    }
    return page_or_fragment(request, "work/entries.html", "list", context, push_query=True)


@owner_required
@require_GET
def entry_task(request):
    """The entry form's task menu, for the project just chosen."""
    form = EntryForm(initial={"project": request.GET.get("project", "")})
    return render(request, "work/_entry_task.html", {"form": form})


def entry_form_page(request, entry):
    form = EntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            entry = save_entry_form(form)
        except ValidationError as e:
            form.add_error(None, e.messages)
        else:
            messages.success(request, _("The time entry has been saved."))
            return redirect(safe_next(request, reverse("work:entries")))
    return render(
        request,
        "work/entry_form.html",
        {"form": form, "entry": entry, "next": safe_next(request, "")},
    )


@owner_required
def entry_create(request):
    return entry_form_page(request, TimeEntry())


@owner_required
def entry_edit(request, pk):
    entry = get_object_or_404(TimeEntry.objects.select_related("project", "task"), pk=pk)
    return entry_form_page(request, entry)


@owner_required
@require_POST
def entry_delete(request, pk):
    entry = get_object_or_404(TimeEntry.objects.select_related("project"), pk=pk)
    try:
        with transaction.atomic():
            record(request.user, "delete", entry)
            do_delete_entry(entry)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("work:entry_edit", pk=pk)
    messages.success(request, _("The time entry has been deleted."))
    return redirect(safe_next(request, reverse("work:entries")))


# The header timer


def safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def timer_response(request, error=None):
    """The timer fragment for htmx, or back to the page it was used from."""
    if request.htmx:
        context = timer_context(request, error=error)
        return render(request, "work/_timer.html", context)
    if error:
        messages.error(request, error)
    return redirect(safe_next(request, reverse("dashboard:home")))


@owner_required
@require_GET
def timer(request):
    return timer_response(request)


@owner_required
@require_POST
def timer_start(request):
    form = TimerStartForm(request.POST)
    if not form.is_valid():
        errors = form.errors.as_data().get("project", [])
        if not errors or errors[0].code == "required":
            return timer_response(request, error=_("Choose a project to start the timer."))
        return timer_response(request, error=" ".join(form.errors["project"]))
    try:
        do_start_timer(form.cleaned_data["project"], note=form.cleaned_data["note"])
    except ValidationError as e:
        return timer_response(request, error=" ".join(e.messages))
    return timer_response(request)


@owner_required
@require_POST
def timer_stop(request):
    try:
        do_stop_timer()
    except ValidationError as e:
        return timer_response(request, error=" ".join(e.messages))
    return timer_response(request)


# The week grid


def week_url(monday, extra):
    query = {"week": monday.isoformat()}
    if extra:
        query["add"] = [str(pk) for pk in extra]
    return reverse("work:week") + "?" + urlencode(query, doseq=True)


def extra_rows(data):
    return [pk for pk in (parse_id(v) for v in data.getlist("add")[:20]) if pk]


@owner_required
def week(request):
    data = request.POST if request.method == "POST" else request.GET
    monday = weeks.first_day_of_week(data.get("week"), timezone.localdate())
    extra = extra_rows(data)
    errors = {}
    if request.method == "POST":
        errors = weeks.do_save_week(monday, request.business, request.POST)
        if not errors and not request.htmx:
            messages.success(request, _("The week has been saved."))
            return redirect(week_url(monday, extra))
    context = {
        "week": weeks.build_week(monday, request.business, extra, errors),
        "extra": extra,
        "has_errors": any(message for _typed, message in errors.values()),
        "row_form": WeekRowForm(),
        "today": timezone.localdate(),
    }
    return page_or_fragment(request, "work/week.html", "grid", context)


@owner_required
@require_POST
def week_row(request):
    monday = weeks.first_day_of_week(request.POST.get("week"), timezone.localdate())
    extra = extra_rows(request.POST)
    form = WeekRowForm(request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect(week_url(monday, extra))
    project = form.cleaned_data["project"] or do_create_project_named(
        request.user, form.cleaned_data["new_project"]
    )
    if project.pk not in extra:
        extra.append(project.pk)
    return redirect(week_url(monday, extra))
