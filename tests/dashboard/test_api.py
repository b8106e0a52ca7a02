"""The dashboard's figures and the effective rates over the API, and odd queries."""

from decimal import Decimal

import pytest
from django.test import Client

from patron.accounts.models import create_token
from patron.pricing.models import Scenario
from patron.work.models import Project
from tests.dashboard.test_pages import some_business, target, track

D = Decimal


@pytest.fixture
def api(owner, business):
    return Client(
        HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Bearer {create_token(owner, 'tests')[1]}"
    )


def test_the_api_needs_a_token(business):
    for url in ("/api/dashboard", "/api/effective-rate"):
        assert Client().get(url).status_code == 401


def test_the_dashboard_as_json(api, owner):
    some_business(owner)
    target()
    data = api.get("/api/dashboard").json()
    assert data["currency"] == "EUR" and data["target"]["name"] == "Plan 2026"
    assert data["revenue"]["month"]["amount"] == "160.00"  # 2 h × 80.00, excl. VAT
    assert data["unbilled"] == {"hours": "1.00", "value": "80.00"}
    assert data["yours"]["received"] == "193.60"
    # 193.60 paid on an invoice of 160.00 + 33.60 VAT: 160.00 of it excl. VAT.
    assert data["yours"]["received_excl_vat"] == "160.00"
    assert data["follow_ups_due"] == 1 and len(data["effective_rate"]) == 12
    assert data["yours"]["remains"] is not None


def test_the_dashboard_rounds_hours_half_up(api, owner):
    # 18 seconds are 0.005 h: half-up 0.01 (half-even gave 0.00); billed as a started minute.
    track(Project.objects.create(name="Site", rate=D("90")), D(18) / 3600)
    assert api.get("/api/dashboard").json()["unbilled"] == {"hours": "0.01", "value": "1.50"}


def test_the_dashboard_as_json_without_a_target(api, owner):
    data = api.get("/api/dashboard").json()
    assert data["target"] is None and data["yours"]["contributions"] is None
    assert data["revenue"]["year"] == {**data["revenue"]["year"], "target": None, "state": ""}


def test_the_effective_rates_as_json(api, owner):
    target()
    acme_site = Project.objects.create(name="Site", rate=D("90"))
    track(acme_site, 2)
    data = api.get("/api/effective-rate?by=project").json()
    row = data["rows"][0]
    # 2 h × 90.00 not invoiced yet, over 2 h: 90.00 an hour.
    assert (row["label"], row["not_invoiced"], row["rate"]) == ("Site", "180.00", "90.00")
    assert data["total"]["rate"] == "90.00"
    months = api.get("/api/effective-rate?by=month").json()
    assert len(months["rows"]) == 12 and months["rows"][-1]["hours"] == "2.00"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("by=", "by"),
        ("by=-1", "by"),
        ("by=<script>alert(1)</script>", "by"),
        ("by=" + "x" * 5000, "by"),
        ("from=yesterday", "from"),
        ("from=-2026-01-01", "from"),
        ("from=<script>", "from"),
        ("to=99999-12-31", "to"),
        ("from=1900-01-01", "from"),
        ("from=2026-02-01&to=2026-01-01", "to"),
        ("from=2026-02-30", "from"),
    ],
)
def test_odd_queries_get_a_clear_422_and_change_nothing(api, query, field):
    count = Scenario.objects.count()
    response = api.get(f"/api/effective-rate?{query}")
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert b"<script>" not in response.content
    assert Scenario.objects.count() == count


def test_a_period_bounds_clients_and_projects(api, owner):
    project = Project.objects.create(name="Old", rate=D("50"))
    track(project, 1, days_ago=400)
    assert api.get("/api/effective-rate?by=project&from=2000-01-01").json()["rows"]
    recent = api.get("/api/effective-rate?by=project&from=2100-01-01").json()
    assert recent["rows"] == [] and recent["total"]["rate"] is None
