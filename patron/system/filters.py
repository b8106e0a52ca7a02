"""A list's filters, declared by its view and drawn by templates/filters.html.

Every list with filters (documents, payments, contacts, projects, time entries,
expenses) draws them the same way: a GET form, so that a bookmark, a reload and the
back button keep them, which htmx sends as the user types or chooses, swapping in the
list's results alone and pushing the filters to the address bar. The view parses the
query string as it always did (a value it does not understand is left out, or said so
in a message) and declares here what the form shows: each field's query parameter,
label, kind and the value it is drawing.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Filter:
    """One field of a list's filters.

    kind is search (free text, sent as the user types), text, select, date, month,
    checkbox or picker (a search picker: `picker` is filter_picker's context).
    """

    kind: str
    name: str
    label: str
    value: object = ""
    choices: tuple = ()
    blank: str | None = None  # a first choice that filters nothing, and its label
    placeholder: str = ""
    maxlength: int = 100
    suggestions: str = ""  # the id of a <datalist> offering values to a text field
    picker: dict = field(default_factory=dict)

    @property
    def field_id(self):
        return f"f-{self.name}"

    @property
    def selected(self):
        return str(self.value) if self.value is not None else ""


def search(name, label, value, placeholder="", maxlength=100):
    return Filter("search", name, label, value or "", placeholder=placeholder, maxlength=maxlength)


def text(name, label, value, suggestions="", maxlength=100):
    return Filter("text", name, label, value or "", suggestions=suggestions, maxlength=maxlength)


def select(name, label, value, choices, blank=None):
    return Filter("select", name, label, value or "", choices=tuple(choices), blank=blank)


def date(name, label, value):
    """A day; `value` a date (drawn as YYYY-MM-DD) or the text typed, kept as typed."""
    shown = value.isoformat() if hasattr(value, "isoformat") else plain(value or "", 10)
    return Filter("date", name, label, shown)


def month(name, label, value):
    return Filter("month", name, label, plain(value or "", 7))


def checkbox(name, label, checked):
    return Filter("checkbox", name, label, bool(checked))


def picker(name, label, context):
    """`context`: system.picker.filter_picker's, whose id is f-NAME (the label points at
    its text box, f-NAME_search)."""
    return Filter("picker", name, label, context.get("pk", ""), picker=context)


def typed(params, name, limit=100):
    """What was typed in a filter's text box: on one line, without control characters
    (PostgreSQL refuses NUL in a query), at most `limit` characters."""
    return plain(params.get(name, ""), limit)


def plain(text, limit=200):
    """Text on one line without control characters: a message that may quote what was typed."""
    return " ".join("".join(c if c.isprintable() else " " for c in str(text)[:limit]).split())


def one_of(params, name, allowed, default=""):
    """A choice from the query string, or `default` for a value that is none of `allowed`."""
    value = params.get(name, "")
    return value if value in allowed else default
