"""What every import shares: reading the file, the plan shown before anything is
written, row-numbered errors, and the registry behind `patron import KIND FILE`.

An importer reads the whole file and checks every row first (`plan`), writing
nothing; only a plan without errors may be applied (`apply`), in one
transaction: all rows or none. Importing the same file twice adds nothing the
second time: importers recognise what they already brought in.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from patron.system import registry


def describe_counts(counts):
    """An importer's counts in words, with the right plural forms: 4 time entries, 1 new client
    (the phrases are each importer's own: registry.import_phrases)."""
    phrases = registry.import_phrases()
    return ", ".join(
        phrases[what] % {"count": count} if what in phrases else f"{count} {what}"
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
        path = registry.importers()[kind]
    except KeyError:
        raise ImportRefused(
            _("Unknown import “%(kind)s”: choose one of %(kinds)s.")
            % {"kind": kind[:30], "kinds": ", ".join(sorted(registry.importers()))}
        ) from None
    return registry.load(path)(**options)


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
            _(
                "This is not a text file (or it is UTF-16 saved without its byte order mark: "
                "save it again as UTF-8)."
            )
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportRefused(
                _("The file's text encoding is not UTF-8 or Windows-1252.")
            ) from None
