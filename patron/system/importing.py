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

# KIND of `patron import KIND FILE` -> "module:Class" of its importer.
IMPORTERS = {
    "linkedin": "patron.contacts.importers:LinkedInImporter",
    "vcard": "patron.contacts.importers:VCardImporter",
    "toggl": "patron.work.importers:TogglImporter",
    "clockify": "patron.work.importers:ClockifyImporter",
    "harvest": "patron.work.importers:HarvestImporter",
    "watson": "patron.work.importers:WatsonImporter",
}


class ImportRefused(Exception):
    """The file as a whole cannot be imported (too large, not text, wrong format)."""


@dataclass
class RowError:
    row: int  # as the user counts: the line of the file, or the card/frame number
    message: str

    def __str__(self):
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class ImportPlan:
    """What an import would do, before it does anything."""

    items: list = field(default_factory=list)  # the importer's own parsed rows
    errors: list = field(default_factory=list)  # RowError
    counts: dict = field(default_factory=dict)  # e.g. {"create": 12, "merge": 3, "skip": 1}

    @property
    def ok(self):
        return not self.errors


def get_importer(kind):
    try:
        path = IMPORTERS[kind]
    except KeyError:
        raise ImportRefused(
            _("Unknown import “%(kind)s”: choose one of %(kinds)s.")
            % {"kind": kind[:30], "kinds": ", ".join(sorted(IMPORTERS))}
        ) from None
    module, name = path.split(":")
    return getattr(import_module(module), name)()


def check_size(size):
    limit = settings.MAX_IMPORT_BYTES
    if size > limit:
        raise ImportRefused(
            _("The file is %(size)s MB; an import takes at most %(limit)s MB.")
            % {"size": round(size / 1024 / 1024, 1), "limit": limit // 1024 // 1024}
        )


def decode_text(data):
    """The file's text: UTF-8 (with or without BOM), else Windows-1252; binary is refused."""
    if b"\x00" in data[:8192]:
        raise ImportRefused(_("This is not a text file."))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportRefused(
                _("The file's text encoding is not UTF-8 or Windows-1252.")
            ) from None
