"""Server time of the busiest pages on the ten-year data of bench/generate.py.

Runs each page through Django's test client in this process (no network, no
browser: the time the server spends), several times, and prints the median
and the 95th percentile with their ratio to the 100 ms target, the median CPU
time of a request (what bounds requests per second per core, whatever the
load of a shared machine) and the load average before and after.

    .venv/bin/python bench/pages.py /tmp/patron-bench [--runs 40] [--only dashboard ...]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

TARGET_MS = 100.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", help="A PATRON_DATA_DIR filled by bench/generate.py.")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--only", nargs="*", default=[], help="Pages whose label starts so.")
    args = parser.parse_args()
    folder = Path(args.folder).resolve()
    if not (folder / "patron.sqlite3").exists():
        sys.exit(f"No database in {folder}: run bench/generate.py first.")
    os.environ["PATRON_DATA_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patron.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from patron.accounts.models import User

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_HOST="localhost")
    client.force_login(User.objects.filter(is_superuser=True).first())
    pages = {
        "contact list": "/app/contacts/",
        "contact list, searched": "/app/contacts/?q=ma",
        "to reconnect": "/app/contacts/reconnect/",
        "project list": "/app/work/",
        "time entries": "/app/work/time/",
        "week view": "/app/work/week/",
        "expenses": "/app/work/expenses/",
        "dashboard": "/app/",
        "effective rate, clients": "/app/effective-rate/",
        "effective rate, projects": "/app/effective-rate/?by=project&period=all",
        "effective rate, months": "/app/effective-rate/?by=month",
        "contact form": "/app/contacts/new/",
        "time entry form": "/app/work/time/new/",
        "expense form": "/app/work/expenses/add/",
        "project picker search": "/app/work/projects/pick/?scope=all&q=a",
        "contact picker search": "/app/contacts/pick/?scope=any&q=ma",
    }
    if args.only:
        pages = {k: v for k, v in pages.items() if any(k.startswith(o) for o in args.only)}
    print(f"load average {load()}")
    print(f"{'page':<26} {'median':>9} {'p95':>9} {'CPU':>9}   p95 / {TARGET_MS:.0f} ms target")
    for label, url in pages.items():
        response = client.get(url)  # warm the caches once
        if response.status_code != 200:
            print(f"{label:<24} HTTP {response.status_code}")
            continue
        times, cpu = [], []
        for _ in range(args.runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        median = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[-1]
        print(
            f"{label:<26} {median:7.1f}ms {p95:7.1f}ms {statistics.median(cpu):7.1f}ms"
            f"   {p95 / TARGET_MS:5.2f}×"
        )
    print(f"load average {load()}")


def load():
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


if __name__ == "__main__":
    main()
