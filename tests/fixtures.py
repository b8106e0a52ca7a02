"""What the tests share, loaded for every test by tests/conftest.py: the cast (an owner with
a Belgian business, a logged-in client, an API client), a draft and the contacts on it, the
`patron` command run in-process, a mail server on loopback, and fresh installs run as real
`patron …` subprocesses for the tests marked `slow`.

Test modules import helpers from here, never from one another."""

import contextlib
import email
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import uuid
from dataclasses import dataclass
from decimal import Decimal
from email import policy
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from patron.accounts.owner import do_create_owner
from patron.business.demo import PROFILE
from patron.business.forms import ProfileForm
from patron.business.profile import do_save_business

PASSWORD = "correct horse battery staple"

# The demo's Belgian designer, as typed into the profile form.
BELGIAN_PROFILE = PROFILE

# The repository, for subprocesses that import the tests' helpers.
ROOT = Path(__file__).resolve().parents[1]


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

    async def handle_DATA(self, server, session, envelope):
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


@pytest.fixture
def behind_patrons_back(db):
    """A context manager lifting the database's guard of issued documents, to play someone
    who altered the database by hand (what `patron verify` exists to find)."""
    from django.db import connection

    from patron.billing.documents import frozen

    return lambda: frozen.suspended(connection)


# Documents and their clients


def draft(client, *lines, **fields):
    """A draft for client with lines of (description, quantity, unit price, VAT rate)."""
    from patron.billing.models import Document, Line

    document = Document.objects.create(client=client, **fields)
    for position, (description, quantity, price, rate) in enumerate(lines):
        Line(
            document=document, position=position, description=description,
            quantity=Decimal(quantity), unit_price=Decimal(price), vat_rate=Decimal(rate),
        ).refresh_amounts(document.treatment).save()  # fmt: skip
    document.compute_totals()
    document.save()
    return document


def acme_contact(**fields):
    """Acme SA of Ixelles, a client reached by mail, in French."""
    from patron.contacts.models import Contact

    return Contact.objects.create(**{
        "is_organisation": True, "name": "Acme SA", "is_client": True,
        "street": "Avenue Louise 1", "postcode": "1050", "city": "Ixelles", "country": "BE",
        "email": "compta@acme.example", "language": "fr", "vat_number": "BE0403170701",
        "company_number": "0403170701", **fields,
    })  # fmt: skip


# What a page costs


def queries_of(client, *urls):
    """How many database queries the pages at urls cost together, each answering 200 (a
    page must cost the same however many rows it shows)."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        for url in urls:
            assert client.get(url).status_code == 200
    return len(captured)


# What the draft page posts


def lines_data(*lines, existing=0):
    data = {
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": str(existing),
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
    }
    for n, line in enumerate(lines):
        for key, value in line.items():
            data[f"lines-{n}-{key}"] = value
    return data


def header(client, **extra):
    return {
        "client": client.pk,
        "language": "en",
        "currency": "EUR",
        "treatment": "normal",
        **extra,
    }


@pytest.fixture
def api(owner, business):
    """A client of the API with the owner's token."""
    from django.test import Client

    from patron.accounts.models import create_token

    token = create_token(owner, "tests")[1]
    return Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Bearer {token}")


# The browser


