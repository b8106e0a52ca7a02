def test_healthz_answers_ok_with_json(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_dashboard_shows_the_business(owner_client):
    response = owner_client.get("/app/")
    assert response.status_code == 200
    assert "Atelier Lumen" in response.text
