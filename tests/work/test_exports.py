"""CSV exports of the project list and the time entries: the page's filters, safe cells."""

import csv
import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from patron.contacts.models import Contact
from patron.work.models import Project, Tag, Task, TimeEntry
from patron.work.timing import do_save_entry

FORMULA = '=HYPERLINK("http://evil.example","click")'
BRUSSELS = ZoneInfo("Europe/Brussels")


def rows_of(response):
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def add_entry(project, day, hour, seconds, **fields):
    start = datetime.combine(day, time(hour), tzinfo=BRUSSELS)
    return do_save_entry(
        TimeEntry(project=project, start=start, end=start + timedelta(seconds=seconds), **fields)
    )


@pytest.fixture
def acme(db):
    return Contact.objects.create(is_organisation=True, name="Acme", is_client=True)


@pytest.fixture
def website(acme):
    return Project.objects.create(
        name="Website", client=acme, rate=Decimal("95.00"), due_on=date(2025, 6, 30)
    )


@pytest.fixture
def brochure(db):
    return Project.objects.create(name="Brochure", status=Project.Status.DONE)


# Projects


def test_the_project_export_has_the_filtered_projects(owner_client, website, brochure):
    add_entry(website, date(2025, 3, 3), 9, 5400)
    Task.objects.create(project=website, title="Wireframes")
    rows = rows_of(owner_client.get("/app/work/", {"status": "active", "format": "csv"}))
    header, *body = rows
    assert header[:4] == ["Project", "Client", "Status", "Billing"]
    assert len(body) == 1
    line = dict(zip(header, body[0], strict=True))
    assert line["Project"] == "Website" and line["Client"] == "Acme"
    assert line["Status"] == "Active" and line["Rate"] == "95.00"
    assert line["Currency"] == "EUR"
    assert line["Due"] == "2025-06-30"
    assert line["Tracked (hours)"] == "1.50"
    assert line["Open tasks"] == "1"

    searched = rows_of(owner_client.get("/app/work/", {"q": "broch", "format": "csv"}))
    assert [row[0] for row in searched[1:]] == ["Brochure"]
    assert searched[1][1] == ""  # no client


def test_the_project_list_links_to_the_export_with_its_filters(owner_client, website, acme):
    response = owner_client.get("/app/work/", {"status": "active", "client": str(acme.pk)})
    assert f'href="?status=active&amp;client={acme.pk}&amp;format=csv"' in response.content.decode()
    # The link sits in the fragment htmx swaps, so it follows the filters as they change.
    fragment = owner_client.get("/app/work/", {"q": "web"}, HTTP_HX_REQUEST="true")
    assert 'href="?q=web&amp;format=csv"' in fragment.content.decode()


def test_formulas_in_project_and_client_names_are_neutralised(owner_client):
    client = Contact.objects.create(is_organisation=True, name=FORMULA, is_client=True)
    Project.objects.create(name=FORMULA, client=client, description="@SUM(1+1)")
    row = rows_of(owner_client.get("/app/work/", {"format": "csv"}))[1]
    assert row[0] == "'" + FORMULA and row[1] == "'" + FORMULA
    assert row[-1] == "'@SUM(1+1)"


def test_the_project_export_speaks_french(owner_client, website):
    response = owner_client.get("/app/work/", {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="fr")
    header, row = rows_of(response)
    assert header[:4] == ["Projet", "Client", "Statut", "Facturation"]
    assert "Échéance" in header
    assert row[2] == "Actif"


# Time entries


@pytest.fixture
def entries(website, brochure):
    design = Tag.objects.create(name="design")
    web = Tag.objects.create(name="web")
    task = Task.objects.create(project=website, title="Wireframes")
    first = add_entry(website, date(2025, 3, 3), 9, 5400, note=FORMULA, task=task)
    first.tags.set([web, design])
    add_entry(website, date(2025, 3, 10), 14, 1800, note="call", billable=False)
    add_entry(brochure, date(2025, 3, 4), 9, 3600, note="print")
    return first


def test_the_time_export_has_the_filtered_entries(owner_client, website, entries):
    response = owner_client.get(
        "/app/work/time/",
        {"project": str(website.pk), "from": "2025-03-01", "to": "2025-03-09", "format": "csv"},
    )
    assert response["Content-Disposition"] == 'attachment; filename="time-entries.csv"'
    header, *body = rows_of(response)
    assert header == [
        "Start",
        "End",
        "Duration (hours)",
        "Project",
        "Client",
        "Task",
        "Note",
        "Tags",
        "Billable",
    ]
    assert body == [
        [
            "2025-03-03 09:00",
            "2025-03-03 10:30",
            "1.50",
            "Website",
            "Acme",
            "Wireframes",
            "'" + FORMULA,
            "design, web",
            "yes",
        ]
    ]
    everything = rows_of(owner_client.get("/app/work/time/", {"format": "csv"}))
    assert [row[6] for row in everything[1:]] == ["call", "print", "'" + FORMULA]
    assert everything[1][8] == "no"


def test_the_time_list_links_to_the_export_with_its_filters(owner_client, website, entries):
    response = owner_client.get(
        "/app/work/time/", {"project": str(website.pk), "from": "2025-03-01"}
    )
    html = response.content.decode()
    assert f'href="?project={website.pk}&amp;from=2025-03-01&amp;format=csv"' in html


def test_the_time_export_speaks_french(owner_client, entries):
    response = owner_client.get("/app/work/time/", {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="fr")
    header, *body = rows_of(response)
    assert header[:2] == ["Début", "Fin"]
    assert {"Projet", "Client", "Tâche", "Note", "Étiquettes", "Facturable"} <= set(header)
    assert [row[-1] for row in body] == ["non", "oui", "oui"]


def test_the_time_export_reads_each_chunk_of_tags_in_one_query(
    owner_client, website, django_assert_max_num_queries, monkeypatch
):
    from patron.work import exports

    monkeypatch.setattr(exports, "CHUNK", 10)
    tag = Tag.objects.create(name="web")
    start = datetime(2025, 3, 3, 9, tzinfo=BRUSSELS)
    made = TimeEntry.objects.bulk_create(
        TimeEntry(
            project=website,
            start=start + timedelta(hours=i),
            end=start + timedelta(hours=i, minutes=30),
            duration_seconds=1800,
        )
        for i in range(35)
    )
    TimeEntry.tags.through.objects.bulk_create(
        TimeEntry.tags.through(timeentry_id=entry.pk, tag_id=tag.pk) for entry in made
    )
    # A session and a user, the entries, and one query of tags per chunk of 10.
    with django_assert_max_num_queries(8):
        rows = rows_of(owner_client.get("/app/work/time/", {"format": "csv"}))
    assert len(rows) == 36 and all(row[7] == "web" for row in rows[1:])
