"""Recurring invoices: exactly one invoice per period over a simulated year, caught up
after downtime without doubling, within their end or count."""

from datetime import date, timedelta

import pytest

from patron.billing.models import Document, Recurring, RecurringRun, Status
from patron.billing.recurring.runs import add_months, next_date, periods, run
from tests.fixtures import acme_contact


def retainer(client, **fields):
    recurring = Recurring.objects.create(
        **{"name": "Maintenance", "client": client, "start": date(2026, 1, 31), **fields}
    )
    recurring.lines.create(
        description="Website maintenance", quantity=1, unit="MON", unit_price=450, vat_rate=21
    )
    return recurring


@pytest.fixture
def acme(business):
    return acme_contact()


def every_day(first, last):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def test_a_simulated_year_gives_one_invoice_a_month(acme):
    monthly = retainer(acme)
    weekly = retainer(acme, name="Support", every=2, unit="weeks", start=date(2026, 1, 5), count=10)
    for day in every_day(date(2026, 1, 1), date(2026, 12, 31)):
        run(today=day)
        run(today=day)  # a second worker, the same day
    starts = list(monthly.runs.order_by("period_start").values_list("period_start", flat=True))
    assert starts[:3] == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    assert len(starts) == 12 and starts[-1] == date(2026, 12, 31)
    assert weekly.runs.count() == 10
    drafts = Document.objects.filter(status=Status.DRAFT)
    assert drafts.count() == 22
    february = drafts.get(recurring_runs__period_start=date(2026, 2, 28))
    assert (february.service_start, february.service_end) == (date(2026, 2, 28), date(2026, 3, 30))
    assert str(february.total_incl_vat) == "544.50"
    assert next_date(weekly) is None


def test_downtime_is_caught_up_once(acme):
    recurring = retainer(acme, start=date(2026, 1, 1), end=date(2026, 6, 30))
    assert len(run(today=date(2026, 1, 1))) == 1
    # Off from January to September: the missed months, each once, and never past the end.
    assert len(run(today=date(2026, 9, 15))) == 5
    assert run(today=date(2026, 9, 15)) == [] and run(today=date(2027, 1, 1)) == []
    assert RecurringRun.objects.filter(recurring=recurring).count() == 6


def test_a_period_already_invoiced_by_another_worker_is_skipped(acme):
    recurring = retainer(acme, start=date(2026, 3, 1))
    RecurringRun.objects.create(recurring=recurring, period_start=date(2026, 3, 1))
    assert run(today=date(2026, 3, 1)) == []


def test_an_inactive_or_future_template_makes_nothing(acme):
    retainer(acme, active=False, start=date(2026, 1, 1))
    retainer(acme, start=date(2027, 1, 1))
    assert run(today=date(2026, 6, 1)) == []


def test_month_ends_do_not_drift():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 1, 31), 2) == date(2026, 3, 31)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_a_count_bounds_the_periods(acme):
    recurring = retainer(acme, start=date(2026, 1, 1), count=3)
    assert periods(recurring, date(2030, 1, 1)) == [
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
    ]


def test_an_automatic_one_is_issued_and_emailed(
    acme, inbox, immediate_tasks, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    retainer(acme, start=timezone.localdate(), auto_send=True)
    with django_capture_on_commit_callbacks(execute=True):
        [document] = run()
    assert document.number and document.status in (Status.ISSUED, Status.SENT)
    assert len(inbox.messages) == 1 and document.number in inbox.messages[0]["Subject"]
    assert run() == []


def test_an_automatic_one_a_killed_worker_left_as_a_draft_is_issued_and_emailed_once(
    acme, inbox, immediate_tasks, django_capture_on_commit_callbacks, settings
):
    from django.utils import timezone

    from patron.billing.recurring.runs import create_for_period, resume_interrupted_runs

    recurring = retainer(acme, start=timezone.localdate(), auto_send=True)
    start = timezone.localdate()
    # The worker made the period's draft, then died before issuing it.
    made = create_for_period(recurring, start, start + timedelta(days=30), recurring.lines.all())
    assert made.state == RecurringRun.State.ISSUING and made.document.is_draft
    assert resume_interrupted_runs() == []  # not late yet: its worker may still be at it
    later = timezone.now() + timedelta(seconds=settings.OUTBOX_TIMEOUT + 1)
    with django_capture_on_commit_callbacks(execute=True):
        [document] = resume_interrupted_runs(now=later)
    assert document.number and len(inbox.messages) == 1
    assert RecurringRun.objects.get().state == RecurringRun.State.DONE
    # Nothing more: not by the sweep, not by the next run.
    assert resume_interrupted_runs(now=later + timedelta(hours=1)) == [] and run() == []
    assert len(inbox.messages) == 1 and Document.objects.count() == 1


def test_an_automatic_one_issued_but_not_yet_emailed_is_emailed_once(
    acme, owner, inbox, immediate_tasks, django_capture_on_commit_callbacks, settings
):
    from django.utils import timezone

    from patron.billing.documents.issuing import do_issue
    from patron.billing.recurring.runs import create_for_period, resume_interrupted_runs

    recurring = retainer(acme, start=timezone.localdate(), auto_send=True)
    start = timezone.localdate()
    made = create_for_period(recurring, start, start + timedelta(days=30), recurring.lines.all())
    do_issue(None, made.document, actor="recurring")  # then the worker died
    later = timezone.now() + timedelta(seconds=settings.OUTBOX_TIMEOUT + 1)
    with django_capture_on_commit_callbacks(execute=True):
        resume_interrupted_runs(now=later)
    assert len(inbox.messages) == 1
    assert Document.objects.get().sendings.count() == 1


def test_an_automatic_one_the_rules_refuse_is_held_as_a_draft_with_the_reason(acme):
    from django.utils import timezone

    recurring = retainer(acme, start=timezone.localdate(), auto_send=True)
    recurring.lines.update(vat_rate=7)  # not a Belgian rate: issuing refuses
    [document] = run()
    assert document.is_draft
    held = RecurringRun.objects.get()
    assert held.state == RecurringRun.State.HELD and "7 % is not a VAT rate" in held.error
    assert run() == [] and Document.objects.get().is_draft  # left for the owner to look at
