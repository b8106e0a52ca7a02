"""`patron serve` upgrades the database only after a backup, and says how to go back.

An install "from an older Patron" is a migrated one with the business app
migrated back to zero: its migrations are pending, as after an upgrade.
Everything runs as real subprocesses on fresh installs (see test_backup).
"""

import json
import re
from pathlib import Path

import pytest

from tests.fixtures import read_archive

pytestmark = pytest.mark.slow  # real subprocesses on fresh installs

OLDER_PATRON = """
from django.core.management import call_command
from patron.accounts.models import User
User.objects.create_superuser("claire@example.com", "claire@example.com", None)
call_command("migrate", "business", "zero", verbosity=0)
"""

# A table left in the way of the business app's first migration.
IN_THE_WAY = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE business_business (id integer)")
"""

UPGRADE = """
import sys
from django.core.management.base import CommandError
from patron.system.management.commands.serve import Command, pending_migrations
try:
    Command().upgrade_database()
except CommandError as e:
    print(e, file=sys.stderr)
    sys.exit(3)
print("pending:", len(pending_migrations()[0]))
"""

STATE = """
from django.db import connection
from patron.accounts.models import User
from patron.system.management.commands.serve import pending_migrations
print(json.dumps({
    "users": list(User.objects.values_list("email", flat=True)),
    "tables": sorted(connection.introspection.table_names()),
    "pending": len(pending_migrations()[0]),
}))
"""


def state(install):
    return json.loads(install.python("import json\n" + STATE).stdout)


def backup_named_in(output):
    match = re.search(r"Backed up the database before upgrading: (\S+)", output)
    assert match, output
    return Path(match.group(1))


def test_pending_migrations_are_applied_after_a_backup_that_restores_the_database_as_it_was(
    installs,
):
    install = installs()
    install.python(OLDER_PATRON)

    upgrade = install.python(UPGRADE)

    backup = backup_named_in(upgrade.stdout)
    assert backup.parent == install.folder / "backups"
    assert backup.name.startswith("pre-upgrade-")
    assert re.search(r"Applying \d+ migration\(s\)", upgrade.stdout)
    assert "pending: 0" in upgrade.stdout
    manifest = json.loads(read_archive(backup)["manifest.json"])
    assert manifest["counts"]["accounts_user"] == 1
    assert "business_business" not in manifest["counts"]  # taken before the migration
    assert "business_business" in state(install)["tables"]

    # Going back: the archive replaces the upgraded database, whose newer
    # tables must not stand in the way of the schema catching up again.
    restored = install.run("restore", str(backup), "--force")
    assert "Restored a " in restored.stdout
    after = state(install)
    assert after["users"] == ["claire@example.com"]
    assert after["pending"] == 0


def test_a_new_database_is_migrated_without_a_backup(installs):
    install = installs(migrated=False)

    upgrade = install.python(UPGRADE)

    assert "Backed up" not in upgrade.stdout
    assert "pending: 0" in upgrade.stdout
    assert not (install.folder / "backups").exists()


def test_a_failed_migration_says_how_to_restore_the_backup_taken_before_it(installs):
    install = installs()
    install.python(OLDER_PATRON + IN_THE_WAY)

    upgrade = install.python(UPGRADE, check=False)

    assert upgrade.returncode == 3
    backup = backup_named_in(upgrade.stdout)
    assert upgrade.stderr.startswith("Upgrading the database failed: ")
    assert f"Your data as it was is in {backup}" in upgrade.stderr
    assert f"patron restore {backup} --force" in upgrade.stderr
    assert install.run("restore", str(backup), "--verify-only").stdout.startswith(
        "The archive is sound: "
    )


def test_migrations_wait_when_the_backup_before_them_fails(installs):
    install = installs()
    install.python(OLDER_PATRON)
    (install.folder / "backups").write_text("a file where the backups folder should be")

    upgrade = install.python(UPGRADE, check=False)

    assert upgrade.returncode == 3
    assert upgrade.stderr.startswith("Migrations are pending but the backup before them failed: ")
    assert "Applying" not in upgrade.stdout
    assert state(install)["pending"] > 0  # still pending: nothing was applied
