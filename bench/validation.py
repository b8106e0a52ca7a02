"""How long Patron's e-invoice validator takes: the first file of each kind in a fresh
process (which compiles the XSD and the Schematron stylesheets it needs), then every file
after that, over the examples in tests/data/einvoice.

Runs in a process of its own each time (`--runs`, 3 by default) and prints the median of
each figure, as wall-clock time and as the CPU time of the process (which a busy machine
inflates less); the per-file figure is the median over every example, three passes each.

    .venv/bin/python bench/validation.py
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "einvoice"
FIRSTS = [
    ("UBL (UBL XSD, CEN UBL and Peppol stylesheets)", "peppol/peppol-base-example.xml"),
    ("CII (CII XSD, CEN CII stylesheet)", "en16931/cen-CII_example1.xml"),
    ("Factur-X PDF (Factur-X XSD)", "facturx/sample-weasyprint-drafthorse.pdf"),
]


def one_process():
    """Seconds for the first of each kind, then for every example thereafter (lines out)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patron.settings")
    django.setup()
    from patron.billing.einvoice.validation import validate

    def timed(path):
        data = path.read_bytes()
        wall, cpu = time.perf_counter(), time.process_time()
        validate(data)
        return f"{time.perf_counter() - wall:.4f} {time.process_time() - cpu:.4f}"

    for _label, name in FIRSTS:
        print(f"first {timed(EXAMPLES / name)}")
    for _ in range(3):
        for path in sorted(EXAMPLES.glob("*/*")):
            if path.suffix in (".xml", ".pdf"):
                print(f"next {timed(path)}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return one_process()
    firsts, nexts = [[] for _ in FIRSTS], []  # (wall, cpu) seconds
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "PATRON_DATA_DIR": data_dir}
        for _ in range(args.runs):
            out = subprocess.run(
                [sys.executable, __file__, "--child"], env=env, check=True,
                capture_output=True, text=True,
            ).stdout.split("\n")  # fmt: skip
            rows = [line.split() for line in out if line]
            for i, (_kind, wall, cpu) in enumerate(rows[: len(FIRSTS)]):
                firsts[i].append((float(wall), float(cpu)))
            nexts += [(float(wall), float(cpu)) for _kind, wall, cpu in rows[len(FIRSTS) :]]
    for (label, _name), values in zip(FIRSTS, firsts, strict=True):
        wall, cpu = (statistics.median(v[i] for v in values) for i in (0, 1))
        print(f"first {label}: {wall:.2f} s ({cpu:.2f} s of CPU)")
    walls, cpus = sorted(v[0] for v in nexts), sorted(v[1] for v in nexts)
    print(
        f"every file after that: median {statistics.median(walls) * 1000:.0f} ms "
        f"({statistics.median(cpus) * 1000:.0f} ms of CPU), "
        f"p95 {walls[int(len(walls) * 0.95)] * 1000:.0f} ms ({len(nexts)} validations); "
        f"load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
