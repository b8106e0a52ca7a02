"""Outboxes: the emails Patron sends, each a row that is sent once and never lost on the way.

Every email (a document, a reminder, a password reset…) is first a row of an outbox table,
written in the transaction that decides to send it; a task sends it afterwards:
1. `claim`: queued → sending by a conditional UPDATE, which one process only can win; the
   row then carries when, and by which process, it was claimed;
2. the message goes out with the row's own Message-ID, the same at every attempt;
3. `finish` records sent (or failed, with the error), only if the claim is still this
   process's: a claim taken over meanwhile has its outcome written by the one who took it.

A worker killed during step 2 leaves the row "sending". Past OUTBOX_TIMEOUT (longer than the
SMTP timeout) the row shows as interrupted, with a "send again", and every worker's scheduler
puts it back in the queue (`resume_interrupted`), MAX_ATTEMPTS times at most. If the message
had left before the kill, the client receives it twice with one Message-ID, which mail
programs show once: a lost invoice or reminder costs more than a duplicate that folds away
(docs/design.md §11 weighs both). A queued row whose task was lost (a process that died
between its commit and the enqueue) is handed to the task queue again after the same time.
"""

import logging
import os
import secrets
import socket
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # interrupted this often, a row is failed: a person looks
BATCH = 200  # rows resumed per outbox and sweep, so that one sweep stays short


class Outbox(models.Model):
    """What every outbox row has; a concrete outbox adds the message and names the task
    that delivers one row (`delivery`, a dotted path, called with the row's id)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    delivery = ""
    # Fields emptied once the message has left (a password-reset link has no business
    # staying in the database).
    forget_when_sent = ()

    class Meta:
        abstract = True

    @property
    def interrupted(self):
        """Claimed so long ago that the process sending it must have died."""
        return (
            self.state == self.State.SENDING
            and self.claimed_at is not None
            and self.claimed_at <= interrupted_before()
        )

    @property
    def display_state(self):
        """The state a person is shown: "interrupted" for a "sending" that will not end."""
        return "interrupted" if self.interrupted else self.state

    @property
    def display_state_label(self):
        return _("Interrupted") if self.interrupted else self.get_state_display()

    @property
    def can_send_again(self):
        return self.state == self.State.FAILED or self.interrupted

    def new_message_id(self):
        """A Message-ID of its own; an outbox may derive its own instead."""
        from patron.system.mail import sender

        domain = sender().rpartition("@")[2].strip("<> ") or "patron.invalid"
        return f"<{self._meta.model_name}-{self.pk}-{secrets.token_hex(10)}@{domain}>"


def interrupted_before(now=None):
    return (now or timezone.now()) - timedelta(seconds=settings.OUTBOX_TIMEOUT)


def filter_display_state(queryset, state):
    """The rows a person would see in `state` (see Outbox.display_state)."""
    sending = Q(state=Outbox.State.SENDING)
    late = Q(claimed_at__lte=interrupted_before())
    if state == "interrupted":
        return queryset.filter(sending & late)
    if state == Outbox.State.SENDING:
        return queryset.filter(sending).exclude(late)
    return queryset.filter(state=state)


def worker_name():
    """Who claims a row: the host and the process, as `ps` would show it."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}"


def claim(model, pk):
    """The row, claimed by this process (queued → sending), or None when it is not queued
    (another process has it, or it was sent). Its Message-ID is fixed at the first claim."""
    now = timezone.now()
    with transaction.atomic():
        won = model.objects.filter(pk=pk, state=Outbox.State.QUEUED).update(
            state=Outbox.State.SENDING,
            claimed_at=now,
            claimed_by=worker_name(),
            attempts=F("attempts") + 1,
        )
    if not won:
        return None
    row = model.objects.get(pk=pk)
    if not row.message_id:
        row.message_id = row.new_message_id()
        model.objects.filter(pk=pk, message_id="").update(message_id=row.message_id)
        row.message_id = model.objects.values_list("message_id", flat=True).get(pk=pk)
    return row


