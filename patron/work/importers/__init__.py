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

Speed. Two tricks stay, each for a clear factor on a whole 100,000-row Toggl
import (`bench/report.py --import-only --ab`: each variant alternated with the
current code in one process, CPU time, medians of 5 rounds on a shared machine):
- `writing.insert_entries`: checked rows go in as raw multi-row INSERTs, where
  bulk_create prepares every field of every object: with bulk_create
  (batch_size=1000) the import takes 3.0x as long on SQLite, 1.6x on PostgreSQL
  (there in wall-clock time: the server's work is not the process's CPU);
- `reading.LocalClock`: a wall-clock time becomes UTC by epoch arithmetic on
  days the clocks do not change, instead of zoneinfo for each time: 1.33x
  (1.5x among the tricks dropped since).
Weighed and dropped (the import 1.05 to 1.19x as long without each, the
threshold being 1.3x): the cycle collector paused, timestamps formatted by hand,
a 64 MiB SQLite page cache, INSERT OR FAIL, UTC text made by hand for SQLite,
cached name cleaning. Together they bought more than any alone: the whole
`patron import toggl` of those rows took 3.3 s with them, 5.2 s without
(about 30,000 and 19,000 rows/s, alternated runs on a quiet machine); restore
the largest two (timestamps, UTC text: 1.19x and 1.17x) before any other if the
import must be faster.
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
