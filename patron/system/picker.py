"""Search pickers: a text box that offers matches as you type, instead of a <select>
of every contact or project.

Ten years of work hold thousands of contacts and projects; a menu of all of them
costs every page that shows it and is useless to scroll. A picker renders only the
chosen one; picker.js asks the source's search view for matches as the user types
and keeps the chosen id in a hidden input. Without JavaScript, typing a name exactly
still works: the field resolves the text, and says so when it matches none or several.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

MATCHES_SHOWN = 20
MAX_QUERY = 200


@dataclass(frozen=True)
class Source:
    """What a picker searches: its search view, how typed text narrows a queryset, and how
    an object is named (and described under its name) in the matches."""

    url_name: str
    search: Callable[[QuerySet, str], QuerySet]
    label: Callable[[Model], str]
    detail: Callable[[Model], str] = lambda obj: ""


@dataclass(frozen=True)
class Picked:
    """A picker's value as posted: the chosen id, and the text in the box (None: not sent)."""

    pk: str
    text: str | None = None

    def __str__(self):
        return self.pk


def clean_text(text):
    """What was typed, on one line, without control characters (PostgreSQL refuses NUL)."""
    return " ".join("".join(c if c.isprintable() else " " for c in text[:MAX_QUERY]).split())


def picker_context(
    name, source, scope, *, pk="", text="", submits_text=True, exclude=None, attrs=None
):
    query = {"scope": scope}
    if exclude:
        query["exclude"] = exclude
    return {
        "name": name,
        "id": (attrs or {}).get("id", f"id_{name}"),
        "pk": "" if pk is None else pk,
        "text": text or "",
        "url": f"{reverse(source.url_name)}?{urlencode(query)}",
        "submits_text": submits_text,
        "attrs": {
            key: value
            for key, value in (attrs or {}).items()
            if key.startswith("aria-") or key in ("placeholder", "required", "autofocus")
        },
    }


def filter_picker(name, source, scope, chosen, *, id, placeholder):
    """A picker in a list's filters: the object chosen (or none); only its id is submitted."""
    return picker_context(
        name,
        source,
        scope,
        pk=chosen.pk if chosen else "",
        text=source.label(chosen) if chosen else "",
        submits_text=False,
        attrs={"id": id, "placeholder": placeholder},
    )


class PickerInput(forms.Widget):
    template_name = "system/picker.html"

    def __init__(self, source, scope, attrs=None, submits_text=True):
        super().__init__(attrs)
        self.source, self.scope, self.exclude = source, scope, None
        self.submits_text = submits_text

    def value_from_datadict(self, data, files, name):
        return Picked(str(data.get(name, "")).strip(), data.get(f"{name}_search"))

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_search" not in data

    def get_context(self, name, value, attrs):
        picked = value if isinstance(value, Picked) else Picked("")
        attrs = self.build_attrs(self.attrs, attrs)
        return {
            "widget": picker_context(
                name,
                self.source,
                self.scope,
                pk=picked.pk,
                text=picked.text,
                submits_text=self.submits_text,
                exclude=self.exclude,
                attrs=attrs,
            )
        }

    def id_for_label(self, id_):
        return f"{id_}_search" if id_ else id_


class PickerField(forms.ModelChoiceField):
    """A ModelChoiceField shown as a search picker; `queryset` is what may be chosen."""

    default_error_messages = {
        "none": _("Nothing matches “%(text)s”: choose from the list."),
        "several": _("Several match “%(text)s”: choose one from the list."),
    }

    def __init__(self, queryset, *, source, scope, attrs=None, submits_text=True, **kwargs):
        self.source = source
        kwargs.setdefault("widget", PickerInput(source, scope, attrs, submits_text))
        super().__init__(queryset, **kwargs)

    def label_from_instance(self, obj):
        return self.source.label(obj)

    def exclude(self, pk):
        """Leave one object out, in the matches offered as well as in what may be chosen."""
        self.queryset = self.queryset.exclude(pk=pk)
        self.widget.exclude = pk

    def label_for(self, pk):
        try:
            obj = self.queryset.filter(pk=pk).first() if pk not in (None, "") else None
        except (ValueError, TypeError, ValidationError):
            obj = None
        return self.source.label(obj) if obj is not None else ""

    def prepare_value(self, value):
        if isinstance(value, Picked):
            return value if value.text is not None else Picked(value.pk, self.label_for(value.pk))
        if hasattr(value, "_meta"):
            return Picked(str(value.pk), self.source.label(value))
        pk = "" if value is None else str(value)
        return Picked(pk, self.label_for(pk))

    def to_python(self, value):
        if not isinstance(value, Picked):
            return super().to_python(value)
        text = None if value.text is None else clean_text(value.text)
        if text == "" or (text is None and not value.pk):
            return None
        if value.pk:
            obj = super().to_python(value.pk)
            if text is None or self.source.label(obj).casefold() == text.casefold():
                return obj
        return self.by_name(text)

    def by_name(self, text):
        named = [
            obj
            for obj in self.source.search(self.queryset, text)[:50]
            if self.source.label(obj).casefold() == text.casefold()
        ]
        if len(named) == 1:
            return named[0]
        code = "several" if named else "none"
        raise ValidationError(self.error_messages[code], code=code, params={"text": text[:100]})

    def has_changed(self, initial, data):
        try:
            chosen = self.to_python(data)
        except ValidationError:
            return True
        initial_pk = getattr(initial, "pk", initial)
        return str(initial_pk or "") != str(chosen.pk if chosen else "")


def pick_response(request, source, scopes):
    """The search view behind a picker: the first matches of the typed text in a scope."""
    scope = scopes.get(request.GET.get("scope", ""))
    matches = []
    if scope is not None:
        queryset = scope()
        exclude = request.GET.get("exclude", "")
        if exclude.isdigit() and len(exclude) < 12:
            queryset = queryset.exclude(pk=int(exclude))
        text = clean_text(request.GET.get("q", ""))
        found = source.search(queryset, text) if text else queryset
        matches = [(obj.pk, source.label(obj), source.detail(obj)) for obj in found[:MATCHES_SHOWN]]
    return render(request, "system/picker_matches.html", {"matches": matches})
