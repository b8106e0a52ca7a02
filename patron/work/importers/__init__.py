"""Time from other trackers: Toggl Track and Clockify detailed CSV, Harvest's
detailed time report, Watson's `frames` file (formats in
docs/facts/imports.md).

Every importer turns its file into `Row`s, then `TimeImporter.plan` checks them
all against Patron's rules before anything is written:

1. each row on its own: a project, a start before its end, at most a day;
2. rows already imported (their `source` is known) are skipped, so importing
   a file twice adds nothing;
3. the rest must not overlap each other or the entries already in Patron: real
   trackers allow parallel entries, Patron does not, so an overlap is a row
   error, named with both sides, and the user fixes the file (or the entry).
   The check is one sort-and-sweep over the rows and the entries of the same
   period, not a query per row;
4. clients (organisations marked as clients) and projects are matched by name
   ignoring case, and created when missing; so are tasks and tags.

`apply` writes all of it in one transaction with bulk inserts in chunks.
Times in CSV files are the wall-clock times of the business's time zone.

The modules: one per source (toggl, clockify, harvest, watson) reads its file
into rows; `reading` holds what they share (CSV with its header found, dates,
wall-clock times to UTC, fingerprints), `common` the row, the plan's checks and
apply, `matching` the names, `writing` the inserts.

Speed. Four tricks stay, measured on a whole 100,000-row Toggl import
(`bench/report.py --import-only --ab`: each variant alternated with the current
code in one process, CPU time, medians of the rounds on a shared machine; the
import as a whole took 3.7 s of CPU with all four, 15.8 s with none):
- `writing.insert_entries`: checked rows go in as raw multi-row INSERTs, where
  bulk_create prepares every field of every object: with bulk_create
  (batch_size=1000) the import takes 3.0 to 3.6x as long on SQLite, 1.6x on
  PostgreSQL (there in wall-clock time: the server's work is not the process's CPU);
- `reading.LocalClock`: a wall-clock time becomes UTC by epoch arithmetic on
  days the clocks do not change, instead of zoneinfo for each time: 1.33 to 1.38x;
- `reading.stamp`: the sources' timestamps written from a table of two-digit
  strings rather than by strftime: 1.17x;
- `writing.utc_adapter`: on SQLite, UTC text made from the epoch arithmetic
  instead of Django's adapter checking each value: 1.14x.
The last two are small alone but together keep the import above 20,000 rows/s
(1.33x). Weighed and dropped (1.05 to 1.09x each): the cycle collector paused,
a 64 MiB SQLite page cache, INSERT OR FAIL, cached name cleaning.
"""

from patron.work.importers.clockify import ClockifyImporter
from patron.work.importers.common import PHRASES, Row, TimeImporter
from patron.work.importers.harvest import HarvestImporter
from patron.work.importers.toggl import TogglImporter
from patron.work.importers.watson import WatsonImporter

__all__ = [
    "PHRASES",
    "ClockifyImporter",
    "HarvestImporter",
    "Row",
    "TimeImporter",
    "TogglImporter",
    "WatsonImporter",
]
