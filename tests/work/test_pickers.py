"""Search pickers instead of menus of every project or contact (patron/system/picker.py)."""

import pytest

from patron.contacts.models import Contact
from patron.work.models import Project, TimeEntry
from patron.work.timing import running_entry


@pytest.fixture
def projects(db):
    client = Contact.objects.create(is_organisation=True, name="Brasserie Vos", is_client=True)
    old_client = Contact.objects.create(is_organisation=True, name="Old Client", is_client=True)
    return {
        "live": Project.objects.create(name="Live project", client=client),
        "old": Project.objects.create(name="Old project", client=old_client, status="done"),
        "twin": Project.objects.create(name="Twin"),
        "twin2": Project.objects.create(name="twin"),
    }


def matches(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.text


def test_list_pages_render_the_chosen_filter_not_every_project(owner_client, projects):
    page = owner_client.get("/app/work/time/").text
    assert "Live project" not in page and "Old project" not in page
    page = owner_client.get(f"/app/work/time/?project={projects['old'].pk}").text
    assert 'value="Old project"' in page
    page = owner_client.get("/app/work/expenses/").text
    assert "Live project" not in page
    response = owner_client.get(f"/app/work/expenses/?project={projects['old'].pk}")
    assert 'value="Old project"' in response.text and not response.context["filters"].errors
    old_client = projects["old"].client
    page = owner_client.get(f"/app/work/?client={old_client.pk}&status=done").text
    assert 'value="Old Client"' in page and "Brasserie Vos" not in page


def test_the_project_search_offers_matches_by_scope(owner_client, projects):
    open_only = matches(owner_client, "/app/work/projects/pick/?scope=open&q=PROJ")
    assert "Live project" in open_only and "Brasserie Vos" in open_only
    assert "Old project" not in open_only
    everything = matches(owner_client, "/app/work/projects/pick/?scope=all&q=project")
    assert "Live project" in everything and "Old project" in everything
    assert "Nothing matches." in matches(owner_client, "/app/work/projects/pick/?scope=open&q=zzz")
    # An unknown scope offers nothing rather than everything.
    assert "Live" not in matches(owner_client, "/app/work/projects/pick/?scope=secret&q=")


def test_the_search_shows_at_most_twenty_matches(owner_client, db):
    Project.objects.bulk_create(Project(name=f"Project {n:03}") for n in range(60))
    html = matches(owner_client, "/app/work/projects/pick/?scope=all&q=")
    assert html.count('role="option"') == 20


def test_hostile_and_huge_searches_are_harmless(owner_client, projects):
    Project.objects.create(name="<script>alert(1)</script>")
    html = matches(owner_client, "/app/work/projects/pick/?scope=all&q=<script>")
    assert "<script>" not in html and "&lt;script&gt;" in html
    html = matches(owner_client, "/app/work/projects/pick/?scope=all&q=" + "a" * 100_000)
    assert "Nothing matches." in html
    # Control characters are dropped (PostgreSQL would refuse a NUL): the first matches.
    html = matches(owner_client, "/app/work/projects/pick/?scope=all&exclude=1e9&q=%00%1b")
    assert "Live project" in html
    owner_client.post("/app/work/timer/start/", {"project_search": "Live\x00 project"}, follow=True)
    assert running_entry().project == projects["live"]


def test_the_search_needs_the_owner(client, projects):
    response = client.get("/app/work/projects/pick/?scope=all&q=live")
    assert response.status_code == 302 and "Live" not in response.text
    response = client.get("/app/contacts/pick/?scope=any&q=vos")
    assert response.status_code == 302


def test_the_contact_search_offers_organisations_and_leaves_out_the_contact_itself(
    owner_client, db
):
    acme = Contact.objects.create(is_organisation=True, name="Acme")
    ada = Contact.objects.create(first_name="Ada", last_name="Acmeson", organisation=acme)
    orgs = matches(owner_client, "/app/contacts/pick/?scope=organisations&q=acme")
    assert "Acme" in orgs and "Ada" not in orgs
    anyone = matches(owner_client, f"/app/contacts/pick/?scope=any&q=acme&exclude={acme.pk}")
    assert "Ada Acmeson" in anyone and "<small>Acme</small>" in anyone
    assert f'data-pk="{acme.pk}"' not in anyone
    page = owner_client.get(f"/app/contacts/{ada.pk}/edit/").text
    assert f"exclude={ada.pk}" in page and 'value="Acme"' in page


def test_the_timer_starts_from_a_name_typed_without_javascript(owner_client, projects):
    response = owner_client.post(
        "/app/work/timer/start/", {"project": "", "project_search": "live PROJECT"}
    )
    assert response.status_code == 302
    assert running_entry().project == projects["live"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Nope", "Nothing matches “Nope”: choose from the list."),
        ("twin", "Several match “twin”: choose one from the list."),
        ("Old project", "Nothing matches “Old project”"),  # finished: not for the timer
    ],
)
def test_a_name_that_is_not_one_project_is_refused(owner_client, projects, typed, message):
    response = owner_client.post(
        "/app/work/timer/start/", {"project_search": typed}, HTTP_HX_REQUEST="true"
    )
    assert message in response.text
    assert not TimeEntry.objects.exists()


