"""The small cast every test shares: an owner with a Belgian business."""

import email
import socket
from email import policy

import pytest

from patron.accounts.owner import do_create_owner
from patron.business.demo import PROFILE
from patron.business.forms import ProfileForm
from patron.business.profile import do_save_business

PASSWORD = "correct horse battery staple"

# The demo's Belgian designer, as typed into the profile form.
BELGIAN_PROFILE = PROFILE


@pytest.fixture(autouse=True)
def english():
    """Code called outside a request speaks English in tests (Patron's default is French)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client():
    """Django's test client, speaking English unless a test asks otherwise."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def immediate_tasks(settings):
    """Run background tasks (mail…) as soon as they are enqueued, in the test itself."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def owner(db):
    return do_create_owner(
        email="claire@atelier-lumen.example", password=PASSWORD, first_name="Claire"
    )


@pytest.fixture
def business(owner):
    form = ProfileForm(BELGIAN_PROFILE)
    assert form.is_valid(), form.errors
    return do_save_business(owner, form)


@pytest.fixture
def owner_client(client, owner, business):
    client.force_login(owner)
    return client


class Inbox:
    """What a real SMTP server on loopback received (aiosmtpd), as parsed messages."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 -- aiosmtpd's name
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox(db):
    """An SMTP server on loopback, set as the business's mail server under Settings."""
    from aiosmtpd.controller import Controller

    from patron.system.models import MailServer

    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    MailServer.objects.create(
        host="127.0.0.1", port=controller.port, security="none",
        from_address="claire@atelier-lumen.example",
    )  # fmt: skip
    yield handler
    controller.stop()
