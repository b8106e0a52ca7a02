"""Harvest's detailed time report: hours per day, no clock times."""

from datetime import time, timedelta

from patron.system.importing import ImportRefused, RowError
from patron.work.importers.common import Row, TimeImporter
from patron.work.importers.reading import (
    NO_PROJECT,
    YES,
    LocalClock,
    cell_text,
    csv_rows,
    date_format,
    fingerprint,
    local,
    picker,
    read_date,
    seconds_of,
)

HARVEST_DAY_STARTS = time(9, 0)


class HarvestImporter(TimeImporter):
    """Harvest has hours per day, no clock times: each day's rows are laid end to end
    from 09:00 in the order of the file, so the same file always gives the same times."""

    kind = "harvest"
    REQUIRED = ["Date", "Project", "Hours"]
    COLUMNS = [
        "Date", "Client", "Project", "Task", "Notes", "Hours", "First Name", "Last Name",
        "Billable?",
    ]  # fmt: skip

    def read(self, data):
        index, lines = csv_rows(data, self.REQUIRED, "Harvest detailed time report")
        pick = picker(index, self.COLUMNS)
        records = [(number, pick(cells)) for number, cells in lines]
        fmt = date_format([values[0] for _n, values in records])
        if fmt is None and records:
            raise ImportRefused("The dates of this file are not YYYY-MM-DD or M/D/YYYY.")
        clock = LocalClock(self.zone)
        rows, errors, next_start, seen = [], [], {}, {}
        for number, values in records:
            day, client, project, task, notes, hours, _first, _last, billable = values
            try:
                day = read_date(day, fmt)
            except ValueError:
                errors.append(RowError(number, f"“{values[0][:20]}” is not a date."))
                continue
            try:
                seconds = seconds_of(hours)
            except ValueError:
                errors.append(RowError(number, f"“{hours[:20]}” is not a number of hours."))
                continue
            try:
                start = next_start.get(day) or local(day, HARVEST_DAY_STARTS, clock)
            except OverflowError:
                errors.append(RowError(number, f"“{values[0][:20]}” is not a date."))
                continue
            end = start + timedelta(seconds=seconds)
            next_start[day] = end
            identity = tuple(values[:8])
            # Two identical lines are two entries: count them apart.
            occurrence = seen[identity] = seen.get(identity, 0) + 1
            rows.append(
                Row(
                    number=number,
                    client=cell_text(client),
                    project=cell_text(project) or NO_PROJECT,
                    task=cell_text(task),
                    note=cell_text(notes),
                    start=start,
                    end=end,
                    billable=billable.casefold() in YES if billable else True,
                    source=fingerprint(self.kind, *identity, str(occurrence)),
                )
            )
        return rows, errors
