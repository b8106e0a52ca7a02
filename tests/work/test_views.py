"""The work pages: projects, tasks, time entries, the header timer and the week grid."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone

from patron.contacts.models import Contact
from patron.work.models import Project, Task, TimeEntry
from patron.work.projects import applicable_rate, value_of_time
from patron.work.timing import do_save_entry, do_start_timer
from patron.work.week import monday_of

HOSTILE = '<script>alert("x")</script>'
FORMULA = '=HYPERLINK("http://evil.example","click")'
BRUSSELS = timezone.get_fixed_timezone(60)


def local(day, hour, minute=0):
    """A time in the business's zone (Europe/Brussels), as the pages read it."""
    import zoneinfo

    return datetime.combine(day, time(hour, minute), tzinfo=zoneinfo.ZoneInfo("Europe/Brussels"))


def add_entry(project, day, hour, seconds, **fields):
    start = local(day, hour)
    return do_save_entry(
        TimeEntry(project=project, start=start, end=start + timedelta(seconds=seconds), **fields)
    )


@pytest.fixture
def acme(db):
    return Contact.objects.create(
        is_organisation=True, name="Acme", is_client=True, hourly_rate=Decimal("80")
    )


@pytest.fixture
def project(acme):
    return Project.objects.create(name="Website", client=acme)


@pytest.fixture
def outsider_client(client, business):
    user = get_user_model().objects.create_user("mallory", "m@example.com", "pw-pw-pw-pw")
    client.force_login(user)
    return client


PROJECT_FORM = {
    "name": "Brochure",
    "status": "active",
    "billing_mode": "hourly",
    "billing_increment_minutes": "15",
}


# Access


@pytest.mark.parametrize(
    "url", ["/app/work/", "/app/work/time/", "/app/work/week/", "/app/work/projects/new/"]
)
def test_an_outsider_gets_404(outsider_client, url):
    assert outsider_client.get(url).status_code == 404


def test_a_visitor_is_sent_to_log_in(client, business):
    response = client.get("/app/work/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# Projects


def test_a_project_is_created_with_a_new_client_typed_inline(owner_client):
    response = owner_client.post(
        "/app/work/projects/new/", {**PROJECT_FORM, "new_client": "  Globex   SA "}
    )
    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/app/work/projects/{project.pk}/"
    assert project.client.name == "Globex SA"
    assert project.client.is_client and project.client.is_organisation
    assert project.billing_increment_minutes == 15


def test_typing_an_existing_client_name_reuses_it(owner_client, acme):
    owner_client.post("/app/work/projects/new/", {**PROJECT_FORM, "new_client": "ACME"})
    assert Project.objects.get().client == acme
    assert Contact.objects.count() == 1


def test_choosing_a_client_and_typing_a_new_one_is_refused(owner_client, acme):
    response = owner_client.post(
        "/app/work/projects/new/", {**PROJECT_FORM, "client": acme.pk, "new_client": "Globex"}
    )
    assert response.status_code == 200
    assert "not both" in response.content.decode()
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"rate": "-5"}, "rate"),
        ({"rate": "abc"}, "rate"),
        ({"budget_hours": "-1"}, "budget_hours"),
        ({"billing_increment_minutes": "0"}, "billing_increment_minutes"),
        ({"start_on": "2025-05-02", "due_on": "2025-05-01"}, "due_on"),
        ({"status": "bogus"}, "status"),
        ({"rate": "1" * 30}, "rate"),
    ],
)
def test_bad_project_input_is_refused_with_a_message_and_changes_nothing(
    owner_client, changes, field
):
    response = owner_client.post("/app/work/projects/new/", {**PROJECT_FORM, **changes})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Project.objects.exists()


