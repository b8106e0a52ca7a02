"""Fresh Patron installs for command-line tests: a data folder of their own and,
on PostgreSQL, a database of their own, run as real `patron …` subprocesses."""

import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

# A Python prelude for scripts run against an install.
DJANGO = (
    "import os, django\n"
    "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'patron.settings')\n"
    "django.setup()\n"
)


# Fresh installs for the command-line flows


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


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory):
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
