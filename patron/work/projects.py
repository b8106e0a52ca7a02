"""Projects: the rate that applies, the budget used, and saving one (with its client)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from patron.audit.log import changes_between, record, snapshot
from patron.contacts.models import Contact
from patron.money import cents, in_hours
from patron.system.picker import Source
from patron.work.models import Project, Task, TimeEntry
from patron.work.timing import billable_seconds

PROJECT_FIELDS = [
    "name", "client_id", "status", "billing_mode", "rate", "budget_hours", "budget_amount",
    "billing_increment_minutes", "start_on", "due_on", "description",
]  # fmt: skip


@dataclass
class Rate:
    amount: Decimal | None
    source: str  # "project", "client", "business" or "" when there is none

    @property
    def source_label(self):
        return {
            "project": _("the project's rate"),
            "client": _("the client's hourly rate"),
            "business": _("your default hourly rate"),
        }.get(self.source, "")


def applicable_rate(project, business):
    """The project's own rate, else its client's hourly rate, else the business default.

    In daily mode a borrowed hourly rate becomes a day's rate by the planned hours a day.
    """
    if project.rate is not None:
        return Rate(project.rate, "project")
    client = project.client if project.client_id else None
    for amount, source in (
        (client.hourly_rate if client else None, "client"),
        (business.default_hourly_rate if business else None, "business"),
    ):
        if amount is not None:
            if project.billing_mode == Project.BillingMode.DAILY and business:
                amount = cents(amount * business.planned_hours_per_day)
            return Rate(amount, source)
    return Rate(None, "")


def value_of_time(project, seconds, rate, business):
    """What `seconds` of tracked time are worth, billed by the project's increments."""
    if rate is None or project.billing_mode == Project.BillingMode.NON_BILLABLE:
        return Decimal("0.00")
    if project.billing_mode == Project.BillingMode.FIXED:
        return cents(rate)
    hours = Decimal(billable_seconds(seconds, project.billing_increment_minutes)) / 3600
    if project.billing_mode == Project.BillingMode.DAILY:
        per_day = business.planned_hours_per_day if business else Decimal(8)
        return cents(hours / per_day * rate) if per_day else Decimal("0.00")
    return cents(hours * rate)


@dataclass
class Budget:
    kind: str  # "hours" or "money"
    used: Decimal
    total: Decimal

    @property
    def percent(self):
        return int(self.used * 100 / self.total) if self.total else 0

    @property
    def over(self):
        return self.used > self.total

    @property
    def meter_value(self):
        """For <progress>: never past its max, or the bar shows nothing more."""
        return min(self.used, self.total)


def budgets(project, tracked_seconds, rate, business):
    """Progress against the budget in hours and/or money (each only if set)."""
    found = []
    if project.budget_hours:
        used = in_hours(tracked_seconds)
        found.append(Budget("hours", used, project.budget_hours))
    if project.budget_amount:
        billable = project_tracked_seconds(project, billable_only=True)
        found.append(
            Budget("money", value_of_time(project, billable, rate, business), project.budget_amount)
        )
    return found


def project_tracked_seconds(project, billable_only=False):
    entries = TimeEntry.objects.filter(project=project)
    if billable_only:
        entries = entries.filter(billable=True)
    return entries.aggregate(total=Sum("duration_seconds"))["total"] or 0


def projects_for_list(*, status="", client=None, query=""):
    """The project list with its filters; each project carries its tracked seconds."""
    # Subqueries, not joins: joining both entries and tasks would multiply the sums.
    tracked = (
        TimeEntry.objects.filter(project=OuterRef("pk"))
        .values("project")
        .annotate(total=Sum("duration_seconds"))
        .values("total")
    )
    open_tasks = (
        Task.objects.filter(project=OuterRef("pk"))
        .exclude(status=Task.Status.DONE)
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    projects = Project.objects.select_related("client").annotate(
        tracked_seconds=Coalesce(Subquery(tracked), 0),
        open_tasks=Coalesce(Subquery(open_tasks), 0),
    )
    if status:
        projects = projects.filter(status=status)
    if client:
        projects = projects.filter(client=client)
    if query:
        projects = projects.filter(
            Q(name__icontains=query)
            | Q(client__name__icontains=query)
            | Q(client__last_name__icontains=query)
            | Q(client__first_name__icontains=query)
        )
    return projects.order_by("name", "pk")


def find_or_create_client(name):
    """The organisation called `name` (any case), or a new client organisation."""
    name = name.strip()
    found = Contact.objects.filter(is_organisation=True, name__iexact=name).first()
    if found is not None:
        if not found.is_client:
            found.is_client = True
            found.save(update_fields=["is_client", "updated_at"])
        return found, False
    return Contact.objects.create(is_organisation=True, name=name, is_client=True), True


@transaction.atomic
def do_save_project(user, project, new_client_name=""):
    """Save the project, creating its client first when a new name was typed; audited."""
    created = project.pk is None
    before = {} if created else snapshot(Project.objects.get(pk=project.pk), PROJECT_FIELDS)
    if new_client_name:
        client, client_created = find_or_create_client(new_client_name)
        if client_created:
            record(user, "create", client)
        project.client = client
    project.save()
    if created:
        record(user, "create", project)
    else:
        record(user, "update", project, changes_between(before, snapshot(project, PROJECT_FIELDS)))
    return project


def do_create_project_named(user, name):
    """A project typed as a new name (the week grid, the timer): an active hourly one."""
    project = Project.objects.filter(name__iexact=name.strip()).first()
    if project is not None:
        return project
    return do_save_project(user, Project(name=name.strip()[:200]))


FINISHED = [Project.Status.DONE, Project.Status.LOST]
OPEN = [Project.Status.ACTIVE, Project.Status.PROPOSAL, Project.Status.LEAD]


def open_projects(current=None):
    """The projects time is tracked on: active, proposed or lead (and the one already chosen)."""
    query = Q(status__in=OPEN)
    if current is not None:
        query |= Q(pk=getattr(current, "pk", current))
    return Project.objects.filter(query)


def projects_named(queryset, text):
    """Projects whose names hold every word typed, for a picker."""
    for word in text.split():
        queryset = queryset.filter(name__icontains=word)
    return queryset.select_related("client").order_by("name", "pk")


PROJECTS = Source(
    "work:project_pick",
    projects_named,
    lambda project: project.name,
    lambda project: project.client.display_name if project.client_id else "",
)
PICK_SCOPES = {
    "open": open_projects,
    "all": lambda: Project.objects.all(),
}
