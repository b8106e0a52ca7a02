"""Issue invoices of 15 lines and render each one's Factur-X PDF, CII and UBL; print the
rate and the median time per invoice of each step.

Runs in a fresh install in a temporary data folder (a Belgian business and a Belgian
client with a Peppol address, so every invoice has all three files), in one process on
one core, as a worker renders them. Steps: numbering (do_issue: the checks, the number,
the snapshot, the hash chain, the audit log, one transaction), CII and UBL (the XML),
PDF (the Factur-X PDF/A-3b with the CII inside) and storing (files written, rows saved).
The drafts are made beforehand and not counted.

The PDF is drawn by Typst since issue 13 (WeasyPrint before it: the A/B of both in one run is
in docs/performance.md).

    .venv/bin/python bench/invoices.py [--invoices 1000] [--lines 15]
"""

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

TARGET_MS = 100  # all renderings of one invoice, issue 4's aim


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=15)
    parser.add_argument("--keep", help="Render into this data folder (kept) instead.")
    args = parser.parse_args()
    if args.invoices < 1 or args.lines < 1:
        sys.exit("--invoices and --lines must be at least 1.")
    with tempfile.TemporaryDirectory(prefix="patron-invoices-") as scratch:
        folder = Path(args.keep or scratch).resolve()
        folder.mkdir(parents=True, exist_ok=True)
        os.environ["PATRON_DATA_DIR"] = str(folder)
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patron.settings")
        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        run(args)


def setup():
    from django.db import transaction

    from patron.accounts.owner import do_create_owner
    from patron.billing.demo import complete
    from patron.business.demo import PROFILE
    from patron.business.forms import ProfileForm
    from patron.business.profile import do_save_business

    with transaction.atomic():
        owner = do_create_owner(email="bench@patron.example", password=secrets.token_urlsafe(16))
        form = ProfileForm(PROFILE)
        assert form.is_valid(), form.errors
        do_save_business(owner, form)
        client = complete(
            "Brasserie Vos", "Rue Dansaert 12", "1000", "Bruxelles", "BE",
            "BE0417497106", "0417497106",
        )  # fmt: skip
    return owner, client


def drafts(client, count, lines):
    """`count` drafts of `lines` lines each: hours, days, a discount, two VAT rates."""
    from django.db import transaction

    from patron.billing.demo import line
    from patron.billing.documents.drafting import new_draft, save_lines
    from patron.billing.models import Unit

    made = []
    with transaction.atomic():
        for n in range(count):
            document = new_draft(client)
            document.save()
            save_lines(
                document,
                [
                    line(
                        f"Prestation {n}-{i} : maquettes, relectures et mise en page",
                        Decimal(i % 7 + 1) / 2,
                        "85" if i % 3 else "560",
                        "6" if i % 5 == 4 else "21",
                        Unit.HOUR if i % 3 else Unit.DAY,
                        discount="10" if i % 4 == 3 else "0",
                    )
                    for i in range(lines)
                ],
            )
            made.append(document)
    return made


def run(args):
    from django.db import connection

    from patron.billing.documents.issuing import do_issue
    from patron.billing.einvoice.facturx import cii_xml, facturx_pdf
    from patron.billing.einvoice.rendering import CII, PDF, UBL, do_store
    from patron.billing.einvoice.ubl import ubl_xml

    owner, client = setup()
    pending = drafts(client, args.invoices, args.lines)
    steps = {"numbering": [], "CII": [], "UBL": [], "PDF": [], "storing": []}
    clock = time.perf_counter
    started = clock()
    for draft in pending:
        t0 = clock()
        document = do_issue(owner, draft)
        t1 = clock()
        cii = cii_xml(document)
        t2 = clock()
        ubl = ubl_xml(document)
        t3 = clock()
        pdf = facturx_pdf(document, cii)
        t4 = clock()
        for fmt, data in ((CII, cii), (PDF, pdf), (UBL, ubl)):
            do_store(document, fmt, data)
        t5 = clock()
        times = (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)
        for step, seconds in zip(steps, times, strict=True):
            steps[step].append(seconds)
    elapsed = clock() - started

    count = len(pending)
    print(
        f"{count} invoices of {args.lines} lines issued and rendered (PDF, CII, UBL) "
        f"in {elapsed:.1f} s on one core ({connection.vendor}): "
        f"{count / elapsed:.1f} invoices/s"
    )
    print("median per invoice:")
    for step, times in steps.items():
        print(f"  {step:<10} {statistics.median(times) * 1000:7.1f} ms")
    renderings = [sum(steps[s][i] for s in ("CII", "UBL", "PDF")) for i in range(count)]
    median = statistics.median(renderings) * 1000
    print(
        f"  renderings {median:7.1f} ms (CII + UBL + PDF; aim {TARGET_MS} ms: "
        f"{median / TARGET_MS:.2f}× the aim)"
    )
    print(f"  whole      {elapsed / count * 1000:7.1f} ms (mean, everything included)")
    sizes = [len(data) for data in (pdf, cii, ubl)]
    print(
        f"last invoice {document.number}: PDF {sizes[0]:,} B, CII {sizes[1]:,} B, UBL {sizes[2]:,} B"
    )


if __name__ == "__main__":
    main()
