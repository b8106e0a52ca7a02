"""A reminder run killed mid-way and run again sends each reminder at most once: the real
command in a subprocess, a real SMTP server on loopback that answers slowly, SIGKILL."""

import asyncio
import email
import signal
import subprocess
import sys
import time
from email import policy

import pytest
from aiosmtpd.controller import Controller

from tests.fixtures import free_port

pytestmark = pytest.mark.slow

INVOICES = 6
SETUP = """
from datetime import timedelta
from patron.billing.documents.issuing import do_issue
from patron.business.forms import ProfileForm
from patron.business.profile import do_save_business
from patron.contacts.models import Contact
from patron.system.models import MailServer
from tests.fixtures import BELGIAN_PROFILE, draft
form = ProfileForm(BELGIAN_PROFILE)
assert form.is_valid(), form.errors
do_save_business(None, form)
MailServer.objects.create(host="127.0.0.1", port={port}, security="none",
                          from_address="claire@atelier-lumen.example")
for n in range({count}):
    client = Contact.objects.create(is_organisation=True, name=f"Client {{n}}", is_client=True,
        street="Rue 1", postcode="1000", city="Bruxelles", country="BE",
        email=f"client{{n}}@example.org")
    invoice = do_issue(None, draft(client, ("Design", "1", "100", "21")))
print((invoice.due_date + timedelta(days=3)).isoformat())
"""


class SlowInbox:
    """Keeps each message, then takes its time to say 250: a kill lands mid-conversation."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's name
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        await asyncio.sleep(0.6)
        return "250 OK"


def test_a_run_killed_mid_way_then_run_again_never_sends_twice(installs):
    handler = SlowInbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        install = installs()
        setup = install.python(SETUP.format(port=controller.port, count=INVOICES))
        day = setup.stdout.strip().splitlines()[-1]
        first = subprocess.Popen(
            [sys.executable, "-m", "patron.cli", "reminders", "run", "--date", day],
            env=install.env, cwd=install.folder,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while len(handler.messages) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait()
        killed_at = len(handler.messages)
        assert 2 <= killed_at < INVOICES
        install.run("reminders", "run", "--date", day)
        install.run("reminders", "run", "--date", day)  # and once more, for good measure
        states = install.run("reminders", "list").stdout
    finally:
        controller.stop()
    ids = [message["Message-ID"] for message in handler.messages]
    recipients = [message["To"] for message in handler.messages]
    assert len(set(ids)) == len(ids) and len(set(recipients)) == len(recipients)
    # The message being sent when the run died stays "sending" (until the outbox timeout,
    # when the workers send it again: tests/system/test_outbox_restart.py), not sent twice
    # by a run; every other invoice got its one reminder.
    assert states.count("\tsent\t") + states.count("\tsending\t") == INVOICES
    assert states.count("\tsending\t") <= 1
    stuck = states.count("\tsending\t")
    assert INVOICES - stuck <= len(handler.messages) <= INVOICES
