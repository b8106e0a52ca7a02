"""CSV exports that a spreadsheet cannot turn against the user.

A cell starting with =, +, -, @, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets (`=HYPERLINK(…)`, `=cmd|…`);
such cells get a leading apostrophe, which spreadsheets show as text.
"""

import csv

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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

    def lines():
        yield "\ufeff" + writer.writerow([neutralise(v) for v in header])
        for row in rows:
            yield writer.writerow([neutralise(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
