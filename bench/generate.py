"""Build a ten-year business into a data folder, for the benchmarks.

10,000 contacts, 2,000 projects, 200,000 time entries (one after another,
never overlapping), 20,000 expenses, all with bulk inserts; the time billed as a
freelancer bills it (`invoice_the_work`: an invoice per project and month, paid a
month or so later, the last two months still to invoice); then writes the
same entries as a Watson `frames` file (DIR/watson/frames) and the first
100,000 of them as a Toggl detailed CSV (DIR/toggl-100k.csv).

    .venv/bin/python bench/generate.py /tmp/patron-bench [--entries 200000]
"""

import argparse
import csv
import os
import random
import secrets
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

CHUNK = 5000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", help="The PATRON_DATA_DIR to fill (made if missing).")
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--projects", type=int, default=2_000)
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--expenses", type=int, default=20_000)
    parser.add_argument("--toggl-rows", type=int, default=100_000)
    parser.add_argument(
        "--unbilled-months", type=int, default=2, help="The last months left to invoice."
    )
    args = parser.parse_args()
    folder = Path(args.folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "patron.sqlite3").exists() or any(folder.glob("*.sqlite3")):
        sys.exit(f"{folder} already holds a database: give an empty folder.")
    os.environ["PATRON_DATA_DIR"] = str(folder)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patron.settings")
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    build(folder, args)
    print(f"Built in {time.perf_counter() - started:.1f} s into {folder}")


