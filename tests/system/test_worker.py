from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from patron.accounts.models import LoginFailure
from patron.system.models import ScheduledJob
from patron.system.schedule import enqueue_due_jobs


def test_periodic_jobs_are_enqueued_once_per_period(db):
    now = timezone.now()
    assert enqueue_due_jobs(now) == ["prune-login-failures"]
    # A second worker (or a restart) in the same period enqueues nothing more.
    assert enqueue_due_jobs(now + timedelta(hours=1)) == []
    assert enqueue_due_jobs(now + timedelta(days=1, seconds=1)) == ["prune-login-failures"]
    assert ScheduledJob.objects.get().last_enqueued_at == now + timedelta(days=1, seconds=1)
    assert DBTaskResult.objects.count() == 2


def test_the_worker_runs_queued_jobs(transactional_db):
    # transactional_db: the worker closes its database connection when it is done.
    old = LoginFailure.objects.create(username="x", at=timezone.now() - timedelta(days=2))
    recent = LoginFailure.objects.create(username="y")
    enqueue_due_jobs()
    call_command("worker", "--batch")
    assert not LoginFailure.objects.filter(pk=old.pk).exists()
    assert LoginFailure.objects.filter(pk=recent.pk).exists()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
