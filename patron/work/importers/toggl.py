"""Toggl Track's detailed report, as CSV."""

from datetime import datetime

from patron.system.importing import RowError
from patron.work.importers.common import TimeImporter
from patron.work.importers.reading import REPORT_COLUMNS, LocalClock, csv_rows, picker, wall_clock


class TogglImporter(TimeImporter):
    kind = "toggl"
    REQUIRED = ["Project", "Description", "Start date", "Start time", "End date", "End time"]
    TIMES = ["Start date", "Start time", "End date", "End time", "Duration"]

    def read(self, data):
        index, lines = csv_rows(data, self.REQUIRED, "Toggl detailed report")
        pick = picker(index, REPORT_COLUMNS + self.TIMES)
        clock = LocalClock(self.zone)
        rows, errors, previous_end = [], [], None
        for number, cells in lines:
            values = pick(cells)
            start_date, start_time, end_date, end_time, duration = values[8:]
            try:
                # An offset written with a time is ignored: its wall-clock time counts.
                start = datetime.fromisoformat(f"{start_date}T{start_time}").replace(tzinfo=None)
                end = datetime.fromisoformat(f"{end_date}T{end_time}").replace(tzinfo=None)
            except ValueError:
                errors.append(RowError(number, "its start or end is not a date and time."))
                continue
            if duration.startswith("-") and end > start:
                errors.append(RowError(number, "its duration is negative."))
                continue
            try:
                start, end = wall_clock(start, end, clock, duration, previous_end)
            except OverflowError:  # year 1 or 9999 once in UTC
                errors.append(RowError(number, "its start or end is not a date and time."))
                continue
            previous_end = end
            rows.append(self.report_row(number, values, start, end))
        return rows, errors