def test_text_typed_over_a_choice_wins(owner_client, projects):
    """The id left from an earlier pick does not count once the box says something else."""
    response = owner_client.post(
        "/app/work/timer/start/",
        {"project": projects["twin"].pk, "project_search": "Live project"},
    )
    assert response.status_code == 302
    assert running_entry().project == projects["live"]


def test_a_cleared_box_is_no_choice(owner_client, db):
    acme = Contact.objects.create(is_organisation=True, name="Acme")
    ada = Contact.objects.create(first_name="Ada", last_name="Lovelace", organisation=acme)
    response = owner_client.post(
        f"/app/contacts/{ada.pk}/edit/",
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "organisation": acme.pk,
            "organisation_search": "",
            "language": "en",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    ada.refresh_from_db()
    assert ada.organisation is None


def test_a_project_is_created_for_a_client_picked_by_name(owner_client, projects):
    response = owner_client.post(
        "/app/work/projects/new/",
        {
            "name": "New site",
            "client_search": "brasserie vos",
            "status": "active",
            "billing_mode": "hourly",
            "billing_increment_minutes": 1,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Project.objects.get(name="New site").client == projects["live"].client


@pytest.mark.parametrize(
    "url", ["/app/contacts/new/", "/app/work/projects/new/", "/app/work/time/new/", "/app/"]
)
def test_forms_cost_the_same_however_many_contacts_and_projects(owner_client, db, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost():
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(url).status_code == 200
        return len(queries)

    before = cost()
    Contact.objects.bulk_create(
        Contact(is_organisation=True, name=f"Org {n}", is_client=True) for n in range(40)
    )
    Project.objects.bulk_create(Project(name=f"Project {n}") for n in range(40))
    assert cost() == before
    assert "Org 7" not in owner_client.get(url).text
    assert "Project 7" not in owner_client.get(url).text


def test_the_entry_form_offers_the_open_tasks_of_the_chosen_project(owner_client, projects):
    from patron.work.models import Task

    live, twin = projects["live"], projects["twin"]
    Task.objects.create(project=live, title="Wireframes")
    Task.objects.create(project=live, title="Shipped", status="done")
    Task.objects.create(project=twin, title="Other work")
    html = owner_client.get(f"/app/work/time/task-menu/?project={live.pk}").text
    assert "Wireframes" in html and "Shipped" not in html and "Other work" not in html
    assert 'id="entry-task"' in html
    html = owner_client.get("/app/work/time/task-menu/?project=<x>").text
    assert "Wireframes" not in html and "Other work" not in html
    other = Task.objects.get(title="Other work")
    response = owner_client.post(
        "/app/work/time/new/",
        {
            "project": live.pk,
            "task": other.pk,
            "day": "2026-03-02",
            "start_time": "09:00",
            "duration": "1h",
        },
    )
    assert response.status_code == 200 and not TimeEntry.objects.exists()
    assert "Select a valid choice" in response.text
