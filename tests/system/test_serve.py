"""`patron serve` (what `make run` runs) as a real process: two installs on one machine
keep out of each other's way, and it runs with tasks done immediately (no queue)."""

import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from tests.fixtures import free_port

pytestmark = pytest.mark.slow  # real subprocesses on fresh installs


class Server:
    def __init__(self, install, **env):
        self.port = free_port()
        self.install = install
        self.process = subprocess.Popen(
            [sys.executable, "-m", "patron.cli", "serve", "--workers", "1"],
            env={**install.env, "PORT": str(self.port), **env},
            cwd=install.folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines = []  # its output, read as it comes
        threading.Thread(target=lambda: self.lines.extend(self.process.stdout), daemon=True).start()

    def answers(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def wait_until(self, condition, seconds=240):  # two servers starting on a loaded machine
        deadline = time.monotonic() + seconds
        while not condition():
            assert self.process.poll() is None, "patron serve stopped:\n" + "".join(self.lines)
            assert time.monotonic() < deadline, "waited in vain:\n" + "".join(self.lines)
            time.sleep(0.3)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def test_two_installs_on_one_machine_each_keep_their_own_control_socket(installs, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    first, second = installs(), installs()
    for install in (first, second):
        install.env["HOME"] = str(home)  # gunicorn's default socket is under the home
        install.env.pop("XDG_RUNTIME_DIR", None)
    a, b = Server(first), Server(second)
    try:
        for server in (a, b):
            server.wait_until(server.answers)
            socket = server.install.folder / "gunicorn.ctl"
            server.wait_until(socket.is_socket)
        assert not (home / ".gunicorn").exists()
        b.stop()
        # The first keeps its socket, and keeps serving.
        assert (first.folder / "gunicorn.ctl").is_socket() and a.answers()
        assert not (second.folder / "gunicorn.ctl").exists()
    finally:
        for server in (a, b):
            if server.process.poll() is None:
                server.stop()


def test_patron_serve_runs_with_tasks_done_immediately(installs):
    server = Server(installs(), PATRON_TASKS_IMMEDIATE="true")
    try:
        server.wait_until(server.answers)
        server.wait_until(lambda: any("only the scheduler runs" in line for line in server.lines))
        time.sleep(3)  # the worker beside it has not stopped, nor made the server stop
        assert server.process.poll() is None and server.answers()
    finally:
        server.stop()
    assert server.process.returncode == 0, "".join(server.lines)