def finish(row, **fields):
    """Record the outcome of this process's claim; False when the claim was taken over."""
    mine = Q(state=Outbox.State.SENDING, claimed_by=row.claimed_by, claimed_at=row.claimed_at)
    return type(row).objects.filter(mine, pk=row.pk).update(**fields) == 1


def deliver(model, pk, compose):
    """Claim a row, send the EmailMessage `compose(row)` makes of it, record the outcome:
    "sent", "failed" or "skipped" (not queued: another process has it, or it left)."""
    row = claim(model, pk)
    if row is None:
        return "skipped"
    try:
        message = compose(row)
        message.extra_headers["Message-ID"] = row.message_id
        message.send()
    except Exception as error:  # any failure is the row's, shown to the user
        finish(row, state=Outbox.State.FAILED, error=str(error)[:500])
        return "failed"
    forgotten = {name: "" for name in model.forget_when_sent}
    finish(row, state=Outbox.State.SENT, sent_at=timezone.now(), error="", **forgotten)
    return "sent"


def requeue(row, **changes):
    """Queue a failed or interrupted row again, with its Message-ID; False when it is
    neither (any more: another request or a worker was first). Call inside a transaction
    and enqueue the delivery on commit."""
    if row.state == Outbox.State.FAILED:
        same = Q(state=Outbox.State.FAILED)
    elif row.interrupted:
        same = Q(state=Outbox.State.SENDING, claimed_at=row.claimed_at)
    else:
        return False
    queued = (
        type(row)
        .objects.filter(same, pk=row.pk)
        .update(
            state=Outbox.State.QUEUED, error="", attempts=0, queued_at=timezone.now(), **changes
        )
    )
    return queued == 1


def outboxes():
    """Every concrete outbox: each app declares its own by subclassing Outbox."""
    return [model for model in apps.get_models() if issubclass(model, Outbox)]


def resume_interrupted(now=None):
    """Steps, for every outbox (safe to run in several workers at once):
    1. rows "sending" claimed before the timeout are queued again (`take_back`) and their
       delivery enqueued;
    2. a row queued before the timeout has its delivery enqueued again (a duplicate task
       finds it claimed and does nothing);
    each by a conditional UPDATE on the row as it was read, so one worker only acts on it.
    Returns the number of rows handed to the task queue."""
    now = now or timezone.now()
    resumed = 0
    for model in outboxes():
        task = import_string(model.delivery)
        lost = model.objects.filter(
            state=Outbox.State.QUEUED, queued_at__lte=interrupted_before(now)
        )
        found = lost.order_by("pk").values_list("pk", "queued_at")[:BATCH]
        again = [
            pk
            for pk, queued_at in found
            if model.objects.filter(pk=pk, state=Outbox.State.QUEUED, queued_at=queued_at).update(
                queued_at=now
            )
        ]
        for pk in take_back(model, now) + again:
            log.info("Resuming %s %s", model._meta.label, pk)
            task.enqueue(pk)
            resumed += 1
    return resumed


def take_back(model, now=None):
    """Queue again the rows of one outbox whose sending was interrupted (claimed before the
    timeout), or fail those interrupted MAX_ATTEMPTS times; the ids queued again."""
    now = now or timezone.now()
    stale = model.objects.filter(
        state=Outbox.State.SENDING, claimed_at__lte=interrupted_before(now)
    )
    queued = []
    for pk, claimed_at, attempts in stale.order_by("pk").values_list(
        "pk", "claimed_at", "attempts"
    )[:BATCH]:
        same = model.objects.filter(pk=pk, state=Outbox.State.SENDING, claimed_at=claimed_at)
        if attempts >= MAX_ATTEMPTS:
            same.update(state=Outbox.State.FAILED, error=gave_up(attempts))
        elif same.update(state=Outbox.State.QUEUED, queued_at=now):
            queued.append(pk)
    return queued


def gave_up(attempts):
    return str(
        _(
            "Interrupted %(n)s times while it was being sent: Patron stopped trying. "
            "Check the mail server, then send it again."
        )
        % {"n": attempts}
    )[:500]
