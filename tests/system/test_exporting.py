import pytest

from patron.system.exporting import csv_response, neutralise


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+33 1 23", "'+33 1 23"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-12.50", "-12.50"),
        ("\tTab", "'\tTab"),
        ("Plain", "Plain"),
        (None, ""),
        (42, "42"),
    ],
)
def test_cells_that_spreadsheets_would_run_are_neutralised(value, expected):
    assert neutralise(value) == expected


def test_a_csv_download_streams_with_a_bom_and_quoting():
    response = csv_response("x.csv", ["name", "note"], [["=1+1", 'say "hi", then go']])
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeffname,note")
    assert "'=1+1" in body and '"say ""hi"", then go"' in body
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'


def test_rows_are_written_in_the_language_of_the_request_even_when_streamed_later():
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    with translation.override("fr"):
        response = csv_response("x.csv", [gettext_lazy("Project")], ([gettext_lazy("yes")],))
    # The server streams after the view has returned, when the language may be another.
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines() == ["Projet", "oui"]
