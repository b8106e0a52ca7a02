"""The accountant's archive of a period (books.py writes it), built by the worker, never in
a web request: rendering the PDFs a period lacks can take minutes, and a request that did
it was killed by gunicorn's timeout.

1. `request_archive` (the page's button, the API) makes or finds the period's row and
   queues its job, unless one is queued or being built already: requests for one period
   share one job;
2. `build` (the task) claims the row, queued → building, by a conditional UPDATE; writes
   the ZIP aside in the data folder, noting its progress on the row at each document (the
   claim's heartbeat); then moves it over the period's previous archive and marks it ready;
3. the page shows "being prepared" with the progress, polling, then a download link.

A worker killed while building leaves the row "building" with a heartbeat that stopped:
past the outbox timeout the workers' sweep queues it again (`resume_interrupted_builds`),
three times at most. Only the KEEP archives asked for last stay on disk.
"""

import contextlib
import logging
import os
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from patron.billing.books.tables import Period, write_archive
from patron.billing.models import AccountantArchive
from patron.system.outbox import MAX_ATTEMPTS, interrupted_before

log = logging.getLogger(__name__)

State = AccountantArchive.State
KEEP = 12


def folder():
    return Path(settings.DATA_DIR) / "archives"


def path_of(archive):
    return folder() / f"patron-{archive.start.isoformat()}_{archive.end.isoformat()}.zip"


def archive_of(period):
    return AccountantArchive.objects.filter(start=period.start, end=period.end).first()


def on_its_way(now):
    """A job that will end without help: queued, or building with a recent heartbeat."""
    return Q(state=State.QUEUED) | Q(state=State.BUILDING, claimed_at__gt=interrupted_before(now))


def request_archive(period, again=False):
    """The period's archive, its job queued unless one is on its way, or it is ready and
    not asked `again`. The job is enqueued once the caller's transaction commits."""
    from patron.billing.tasks import build_accountant_archive

    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                archive, created = AccountantArchive.objects.get_or_create(
                    start=period.start, end=period.end, defaults={"requested_at": now}
                )
        except IntegrityError:  # another request made it at the same instant
            archive, created = archive_of(period), False
        queued = created
        if not created and (again or archive.state != State.READY):
            queued = (
                AccountantArchive.objects.filter(pk=archive.pk)
                .exclude(on_its_way(now))
                .update(state=State.QUEUED, requested_at=now, error="", done=0, attempts=0)
            ) == 1
        if queued:
            transaction.on_commit(lambda: build_accountant_archive.enqueue(archive.pk))
    archive.refresh_from_db()
    return archive


def build(archive_id):
    """Build a queued archive (the steps are at the top): "ready", "failed" or "skipped"."""
    now = timezone.now()
    won = AccountantArchive.objects.filter(pk=archive_id, state=State.QUEUED).update(
        state=State.BUILDING, claimed_at=now, done=0, attempts=F("attempts") + 1
    )
    if not won:
        return "skipped"
    archive = AccountantArchive.objects.get(pk=archive_id)
    mine = AccountantArchive.objects.filter(pk=archive_id, state=State.BUILDING)
    target = path_of(archive)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")

    def progress(done, total):
        mine.update(done=done, documents=total, claimed_at=timezone.now())

    try:
        folder().mkdir(mode=0o700, parents=True, exist_ok=True)
        # Private: the archive holds every figure of the business.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            count = write_archive(Period(archive.start, archive.end), out, progress=progress)
        os.replace(partial, target)
    except Exception as error:  # any failure is the archive's, shown on the page
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        log.exception("The archive %s could not be built", archive)
        mine.update(state=State.FAILED, error=str(error)[:500])
        return "failed"
    mine.update(
        state=State.READY,
        built_at=timezone.now(),
        documents=count,
        done=count,
        size=target.stat().st_size,
        error="",
    )
    prune()
    return "ready"


def prune(keep=KEEP):
    """Delete the files (and rows) of the archives asked for least recently."""
    old = AccountantArchive.objects.exclude(on_its_way(timezone.now()))
    for archive in old.order_by("-requested_at", "-pk")[keep:]:
        path_of(archive).unlink(missing_ok=True)
        archive.delete()


def resume_interrupted_builds(now=None):
    """Queue again the builds whose worker died (heartbeat older than the outbox timeout),
    and the queued ones whose task was lost; fail those interrupted MAX_ATTEMPTS times."""
    from patron.billing.tasks import build_accountant_archive

    now = now or timezone.now()
    before = interrupted_before(now)
    stale = AccountantArchive.objects.filter(
        Q(state=State.BUILDING, claimed_at__lte=before)
        | Q(state=State.QUEUED, requested_at__lte=before)
    )
    resumed = 0
    for archive in stale.order_by("pk")[:50]:
        if archive.state == State.QUEUED:
            same = AccountantArchive.objects.filter(
                pk=archive.pk, state=State.QUEUED, requested_at=archive.requested_at
            )
            won = same.update(requested_at=now)
        else:
            same = AccountantArchive.objects.filter(
                pk=archive.pk, state=State.BUILDING, claimed_at=archive.claimed_at
            )
            if archive.attempts >= MAX_ATTEMPTS:
                same.update(
                    state=State.FAILED,
                    error=_("Interrupted %(n)s times while it was being prepared.")
                    % {"n": archive.attempts},
                )
                continue
            won = same.update(state=State.QUEUED, requested_at=now)
        if won:
            log.info("Queuing again the interrupted %s", archive)
            build_accountant_archive.enqueue(archive.pk)
            resumed += 1
    return resumed


def download(archive):
    """The archive's file as an attachment, or None when it is not ready (or was removed)."""
    if archive is None or archive.state != State.READY:
        return None
    try:
        file = path_of(archive).open("rb")
    except FileNotFoundError:
        return None
    name = f"patron-{archive.start.isoformat()}_{archive.end.isoformat()}.zip"
    return FileResponse(file, as_attachment=True, filename=name)
