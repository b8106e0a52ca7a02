"""The small cast every test shares: an owner with a Belgian business."""

import email
import socket
from email import policy

import pytest
from hypothesis import HealthCheck, settings

from patron.accounts.owner import do_create_owner
from patron.business.demo import PROFILE
from patron.business.forms import ProfileForm
from patron.business.profile import do_save_business

PASSWORD = "correct horse battery staple"

# A loaded 2-core machine makes Hypothesis's timing checks fail tests that are right: what
# its properties prove does not depend on how fast the examples come.
settings.register_profile("patron", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("patron")

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

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's name
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


def _flush_around_the_frozen_guard():
    """Django empties an SQLite test database with DELETE FROM, which the triggers guarding
    issued documents refuse (PostgreSQL's TRUNCATE fires no row trigger): the tests' flush
    lifts the guard, empties the tables and puts the guard back. Only tests flush."""
    from django.db.backends.sqlite3.base import DatabaseOperations

    from patron.billing.documents import frozen

    plain = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        statements = plain(self, style, tables, **kwargs)
        if frozen.DOCUMENT_TABLE not in tables or not statements:
            return statements
        from patron.billing.models import Document

        guard = frozen.sqlite_statements(frozen.frozen_columns(Document), frozen.CONTENT_TABLES)
        return [*frozen.drop_statements("sqlite", frozen.CONTENT_TABLES), *statements, *guard]

    DatabaseOperations.sql_flush = sql_flush


_flush_around_the_frozen_guard()


@pytest.fixture
def behind_patrons_back(db):
    """A context manager lifting the database's guard of issued documents, to play someone
    who altered the database by hand (what `patron verify` exists to find)."""
    from django.db import connection

    from patron.billing.documents import frozen

    return lambda: frozen.suspended(connection)
