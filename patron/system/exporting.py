"""CSV exports that a spreadsheet cannot turn against the user.

A cell starting with =, +, -, @, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets (`=HYPERLINK(…)`, `=cmd|…`);
such cells get a leading apostrophe, which spreadsheets show as text.

Rows are produced while the response streams, after the view has returned and
the middleware has put the business time zone away: the language and time
zone of the request are set again around them.
"""

import csv
import itertools

from django.http import StreamingHttpResponse
from django.utils import timezone, translation

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_BATCH = 500


def neutralise(value):
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        # A plain negative number stays a number.
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


class Echo:
    def write(self, value):
        return value


def csv_response(filename, header, rows):
    """Stream header and rows (iterables of values) as a UTF-8 CSV download (BOM for Excel)."""
    writer = csv.writer(Echo())
    language, zone = translation.get_language(), timezone.get_current_timezone()

    def write(values):
        return writer.writerow([neutralise(v) for v in values])

    def lines():
        # Rows are made (queried, translated) and written under the request's settings,
        # a batch at a time: one switch of language and zone per batch, not per row.
        remaining = iter(rows)
        first = True
        while True:
            with translation.override(language), timezone.override(zone):
                batch = ["\ufeff" + write(header)] if first else []
                batch += [write(row) for row in itertools.islice(remaining, ROWS_PER_BATCH)]
            if not batch:
                return
            first = False
            yield "".join(batch)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
