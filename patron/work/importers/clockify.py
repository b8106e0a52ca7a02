"""Clockify's detailed report, as CSV, in the date and time formats of the user's settings."""

from datetime import timedelta

from patron.system.importing import ImportRefused, RowError
from patron.work.importers.common import TimeImporter
from patron.work.importers.reading import (
    REPORT_COLUMNS,
    LocalClock,
    csv_rows,
    date_format,
    local,
    picker,
    read_date,
    read_time,
    seconds_of,
)


class ClockifyImporter(TimeImporter):
    kind = "clockify"
    REQUIRED = ["Project", "Start Date", "Start Time"]
    TIMES = [
        "Start Date", "Start Time", "End Date", "End Time", "Duration (h)", "Duration (decimal)",
    ]  # fmt: skip

    def read(self, data):
        index, lines = csv_rows(data, self.REQUIRED, "Clockify detailed report")
        pick = picker(index, REPORT_COLUMNS + self.TIMES)
        records = [(number, pick(cells)) for number, cells in lines]
        fmt = date_format([v for _n, values in records for v in (values[8], values[10])])
        if fmt is None and records:
            raise ImportRefused(
                "The dates of this file are in no format Patron knows "
                "(YYYY-MM-DD, MM/DD/YYYY, DD/MM/YYYY, DD.MM.YYYY)."
            )
        clock = LocalClock(self.zone)
        rows, errors = [], []
        for number, values in records:
            start_date, start_time, end_date, end_time, hours, decimal = values[8:]
            try:
                start = local(read_date(start_date, fmt), read_time(start_time), clock)
            except (ValueError, OverflowError):
                errors.append(RowError(number, "its start is not a date and time."))
                continue
            if end_date and end_time:
                try:
                    end = local(read_date(end_date, fmt), read_time(end_time), clock)
                except (ValueError, OverflowError):
                    errors.append(RowError(number, "its end is not a date and time."))
                    continue
            else:
                duration = hours or decimal
                try:
                    end = start + timedelta(seconds=seconds_of(duration))
                except ValueError:
                    errors.append(RowError(number, f"“{duration[:20]}” is not a duration."))
                    continue
            rows.append(self.report_row(number, values, start, end))
        return rows, errors
