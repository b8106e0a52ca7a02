"""`patron report` over all time against Watson's `watson report` on the same
frames, and the Toggl import rate; on the folder bench/generate.py filled.

Prints medians of several runs (whole commands, start-up included): each
grouping of `patron report`, then `patron report --json` and `watson report
--json` run in turn (A, B, A, B…, so that a change in the machine's load falls on
both) with the ratio Watson / Patron of the medians and of each pair (above 1:
Patron is faster), and the start-up: `patron report` on an empty install. Then
imports the 100,000-row Toggl CSV into fresh installs and prints rows per second
(target > 20,000): the time spent checking and writing, then the median of
`patron import toggl` as a whole, a fresh install for each run.

The commands run with their bytecode cached (PYTHONDONTWRITEBYTECODE dropped), as
an installed Patron and Watson do.

    .venv/bin/python bench/report.py /tmp/patron-bench [--runs 5] [--import-only | --reports-only]

With --ab [TRICKS], the import part instead times the importers' speed tricks
against the plain code they replace, alternated in one process
(bench/import_ab.py; TRICKS: comma-separated, all by default).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_ROWS_PER_SECOND = 20_000


def run(command, env):
    """Seconds the whole command took; exits with its error if it failed."""
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr[-2000:]}")
    return seconds


def timed(command, env, runs):
    return statistics.median(run(command, env) for _ in range(runs))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", help="A data folder made by bench/generate.py.")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--import-only", action="store_true", help="Skip the reports.")
    parser.add_argument("--reports-only", action="store_true", help="Skip the Toggl import.")
    parser.add_argument("--ab", nargs="?", const="", help="Tricks against plain code, A/B.")
    args = parser.parse_args()
    folder = Path(args.folder).resolve()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATRON_")}
    env.pop("DATABASE_URL", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PATRON_DATA_DIR"] = str(folder)
    if not args.import_only:
        reports(folder, env, args.runs)
    if not args.reports_only:
        toggl_import(folder / "toggl-100k.csv", env, args.runs, args.ab)


def reports(folder, env, runs):
    patron = [sys.executable, "-m", "patron.cli", "report"]
    for by in ("project", "client", "tag", "day"):
        seconds = timed([*patron, "--json", "--by", by], env, runs)
        print(f"patron report --by {by:<8} all time: {seconds * 1000:8.0f} ms (median)")
    run([*patron, "--json"], env)  # the file system's caches warm for both
    watson = shutil.which("watson", path=str(Path(sys.executable).parent)) or shutil.which("watson")
    if watson is None:
        print("Watson is not installed (pip install td-watson): no comparison.")
    else:
        watson_env = {**env, "WATSON_DIR": str(folder / "watson")}
        command = [watson, "report", "--from", "2000-01-01", "--to", "2100-01-01", "--json"]
        run(command, watson_env)
        pairs = [(run([*patron, "--json"], env), run(command, watson_env)) for _ in range(runs)]
        patron_seconds = statistics.median(p for p, _w in pairs)
        watson_seconds = statistics.median(w for _p, w in pairs)
        ratios = sorted(w / p for p, w in pairs)
        print(
            f"patron report --json: {patron_seconds * 1000:.0f} ms; "
            f"watson report --json: {watson_seconds * 1000:.0f} ms (medians of {runs}, "
            f"alternated); Watson / Patron = {watson_seconds / patron_seconds:.2f} "
            f"(each pair: {ratios[0]:.2f}–{ratios[-1]:.2f})"
        )
    with tempfile.TemporaryDirectory() as empty:
        empty_env = {**env, "PATRON_DATA_DIR": empty}
        run([sys.executable, "-m", "patron.cli", "migrate", "-v0"], empty_env)
        seconds = timed(patron, empty_env, runs)
        floor = timed([sys.executable, "-c", "pass"], env, runs)
        print(
            f"start-up: patron report on an empty install {seconds * 1000:.0f} ms "
            f"(median; Python alone {floor * 1000:.0f} ms)"
        )


def toggl_import(toggl, env, runs, ab=None):
    with tempfile.TemporaryDirectory() as installed:
        # One migrated install, copied afresh for each import.
        template = Path(installed) / "template"
        subprocess.run(
            [sys.executable, "-m", "patron.cli", "migrate", "-v0"],
            env={**env, "PATRON_DATA_DIR": str(template)},
            check=True,
        )
        if ab is not None:
            work = Path(installed) / "ab"
            work.mkdir()
            command = [sys.executable, str(Path(__file__).with_name("import_ab.py"))]
            command += [str(template), str(work), str(toggl), "--runs", str(runs), "--tricks", ab]
            subprocess.run(command, env={**env, "PATRON_DATA_DIR": str(work)}, check=True)
            return
        fresh = Path(installed) / "fresh"
        shutil.copytree(template, fresh)
        code = (
            "import os, sys, time, django\n"
            "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'patron.settings')\n"
            "django.setup()\n"
            "from patron.system.importing import get_importer\n"
            "data = open(sys.argv[1], 'rb').read()\n"
            "importer = get_importer('toggl')\n"
            "t0 = time.perf_counter(); plan = importer.plan(data); t1 = time.perf_counter()\n"
            "assert plan.ok, plan.errors[:3]\n"
            "importer.apply(plan); t2 = time.perf_counter()\n"
            "print(len(plan.items), t1 - t0, t2 - t1)\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code, str(toggl)],
            env={**env, "PATRON_DATA_DIR": str(fresh)},
            capture_output=True,
            text=True,
            check=True,
        )
        rows, checking, writing = result.stdout.split()
        rows, checking, writing = int(rows), float(checking), float(writing)
        rate = rows / (checking + writing)
        print(
            f"Toggl import: {rows} rows, checked in {checking:.2f} s, written in {writing:.2f} s: "
            f"{rate:,.0f} rows/s ({rate / TARGET_ROWS_PER_SECOND:.2f} × the 20,000 target)"
        )
        # The whole command, start-up and all, each run on a fresh install.
        times = []
        for number in range(runs):
            fresh = Path(installed) / f"run-{number}"
            shutil.copytree(template, fresh)
            seconds = run(
                [sys.executable, "-m", "patron.cli", "import", "toggl", str(toggl)],
                {**env, "PATRON_DATA_DIR": str(fresh)},
            )
            times.append(seconds)
            shutil.rmtree(fresh)
        seconds = statistics.median(times)
        print(
            f"patron import toggl (whole command): {seconds:.2f} s median of {runs} "
            f"({', '.join(f'{t:.2f}' for t in times)}), {rows / seconds:,.0f} rows/s"
        )


if __name__ == "__main__":
    main()
