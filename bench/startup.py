"""How long `patron serve` takes to answer /healthz, against the 10-second target.

Runs it three times on a fresh data folder: the first start (creates and migrates
the database), then two restarts (nothing to migrate). Prints seconds and the
ratio to the target; lower is better.

    .venv/bin/python bench/startup.py
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

TARGET_SECONDS = 10.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_to_healthz(data_dir):
    port = free_port()
    env = {**os.environ, "PATRON_DATA_DIR": data_dir, "PORT": str(port)}
    env.pop("DATABASE_URL", None)
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "patron.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    return time.perf_counter() - started
            except OSError:
                if server.poll() is not None:
                    raise SystemExit("patron serve stopped before answering") from None
                time.sleep(0.05)
    finally:
        server.terminate()
        server.wait(timeout=30)


def main():
    with tempfile.TemporaryDirectory(prefix="patron-bench-") as data_dir:
        runs = [("first start (migrations)", time_to_healthz(data_dir))]
        runs += [(f"restart {i}", time_to_healthz(data_dir)) for i in (1, 2)]
    for label, seconds in runs:
        print(f"{label:<26} {seconds:6.2f} s   {seconds / TARGET_SECONDS:5.2f} × the 10 s target")


if __name__ == "__main__":
    main()
