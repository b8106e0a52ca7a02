"""What every import shares: reading the file, the plan shown before anything is
written, row-numbered errors, and the registry behind `patron import KIND FILE`.

An importer reads the whole file and checks every row first (`plan`), writing
nothing; only a plan without errors may be applied (`apply`), in one
transaction: all rows or none. Importing the same file twice adds nothing the
second time: importers recognise what they already brought in.
"""

from dataclasses import dataclass, field
from importlib import import_module

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

# KIND of `patron import KIND FILE` -> "module:Class" of its importer.
IMPORTERS = {
    "linkedin": "patron.contacts.importers:LinkedInImporter",
    "vcard": "patron.contacts.importers:VCardImporter",
    "toggl": "patron.work.importers:TogglImporter",
    "clockify": "patron.work.importers:ClockifyImporter",
    "harvest": "patron.work.importers:HarvestImporter",
    "watson": "patron.work.importers:WatsonImporter",
    # camt.053 or CSV, told apart by the file itself, as on the page: one kind to remember.
    "statement": "patron.billing.statements:StatementImporter",
    # A supplier's e-invoice (Factur-X / ZUGFeRD PDF, CII or UBL XML) booked as an expense.
    "expense": "patron.work.supplier_invoices:ExpenseImporter",
}


# What an importer's counts mean, in plural forms: a plan's (what would be done)
# and then apply's (what was done).
COUNT_PHRASES = {
    "create": ngettext_lazy("%(count)s contact to create", "%(count)s contacts to create", "count"),
    "merge": ngettext_lazy(
        "%(count)s contact to merge into an existing one",
        "%(count)s contacts to merge into existing ones",
        "count",
    ),
    "skip": ngettext_lazy(
        "%(count)s contact already there", "%(count)s contacts already there", "count"
    ),
    "organisations": ngettext_lazy(
        "%(count)s organisation to create", "%(count)s organisations to create", "count"
    ),
    "import": ngettext_lazy(
        "%(count)s time entry to import", "%(count)s time entries to import", "count"
    ),
    "skip as already imported": ngettext_lazy(
        "%(count)s time entry already imported",
        "%(count)s time entries already imported",
        "count",
    ),
    "create as new projects": ngettext_lazy(
        "%(count)s project to create", "%(count)s projects to create", "count"
    ),
    "create as new clients": ngettext_lazy(
        "%(count)s client to create", "%(count)s clients to create", "count"
    ),
    "created": ngettext_lazy("%(count)s new contact", "%(count)s new contacts", "count"),
    "merged": ngettext_lazy("%(count)s contact merged", "%(count)s contacts merged", "count"),
    "unchanged": ngettext_lazy(
        "%(count)s contact already there",
        "%(count)s contacts already there",
        "count",
    ),
    "organisations created": ngettext_lazy(
        "%(count)s new organisation", "%(count)s new organisations", "count"
    ),
    "time entries": ngettext_lazy("%(count)s time entry", "%(count)s time entries", "count"),
    "new projects": ngettext_lazy("%(count)s new project", "%(count)s new projects", "count"),
    "new clients": ngettext_lazy("%(count)s new client", "%(count)s new clients", "count"),
    "statement lines": ngettext_lazy(
        "%(count)s statement line", "%(count)s statement lines", "count"
    ),
    "duplicated statement lines": ngettext_lazy(
        "%(count)s line repeated in the file (same bank reference)",
        "%(count)s lines repeated in the file (same bank reference)",
        "count",
    ),
    "statement lines already imported": ngettext_lazy(
        "%(count)s statement line already imported",
        "%(count)s statement lines already imported",
        "count",
    ),
    "proposed matches": ngettext_lazy(
        "%(count)s match proposed", "%(count)s matches proposed", "count"
    ),
    "supplier invoices": ngettext_lazy(
        "%(count)s supplier invoice booked as an expense",
        "%(count)s supplier invoices booked as expenses",
        "count",
    ),
    "supplier invoices already booked": ngettext_lazy(
        "%(count)s supplier invoice already booked (nothing new)",
        "%(count)s supplier invoices already booked (nothing new)",
        "count",
    ),
    "new suppliers": ngettext_lazy("%(count)s new supplier", "%(count)s new suppliers", "count"),
    "skipped as already imported": ngettext_lazy(
        "%(count)s skipped as already imported", "%(count)s skipped as already imported", "count"
    ),
}


def describe_counts(counts):
    """An importer's counts in words, with the right plural forms: 4 time entries, 1 new client."""
    return ", ".join(
        COUNT_PHRASES[what] % {"count": count} if what in COUNT_PHRASES else f"{count} {what}"
        for what, count in counts.items()
    )


class ImportRefused(Exception):
    """The file as a whole cannot be imported (too large, not text, wrong format)."""


@dataclass
class RowError:
    row: int  # as the user counts: the line of the file, or the card/frame number
    message: str

    def __str__(self):
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


class RowWarning(RowError):
    """Something about a row the import takes all the same, said before and after: a free
    text longer than Patron keeps, shortened (ending in "…")."""


@dataclass
class ImportPlan:
    """What an import would do, before it does anything."""

    items: list = field(default_factory=list)  # the importer's own parsed rows
    errors: list = field(default_factory=list)  # RowError
    counts: dict = field(default_factory=dict)  # e.g. {"create": 12, "merge": 3, "skip": 1}
    warnings: list = field(default_factory=list)  # RowWarning: taken, but said

    @property
    def ok(self):
        return not self.errors


def shortened(value, limit):
    """A free text cut to `limit` characters, its end marked "…" so that nobody takes it for
    the whole; RowWarning says it to the user."""
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def get_importer(kind, **options):
    try:
        path = IMPORTERS[kind]
    except KeyError:
        raise ImportRefused(
            _("Unknown import “%(kind)s”: choose one of %(kinds)s.")
            % {"kind": kind[:30], "kinds": ", ".join(sorted(IMPORTERS))}
        ) from None
    module, name = path.split(":")
    return getattr(import_module(module), name)(**options)


def check_size(size):
    limit = settings.MAX_IMPORT_BYTES
    if size > limit:
        raise ImportRefused(
            _("The file is %(size)s MB; an import takes at most %(limit)s MB.")
            % {"size": round(size / 1024 / 1024, 1), "limit": limit // 1024 // 1024}
        )


# Byte order marks, the longest first: UTF-32's little-endian mark begins like UTF-16's.
BYTE_ORDER_MARKS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def marked_encoding(data):
    """(encoding, length of its mark) when `data` starts with a byte order mark, else None."""
    for mark, encoding in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return encoding, len(mark)
    return None


def decode_text(data):
    """The file's text: as its byte order mark says (UTF-8, UTF-16 or UTF-32, as Excel and
    Windows tools save "Unicode text"), else UTF-8, else Windows-1252; binary is refused."""
    marked = marked_encoding(data)
    if marked:
        encoding, skip = marked
        try:
            text = data[skip:].decode(encoding)
        except UnicodeDecodeError:
            raise ImportRefused(
                _("The file starts as %(encoding)s text but is not: it is damaged.")
                % {"encoding": encoding.upper()}
            ) from None
        if "\x00" in text[:8192]:
            raise ImportRefused(_("This is not a text file."))
        return text
    if b"\x00" in data[:8192]:
        raise ImportRefused(
            _("This is not a text file (or it is UTF-16 saved without its byte order mark: "
              "save it again as UTF-8).")
        )  # fmt: skip
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportRefused(
                _("The file's text encoding is not UTF-8 or Windows-1252.")
            ) from None
