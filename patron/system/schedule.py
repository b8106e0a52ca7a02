"""The periodic jobs `patron worker` enqueues (each app's `jobs`, system/registry.py), and
the small loop that does it.

Each job runs at most once per period however many workers run: the claim is
a conditional UPDATE on the job's row, which only one worker can win.

At every turn of the loop, each worker also sweeps for work a killed worker left half-done
(each app's `sweeps`, system/registry.py): mail left "sending" (patron/system/outbox.py), recurring invoices left "issuing",
the accountant's archives left half-built.
A sweep claims each row with a conditional UPDATE too, so workers sweeping together never
take up the same row twice.
"""

import logging
import threading

from django.db import IntegrityError, close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone

from patron.system import registry
from patron.system.models import ScheduledJob

log = logging.getLogger(__name__)


def claim(name, period, now):
    """True when this process wins the right to enqueue the job for this period."""
    with transaction.atomic():
        try:
            ScheduledJob.objects.get_or_create(name=name)
        except IntegrityError:
            pass
    due = Q(last_enqueued_at__isnull=True) | Q(last_enqueued_at__lte=now - period)
    return ScheduledJob.objects.filter(due, name=name).update(last_enqueued_at=now) == 1


def enqueue_due_jobs(now=None):
    now = now or timezone.now()
    enqueued = []
    for name, task, period in registry.jobs():
        if claim(name, period, now):
            task.enqueue()
            enqueued.append(name)
    return enqueued


def sweep():
    """Take up what killed workers left half-done; each sweep on its own, so that one that
    fails does not hold back the others."""
    for resume in registry.sweeps():
        try:
            resume()
        except Exception:
            log.exception("Taking up interrupted work failed (%s)", resume.__name__)


def run_scheduler(stop: threading.Event, interval=60):
    while not stop.is_set():
        try:
            for name in enqueue_due_jobs():
                log.info("Enqueued the periodic job %s", name)
            sweep()
        except Exception:
            log.exception("The scheduler failed; it tries again in %s s", interval)
        finally:
            close_old_connections()
        stop.wait(interval)
