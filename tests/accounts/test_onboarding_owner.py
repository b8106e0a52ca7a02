import pytest
from django.test import Client

from patron.accounts.models import User
from tests.fixtures import PASSWORD

OWNER_FORM = {
    "first_name": "Claire",
    "last_name": "Dubois",
    "email": "Claire@Atelier-Lumen.example",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


@pytest.mark.django_db
def test_an_empty_install_leads_every_app_page_to_the_welcome_step(client):
    for path in ("/app/", "/app/settings/", "/app/settings/business/", "/app/login/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == "/app/welcome/"


@pytest.mark.django_db
def test_the_first_visit_creates_the_owner_and_goes_on_to_the_business(client):
    response = client.post("/app/welcome/", OWNER_FORM)
    assert response.status_code == 302
    assert response["Location"] == "/app/setup/business/"
    owner = User.objects.get()
    assert owner.email == "claire@atelier-lumen.example"
    assert owner.check_password(PASSWORD)
    assert client.get("/app/setup/business/").status_code == 200
    # Until the business exists, the rest of the app leads back to the profile step.
    assert client.get("/app/")["Location"] == "/app/setup/business/"


@pytest.mark.django_db
def test_a_second_welcome_cannot_create_another_owner(client, owner):
    response = client.post("/app/welcome/", {**OWNER_FORM, "email": "mallory@example.com"})
    assert response.status_code == 302
    assert User.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, field",
    [
        ({"password2": "something else entirely"}, "password2"),
        ({"password1": "short", "password2": "short"}, "password1"),
        ({"password1": "password123", "password2": "password123"}, "password1"),
        ({"email": "not an email"}, "email"),
        ({"first_name": "x" * 10_000}, "first_name"),
    ],
)
def test_bad_owner_input_is_refused_with_a_message_and_creates_nothing(client, change, field):
    response = client.post("/app/welcome/", {**OWNER_FORM, **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.exists()
    # What was typed is shown again (but never the passwords).
    if field != "first_name":
        assert 'value="Claire"' in response.text
    assert PASSWORD not in response.text


@pytest.mark.django_db
def test_on_a_laptop_no_setup_code_is_asked(client, settings):
    assert "setup_code" not in client.get("/app/welcome/").context["form"].fields


@pytest.mark.django_db
def test_off_a_laptop_the_first_visitor_needs_the_setup_code_from_the_log(client, settings):
    from patron.accounts.owner import setup_code

    settings.HOST = "0.0.0.0"  # noqa: S104
    response = client.post("/app/welcome/", OWNER_FORM)
    assert "setup_code" in response.context["form"].errors
    response = client.post("/app/welcome/", {**OWNER_FORM, "setup_code": "AAAA-AAAA"})
    assert "not the setup code" in str(response.context["form"].errors["setup_code"])
    assert not User.objects.exists()
    code = setup_code()
    assert len(code) == 9 and code != "AAAA-AAAA"
    response = client.post("/app/welcome/", {**OWNER_FORM, "setup_code": code.lower()})
    assert response.status_code == 302
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_setup_code_guesses_are_paused_per_address(client, settings):
    from patron.accounts.owner import setup_code

    settings.HOST = "0.0.0.0"  # noqa: S104
    for i in range(5):
        response = client.post("/app/welcome/", {**OWNER_FORM, "setup_code": f"AAAA-AAA{i}"})
        assert response.status_code == 200
    response = client.post("/app/welcome/", {**OWNER_FORM, "setup_code": setup_code()})
    assert response.status_code == 429
    assert "Too many wrong setup codes" in response.text
    assert not User.objects.exists()  # even the right code waits
    elsewhere = Client(REMOTE_ADDR="10.1.1.1", HTTP_ACCEPT_LANGUAGE="en")
    assert (
        elsewhere.post("/app/welcome/", {**OWNER_FORM, "setup_code": setup_code()}).status_code
        == 302
    )
