"""The work API: projects, tasks, time entries and the timer, with the pages' rules."""

import json
from datetime import UTC, datetime

import pytest
from django.test import Client

from patron.accounts.models import create_token
from patron.work.models import Project, Task, TimeEntry


@pytest.fixture
def token(owner, business):
    return create_token(owner, "tests")[1]


@pytest.fixture
def api(token):
    return Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Bearer {token}")


def post(api, url, data):
    return api.post(url, json.dumps(data), content_type="application/json")


def patch(api, url, data):
    return api.patch(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def project(db):
    return Project.objects.create(name="Website")


def test_the_work_api_needs_a_token(business, project):
    for url in ["/api/work/projects", "/api/work/entries", "/api/work/timer", "/api/work/tasks"]:
        assert Client().get(url).status_code == 401


def test_projects_are_created_listed_filtered_and_changed(api):
    response = post(api, "/api/work/projects", {"name": "Brochure", "new_client": "Acme"})
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["client_id"] is not None
    post(api, "/api/work/projects", {"name": "Logo", "status": "lead"})
    listed = api.get("/api/work/projects", {"status": "lead"}).json()
    assert [p["name"] for p in listed["items"]] == ["Logo"]
    assert listed["count"] == 1
    assert api.get("/api/work/projects", {"q": "broch"}).json()["count"] == 1
    response = patch(api, f"/api/work/projects/{created['id']}", {"rate": "95.50"})
    assert response.json()["rate"] == "95.50"
    assert Project.objects.get(pk=created["id"]).name == "Brochure"


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "ok", "status": "bogus"}, "status"),
        ({"name": "ok", "rate": "-1"}, "rate"),
        ({"name": "ok", "client_id": 999}, "client"),
    ],
)
def test_a_bad_project_gets_422_with_field_errors_and_changes_nothing(api, data, field):
    response = post(api, "/api/work/projects", data)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not Project.objects.exists()


def test_tasks_are_created_moved_and_listed(api, project):
    response = post(api, "/api/work/tasks", {"project_id": project.pk, "title": "Logo"})
    assert response.status_code == 201, response.content
    task = response.json()
    response = patch(api, f"/api/work/tasks/{task['id']}", {"status": "doing"})
    assert response.json()["status"] == "doing"
    assert api.get("/api/work/tasks", {"project_id": project.pk}).json()["count"] == 1
    assert post(api, "/api/work/tasks", {"project_id": 999, "title": "x"}).status_code == 422
    assert post(api, "/api/work/tasks", {"project_id": project.pk, "title": " "}).status_code == 422
    assert Task.objects.count() == 1


def test_entries_are_created_with_a_duration_filtered_changed_and_deleted(api, project):
    response = post(
        api,
        "/api/work/entries",
        {
            "project_id": project.pk,
            "start": "2025-03-10T09:00:00",
            "duration": "1h30",
            "tags": ["design"],
        },
    )
    assert response.status_code == 201, response.content
    entry = response.json()
    assert entry["duration_seconds"] == 5400
    # Without an offset, 09:00 is read in the business's zone (Brussels: UTC+1 in March).
    assert datetime.fromisoformat(entry["start"]) == datetime(2025, 3, 10, 8, tzinfo=UTC)
    assert entry["tags"] == ["design"]
    listed = api.get("/api/work/entries", {"from": "2025-03-10", "to": "2025-03-10"}).json()
    assert listed["count"] == 1
    assert api.get("/api/work/entries", {"from": "2025-03-11"}).json()["count"] == 0
    response = patch(api, f"/api/work/entries/{entry['id']}", {"duration": "2h"})
    assert response.json()["duration_seconds"] == 7200
    assert api.delete(f"/api/work/entries/{entry['id']}").status_code == 204
    assert not TimeEntry.objects.exists()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"start": "2025-03-10T09:00:00", "duration": "banana"}, "duration"),
        ({"start": "2025-03-10T09:00:00"}, "end"),
        ({"start": "2025-03-10T09:00:00", "end": "2025-03-10T08:00:00"}, "end"),
        ({"start": "2025-03-10T09:00:00", "duration": "25h"}, "duration"),
    ],
)
def test_bad_entries_get_422(api, project, data, field):
    response = post(api, "/api/work/entries", {"project_id": project.pk, **data})
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not TimeEntry.objects.exists()


def test_an_overlapping_entry_is_refused(api, project):
    first = {"project_id": project.pk, "start": "2025-03-10T09:00:00", "duration": "2h"}
    assert post(api, "/api/work/entries", first).status_code == 201
    response = post(api, "/api/work/entries", {**first, "start": "2025-03-10T10:00:00"})
    assert response.status_code == 422
    assert "overlaps" in response.json()["errors"]["__all__"][0]


def test_the_timer_starts_runs_alone_and_stops(api, project):
    assert api.get("/api/work/timer").status_code == 204
    response = post(api, "/api/work/timer/start", {"project_id": project.pk})
    assert response.status_code == 201
    assert response.json()["running"] is True
    assert api.get("/api/work/timer").json()["project_id"] == project.pk
    again = post(api, "/api/work/timer/start", {"project_id": project.pk})
    assert again.status_code == 422
    assert "already runs" in again.json()["errors"]["__all__"][0]
    TimeEntry.objects.update(
        start=TimeEntry.objects.get().start.replace(year=2025, month=1, day=1, hour=9)
    )
    stopped = api.post("/api/work/timer/stop")
    assert stopped.status_code == 422  # more than 24 hours: the timing rules refuse
    entry = TimeEntry.objects.get()
    from datetime import timedelta

    from django.utils import timezone

    entry.start = timezone.now() - timedelta(minutes=30)
    entry.save()
    stopped = api.post("/api/work/timer/stop")
    assert stopped.status_code == 200
    assert stopped.json()["running"] is False
    assert api.post("/api/work/timer/stop").status_code == 422


def test_the_schema_lists_the_work_resources(api):
    paths = api.get("/api/openapi.json").json()["paths"]
    for path in [
        "/api/work/projects",
        "/api/work/tasks",
        "/api/work/entries",
        "/api/work/timer/start",
    ]:
        assert path in paths
