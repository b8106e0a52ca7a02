"""A worker killed while it talks to the mail server loses no mail: the real `patron worker`
in a subprocess, a real SMTP server on loopback that never answers the first message's DATA,
SIGKILL; a second worker then sends it again, with the same Message-ID. For every outbox:
document sendings, reminders, recurring invoices sent on their own, and Patron's own mail
(a password reset). On PostgreSQL each install has a database of its own."""

import asyncio
import email
import signal
import subprocess
import sys
import threading
import time
from email import policy

import pytest
from aiosmtpd.controller import Controller

from tests.fixtures import free_port

pytestmark = pytest.mark.slow  # real subprocesses on fresh installs

TIMEOUT = 2  # PATRON_OUTBOX_TIMEOUT of the installs: a sending is interrupted after 2 s

COMMON = """
from django.utils import timezone
from patron.billing.documents.drafting import new_draft, save_lines
from patron.billing.documents.issuing import do_issue
from patron.billing.models import Line
from patron.business.forms import ProfileForm
from patron.business.profile import do_save_business
from patron.business.demo import PROFILE
from patron.contacts.models import Contact
from patron.system.models import MailServer
form = ProfileForm(PROFILE)
assert form.is_valid(), form.errors
do_save_business(None, form)
MailServer.objects.create(host="127.0.0.1", port={port}, security="none",
                          from_address="claire@atelier-lumen.example")

def client(n):
    return Contact.objects.create(is_organisation=True, name=f"Client {{n}}", is_client=True,
        street="Rue 1", postcode="1000", city="Bruxelles", country="BE",
        email=f"client{{n}}@example.org")

def invoice(n):
    draft = new_draft(client(n))
    draft.save()
    save_lines(draft, [Line(description="Design", quantity=1, unit_price=100, vat_rate=21)])
    return do_issue(None, draft)
"""

SETUPS = {
    "sending": """
from patron.billing.documents.sending import default_message, do_send
document = invoice(0)
subject, body = default_message(document)
do_send(None, document, to="client0@example.org", subject=subject, body=body,
        base_url="http://127.0.0.1:8000/")
""",
    "reminder": """
from datetime import timedelta
from patron.billing.models import Reminder
from patron.billing.reminders.dunning import due_steps, write_reminder
from patron.billing.tasks import deliver_reminder
for n in range(2):
    day = invoice(n).due_date + timedelta(days=3)
for planned in due_steps(day):
    write_reminder(planned, day)
for pk in Reminder.objects.order_by("pk").values_list("pk", flat=True):
    deliver_reminder.enqueue(pk)
""",
    # The worker's scheduler makes, issues and emails the invoice of the period begun today.
    "recurring": """
from patron.billing.models import Recurring, RecurringLine
retainer = Recurring.objects.create(name="Maintenance", client=client(0),
                                    start=timezone.localdate(), auto_send=True)
RecurringLine.objects.create(recurring=retainer, description="Maintenance", quantity=1,
                             unit_price=300, vat_rate=21)
""",
    "password reset": """
from patron.accounts.forms import ResetForm
from patron.accounts.owner import do_create_owner
do_create_owner(email="client0@example.org", password="correct horse battery staple")
form = ResetForm({"email": "client0@example.org"})
assert form.is_valid()
form.save(domain_override="patron.example",
          email_template_name="accounts/password_reset_email.txt",
          subject_template_name="accounts/password_reset_subject.txt")
""",
}

STATES = """
from patron.system.outbox import outboxes
for model in outboxes():
    for row in model.objects.order_by("pk"):
        print(model._meta.model_name, row.to, row.display_state, row.attempts, row.message_id or "-")
"""


class StallingInbox:
    """Keeps every message, and never answers the first one's DATA: the worker sending it
    waits there until it is killed."""

    def __init__(self):
        self.messages = []
        self.stalled = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's name
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        if len(self.messages) == 1:
            self.stalled.set()
            await asyncio.sleep(3600)
        return "250 OK"


@pytest.fixture
def stalling_inbox():
    handler = StallingInbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


def start_worker(install):
    return subprocess.Popen(
        [sys.executable, "-m", "patron.cli", "worker"],
        env=install.env,
        cwd=install.folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def states(install):
    lines = install.python(STATES).stdout.strip().splitlines()
    return [tuple(line.split(" ", 4)) for line in lines]


def wait_for(condition, seconds=90):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.2)


@pytest.mark.parametrize("outbox", list(SETUPS))
def test_a_mail_whose_worker_was_killed_mid_send_is_sent_again_with_its_message_id(
    installs, stalling_inbox, outbox
):
    handler, port = stalling_inbox
    install = installs()
    install.env["PATRON_OUTBOX_TIMEOUT"] = str(TIMEOUT)
    install.python(COMMON.format(port=port) + SETUPS[outbox])
    first = start_worker(install)
    try:
        assert handler.stalled.wait(120), "the worker never sent anything"
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    killed_at = time.monotonic()
    stalled = handler.messages[0]
    shown = {row[1]: row[2] for row in states(install)}
    assert shown[stalled["To"]] in ("sending", "interrupted")  # not sent, not failed
    time.sleep(max(0, killed_at + TIMEOUT + 0.5 - time.monotonic()))
    # The page shows it interrupted; a worker started now takes it up.
    assert ("interrupted", stalled["To"]) in {(s[2], s[1]) for s in states(install)}
    second = start_worker(install)
    try:
        wait_for(lambda: [m["To"] for m in handler.messages].count(stalled["To"]) > 1)
        wait_for(lambda: all(row[2] == "sent" for row in states(install)))
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(30)
    after = states(install)
    again = [m for m in handler.messages[1:] if m["To"] == stalled["To"]]
    # The stalled mail came twice, with one Message-ID (the client's mail program shows it
    # once); every other mail came once; every outbox row is sent, and each of its
    # Message-IDs is what the client received.
    assert [m["Message-ID"] for m in again] == [stalled["Message-ID"]]
    ids = [m["Message-ID"] for m in handler.messages[1:]]
    assert len(set(ids)) == len(ids)
    assert sorted(row[4] for row in after) == sorted(ids)
    assert {row[2] for row in after} == {"sent"}
