import json

import pytest
from django.core.management import call_command
from django.test import Client

from patron.accounts.models import ApiToken, create_token
from patron.audit.models import AuditEntry
from patron.business.models import Business


@pytest.fixture
def token(owner, business):
    return create_token(owner, "tests")[1]


def api(token=None, **headers):
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return Client(HTTP_ACCEPT_LANGUAGE="en", **headers)


def patch(client, data):
    return client.patch("/api/business", json.dumps(data), content_type="application/json")


def test_the_api_root_and_schema_need_a_token_or_the_owner(owner_client, token):
    assert api().get("/api/").status_code == 401
    assert api().get("/api/openapi.json").status_code == 401
    assert api("ptn_wrong").get("/api/openapi.json").status_code == 401
    root = api(token).get("/api/").json()
    assert root["schema"] == "/api/openapi.json"
    schema = api(token).get("/api/openapi.json").json()
    assert "/api/business" in schema["paths"]
    assert "patch" in schema["paths"]["/api/business"]
    assert owner_client.get("/api/openapi.json").status_code == 200


def test_reading_the_profile_needs_a_valid_token(business, token):
    assert api().get("/api/business").status_code == 401
    assert api("ptn_not-a-token").get("/api/business").status_code == 401
    assert api("x" * 5000).get("/api/business").status_code == 401
    response = api(token).get("/api/business")
    assert response.status_code == 200
    assert response.json()["vat_number"] == "BE0712345630"
    assert response.json()["has_logo"] is False


def test_a_revoked_token_no_longer_works(business, token):
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    assert api(token).get("/api/business").status_code == 401


def test_the_token_is_stored_only_as_a_hash(token):
    stored = ApiToken.objects.get()
    assert token not in (stored.digest, stored.prefix)
    assert stored.digest == ApiToken.hash(token)


def test_patching_the_profile_checks_numbers_like_the_page(business, token):
    response = patch(api(token), {"city": "Ixelles", "vat_number": "be 0712 345 630"})
    assert response.status_code == 200
    assert response.json()["city"] == "Ixelles"
    business.refresh_from_db()
    assert business.city == "Ixelles"
    entry = AuditEntry.objects.first()
    assert entry.changes == {"city": ["Bruxelles", "Ixelles"]}
    assert entry.actor.endswith("(API)")


@pytest.mark.parametrize(
    "data, field",
    [
        ({"vat_number": "FR40303265045"}, "vat_number"),
        ({"iban": "BE00 0000 0000 0000"}, "iban"),
        ({"company_number": "123"}, "company_number"),
        ({"legal_name": "x" * 10_000}, "legal_name"),
        ({"legal_name": ""}, "legal_name"),
        ({"country": "../../etc"}, "country"),
    ],
)
def test_bad_patches_get_422_with_field_errors_and_change_nothing(business, token, data, field):
    before = list(Business.objects.values())
    response = patch(api(token), data)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert list(Business.objects.values()) == before


def test_malformed_json_and_wrong_types_are_refused(business, token):
    client = api(token)
    before = list(Business.objects.values())
    response = client.patch("/api/business", "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert patch(client, {"payment_terms_days": "thirty"}).status_code == 422
    assert list(Business.objects.values()) == before


def test_fields_outside_the_profile_cannot_be_set(business, token):
    response = patch(api(token), {"logo": "../../etc/passwd", "id": 99, "singleton": False})
    assert response.status_code == 200
    business.refresh_from_db()
    assert business.pk != 99 and not business.logo and business.singleton


def test_the_api_needs_no_csrf_token_but_a_session_is_not_enough(owner_client, token):
    # A logged-in browser session must not grant API access (no CSRF on the API).
    assert owner_client.get("/api/business").status_code == 401
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert patch(client, {"city": "Namur"}).status_code == 200


def test_patron_token_create_list_and_revoke(owner, business, capsys):
    call_command("token", "create", "accounting")
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("ptn_")
    assert api(secret).get("/api/business").status_code == 200
    call_command("token", "list")
    assert "accounting" in capsys.readouterr().out
    call_command("token", "revoke", "accounting")
    assert api(secret).get("/api/business").status_code == 401


def test_tokens_made_under_settings_are_shown_once(owner_client):
    response = owner_client.post("/app/settings/tokens/", {"name": "backup script"})
    secret = response.context["secret"]
    assert secret in response.text
    assert secret not in owner_client.get("/app/settings/tokens/").text
    assert api(secret).get("/api/business").status_code == 200
    token = ApiToken.objects.get()
    owner_client.post(f"/app/settings/tokens/{token.pk}/revoke/")
    assert api(secret).get("/api/business").status_code == 401
    assert owner_client.get(f"/app/settings/tokens/{token.pk}/revoke/").status_code == 405


def test_a_token_of_a_deactivated_user_stops_working(owner, business, token):
    owner.is_active = False
    owner.save()
    assert api(token).get("/api/business").status_code == 401


def test_a_user_who_is_not_the_owner_sees_nothing(business, django_user_model):
    stranger = django_user_model.objects.create_user("stranger@example.com", password="x" * 12)
    client = Client()
    client.force_login(stranger)
    for path in ("/app/", "/app/settings/business/", "/app/settings/brand/logo/"):
        assert client.get(path).status_code == 404
    # Nor can they loop between the login page and the app.
    assert client.get("/app/login/").status_code == 200
    assert api(create_token(stranger, "x")[1]).get("/api/business").status_code == 401


def test_the_api_answers_in_the_owners_language(owner, business, token):
    owner.language = "fr"
    owner.save()
    response = patch(api(token), {"iban": "nope"})
    assert "IBAN valide" in response.json()["errors"]["iban"][0]


def test_an_oversized_api_request_gets_a_json_413(business, token, settings):
    settings.MAX_REQUEST_BYTES = 1000
    response = patch(api(token), {"city": "x" * 2000})
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]