def log_in(page, live_server, owner):
    """The owner logs in through the login page."""
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/app/login/")
    page.locator("input[name=username]").fill(owner.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/app/$"))


def log_in_with_a_cookie(page, live_server, owner):
    """The owner's session cookie, as if they had logged in (the login page has its own tests)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(owner)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


# The command line, in-process


@dataclass
class Ran:
    """What a `patron …` command printed and the exit code it would have ended with."""

    args: tuple
    returncode: int
    stdout: str
    stderr: str


def run_patron(*args):
    """`patron ARGS` run in this process, on the test database: the command line as Django's
    runner parses it (usage errors exit 2, a CommandError prints its message and exits 1),
    without the process boundary, which only the tests marked `slow` pay for."""
    from django.core.management import ManagementUtility
    from django.core.management.base import CommandError

    argv = ["patron", *map(str, args)]
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            # BaseCommand.run_from_argv, less its closing of every connection at the end
            # (that would end the test's transaction).
            command = ManagementUtility(argv).fetch_command(argv[1])
            command._called_from_command_line = True
            options = vars(command.create_parser(argv[0], argv[1]).parse_args(argv[2:]))
            try:
                command.execute(*options.pop("args", ()), **options)
            except CommandError as error:
                command.stderr.write(f"{error.__class__.__name__}: {error}")
                sys.exit(error.returncode)
        except SystemExit as exit:
            if exit.code is None or isinstance(exit.code, int):
                code = exit.code or 0
            else:  # sys.exit("message"): Python prints it and exits 1
                sys.stderr.write(f"{exit.code}\n")
                code = 1
    return Ran(tuple(argv[1:]), code, out.getvalue(), err.getvalue())


@pytest.fixture
def patron(db):
    """patron(*args) -> Ran: `patron ARGS` on the test database (see run_patron)."""
    return run_patron


# Fresh installs for the command-line flows: a data folder of their own and, on
# PostgreSQL, a database of their own, run as real `patron …` subprocesses.

# A Python prelude for scripts run against an install.
DJANGO = (
    "import os, django\n"
    "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'patron.settings')\n"
    "django.setup()\n"
)


class Install:
    """A Patron with its own data folder (and PostgreSQL database), run as `patron …`."""

    def __init__(self, folder, database_url=None):
        self.folder = Path(folder)
        self.env = {
            k: v
            for k, v in os.environ.items()
            if k != "DATABASE_URL" and not k.startswith("PATRON_")
        }
        self.env["PATRON_DATA_DIR"] = str(self.folder)
        self.env["PYTHONPATH"] = str(ROOT)  # scripts may import the tests' helpers
        if database_url:
            self.env["DATABASE_URL"] = database_url

    def run(self, *args, check=True, timeout=60):
        return self.execute([sys.executable, "-m", "patron.cli", *args], check, timeout)

    def python(self, code, check=True, timeout=60):
        return self.execute([sys.executable, "-c", DJANGO + code], check, timeout)

    def popen(self, code, *args):
        return subprocess.Popen(
            [sys.executable, "-u", "-c", DJANGO + code, *args],
            env=self.env,
            cwd=self.folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def execute(self, command, check, timeout):
        result = subprocess.run(
            command, env=self.env, cwd=self.folder, capture_output=True, text=True, timeout=timeout
        )
        if check and result.returncode != 0:
            pytest.fail(
                f"{command[1:]} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
            )
        return result


def postgresql(sql, dbname="postgres"):
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(
        dbname=dbname,
        user=db["USER"],
        password=db["PASSWORD"],
        host=db["HOST"],
        port=db["PORT"],
        autocommit=True,
    ) as pg:
        pg.execute(sql)


def postgresql_url(name):
    db = connection.settings_dict
    user = quote(db["USER"], safe="")
    password = quote(str(db["PASSWORD"]), safe="")
    return f"postgres://{user}:{password}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}"


def make_install(folder, template=None):
    """A new install, copied from template (a migrated Install) when given."""
    database_url = None
    if connection.vendor == "postgresql":
        name = f"patron_test_{uuid.uuid4().hex[:12]}"
        copy = f' TEMPLATE "{template.database}"' if template else ""
        postgresql(f'CREATE DATABASE "{name}"{copy}')
        database_url = postgresql_url(name)
    if template:
        shutil.copytree(template.folder, folder)
    else:
        Path(folder).mkdir(parents=True)
    install = Install(folder, database_url)
    install.database = database_url.rsplit("/", 1)[1] if database_url else None
    return install


def drop(install):
    if install.database:
        postgresql(f'DROP DATABASE IF EXISTS "{install.database}" WITH (FORCE)')


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """One migrated install per run, which each install of the slow tests starts as a copy of."""
    template = make_install(tmp_path_factory.mktemp("template") / "data")
    template.run("migrate", "-v0")
    yield template
    drop(template)


@pytest.fixture
def installs(tmp_path, migrated_template):
    """new_install(migrated=True) -> Install; each is removed after the test."""
    made = []

    def new_install(migrated=True):
        folder = tmp_path / f"install-{len(made)}"
        made.append(make_install(folder, migrated_template if migrated else None))
        return made[-1]

    yield new_install
    for install in made:
        drop(install)


def read_archive(path):
    """{name: bytes} of every member of an archive."""
    with tarfile.open(path) as archive:
        return {m.name: archive.extractfile(m).read() for m in archive.getmembers()}