def test_hostile_names_are_stored_as_typed_and_shown_escaped(owner_client):
    owner_client.post("/app/work/projects/new/", {**PROJECT_FORM, "name": HOSTILE})
    owner_client.post("/app/work/projects/new/", {**PROJECT_FORM, "name": FORMULA})
    assert set(Project.objects.values_list("name", flat=True)) == {HOSTILE, FORMULA}
    page = owner_client.get("/app/work/").content.decode()
    assert HOSTILE not in page
    assert "&lt;script&gt;" in page


def test_editing_a_project_is_audited(owner_client, project):
    from patron.audit.models import AuditEntry

    response = owner_client.post(
        f"/app/work/projects/{project.pk}/edit/",
        {**PROJECT_FORM, "name": "Website 2", "client": project.client_id},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "Website 2"
    entry = AuditEntry.objects.get(action="update")
    assert entry.changes["name"] == ["Website", "Website 2"]


def test_project_list_filters_by_status_client_and_search(owner_client, acme):
    globex = Contact.objects.create(is_organisation=True, name="Globex", is_client=True)
    Project.objects.create(name="Alpha", client=acme)
    Project.objects.create(name="Beta", client=globex, status="done")
    Project.objects.create(name="Gamma", client=acme, status="lead")

    def names(**query):
        page = owner_client.get("/app/work/", query).context["page"]
        return [p.name for p in page.object_list]

    assert names() == ["Alpha", "Beta", "Gamma"]
    assert names(status="done") == ["Beta"]
    assert names(client=acme.pk) == ["Alpha", "Gamma"]
    assert names(q="glob") == ["Beta"]
    assert names(q="amm") == ["Gamma"]
    assert names(status="nonsense", client="x'; drop", q="a" * 500) == []


def test_project_list_htmx_returns_only_the_list(owner_client, project):
    response = owner_client.get("/app/work/", {"q": "web"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="project-list" hx-disable>')
    assert "Website" in html
    assert "<html" not in html


def test_project_list_costs_a_constant_number_of_queries(
    owner_client, acme, django_assert_max_num_queries
):
    for i in range(30):
        p = Project.objects.create(name=f"P{i:02d}", client=acme)
        Task.objects.create(project=p, title="t")
        add_entry(p, timezone.localdate() - timedelta(days=i), 9, 3600)
    with django_assert_max_num_queries(12):
        response = owner_client.get("/app/work/")
    page = response.context["page"]
    assert len(page.object_list) == 25
    assert page.object_list[0].tracked_seconds == 3600
    assert page.object_list[0].open_tasks == 1
    assert "?page=2" in response.content.decode()
    filtered = owner_client.get("/app/work/", {"status": "active", "page": "2"})
    assert "status=active" in filtered.content.decode()


def test_effective_rate_falls_back_from_project_to_client_to_business(business, acme):
    project = Project(name="x", client=acme)
    assert applicable_rate(project, business).amount == Decimal("80")
    assert applicable_rate(project, business).source == "client"
    project.rate = Decimal("95")
    assert applicable_rate(project, business).source == "project"
    business.default_hourly_rate = Decimal("70")
    assert applicable_rate(Project(name="y"), business).amount == Decimal("70")
    daily = Project(name="z", client=acme, billing_mode="daily")
    assert applicable_rate(daily, business).amount == Decimal("80") * business.planned_hours_per_day
    business.default_hourly_rate = None
    assert applicable_rate(Project(name="y"), business).amount is None


def test_value_of_time_bills_started_increments(business):
    project = Project(name="x", billing_increment_minutes=15)
    assert value_of_time(project, 61 * 60, Decimal("100"), business) == Decimal("125.00")
    project.billing_mode = "non_billable"
    assert value_of_time(project, 3600, Decimal("100"), business) == Decimal("0.00")


def test_project_page_shows_rate_budget_progress_tasks_and_recent_time(owner_client, project):
    project.budget_hours = Decimal("10")
    project.budget_amount = Decimal("1000")
    project.save()
    Task.objects.create(project=project, title="Wireframes", status="doing")
    add_entry(project, timezone.localdate(), 9, 5400, note="kick-off")
    response = owner_client.get(f"/app/work/projects/{project.pk}/")
    html = response.content.decode()
    assert response.context["rate"].amount == Decimal("80")
    hours, money = response.context["budgets"]
    assert (hours.used, hours.percent) == (Decimal("1.50"), 15)
    assert money.used == Decimal("120.00")
    assert '<progress id="budget-hours" value="1.50" max="10.00">' in html
    assert "Wireframes" in html
    assert "kick-off" in html
    assert "1h30" in html


def test_a_missing_project_is_404(owner_client, business):
    assert owner_client.get("/app/work/projects/999/").status_code == 404


# Tasks


def test_adding_a_task_with_htmx_re_renders_the_board(owner_client, project):
    response = owner_client.post(
        f"/app/work/projects/{project.pk}/tasks/",
        {"title": "Logo", "status": "todo", "due_on": "2030-01-31"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="task-board">')
    task = Task.objects.get()
    assert (task.title, str(task.due_on)) == ("Logo", "2030-01-31")


def test_an_empty_task_title_is_refused(owner_client, project):
    response = owner_client.post(
        f"/app/work/projects/{project.pk}/tasks/",
        {"title": "  ", "status": "todo"},
        HTTP_HX_REQUEST="true",
    )
    assert "Give the task a title." in response.content.decode()
    assert not Task.objects.exists()


def test_moving_a_card_is_an_htmx_post_that_re_renders_the_board(owner_client, project):
    task = Task.objects.create(project=project, title="Logo")
    response = owner_client.post(
        f"/app/work/tasks/{task.pk}/move/", {"status": "doing"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'id="task-board"' in response.content.decode()
    task.refresh_from_db()
    assert task.status == "doing"
    # Without JavaScript the same form posts and comes back to the board.
    response = owner_client.post(f"/app/work/tasks/{task.pk}/move/", {"status": "done"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "done"
    owner_client.post(f"/app/work/tasks/{task.pk}/move/", {"status": "lost"})
    task.refresh_from_db()
    assert task.status == "done"


def test_moving_needs_a_post(owner_client, project):
    task = Task.objects.create(project=project, title="Logo")
    assert owner_client.get(f"/app/work/tasks/{task.pk}/move/").status_code == 405


def test_a_task_is_edited_and_deleted(owner_client, project):
    task = Task.objects.create(project=project, title="Logo")
    owner_client.post(f"/app/work/tasks/{task.pk}/", {"title": "Logo v2", "status": "todo"})
    task.refresh_from_db()
    assert task.title == "Logo v2"
    owner_client.post(f"/app/work/tasks/{task.pk}/", {"delete": "1"})
    assert not Task.objects.exists()


# Time entries


def entry_form(project_, **changes):
    return {
        "project": project_.pk,
        "day": "2025-03-10",
        "start_time": "09:00",
        "end_time": "",
        "duration": "1h30",
        "note": "call",
        "tags": "+design, meeting",
        "billable": "on",
        **changes,
    }


@pytest.mark.parametrize("typed, seconds", [("1h30", 5400), ("90m", 5400), ("1:30", 5400)])
def test_an_entry_is_added_with_a_typed_duration(owner_client, project, typed, seconds):
    response = owner_client.post("/app/work/time/new/", entry_form(project, duration=typed))
    assert response.status_code == 302
    entry = TimeEntry.objects.get()
    assert entry.duration_seconds == seconds
    assert timezone.localtime(entry.start, BRUSSELS).hour == 9
    assert sorted(t.name for t in entry.tags.all()) == ["design", "meeting"]


def test_an_entry_is_added_with_an_end(owner_client, project):
    owner_client.post("/app/work/time/new/", entry_form(project, duration="", end_time="11:15"))
    assert TimeEntry.objects.get().duration_seconds == 2 * 3600 + 15 * 60


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"duration": "", "end_time": ""}, "Give an end or a duration."),
        ({"duration": "", "end_time": "08:00"}, "The end must come after the start."),
        ({"duration": "banana"}, "is not a duration"),
        ({"duration": "99999h"}, "is not a duration"),
        ({"duration": "0m"}, "more than zero"),
        ({"duration": "25h"}, "at most 24 hours"),
        ({"day": "not a date"}, "Enter a valid date."),
        ({"day": "0001-01-01"}, "between 1900 and 2999"),
        ({"start_time": "25:00"}, "Enter a valid time."),
        ({"project": "999"}, "Select a valid choice."),
        ({"note": "x" * 501}, "at most 500 characters"),
    ],
)
def test_bad_entries_are_refused_with_a_message(owner_client, project, changes, message):
    response = owner_client.post("/app/work/time/new/", entry_form(project, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TimeEntry.objects.exists()


def test_an_overlapping_entry_is_refused_with_the_timing_message(owner_client, project):
    add_entry(project, date(2025, 3, 10), 10, 3600)
    response = owner_client.post("/app/work/time/new/", entry_form(project))
    assert response.status_code == 200
    assert "This overlaps the entry of Website at 10:00 on 2025-03-10." in response.content.decode()
    assert TimeEntry.objects.count() == 1


def test_editing_an_entry_to_1h30_keeps_its_start(owner_client, project):
    entry = add_entry(project, date(2025, 3, 10), 14, 600)
    form = owner_client.get(f"/app/work/time/{entry.pk}/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(duration="1h30", billable="on", tags="")
    data["day"] = data["day"].isoformat()
    data["start_time"] = data["start_time"].strftime("%H:%M")
    data["end_time"] = data["end_time"].strftime("%H:%M")
    response = owner_client.post(f"/app/work/time/{entry.pk}/", data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.duration_seconds == 5400
    assert timezone.localtime(entry.start, BRUSSELS).hour == 14


def test_hostile_notes_are_kept_as_typed_and_escaped(owner_client, project):
    owner_client.post("/app/work/time/new/", entry_form(project, note=HOSTILE, tags=FORMULA))
    entry = TimeEntry.objects.get()
    assert entry.note == HOSTILE
    html = owner_client.get("/app/work/time/").content.decode()
    assert HOSTILE not in html
    assert "&lt;script&gt;" in html


def test_an_entry_is_deleted_by_post_only(owner_client, project):
    entry = add_entry(project, timezone.localdate(), 9, 600)
    assert owner_client.get(f"/app/work/time/{entry.pk}/delete/").status_code == 405
    response = owner_client.post(f"/app/work/time/{entry.pk}/delete/")
    assert response.status_code == 302
    assert not TimeEntry.objects.exists()


def test_entry_list_filters_and_costs_constant_queries(
    owner_client, project, django_assert_max_num_queries
):
    other = Project.objects.create(name="Other")
    day = date(2025, 3, 3)
    for i in range(60):
        entry = add_entry(project if i % 2 else other, day + timedelta(days=i), 9, 1800)
        entry.tags.create(name=f"t{i}")
    with django_assert_max_num_queries(12):
        response = owner_client.get("/app/work/time/")
    assert len(response.context["page"].object_list) == 50
    # Unfiltered, the count alone: summing ten years of time on every visit costs a scan.
    assert response.context["total"] is None and "60 entries</p>" not in response.text
    assert "60 entries" in response.text
    response = owner_client.get(
        "/app/work/time/", {"project": project.pk, "from": "2025-03-04", "to": "2025-03-10"}
    )
    assert response.context["page"].paginator.count == 4  # the 4th, 6th, 8th and 10th
    assert response.context["total"] == 4 * 1800 and "4 entries, 2h in all" in response.text
    assert (
        owner_client.get("/app/work/time/", {"from": "junk", "to": "0000-00-00"}).status_code == 200
    )


# The header timer


def started_earlier(minutes):
    TimeEntry.objects.update(start=F("start") - timedelta(minutes=minutes))


def test_the_header_shows_a_start_form_on_every_page(owner_client, project):
    html = owner_client.get("/app/").content.decode()
    assert 'id="header-timer"' in html
    assert 'action="/app/work/timer/start/"' in html
    assert 'id="timer_project_search"' in html
    assert "/app/work/projects/pick/?scope=open" in html
    assert "Website" not in html  # offered as one types, not listed on every page


def test_the_timer_starts_and_stops_with_htmx(owner_client, project):
    response = owner_client.post(
        "/app/work/timer/start/",
        {"project": project.pk},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/app/work/week/",
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="header-timer"')
    assert "timer_stop" not in html and "/app/work/timer/stop/" in html
    assert 'value="/app/work/week/"' in html
    assert TimeEntry.objects.get().end is None
    started_earlier(minutes=10)
    response = owner_client.post("/app/work/timer/stop/", HTTP_HX_REQUEST="true")
    assert "/app/work/timer/start/" in response.content.decode()
    assert TimeEntry.objects.get().end is not None


def test_only_one_timer_runs(owner_client, project):
    do_start_timer(project)
    response = owner_client.post(
        "/app/work/timer/start/", {"project": project.pk}, HTTP_HX_REQUEST="true"
    )
    assert "A timer already runs for Website" in response.content.decode()
    assert TimeEntry.objects.count() == 1


def test_without_javascript_the_timer_redirects_back(owner_client, project):
    response = owner_client.post(
        "/app/work/timer/start/", {"project": project.pk, "next": "/app/work/time/"}
    )
    assert response["Location"] == "/app/work/time/"
    started_earlier(minutes=10)
    response = owner_client.post("/app/work/timer/stop/", {"next": "https://evil.example/"})
    assert response["Location"] == "/app/"
    response = owner_client.post("/app/work/timer/stop/", {"next": "/app/"}, follow=True)
    assert "No timer is running." in response.content.decode()


def test_starting_without_a_project_says_so(owner_client, project):
    response = owner_client.post("/app/work/timer/start/", {"project": ""}, HTTP_HX_REQUEST="true")
    assert "Choose a project" in response.content.decode()
    assert not TimeEntry.objects.exists()


def test_the_running_timer_shows_in_the_header(owner_client, project):
    do_start_timer(project, at=timezone.now() - timedelta(minutes=5))
    html = owner_client.get("/app/work/time/").content.decode()
    assert "timer-elapsed" in html
    assert "0:05:0" in html


# The week grid


def cell(project, day, task=None):
    return f"c_{project.pk}_{task.pk if task else 0}_{day.isoformat()}"


def test_the_week_shows_rows_totals_and_the_planned_day(owner_client, project, business):
    monday = monday_of(timezone.localdate())
    add_entry(project, monday, 9, 7200)
    add_entry(project, monday + timedelta(days=1), 9, 3600)
    response = owner_client.get("/app/work/week/")
    week = response.context["week"]
    assert [r.project for r in week.rows] == [project]
    assert week.rows[0].total == 3 * 3600
    assert week.days[0].seconds == 7200
    assert week.total == 3 * 3600
    html = response.content.decode()
    assert 'value="2h"' in html
    assert f'data-planned="{int(business.planned_hours_per_day * 3600)}"' in html
    assert week.days[0].percent == round(7200 * 100 / (business.planned_hours_per_day * 3600))


def test_typing_2h_in_a_cell_creates_an_entry_at_nine(owner_client, project):
    monday = monday_of(timezone.localdate())
    response = owner_client.post(
        "/app/work/week/",
        {"week": monday.isoformat(), cell(project, monday): "2h"},
        HTTP_HX_REQUEST="true",
    )
    assert response.content.decode().lstrip().startswith('<div id="week-grid">')
    entry = TimeEntry.objects.get()
    assert entry.duration_seconds == 7200
    assert timezone.localtime(entry.start, BRUSSELS).time() == time(9, 0)
    # Typing again replaces it; emptying the cell removes it.
    owner_client.post(
        "/app/work/week/", {"week": monday.isoformat(), cell(project, monday): "1h30"}
    )
    assert TimeEntry.objects.get().duration_seconds == 5400
    owner_client.post("/app/work/week/", {"week": monday.isoformat(), cell(project, monday): ""})
    assert not TimeEntry.objects.exists()


def test_a_cell_goes_after_what_already_fills_the_morning(owner_client, project):
    other = Project.objects.create(name="Other")
    monday = monday_of(timezone.localdate())
    add_entry(other, monday, 9, 3 * 3600)
    owner_client.post("/app/work/week/", {"week": monday.isoformat(), cell(project, monday): "2h"})
    entry = TimeEntry.objects.get(project=project)
    assert timezone.localtime(entry.start, BRUSSELS).time() == time(12, 0)


def test_a_bad_cell_changes_nothing_and_says_why(owner_client, project):
    other = Project.objects.create(name="Other")
    monday = monday_of(timezone.localdate())
    response = owner_client.post(
        "/app/work/week/",
        {
            "week": monday.isoformat(),
            cell(project, monday): "2h",
            cell(other, monday): "lots",
            cell(other, monday + timedelta(days=1)): "25h",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in html
    assert "is not a duration" in html
    assert 'value="lots"' in html
    assert not TimeEntry.objects.exists()


def test_a_cell_with_several_entries_is_left_alone(owner_client, project):
    monday = monday_of(timezone.localdate())
    add_entry(project, monday, 9, 600)
    add_entry(project, monday, 14, 600)
    response = owner_client.post(
        "/app/work/week/", {"week": monday.isoformat(), cell(project, monday): "3h"}
    )
    assert "several entries" in response.content.decode()
    assert TimeEntry.objects.count() == 2


def test_hostile_cell_names_and_weeks_are_ignored(owner_client, project):
    response = owner_client.post(
        "/app/work/week/",
        {
            "week": "9999-99-99",
            "c_x_0_2025-01-01": "2h",
            "c_1_0_junk": "1h",
            "c_999_0_2025-01-06": "",
        },
    )
    assert response.status_code == 302
    assert not TimeEntry.objects.exists()
    assert owner_client.get("/app/work/week/", {"week": "<script>", "add": "x"}).status_code == 200


def test_a_row_is_added_with_a_new_project(owner_client, business):
    monday = monday_of(timezone.localdate())
    response = owner_client.post(
        "/app/work/week/rows/", {"week": monday.isoformat(), "new_project": "  Side  gig "}
    )
    project = Project.objects.get()
    assert project.name == "Side gig"
    assert response["Location"] == f"/app/work/week/?week={monday.isoformat()}&add={project.pk}"
    week = owner_client.get(response["Location"]).context["week"]
    assert [r.project for r in week.rows] == [project]
    response = owner_client.post("/app/work/week/rows/", {"week": monday.isoformat()}, follow=True)
    assert "Choose a project or type the name of a new one." in response.content.decode()


def test_the_week_costs_a_constant_number_of_queries(
    owner_client, business, django_assert_max_num_queries
):
    monday = monday_of(timezone.localdate())
    for i in range(20):
        project = Project.objects.create(name=f"P{i}")
        task = Task.objects.create(project=project, title="t")
        add_entry(project, monday + timedelta(days=i % 7), i % 10 + 8, 1200, task=task)
    with django_assert_max_num_queries(12):
        response = owner_client.get("/app/work/week/")
    assert len(response.context["week"].rows) == 20


def test_the_navigation_links_work_and_time(owner_client, business):
    html = owner_client.get("/app/work/week/").content.decode()
    assert 'href="/app/work/"' in html
    assert 'href="/app/work/week/" aria-current="page"' in html
