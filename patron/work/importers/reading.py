"""Reading what the trackers' files hold: cells, CSV files with their header found,
dates and times in the formats users' settings give, wall-clock times to UTC, and the
fingerprint that recognises a row imported before."""

import csv
import hashlib
import io
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ValidationError

from patron.system.importing import ImportRefused, decode_text
from patron.work.timing import parse_duration

NO_PROJECT = "No project"
YES = {"yes", "true", "1", "y", "oui"}


def cell_text(value):
    """A cell's text, whitespace collapsed; never cut: check_row says what is too long."""
    return " ".join((value or "").split())


def fingerprint(kind, *parts):
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
    return f"{kind}:{digest}"


TWO_DIGITS = [f"{n:02}" for n in range(100)]  # "00" to "99"


def stamp(moment):
    """YYYYMMDDHHMMSS as f"{moment:%Y%m%d%H%M%S}" writes it (sources depend on it), faster.

    Two digits taken from a list cost a third less than formatting them with %02d,
    and a large import stamps two times a row.
    """
    two = TWO_DIGITS
    return (
        f"{moment.year}{two[moment.month]}{two[moment.day]}"
        f"{two[moment.hour]}{two[moment.minute]}{two[moment.second]}"
    )


# Reading CSV files


def csv_rows(data, required, kind):
    """(header index, (line number, cells) for each line) after the header line found
    among the first lines.

    The lines are read as they are asked for: a large file's cells are not all held
    at once (a third of a 100,000-line import's memory, and its page faults).
    """
    text = decode_text(data)
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    # strict: a quote left open is an error, not the rest of the file read as one cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    wanted = {name.casefold() for name in required}
    with unreadable_csv(reader):
        for cells in reader:
            names = [c.strip().lstrip("\ufeff").casefold() for c in cells]
            if wanted <= set(names):
                index = {name: i for i, name in reversed(list(enumerate(names)))}
                return index, lines_after(reader)
            if reader.line_num >= 20:
                break
    raise ImportRefused(
        f"This is not a {kind} export: no header line with {', '.join(required)} was found."
    )


def lines_after(reader):
    """(line number, cells) of each line left that is not empty, as they are read."""
    with unreadable_csv(reader):
        for cells in reader:
            if any(cells):
                yield reader.line_num, cells


@contextmanager
def unreadable_csv(reader):
    try:
        yield
    except csv.Error as e:
        raise ImportRefused(
            f"This is not a readable CSV file (line {reader.line_num}: {e})."
        ) from e


def picker(index, names):
    """A function from a line's cells to the named columns' stripped values, in order.

    A column the header lacks, or a line cut short, reads as empty.
    """
    width = max(index.values()) + 1
    positions = [index.get(name.casefold(), -1) for name in names]

    def pick(cells):
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        cells.append("")  # what position -1, a missing column, reads
        return [cells[i].strip() for i in positions]

    return pick


def tags_of(text):
    return tuple(t for t in (cell_text(t) for t in text.split(",")) if t)


DATE_FORMATS = ["%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d"]
TIME_FORMATS = ["%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p"]


def date_format(values):
    """The first format that reads every value: US month/day wins when both would."""
    values = [v for v in values if v]
    for fmt in DATE_FORMATS:
        try:
            for value in values:
                datetime.strptime(value, fmt)  # noqa: DTZ007 -- a date only
        except ValueError:
            continue
        return fmt
    return None


def read_date(value, fmt):
    if fmt == "%Y-%m-%d":
        return date.fromisoformat(value)
    return datetime.strptime(value, fmt).date()  # noqa: DTZ007 -- a date only


def read_time(value):
    value = value.strip().upper()
    if "M" not in value:  # 24-hour clock: the fast path
        return time.fromisoformat(value if value.count(":") else value + ":00")
    for fmt in ("%I:%M:%S %p", "%I:%M %p", "%I:%M:%S%p", "%I:%M%p"):
        try:
            return datetime.strptime(value, fmt).time()  # noqa: DTZ007 -- a time only
        except ValueError:
            continue
    raise ValueError(value)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NAIVE_EPOCH = EPOCH.replace(tzinfo=None)


class LocalClock:
    """Wall-clock times of one zone to UTC, the zone's rules looked up once per day.

    On a day the clocks do not change, every time of the day has the same UTC
    offset, so a time's UTC is the epoch plus its distance from the day's
    `origin`, the wall-clock reading of the epoch at that offset: a subtraction
    and an addition, where replace(tzinfo=…) alone costs five times both (it is
    what a large import spent most of its reading on: zoneinfo for every time
    makes a 100,000-row Toggl import 1.33x as long). The few days the clocks
    change (None in `days`) go through zoneinfo time by time.
    """

    def __init__(self, zone):
        self.zone = zone
        self.days = {}  # date -> its origin, or None

    def origin(self, day):
        try:
            return self.days[day]
        except KeyError:
            pass
        try:
            ends = (datetime.combine(day, time.min), datetime.combine(day + timedelta(1), time.min))
        except OverflowError:  # 9999-12-31
            ends = ()
        # Both readings of both midnights: any change that day makes them differ.
        found = {self.zone.utcoffset(e.replace(fold=fold)) for e in ends for fold in (0, 1)}
        self.days[day] = NAIVE_EPOCH + found.pop() if len(found) == 1 else None
        return self.days[day]

    def utc(self, moment, fold=0):
        """The UTC time of a local time; fold=1 takes the second of a repeated hour.

        An offset written with the time ("09:00+02:00") is ignored: the wall-clock
        reading is what counts, as it always was.
        """
        if moment.tzinfo is not None:
            moment = moment.replace(tzinfo=None)
        origin = self.origin(moment.date())
        if origin is None:
            return moment.replace(tzinfo=self.zone, fold=fold).astimezone(UTC)
        return EPOCH + (moment - origin)


def local(day, moment, clock):
    return clock.utc(datetime.combine(day, moment))


def wall_clock(start, end, clock, duration="", after=None):
    """UTC start and end of an entry typed in local time, the autumn's repeated hour included.

    02:30 happens twice the night clocks go back: when the end read first would
    fall before the start, the end is the second 02:30; the Duration column, when
    given, is the real length and settles it. A start in that hour is the second
    one when the first would fall before `after`, the end of the row before
    (exports list entries in order).
    """
    if start.tzinfo is not None or end.tzinfo is not None:  # as in LocalClock.utc
        start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
    first, last = clock.origin(start.date()), clock.origin(end.date())
    if first is not None and last is not None:  # no clock change either day: one reading each
        return EPOCH + (start - first), EPOCH + (end - last)
    begin, finish = clock.utc(start), clock.utc(end)
    second = clock.utc(start, fold=1)
    if after is not None and begin < after <= second:
        begin = second
    later = clock.utc(end, fold=1)
    if duration and ":" in duration and not duration.startswith("-"):
        try:
            real = begin + timedelta(seconds=seconds_of(duration))
        except ValueError:
            real = None
        if real in (finish, later):
            return begin, real
    if finish <= begin < later:
        return begin, later
    return begin, finish


def seconds_of(text):
    """Seconds from "1:30:00", "1.5" or "1,5" (hours); ValueError otherwise."""
    text = text.strip()
    if text.startswith("-"):
        raise ValueError("negative")
    if ":" in text:
        parts = text.split(":")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            return int(parts[0]) * 3600 + int(parts[1]) * 60 + int(parts[2])
    try:
        return parse_duration(text)
    except ValidationError:
        raise ValueError(text) from None


REPORT_COLUMNS = ["User", "Email", "Client", "Project", "Task", "Description", "Billable", "Tags"]
