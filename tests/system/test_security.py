import os
import secrets
import subprocess
import sys

import pytest
from django.test import Client

PAGES = [
    "/app/",
    "/app/settings/",
    "/app/settings/business/",
    "/app/settings/brand/",
    "/app/settings/account/",
    "/app/settings/tokens/",
    "/app/settings/audit/",
]


@pytest.mark.slow
def test_check_deploy_with_the_production_settings_reports_nothing(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "patron.settings",
        "PATRON_DATA_DIR": str(tmp_path),
        "PATRON_SECURE": "true",
        "PATRON_SECRET_KEY": secrets.token_urlsafe(60),
        "PATRON_ALLOWED_HOSTS": "patron.example.be",
        "PATRON_DEBUG": "false",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests only
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
def test_a_garbled_setting_stops_the_start_with_its_name(tmp_path):
    env = {**os.environ, "PATRON_DATA_DIR": str(tmp_path), "PATRON_SECURE": "maybe"}
    result = subprocess.run(
        [sys.executable, "-m", "patron.cli", "check"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "PATRON_SECURE must be true or false" in result.stderr


@pytest.mark.parametrize("path", [*PAGES, "/app/login/"])
def test_every_page_sends_a_csp_without_inline_script(owner_client, path):
    if path == "/app/login/":
        owner_client.logout()
    response = owner_client.get(path)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self';" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.text  # no inline script at all
    assert " style=" not in response.text  # nor inline style attributes (CSP forbids them)


# The dashboard reads a figure of each app (one or two aggregates each): its own test
# (tests/dashboard/test_pages.py) checks its count stays the same as the data grows.
QUERY_BUDGETS = {"/app/": 30}


@pytest.mark.parametrize("path", PAGES)
def test_pages_cost_a_constant_number_of_queries(owner_client, django_assert_max_num_queries, path):
    with django_assert_max_num_queries(QUERY_BUDGETS.get(path, 8)):
        assert owner_client.get(path).status_code == 200


def test_every_form_post_needs_a_csrf_token(owner, business):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    for path in [
        "/app/settings/business/",
        "/app/settings/brand/",
        "/app/settings/brand/preview/",
        "/app/settings/tokens/",
        "/app/settings/account/",
        "/app/language/",
        "/app/logout/",
    ]:
        assert client.post(path, {}).status_code == 403, path


@pytest.mark.parametrize(
    "target",
    ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)"],
)
def test_the_language_switch_never_redirects_off_site(owner_client, target):
    response = owner_client.post("/app/language/", {"language": "en", "next": target})
    assert response["Location"] == "/app/"


def test_the_language_switch_is_remembered_for_the_owner(owner_client, owner):
    response = owner_client.post("/app/language/", {"language": "fr", "next": "/app/settings/"})
    assert response["Location"] == "/app/settings/"
    owner.refresh_from_db()
    assert owner.language == "fr"
    page = owner_client.get("/app/", HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "fr"
    owner_client.post("/app/language/", {"language": "klingon"})
    owner.refresh_from_db()
    assert owner.language == "fr"


def test_the_browser_language_applies_until_the_owner_chooses(owner_client):
    assert owner_client.get("/app/", HTTP_ACCEPT_LANGUAGE="en-GB")["Content-Language"] == "en"
    assert owner_client.get("/app/", HTTP_ACCEPT_LANGUAGE="fr-BE")["Content-Language"] == "fr"


def test_unknown_pages_get_a_404_page(owner_client):
    response = owner_client.get("/app/nothing-here/")
    assert response.status_code == 404


def test_healthz_says_the_database_is_down_without_its_details(client, db, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise RuntimeError("password authentication failed for user secret_user")

    monkeypatch.setattr("patron.system.views.connection", Unreachable())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert "secret_user" not in response.text


@pytest.mark.parametrize(
    "line, expected",
    [
        (
            "GET /app/password/reset/MQ/c3k2bs-0123abcd/ HTTP/1.1",
            "GET /app/password/reset/…/…/ HTTP/1.1",
        ),
        ("GET /app/password/reset/sent/ HTTP/1.1", "GET /app/password/reset/sent/ HTTP/1.1"),
        ("GET /p/Zx8secret-token/answer/ HTTP/1.1", "GET /p/…/answer/ HTTP/1.1"),
        ("GET /p/Zx8secret-token/no-such-page/ HTTP/1.1", "GET /p/…/no-such-page/ HTTP/1.1"),
        ("GET /p/Zx8secret-token HTTP/1.1", "GET /p/… HTTP/1.1"),
        ("GET /app/work/feed/Zx8secret.ics HTTP/1.1", "GET /app/work/feed/….ics HTTP/1.1"),
        ("GET /app/work/feed/Zx8secret HTTP/1.1", "GET /app/work/feed/… HTTP/1.1"),
        ("https://patron.example/p/Zx8secret/", "https://patron.example/p/…/"),
        ("GET /app/?token=abc&next=/x HTTP/1.1", "GET /app/?… HTTP/1.1"),
        ("GET /app/settings/ HTTP/1.1", "GET /app/settings/ HTTP/1.1"),
        (
            "GET /app/settings/tokens/3/revoke/ HTTP/1.1",
            "GET /app/settings/tokens/3/revoke/ HTTP/1.1",
        ),
    ],
)
def test_the_access_log_masks_tokens_in_urls(line, expected):
    from patron.system.gunicorn import mask_url

    assert mask_url(line) == expected


def capability_urls():
    """(name, path) of every route with a token in it, each secret a recognisable value."""
    from django.urls import get_resolver, reverse

    def walk(patterns, namespace):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif pattern.name and "token" in pattern.pattern.converters:
                kwargs = {
                    name: f"SECRET{name}" if name in ("token", "uidb64") else "1"
                    for name in pattern.pattern.converters
                }
                yield pattern.name, reverse(namespace + pattern.name, kwargs=kwargs)

    return list(walk(get_resolver().url_patterns, ""))


def test_the_access_log_line_of_every_token_url_hides_the_token(tmp_path):
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config

    from patron.system.gunicorn import MaskingLogger

    urls = capability_urls()
    assert {"document", "feed", "password_reset_confirm"} <= {name for name, _path in urls}
    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    logger = MaskingLogger(config)
    for _name, path in urls:
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": f"{path}?next=SECRETquery",
            "PATH_INFO": path,
            "QUERY_STRING": "next=SECRETquery",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_REFERER": f"https://patron.example{path}",
        }
        response = SimpleNamespace(status="200 OK", sent=10, headers=[])
        request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
        logger.access(response, request, environ, timedelta(milliseconds=5))
    lines = (tmp_path / "access.log").read_text().splitlines()
    assert len(lines) == len(urls)
    for line in lines:
        assert "SECRET" not in line, line
        assert "GET /" in line and "…" in line


# Two processes, as two gunicorn workers: each has its own memory (and its own cache).
FAIL_FIVE_TIMES = """
from django.test import Client
from patron.accounts.owner import do_create_owner
do_create_owner(email="claire@atelier-lumen.example", password="correct horse battery staple")
stranger = Client(REMOTE_ADDR="10.6.6.6", HTTP_HOST="127.0.0.1")
for _ in range(5):
    answer = stranger.post("/app/login/", {"username": "claire@atelier-lumen.example", "password": "x"})
    print(answer.status_code)
"""
TRY_THE_RIGHT_PASSWORD = """
import sys
from django.test import Client
for address in sys.argv[1:]:
    answer = Client(REMOTE_ADDR=address, HTTP_HOST="127.0.0.1").post(
        "/app/login/",
        {"username": "claire@atelier-lumen.example", "password": "correct horse battery staple"},
    )
    print(address, answer.status_code)
"""


@pytest.mark.slow
def test_the_login_limit_holds_across_worker_processes(installs):
    install = installs()
    install.env["PATRON_DEBUG"] = "true"  # static files from the source, no collectstatic
    assert install.python(FAIL_FIVE_TIMES).stdout.split() == ["200"] * 5
    other_worker = install.popen(TRY_THE_RIGHT_PASSWORD, "10.6.6.6", "10.1.1.1")
    out, err = other_worker.communicate(timeout=60)
    assert other_worker.returncode == 0, err
    assert out.split("\n")[:2] == ["10.6.6.6 429", "10.1.1.1 302"]
