import os
import time
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from patron.accounts.models import LoginFailure
from patron.system.models import ScheduledJob
from patron.system.schedule import enqueue_due_jobs
from patron.system.tasks import prune_import_uploads

JOBS = [
    "prune-login-failures", "prune-import-uploads", "send-reminders", "create-recurring-invoices",
]  # fmt: skip


def test_periodic_jobs_are_enqueued_once_per_period(db):
    now = timezone.now()
    assert enqueue_due_jobs(now) == JOBS
    # A second worker (or a restart) in the same period enqueues nothing more.
    assert enqueue_due_jobs(now + timedelta(hours=1)) == []
    later = now + timedelta(days=1, seconds=1)
    assert enqueue_due_jobs(later) == JOBS
    assert ScheduledJob.objects.get(name="prune-login-failures").last_enqueued_at == later
    assert DBTaskResult.objects.count() == 2 * len(JOBS)


def test_the_worker_runs_queued_jobs(transactional_db):
    # transactional_db: the worker closes its database connection when it is done.
    old = LoginFailure.objects.create(username="x", at=timezone.now() - timedelta(days=2))
    recent = LoginFailure.objects.create(username="y")
    enqueue_due_jobs()
    call_command("worker", "--batch")
    assert not LoginFailure.objects.filter(pk=old.pk).exists()
    assert LoginFailure.objects.filter(pk=recent.pk).exists()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_abandoned_import_uploads_are_removed_after_a_day(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    folder = tmp_path / "imports"
    folder.mkdir()
    old, fresh = folder / "old.upload", folder / "fresh.upload"
    old.write_text("x")
    fresh.write_text("y")
    two_days_ago = time.time() - 48 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    assert prune_import_uploads.call() == 1
    assert not old.exists() and fresh.exists()
