"""The `patron` command line: its commands run in-process on the test database, and
`patron serve` for real, on a fresh install."""

import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from tests.fixtures import free_port


def test_patron_demo_fills_an_empty_install_once(patron):
    result = patron("demo", "--password", "a demo passphrase")
    assert result.returncode == 0, result.stderr
    assert "Atelier Lumen" in result.stdout
    again = patron("demo")
    assert again.returncode != 0
    assert "not empty" in again.stderr
    token = patron("token", "create", "script")
    assert token.stdout.strip().startswith("ptn_")
    revoked = patron("token", "revoke", "nothing-like-it")
    assert revoked.returncode != 0 and "No active token" in revoked.stderr


@pytest.mark.slow
def test_patron_serve_migrates_and_answers_healthz(installs):
    port = free_port()
    install = installs(migrated=False)
    install.env["PORT"] = str(port)
    server = subprocess.Popen(
        [sys.executable, "-m", "patron.cli", "serve", "--workers", "1"],
        env=install.env,
        cwd=install.folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []  # the server's output, read as it comes (a slow machine starts the worker late)
    reader = threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 240  # a loaded two-core machine starts it late
        body = None
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read().decode()
            except OSError:
                time.sleep(0.3)
        assert body is not None, "patron serve never answered"
        assert '"status": "ok"' in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/app/", timeout=5) as r:
            assert r.url.endswith("/app/welcome/")
            page = r.read().decode()
        assert "Patron" in page
        # Static files are served (by WhiteNoise, with hashed names).
        css = page.split('rel="stylesheet" href="')[1].split('"')[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{css}", timeout=5) as r:
            assert r.status == 200
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any("Starting worker" in x for x in lines):
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=20)
        reader.join(timeout=5)
    output = "".join(lines)
    assert "Starting worker" in output  # the background worker ran beside the server
    assert server.returncode == 0, output


@pytest.mark.parametrize(
    "args", [["restore"], ["token", "create", ""], ["backup", "/proc/x.tar.gz"]]
)
def test_command_misuse_exits_non_zero_with_a_message(patron, args):
    result = patron(*args)
    assert result.returncode != 0
    assert result.stderr.strip()
