"""The calculator and saved scenarios over the REST API."""

import json

import pytest

from patron.pricing.models import Scenario
from patron.pricing.target import current_target

SANITY = {
    "net_monthly": "3000",
    "costs_yearly": 0,
    "regime": "custom",
    "contributions_pct": 0,
    "tax_pct": 0,
    "days_per_week": 5,
    "hours_per_day": 8,
    "weeks_off": 0,
    "public_holidays": 0,
    "sick_days": 0,
    "training_days": 0,
    "billable": 1,
}


def send(api, method, url, data):
    return getattr(api, method)(url, json.dumps(data), content_type="application/json")


def test_rate_needs_a_token(client, business):
    assert send(client, "post", "/api/pricing/rate", SANITY).status_code == 401


def test_rate_of_the_sanity_case(api):
    response = send(api, "post", "/api/pricing/rate", SANITY)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["hourly_rate"] == "17.31"
    assert body["daily_rate"] == "138.46"
    assert body["yearly_turnover"] == "36000.00"
    assert body["breakdown"]["net"] == "36000.00"


def test_rate_with_floats_and_a_french_regime(api):
    body = send(
        api, "post", "/api/pricing/rate", {**SANITY, "regime": "fr-micro-bnc", "billable": 0.6}
    ).json()
    assert body["regime"] == "fr-micro-bnc" and body["inputs"]["billable"] == "0.6"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"billable": 0}, "billable"),
        ({"billable": 1.2}, "billable"),
        ({"days_per_week": 0}, "days_per_week"),
        ({"net_monthly": 10**12}, "net_monthly"),
        ({"net_monthly": -1}, "net_monthly"),
        ({"net_monthly": "<script>alert(1)</script>"}, "net_monthly"),
        ({"costs_yearly": "NaN"}, "costs_yearly"),
        ({"regime": "mars"}, "regime"),
        ({"weeks_off": 52}, "__all__"),
        ({"hours_per_day": ""}, "hours_per_day"),
    ],
)
def test_hostile_inputs_get_422_with_field_messages(api, change, field):
    response = send(api, "post", "/api/pricing/rate", {**SANITY, **change})
    assert response.status_code == 422
    assert field in response.json()["errors"]
    created = send(api, "post", "/api/pricing/scenarios", {"name": "X", "inputs": change})
    assert created.status_code == 422
    assert Scenario.objects.count() == 0


def test_malformed_json_is_refused(api):
    response = api.post("/api/pricing/rate", "{not json", content_type="application/json")
    assert response.status_code in (400, 422)


def test_scenarios_create_list_update_target_delete(api):
    created = send(
        api,
        "post",
        "/api/pricing/scenarios",
        {"name": "Plain", "inputs": SANITY, "make_target": True},
    )
    assert created.status_code == 201, created.content
    plain = created.json()
    assert plain["is_target"] and plain["result"]["hourly_rate"] == "17.31"
    other = send(
        api,
        "post",
        "/api/pricing/scenarios",
        {"name": "More", "inputs": {**SANITY, "net_monthly": 4000}},
    ).json()
    listed = api.get("/api/pricing/scenarios").json()
    assert [s["name"] for s in listed] == ["Plain", "More"]
    changed = send(
        api, "patch", f"/api/pricing/scenarios/{plain['id']}", {"inputs": {"net_monthly": 5000}}
    )
    assert changed.status_code == 200
    assert changed.json()["is_target"] and changed.json()["name"] == "Plain"
    assert changed.json()["result"]["hourly_rate"] == "28.85"  # 60,000 / 2,080
    no_name = send(api, "patch", f"/api/pricing/scenarios/{plain['id']}", {"name": " "})
    assert no_name.status_code == 422 and "name" in no_name.json()["errors"]
    target = api.post(f"/api/pricing/scenarios/{other['id']}/target")
    assert target.status_code == 200 and target.json()["is_target"]
    assert current_target().name == "More"
    assert api.get(f"/api/pricing/scenarios/{plain['id']}").json()["is_target"] is False
    assert api.delete(f"/api/pricing/scenarios/{other['id']}").status_code == 204
    assert current_target() is None
    assert api.get(f"/api/pricing/scenarios/{other['id']}").status_code == 404
