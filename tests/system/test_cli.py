"""What `patron …` says when it cannot run: one line, never a traceback, and nothing
created on the way. Real subprocesses: the command line itself is the point."""

import pytest
from django.db import connection

pytestmark = pytest.mark.slow  # real subprocesses on fresh installs


def one_line(result):
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_patron_demo_on_a_new_data_folder_makes_the_tables_first(installs):
    new = installs(migrated=False)
    result = new.run("demo", "--password", "a demo passphrase", check=False, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "Log in at /app/ as claire@atelier-lumen.example" in result.stdout


def test_a_command_on_a_folder_without_a_database_says_so_and_creates_none(installs):
    new = installs(migrated=False)
    result = new.run("verify", check=False)
    assert result.returncode == 1
    if connection.vendor == "sqlite":
        assert one_line(result) == (
            f"patron: there is no Patron database in {new.folder}. Run `patron migrate` (or "
            "`patron serve`) to create one, or set PATRON_DATA_DIR to your data folder."
        )
        assert not (new.folder / "patron.sqlite3").exists()
    else:  # an empty PostgreSQL database stays empty
        assert "the database has no Patron tables yet: run `patron migrate`" in one_line(result)
    # A command that needs no database still works there, and creates none either.
    assert new.run("check").returncode == 0
    assert not (new.folder / "patron.sqlite3").exists()
    assert "run `patron migrate`" in one_line(new.run("worker", "--batch", check=False)).lower()


@pytest.mark.parametrize(
    "variable, value, message",
    [
        ("PATRON_SECURE", "maybe", "patron: PATRON_SECURE must be true or false, not 'maybe'"),
        (
            "PATRON_OUTBOX_TIMEOUT",
            "soon",
            "patron: PATRON_OUTBOX_TIMEOUT must be a whole number, not 'soon'",
        ),
        (
            "DATABASE_URL",
            "mysql://claire:s3cret@db/patron",
            "patron: DATABASE_URL must be a PostgreSQL address such as "
            "postgres://user:password@localhost:5432/patron (or unset, for SQLite)",
        ),
    ],
)
def test_an_unreadable_setting_stops_patron_with_one_line_naming_it(
    installs, variable, value, message
):
    install = installs()
    install.env[variable] = value
    for command in (["check"], ["serve", "--workers", "1"], ["verify"]):
        result = install.run(*command, check=False)
        assert result.returncode == 1, command
        assert one_line(result) == message, command
        assert "s3cret" not in result.stderr + result.stdout
