"""The outbox rules every email follows (patron/system/outbox.py), on Patron's own mail: a
row claimed by one worker only, an interrupted one sent again with its Message-ID by the
workers' sweep, at most three times, and a queued one whose task was lost handed over again.
The killed worker itself is in test_outbox_restart.py."""

from datetime import timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from patron.system import outbox
from patron.system.mail import queue_email
from patron.system.models import Email
from patron.system.tasks import deliver_email


@pytest.fixture
def queued(db, django_capture_on_commit_callbacks):
    """A queued email, its delivery in the task queue (not run)."""
    with django_capture_on_commit_callbacks(execute=True):
        [email] = queue_email("Patron: hello", "Hello Claire.", ["claire@atelier-lumen.example"])
    return email


def killed_while_sending(email, seconds_ago):
    """What a worker killed during the SMTP conversation leaves: the row claimed, no outcome."""
    claimed = outbox.claim(Email, email.pk)
    assert claimed is not None
    Email.objects.filter(pk=email.pk).update(
        claimed_at=claimed.claimed_at - timedelta(seconds=seconds_ago)
    )
    return Email.objects.get(pk=email.pk)


def test_one_worker_only_claims_a_row(queued):
    assert outbox.claim(Email, queued.pk) is not None
    assert outbox.claim(Email, queued.pk) is None  # a second worker finds it taken
    assert deliver_email.call(queued.pk) == "skipped"


def test_a_sending_shows_as_interrupted_once_the_timeout_has_passed(queued, settings):
    settings.OUTBOX_TIMEOUT = 300
    recent = killed_while_sending(queued, seconds_ago=290)
    assert (recent.display_state, recent.can_send_again) == ("sending", False)
    Email.objects.filter(pk=queued.pk).update(claimed_at=recent.claimed_at - timedelta(seconds=20))
    late = Email.objects.get(pk=queued.pk)
    assert (late.display_state, late.can_send_again) == ("interrupted", True)
    assert str(late.display_state_label) == "Interrupted"


def test_the_sweep_sends_an_interrupted_email_again_with_its_message_id(
    queued, inbox, immediate_tasks, settings
):
    settings.OUTBOX_TIMEOUT = 300
    interrupted = killed_while_sending(queued, seconds_ago=301)
    assert outbox.resume_interrupted() == 1
    [message] = inbox.messages
    assert message["Message-ID"] == interrupted.message_id
    email = Email.objects.get()
    assert (email.state, email.attempts, email.body) == ("sent", 2, "")  # the link forgotten
    assert outbox.resume_interrupted() == 0 and len(inbox.messages) == 1


def test_a_sending_not_yet_late_is_left_to_its_worker(queued, settings):
    settings.OUTBOX_TIMEOUT = 300
    killed_while_sending(queued, seconds_ago=10)
    assert outbox.resume_interrupted() == 0
    assert Email.objects.get().state == "sending"


def test_an_email_interrupted_three_times_is_failed_for_a_person_to_look_at(queued, settings):
    settings.OUTBOX_TIMEOUT = 300
    resumed = []
    for _ in range(outbox.MAX_ATTEMPTS):
        killed_while_sending(Email.objects.get(), seconds_ago=400)
        resumed.append(outbox.resume_interrupted())  # queued again, its task not run
    assert resumed == [1, 1, 0]
    email = Email.objects.get()
    assert email.state == "failed" and "Interrupted 3 times" in email.error
    assert email.can_send_again


def test_a_worker_whose_claim_was_taken_over_records_nothing(queued, settings):
    settings.OUTBOX_TIMEOUT = 300
    slow = killed_while_sending(queued, seconds_ago=400)  # alive after all, but very slow
    outbox.resume_interrupted()
    other = outbox.claim(Email, queued.pk)
    assert not outbox.finish(slow, state="failed", error="timed out")
    assert outbox.finish(other, state="sent")
    assert Email.objects.get().state == "sent"


def test_a_queued_email_whose_task_was_lost_is_handed_to_the_worker_again(db, settings):
    settings.OUTBOX_TIMEOUT = 300
    # Written, then the process died before its delivery reached the task queue.
    email = Email.objects.create(to="claire@atelier-lumen.example", subject="s", body="b")
    assert outbox.resume_interrupted() == 0
    Email.objects.update(queued_at=email.queued_at - timedelta(seconds=301))
    assert outbox.resume_interrupted() == 1
    [task] = DBTaskResult.objects.all()
    assert task.task_path == "patron.system.tasks.deliver_email"
    assert task.args_kwargs["args"] == [email.pk]
    assert outbox.resume_interrupted() == 0  # not again before another timeout


def test_every_outbox_is_swept(db):
    names = {model._meta.label for model in outbox.outboxes()}
    assert names == {"billing.Sending", "billing.Reminder", "system.Email"}
