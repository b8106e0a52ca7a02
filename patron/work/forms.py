import re
from datetime import datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patron.contacts.network import CONTACTS, clients
from patron.system.picker import PickerField
from patron.work.models import Project, Task, TimeEntry
from patron.work.projects import PROJECTS, open_projects
from patron.work.timing import (
    check_entry,
    do_save_entry,
    format_duration,
    parse_duration,
    set_tags,
)

MAX_TAGS = 20
TAG_SPLIT = re.compile(r"[,\s]+")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class TaskChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


def project_picker(scope="open", **kwargs):
    return PickerField(open_projects(), source=PROJECTS, scope=scope, **kwargs)


class ProjectForm(forms.ModelForm):
    client = PickerField(
        clients(), source=CONTACTS, scope="clients", label=_("Client"), required=False
    )
    new_client = forms.CharField(
        label=_("Or a new client"),
        max_length=200,
        required=False,
        help_text=_("Type a name to create the client with the project."),
    )

    class Meta:
        model = Project
        fields = [
            "name", "client", "new_client", "status", "billing_mode", "rate", "budget_hours",
            "budget_amount", "billing_increment_minutes", "start_on", "due_on", "description",
        ]  # fmt: skip
        widgets = {
            "start_on": DateInput(),
            "due_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {"name": {"required": _("Give the project a name.")}}
        help_texts = {
            "rate": _(
                "Per hour, per day in daily mode, the whole price when fixed. Empty: "
                "the client's hourly rate, then your default rate."
            ),
            "billing_increment_minutes": _(
                "Time is billed by started blocks of this many minutes; 1 bills to the minute."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients(self.instance.client_id)
        for name in ("budget_hours", "budget_amount", "rate"):
            self.fields[name].widget.attrs.update({"min": "0", "step": "0.01"})
        self.fields["name"].widget.attrs["autofocus"] = True

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Give the project a name."))
        return name

    def clean_new_client(self):
        return " ".join(self.cleaned_data["new_client"].split())

    def clean(self):
        cleaned = super().clean()
        for name in ("budget_hours", "budget_amount"):
            value = cleaned.get(name)
            if value is not None and value < 0:
                self.add_error(name, _("A budget cannot be negative."))
        if cleaned.get("client") and cleaned.get("new_client"):
            self.add_error("new_client", _("Choose a client or type a new one, not both."))
        start, due = cleaned.get("start_on"), cleaned.get("due_on")
        if start and due and due < start:
            self.add_error("due_on", _("The due date comes before the start."))
        return cleaned


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["title", "status", "due_on"]
        widgets = {"due_on": DateInput()}
        error_messages = {"title": {"required": _("Give the task a title.")}}

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError(_("Give the task a title."))
        return title


class TaskMoveForm(forms.Form):
    status = forms.ChoiceField(choices=Task.Status.choices)


def split_tags(text):
    names = [n.lstrip("+")[:50] for n in TAG_SPLIT.split(text or "") if n.lstrip("+")]
    return list(dict.fromkeys(names))


class EntryForm(forms.Form):
    """A finished entry (or the running one): a day, a start, then an end or a duration."""

    project = project_picker(label=_("Project"))
    task = TaskChoiceField(label=_("Task"), queryset=Task.objects.none(), required=False)
    day = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Start"), widget=TimeInput())
    end_time = forms.TimeField(label=_("End"), widget=TimeInput(), required=False)
    duration = forms.CharField(
        label=_("Or a duration"),
        max_length=20,
        required=False,
        help_text=_("Like 1h30, 90m, 1:30 or 1.5."),
        widget=forms.TextInput(attrs={"inputmode": "text", "autocomplete": "off"}),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    tags = forms.CharField(
        label=_("Tags"),
        max_length=500,
        required=False,
        help_text=_("Separated by commas or spaces."),
    )
    billable = forms.BooleanField(label=_("Billable"), required=False, initial=True)

    def __init__(self, *args, instance=None, **kwargs):
        self.instance = instance or TimeEntry()
        initial = kwargs.setdefault("initial", {})
        entry = self.instance
        if entry.pk:
            start = timezone.localtime(entry.start)
            initial.update(
                project=entry.project_id,
                task=entry.task_id,
                day=start.date(),
                start_time=start.time().replace(second=0),
                end_time=timezone.localtime(entry.end).time().replace(second=0)
                if entry.end
                else None,
                duration=format_duration(entry.duration_seconds) if entry.end else "",
                note=entry.note,
                tags=" ".join(t.name for t in entry.tags.all()),
                billable=entry.billable,
            )
        else:
            initial.setdefault("day", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = open_projects(entry.project_id)
        self.fields["task"].queryset = self.task_choices()

    def task_choices(self):
        """The open tasks of the project chosen (the entry's own task whatever it is now)."""
        project = str(
            self.data.get("project", "") if self.is_bound else self.initial.get("project") or ""
        )
        tasks = Q(pk__in=[])
        if project.isdigit() and len(project) < 12:
            tasks = Q(project_id=int(project), status__in=[Task.Status.TODO, Task.Status.DOING])
        if self.instance.task_id:
            tasks |= Q(pk=self.instance.task_id)
        return Task.objects.filter(tasks).order_by("position", "title")

    def clean_duration(self):
        text = self.cleaned_data["duration"].strip()
        return parse_duration(text) if text else None

    def clean_tags(self):
        names = split_tags(self.cleaned_data["tags"])
        if len(names) > MAX_TAGS:
            raise ValidationError(_("At most %(n)s tags."), params={"n": MAX_TAGS})
        return names

    def clean(self):
        cleaned = super().clean()
        day, start_time = cleaned.get("day"), cleaned.get("start_time")
        if day is None or start_time is None or "project" not in cleaned:
            return cleaned
        if not 1900 <= day.year <= 2999:
            self.add_error("day", _("Give a date between 1900 and 2999."))
            return cleaned
        entry = self.instance
        entry.project = cleaned["project"]
        entry.task = cleaned.get("task")
        entry.start = timezone.make_aware(datetime.combine(day, start_time))
        duration, end_time = cleaned.get("duration"), cleaned.get("end_time")
        # A changed duration wins over an unchanged end, and a changed end over an unchanged duration.
        if duration and ("duration" in self.changed_data or not end_time):
            entry.end = entry.start + timedelta(seconds=duration)
        elif end_time:
            entry.end = timezone.make_aware(datetime.combine(day, end_time))
        elif entry.pk and entry.end is None:
            entry.end = None  # the running timer: it keeps running
        else:
            self.add_error("end_time", _("Give an end or a duration."))
            return cleaned
        entry.note = cleaned.get("note", "")
        entry.billable = cleaned.get("billable", False)
        try:
            check_entry(entry)
        except ValidationError as e:
            if hasattr(e, "error_dict"):
                for field, errors in e.error_dict.items():
                    target = {"end": "end_time", "start": "start_time"}.get(field, field)
                    if target not in self.fields:
                        target = None
                    self.add_error(target, errors)
            else:
                self.add_error(None, e)
        return cleaned


class TimerStartForm(forms.Form):
    project = project_picker(label=_("Project for the timer"), attrs={"placeholder": _("Project…")})
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class WeekRowForm(forms.Form):
    project = project_picker(label=_("Project"), required=False)
    new_project = forms.CharField(label=_("Or a new project"), max_length=200, required=False)

    def clean_new_project(self):
        return " ".join(self.cleaned_data["new_project"].split())

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("project") and not cleaned.get("new_project"):
            if not self.errors:
                raise ValidationError(_("Choose a project or type the name of a new one."))
        return cleaned


def save_entry_form(form):
    """Save what EntryForm checked; the running timer stays running. May raise ValidationError
    when another request added a clashing entry meanwhile."""
    entry = form.instance
    if entry.end is not None:
        return do_save_entry(entry, tags=form.cleaned_data["tags"])
    with transaction.atomic():
        check_entry(entry)
        entry.save()
        set_tags(entry, form.cleaned_data["tags"])
    return entry
