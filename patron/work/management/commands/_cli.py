"""What the time commands share: the business's clock, reading --at and dates, errors.

The command line speaks English (its own strings are not translated); the
messages of the time rules come out in English too, so a line never mixes two
languages.
"""

import re
from argparse import ArgumentTypeError
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.management.base import CommandError
from django.utils import timezone, translation

from patron.business.profile import get_business
from patron.work.timing import format_duration

CLOCK = re.compile(r"(?:(\d{4}-\d{2}-\d{2})[ T])?(\d{1,2}):(\d{2})", re.ASCII)


def use_business_clock():
    """English messages, times in the business's time zone; returns the business (or None)."""
    translation.activate("en")
    business = get_business()
    if business is not None:
        timezone.activate(ZoneInfo(business.time_zone))
    return business


def refused(error):
    """A CommandError (exit code 1, message on stderr) from a ValidationError."""
    return CommandError(" ".join(error.messages))


def parse_at(text, now=None):
    """An aware datetime from "HH:MM" (today, local time) or "YYYY-MM-DD HH:MM"."""
    match = CLOCK.fullmatch((text or "").strip())
    if not match:
        raise CommandError(f"“{text[:20]}” is not a time: give it as HH:MM or YYYY-MM-DD HH:MM.")
    day, hour, minute = match.groups()
    now = timezone.localtime(now)
    try:
        on = date.fromisoformat(day) if day else now.date()
        zone = timezone.get_current_timezone()
        return datetime(on.year, on.month, on.day, int(hour), int(minute), tzinfo=zone)
    except ValueError:
        raise CommandError(f"“{text[:20]}” is not a time of day.") from None


def parse_day(text, option):
    """A date from YYYY-MM-DD, "today" or "yesterday"."""
    value = (text or "").strip().lower()
    today = timezone.localdate()
    if value == "today":
        return today
    if value == "yesterday":
        return today - timedelta(days=1)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} wants a date as YYYY-MM-DD, not “{text[:20]}”.") from None


def date_option(option):
    """An argparse type reading a date for `option`; a bad one is a usage error (argparse's
    message and exit code), not a traceback."""

    def read(text):
        try:
            return parse_day(text, option)
        except CommandError as error:
            raise ArgumentTypeError(str(error)) from None

    return read


def date_range(options):
    start_on = parse_day(options["from"], "--from") if options.get("from") else None
    end_on = parse_day(options["to"], "--to") if options.get("to") else None
    if start_on and end_on and end_on < start_on:
        raise CommandError("--to comes before --from.")
    return start_on, end_on


def clock(moment):
    return f"{timezone.localtime(moment):%H:%M}"


def describe(entry, now=None):
    """“Website (+dev +call) since 09:30, 1h05” for a running entry or its finished form."""
    tags = " ".join(f"+{t.name}" for t in entry.tags.all())
    what = entry.project.name
    if entry.task_id:
        what += f" / {entry.task.title}"
    if tags:
        what += f" ({tags})"
    return what, format_duration(entry.elapsed_seconds(now))
