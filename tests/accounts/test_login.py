import pytest
from django.core import mail
from django.test import Client, override_settings

from patron.accounts.models import LoginFailure
from tests.fixtures import PASSWORD

EMAIL = "claire@atelier-lumen.example"


def login(client, password, username=EMAIL, **extra):
    return client.post("/app/login/", {"username": username, "password": password}, **extra)


def test_the_owner_logs_in_and_out(client, owner, business):
    response = login(client, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/app/"
    assert client.get("/app/").status_code == 200
    response = client.post("/app/logout/")
    assert response.status_code == 302
    assert client.get("/app/")["Location"].startswith("/app/login/")


def test_a_wrong_password_says_so_and_does_not_log_in(client, owner, business):
    response = login(client, "wrong password")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert client.get("/app/").status_code == 302


def test_repeated_failures_pause_logins_for_that_user_with_a_clear_message(client, owner, business):
    for _ in range(5):
        login(client, "wrong password")
    response = login(client, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.text
    assert client.get("/app/").status_code == 302  # not logged in, even with the right password


def test_a_strangers_failures_from_elsewhere_never_pause_the_owner(owner, business):
    stranger = Client(REMOTE_ADDR="10.6.6.6")
    for _ in range(30):
        login(stranger, "wrong password")
    assert login(stranger, PASSWORD).status_code == 429  # the stranger's address is paused
    assert login(Client(REMOTE_ADDR="10.1.1.1"), PASSWORD).status_code == 302


def test_the_owners_own_browser_logs_in_whatever_strangers_do(owner, business):
    """Even strangers behind the owner's own address, and many addresses at once."""
    browser = Client(REMOTE_ADDR="10.1.1.1")
    assert login(browser, PASSWORD).status_code == 302
    browser.post("/app/logout/")
    for _ in range(30):
        login(Client(REMOTE_ADDR="10.1.1.1"), "wrong password")  # the same office network
    for i in range(120):
        login(Client(REMOTE_ADDR=f"10.7.{i // 200}.{i % 200}"), "wrong password")
    assert login(Client(REMOTE_ADDR="10.1.1.1"), PASSWORD).status_code == 429
    assert login(browser, PASSWORD).status_code == 302


def test_the_owners_open_session_stays_open_while_strangers_guess(owner_client, owner):
    for i in range(120):
        login(Client(REMOTE_ADDR=f"10.8.0.{i}"), "wrong password")
    assert owner_client.get("/app/").status_code == 200


def test_many_addresses_guessing_one_account_are_stopped(owner, business):
    for i in range(100):  # LOGIN_FAILURE_LIMIT × ACCOUNT_FACTOR, each address under its own limit
        assert login(Client(REMOTE_ADDR=f"10.9.0.{i}"), "guess").status_code == 200
    new_browser = Client(REMOTE_ADDR="10.9.1.1", HTTP_ACCEPT_LANGUAGE="en")
    response = login(new_browser, PASSWORD)
    assert response.status_code == 429
    assert "reset your password" in response.text
    assert new_browser.get("/app/").status_code == 302


def test_a_password_reset_lets_a_new_browser_in_despite_strangers(
    owner, business, immediate_tasks, django_capture_on_commit_callbacks
):
    for i in range(100):
        login(Client(REMOTE_ADDR=f"10.9.0.{i}"), "guess")
    browser = Client(REMOTE_ADDR="10.9.1.1")
    with django_capture_on_commit_callbacks(execute=True):
        browser.post("/app/password/reset/", {"email": EMAIL})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/" in line)
    form_url = browser.get(link.split("testserver", 1)[1], follow=True).redirect_chain[-1][0]
    new = "a brand new passphrase 42"
    assert browser.post(form_url, {"new_password1": new, "new_password2": new}).status_code == 302
    assert login(browser, new).status_code == 302


def test_the_failure_count_is_kept_in_the_database_not_in_one_process(
    client, owner, business, settings
):
    """gunicorn runs several workers: a count in one worker's memory would be no limit."""
    from django.core.cache import caches

    for _ in range(5):
        login(client, "wrong password")
    caches["default"].clear()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert login(client, PASSWORD).status_code == 429


def test_one_address_trying_many_usernames_is_paused_too(owner, business):
    attacker = Client(REMOTE_ADDR="10.6.6.6")
    for i in range(25):
        login(attacker, "guess", username=f"user{i}@example.com")
    assert login(attacker, PASSWORD).status_code == 429
    assert login(Client(REMOTE_ADDR="10.1.1.1"), PASSWORD).status_code == 302


def test_logins_recover_after_the_window(client, owner, business, settings):
    for _ in range(5):
        login(client, "wrong password")
    settings.LOGIN_FAILURE_WINDOW = 0
    assert login(client, PASSWORD).status_code == 302


def test_a_success_clears_that_addresss_count_only(client, owner, business):
    for _ in range(4):
        login(client, "wrong password")
    for _ in range(3):
        login(Client(REMOTE_ADDR="10.6.6.6"), "wrong password")
    assert login(client, PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username=EMAIL, ip="127.0.0.1").exists()
    assert LoginFailure.objects.filter(username=EMAIL, ip="10.6.6.6").count() == 3


def test_the_owners_browser_is_paused_by_its_own_failures(owner, business):
    browser = Client()
    login(browser, PASSWORD)
    browser.post("/app/logout/")
    for _ in range(5):
        login(browser, "wrong password")
    assert login(browser, PASSWORD).status_code == 429


def test_a_forged_known_browser_cookie_counts_as_a_stranger(owner, business):
    stranger = Client(REMOTE_ADDR="10.6.6.6")
    stranger.cookies["patron_browser"] = "forged:value"
    for _ in range(5):
        login(stranger, "wrong password")
    assert login(stranger, PASSWORD).status_code == 429


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "https:evil.example",
        "javascript:alert(1)",
    ],
)
def test_login_never_redirects_off_site(client, owner, business, target):
    response = client.post(f"/app/login/?next={target}", {"username": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/app/"


def test_login_follows_a_next_inside_the_site(client, owner, business):
    response = client.post(
        "/app/login/?next=/app/settings/", {"username": EMAIL, "password": PASSWORD}
    )
    assert response["Location"] == "/app/settings/"


def test_login_without_csrf_token_is_refused(owner, business):
    client = Client(enforce_csrf_checks=True)
    assert login(client, PASSWORD).status_code == 403


def test_password_reset_sends_a_single_use_link(
    client, owner, business, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/app/password/reset/", {"email": EMAIL})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/" in line)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    new = "a brand new passphrase 42"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(new)
    # The same link does not work twice.
    response = client.get(path, follow=True)
    assert "expired" in response.text


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client, owner, business, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/app/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response["Location"] == "/app/password/reset/sent/"
    assert mail.outbox == []


@override_settings(ALLOWED_HOSTS=["patron.example"])
def test_password_reset_with_a_forged_host_is_refused(owner, business):
    client = Client(HTTP_HOST="evil.example")
    response = client.post("/app/password/reset/", {"email": EMAIL})
    assert response.status_code == 400
    assert mail.outbox == []


def test_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE <= 14 * 24 * 3600
    assert settings.PASSWORD_RESET_TIMEOUT == 3600


def test_changing_the_email_needs_the_password_and_tells_the_old_address(
    owner_client, owner, immediate_tasks, django_capture_on_commit_callbacks
):
    data = {"first_name": "Claire", "last_name": "", "email": "new@example.com", "language": ""}
    response = owner_client.post("/app/settings/account/", data)
    assert "current_password" in response.context["form"].errors
    owner.refresh_from_db()
    assert owner.email == EMAIL
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            "/app/settings/account/", {**data, "current_password": PASSWORD}
        )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.email == owner.username == "new@example.com"
    assert mail.outbox[0].to == [EMAIL]
    assert "new@example.com" in mail.outbox[0].body
    client = Client()
    assert login(client, PASSWORD, username="new@example.com").status_code == 302


def test_password_reset_mail_waits_for_the_worker(
    client, owner, business, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from patron.system.models import Email

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/app/password/reset/", {"email": EMAIL})
    assert mail.outbox == []  # the request did not talk to the mail server
    assert DBTaskResult.objects.get().task_path == "patron.system.tasks.deliver_email"
    assert Email.objects.get().state == "queued"  # in the outbox, for the worker to send


def test_password_reset_requests_are_limited_per_address(client, owner, business):
    for _ in range(5):
        assert client.post("/app/password/reset/", {"email": EMAIL}).status_code == 302
    response = client.post("/app/password/reset/", {"email": EMAIL})
    assert response.status_code == 429
    assert "Too many reset requests" in response.text


@pytest.mark.parametrize(
    "typed",
    [
        "Claire@Atelier-Lumen.example",
        " claire@atelier-lumen.example ",
        "CLAIRE@ATELIER-LUMEN.EXAMPLE",
    ],
)
def test_the_email_logs_in_however_it_is_typed(client, owner, business, typed):
    assert login(client, PASSWORD, username=typed).status_code == 302


def test_padding_the_username_does_not_dodge_the_limit(owner, business):
    for i in range(5):
        login(Client(REMOTE_ADDR="10.0.1.1"), "wrong", username=" " * i + EMAIL.upper())
    assert login(Client(REMOTE_ADDR="10.0.1.1"), PASSWORD).status_code == 429


def test_an_ipv6_client_counts_as_its_whole_64(owner, business):
    for i in range(25):
        login(Client(REMOTE_ADDR=f"2001:db8::{i + 1:x}"), "guess", username=f"u{i}@example.com")
    assert login(Client(REMOTE_ADDR="2001:db8::ffff"), PASSWORD).status_code == 429
    assert login(Client(REMOTE_ADDR="2001:db8:1::1"), PASSWORD).status_code == 302


def test_control_characters_in_the_username_are_refused_not_crashing(client, owner, business):
    response = login(client, PASSWORD, username="claire\x00@atelier-lumen.example")
    assert response.status_code in (200, 302)
    assert login(client, "x", username="\x00" * 500).status_code == 200


def test_an_overlong_email_on_the_account_page_is_refused(owner_client, owner):
    data = {"first_name": "C", "last_name": "", "language": "", "current_password": PASSWORD}
    response = owner_client.post(
        "/app/settings/account/", {**data, "email": "a" * 150 + "@example.com"}
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    owner.refresh_from_db()
    assert owner.email == EMAIL