def build(folder, args):
    from django.db import transaction

    from patron.accounts.owner import do_create_owner
    from patron.business.demo import PROFILE
    from patron.business.forms import ProfileForm
    from patron.business.profile import do_save_business
    from patron.contacts.models import Contact
    from patron.work.models import Expense, Project, Tag, TimeEntry

    rng = random.Random(10)  # noqa: S311 -- sample data
    zone = ZoneInfo(PROFILE["time_zone"])
    with transaction.atomic():
        owner = do_create_owner(email="bench@patron.example", password=secrets.token_urlsafe(16))
        form = ProfileForm(PROFILE)
        assert form.is_valid(), form.errors
        do_save_business(owner, form)

        contacts = []
        for i in range(args.contacts):
            organisation = i % 4 == 0
            contacts.append(
                Contact(
                    is_organisation=organisation,
                    name=f"Organisation {i:05d}" if organisation else "",
                    first_name="" if organisation else f"First{i:05d}",
                    last_name="" if organisation else f"Last{i:05d}",
                    is_client=organisation and i % 8 == 0,
                    is_prospect=not organisation and i % 3 == 0,
                    email=f"contact{i:05d}@example.com",
                    hourly_rate=Decimal(rng.choice([70, 80, 90, 100])) if i % 8 == 0 else None,
                    city=rng.choice(["Bruxelles", "Liège", "Lille", "Paris", "Gent"]),
                    country=rng.choice(["BE", "FR"]),
                )
            )
        Contact.objects.bulk_create(contacts, batch_size=CHUNK)
        clients = list(Contact.objects.filter(is_client=True).values_list("pk", flat=True))
        modes = ["hourly"] * 6 + ["daily", "daily", "fixed", "non_billable"]
        Project.objects.bulk_create(
            [
                Project(
                    client_id=rng.choice(clients),
                    name=f"Project {i:04d}",
                    billing_mode=rng.choice(modes),
                    rate=Decimal(rng.choice([60, 85, 95, 500, 650])) if i % 3 else None,
                    billing_increment_minutes=rng.choice([1, 6, 15, 30]),
                    status="done" if i < args.projects * 0.9 else "active",
                )
                for i in range(args.projects)
            ],
            batch_size=CHUNK,
        )
        projects = list(Project.objects.order_by("pk").values_list("pk", "name"))
        tags = Tag.objects.bulk_create(
            [Tag(name=n) for n in ["design", "dev", "call", "admin", "print", "travel", "review"]]
        )
        tags = list(Tag.objects.values_list("pk", "name"))

        # Entries follow each other: ten years of 26-minute slots, ten years ago to now.
        slot = timedelta(minutes=26)
        moment = datetime.now(UTC).replace(microsecond=0) - slot * (args.entries + 10)
        frames, toggl = [], []
        through = TimeEntry.tags.through
        for first in range(0, args.entries, CHUNK):
            chunk, chunk_tags = [], []
            for i in range(first, min(first + CHUNK, args.entries)):
                # Projects come and go: each lives for a stretch of the ten years.
                index = min(
                    len(projects) - 1, i * len(projects) // args.entries + rng.randint(0, 5)
                )
                project_id, project_name = projects[index]
                seconds = rng.randint(5, 25) * 60
                end = moment + timedelta(seconds=seconds)
                entry_tags = rng.sample(tags, k=rng.choice([0, 1, 1, 2]))
                chunk.append(
                    TimeEntry(
                        project_id=project_id,
                        start=moment,
                        end=end,
                        duration_seconds=seconds,
                        note=f"Work {i}",
                        billable=i % 10 != 0,
                    )
                )
                chunk_tags.append(entry_tags)
                names = [name for _pk, name in entry_tags]
                stamp = int(moment.timestamp())
                frames.append(
                    [
                        stamp,
                        stamp + seconds,
                        project_name,
                        uuid.UUID(int=rng.getrandbits(128), version=4).hex,
                        names,
                        stamp + seconds,
                    ]
                )
                if len(toggl) < args.toggl_rows:
                    toggl.append((project_name, f"Work {i}", moment, end, seconds, names))
                moment += slot
            saved = TimeEntry.objects.bulk_create(chunk)
            through.objects.bulk_create(
                [
                    through(timeentry_id=entry.pk, tag_id=tag_pk)
                    for entry, entry_tags in zip(saved, chunk_tags, strict=True)
                    for tag_pk, _name in entry_tags
                ]
            )

        today = datetime.now(zone).date()
        categories = ["Logiciels", "Matériel", "Déplacements", "Bureau", "Formation", "Télécom"]
        Expense.objects.bulk_create(
            [
                Expense(
                    on=today - timedelta(days=rng.randint(0, 3650)),
                    supplier=f"Supplier {rng.randint(1, 300)}",
                    description=f"Expense {i}",
                    category=rng.choice(categories),
                    amount_excl_vat=Decimal(rng.randint(500, 50000)) / 100,
                    vat_rate=Decimal(21),
                    vat_amount=Decimal(0),
                    billable=i % 5 == 0,
                )
                for i in range(args.expenses)
            ],
            batch_size=CHUNK,
        )
        invoice_the_work(rng, zone, today, args.unbilled_months)

    watson = folder / "watson"
    watson.mkdir(exist_ok=True)
    import json

    (watson / "frames").write_text(json.dumps(frames))
    with open(folder / "toggl-100k.csv", "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(
            "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,"
            "End date,End time,Duration,Tags,Amount (EUR)".split(",")
        )
        for project, note, start, end, seconds, names in toggl:
            start, end = start.astimezone(zone), end.astimezone(zone)
            writer.writerow(
                [
                    "Claire Dubois", "claire@atelier-lumen.example", "Bench client", project,
                    "", note, "Yes", f"{start:%Y-%m-%d}", f"{start:%H:%M:%S}",
                    f"{end:%Y-%m-%d}", f"{end:%H:%M:%S}",
                    f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}",
                    ", ".join(names), "",
                ]
            )  # fmt: skip
    print(
        f"{Contact.objects.count()} contacts, {Project.objects.count()} projects, "
        f"{TimeEntry.objects.count()} time entries, {Expense.objects.count()} expenses; "
        f"{len(frames)} Watson frames, {len(toggl)} Toggl rows"
    )


def invoice_the_work(rng, zone, today, unbilled_months):
    """Bill ten years of time as a freelancer does: an invoice per project and month of
    billable time (a fixed-price project once, its price, in its last month), issued on
    the first of the next month at 21 % VAT, due 30 days later, and paid 5 to 45 days after
    issue unless that is still to come; the last `unbilled_months` months are left to
    invoice. Bulk inserts of issued documents, as `do_issue` would have frozen them."""
    from django.db import connection

    from patron.billing.models import Allocation, Document, Line, Payment
    from patron.work.models import Project

    month = datetime(today.year, today.month, 1, tzinfo=zone)
    for _i in range(unbilled_months - 1):
        month = (month - timedelta(days=1)).replace(day=1)
    cutoff = month.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    projects = {
        row["pk"]: row
        for row in Project.objects.values(
            "pk", "client_id", "billing_mode", "rate", "client__hourly_rate", "name"
        )
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT project_id, substr(start, 1, 7), SUM(duration_seconds) FROM work_timeentry "
            "WHERE billable AND start < %s GROUP BY 1, 2 ORDER BY 2, 1",
            [cutoff],
        )
        groups = cursor.fetchall()
    last_month = {}
    for project_id, period, _seconds in groups:
        last_month[project_id] = period
    invoices, links = [], []
    numbers = {}
    for project_id, period, seconds in groups:
        project = projects[project_id]
        mode = project["billing_mode"]
        if mode == "non_billable" or (mode == "fixed" and period != last_month[project_id]):
            continue
        year, number = int(period[:4]), int(period[5:7])
        issued = date_after(year, number)
        hourly = project["rate"] or project["client__hourly_rate"] or Decimal(85)
        if mode == "daily":
            hourly = (project["rate"] or Decimal(600)) / 7
        hours = (Decimal(seconds) / 3600).quantize(Decimal("0.01"))
        net = (hours * hourly).quantize(Decimal("0.01"))
        if mode == "fixed":
            hours, hourly = Decimal(1), project["rate"] or Decimal(3000)
            net = hourly
        vat = (net * Decimal("0.21")).quantize(Decimal("0.01"))
        numbers[issued.year] = numbers.get(issued.year, 0) + 1
        invoices.append(
            Document(
                kind="invoice",
                status="draft",  # sent once its lines are in: the database guards sent ones
                client_id=project["client_id"],
                project_id=project_id,
                number=f"F-{issued.year}-{numbers[issued.year]:05d}",
                issue_date=issued,
                due_date=issued + timedelta(days=30),
                issued_at=datetime(issued.year, issued.month, issued.day, 9, tzinfo=zone),
                currency="EUR",
                language="fr",
                total_excl_vat=net,
                total_vat=vat,
                total_incl_vat=net + vat,
                amount_due=net + vat,
            )  # fmt: skip
        )
        links.append((project_id, None if mode == "fixed" else period, hours, hourly))
    Document.objects.bulk_create(invoices, batch_size=CHUNK)
    Line.objects.bulk_create(
        [
            Line(
                document=invoice,
                description=f"{projects[pid]['name']} {period or ''}",
                quantity=hours,
                unit="LS" if period is None else "HUR",
                unit_price=hourly,
                vat_rate=Decimal(21),
                category="S",
                net=invoice.total_excl_vat,
            )  # fmt: skip
            for invoice, (pid, period, hours, hourly) in zip(invoices, links, strict=True)
        ],
        batch_size=CHUNK,
    )
    Document.objects.filter(kind="invoice", status="draft").exclude(number="").update(status="sent")
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE work_timeentry SET invoice_id = %s WHERE project_id = %s AND billable "
            "AND start < %s AND (%s IS NULL OR substr(start, 1, 7) = %s)",
            [
                (invoice.pk, pid, cutoff, period, period)
                for invoice, (pid, period, _h, _r) in zip(invoices, links, strict=True)
            ],
        )
    payments = []
    paid = []
    for invoice in invoices:
        on = invoice.issue_date + timedelta(days=rng.randint(5, 45))
        if on <= today:
            payments.append(
                Payment(
                    client_id=invoice.client_id,
                    date=on,
                    amount=invoice.total_incl_vat,
                    reference=invoice.number,
                )  # fmt: skip
            )
            paid.append(invoice)
    Payment.objects.bulk_create(payments, batch_size=CHUNK)
    Allocation.objects.bulk_create(
        [
            Allocation(payment=payment, document=invoice, amount=payment.amount)
            for payment, invoice in zip(payments, paid, strict=True)
        ],
        batch_size=CHUNK,
    )
    print(f"{len(invoices)} invoices, {len(payments)} payments")


def date_after(year, month):
    """The first day of the month after."""
    from datetime import date

    return date(year + month // 12, month % 12 + 1, 1)


if __name__ == "__main__":
    main()
