"""`patron backup` and `patron restore`: a backup brings everything back, and a
restore of anything doubtful changes nothing.

The in-process tests use the test database and a data folder of their own; the
command-line flows run the real `patron` in subprocesses against fresh installs
(a data folder, and on PostgreSQL a database of their own).
"""

import hashlib
import io
import json
import os
import sqlite3
import tarfile
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from patron.accounts.models import ApiToken, User, create_token
from patron.business.models import Business
from patron.system.backup import KEEP_AUTOMATIC, create_backup
from tests.fixtures import read_archive

LOGO = b"\x89PNG\r\n\x1a\n" + b"logo bytes" * 50

# In-process helpers


@pytest.fixture
def data_dir(settings, tmp_path):
    """A data folder of the test's own, so that it can be compared before and after."""
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = settings.DATA_DIR / "media"
    settings.MEDIA_ROOT.mkdir(parents=True)
    return settings.DATA_DIR


@pytest.fixture
def with_logo(business):
    business.logo.save("logo.png", ContentFile(LOGO))
    return business


def tree(folder):
    """Every file under folder with the SHA-256 of its content."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(Path(folder).rglob("*"))
        if path.is_file()
    }


def database_state():
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return {
        "counts": counts,
        "users": list(User.objects.values_list("email", flat=True)),
        "businesses": list(Business.objects.values_list("trading_name", "logo")),
        "tokens": sorted(ApiToken.objects.values_list("name", flat=True)),
    }


def pack(members, extra=()):
    """A tar.gz of {name: bytes} (or (name, bytes) pairs), then extra TarInfo entries."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for name, data in dict(members).items() if isinstance(members, dict) else members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for info in extra:
            archive.addfile(info)
    return out.getvalue()


def signed(members, **manifest_changes):
    """members with a manifest whose checksums match them."""
    manifest = json.loads(members["manifest.json"])
    manifest["files"] = {
        name: hashlib.sha256(data).hexdigest()
        for name, data in members.items()
        if name != "manifest.json"
    }
    manifest.update(manifest_changes)
    return {**members, "manifest.json": json.dumps(manifest).encode()}


def database_member():
    return "db.sqlite3" if connection.vendor == "sqlite" else "db.pgdump"


# The round trip


@pytest.mark.django_db(transaction=True)
def test_restore_brings_back_data_and_media_changed_or_deleted_since_the_backup(
    data_dir, owner, with_logo, tmp_path
):
    create_token(owner, "accounting export")
    archive = tmp_path / "saved" / "patron.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert out.getvalue().strip() == str(archive)
    before = database_state()
    media_before = tree(data_dir / "media")

    business = Business.objects.get()
    business.trading_name = "Renamed by mistake"
    business.save()
    business.logo.delete()
    ApiToken.objects.all().delete()
    create_token(owner, "made after the backup")

    out = io.StringIO()
    call_command("restore", str(archive), force=True, stdout=out)

    assert database_state() == before
    assert Business.objects.get().trading_name == "Atelier Lumen"
    assert Business.objects.get().logo.read() == LOGO
    assert tree(data_dir / "media") == media_before
    # The data the restore replaced is kept in a backup of its own.
    saved = list((data_dir / "backups").glob("pre-restore-*.tar.gz"))
    assert len(saved) == 1
    assert f"The data this replaced is saved in {saved[0]}" in out.getvalue()
    assert "Restored a " in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_backup_is_readable_by_its_owner_only_and_lands_in_the_backups_folder(data_dir, owner):
    out = io.StringIO()
    call_command("backup", stdout=out)
    archive = Path(out.getvalue().strip())
    assert archive.parent == data_dir / "backups"
    assert archive.name.startswith("patron-") and archive.name.endswith(".tar.gz")
    assert archive.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in archive.parent.iterdir()] == [archive.name]  # no leftovers


@pytest.mark.django_db(transaction=True)
def test_only_the_ten_latest_automatic_backups_are_kept(data_dir):
    folder = data_dir / "backups"
    folder.mkdir()
    for day in range(1, 12):
        old = folder / f"pre-upgrade-202401{day:02d}-120000.tar.gz"
        old.write_bytes(b"old")
        os.utime(old, (time.time() - 86400 * (20 - day),) * 2)
    mine = folder / "patron-20240101-120000.tar.gz"
    mine.write_bytes(b"the user's own")
    os.utime(mine, (time.time() - 86400 * 30,) * 2)

    latest = create_backup(folder, label="pre-upgrade")

    kept = sorted(p.name for p in folder.glob("pre-upgrade-*"))
    assert len(kept) == KEEP_AUTOMATIC
    assert latest.name in kept
    assert "pre-upgrade-20240101-120000.tar.gz" not in kept
    assert "pre-upgrade-20240102-120000.tar.gz" not in kept
    assert mine.exists()


@pytest.mark.django_db(transaction=True)
def test_a_backup_that_cannot_be_written_says_so(data_dir, tmp_path):
    (tmp_path / "not-a-folder").write_text("a file")
    with pytest.raises(CommandError, match=r"^No backup was written\. .*not-a-folder"):
        call_command("backup", str(tmp_path / "not-a-folder" / "patron.tar.gz"))


# Refusals that change nothing


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_to_replace_an_install_with_data_without_force(
    data_dir, owner, with_logo, tmp_path
):
    archive = tmp_path / "patron.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    Business.objects.update(trading_name="Changed since")
    before, files_before = database_state(), tree(data_dir)

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive))

    assert str(refused.value).startswith("Nothing was restored. This Patron already holds data")
    assert "--force" in str(refused.value)
    assert database_state() == before
    assert tree(data_dir) == files_before


def truncated(good):
    return good["raw"][: len(good["raw"]) // 2]


def random_bytes(good):
    return os.urandom(20_000)


def member_outside(name, label):
    def build(good):
        return pack(signed({**good["members"], name: b"pwned"}))

    build.__name__ = label
    return build


def symlink(good):
    link = tarfile.TarInfo("media/logos/passwd.png")
    link.type = tarfile.SYMTYPE
    link.linkname = "/etc/passwd"
    return pack(good["members"], extra=[link])


def checksum_mismatch(good):
    return pack({**good["members"], "media/logos/logo.png": LOGO.replace(b"logo", b"evil")})


def no_manifest(good):
    return pack({n: d for n, d in good["members"].items() if n != "manifest.json"})


def garbage_database(good):
    return pack(signed({**good["members"], database_member(): os.urandom(8192)}))


def manifest_of_wrong_types(good):
    manifest = {"format": "patron-backup", "format_version": "1", "files": ["db.sqlite3"]}
    return pack({**good["members"], "manifest.json": json.dumps(manifest).encode()})


def from_a_newer_patron(good):
    manifest = json.loads(good["members"]["manifest.json"])
    migrations = [*manifest["migrations"], ["business", "0099_from_the_future"]]
    return pack(signed(good["members"], migrations=migrations))


def database_cut_short_before_hashing(good):
    """A database copy written only in part (a full disk, a pg_dump that died), hashed as
    it was: the checksums agree, the data does not."""
    data = good["members"][database_member()]
    return pack(signed({**good["members"], database_member(): data[:-100]}))


def counts_the_database_does_not_hold(good):
    manifest = json.loads(good["members"]["manifest.json"])
    counts = {**manifest["counts"], "accounts_user": manifest["counts"]["accounts_user"] + 1}
    return pack(signed(good["members"], counts=counts))


def manifest_not_json(good):
    return pack({**good["members"], "manifest.json": b"\x00\xff not json"})


def duplicate_member(good):
    members = list(good["members"].items())
    return pack([*members, ("media/logos/logo.png", LOGO)])


# Each way an archive can be wrong, and what the refusal says.
DAMAGES = [
    (truncated, "cannot be read"),
    (random_bytes, "cannot be read"),
    (member_outside("../evil", "member_in_the_parent_folder"), "unexpected entry ('../evil')"),
    (member_outside("media/../../evil", "member_climbing_out_of_media"), "unexpected entry"),
    (member_outside("/tmp/patron-test-evil", "member_with_absolute_path"), "unexpected entry"),
    (symlink, "unexpected entry ('media/logos/passwd.png')"),
    (checksum_mismatch, "media/logos/logo.png in the archive is damaged"),
    (no_manifest, "has no manifest.json"),
    (garbage_database, "The database in the archive is damaged"),
    (database_cut_short_before_hashing, "The database in the archive is damaged"),
    (counts_the_database_does_not_hold, "does not hold the rows its manifest lists"),
    (manifest_of_wrong_types, "manifest.json is damaged"),
    (manifest_not_json, "manifest.json is damaged"),
    (duplicate_member, "twice"),
    (from_a_newer_patron, "comes from a newer Patron: its database has changes"),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("damage, message", [pytest.param(d, m, id=d.__name__) for d, m in DAMAGES])
def test_a_damaged_or_hostile_archive_is_refused_clearly_and_changes_nothing(
    data_dir, owner, with_logo, tmp_path, damage, message
):
    good_path = tmp_path / "good.tar.gz"
    call_command("backup", str(good_path), stdout=io.StringIO())
    good = {"raw": good_path.read_bytes(), "members": read_archive(good_path)}
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(damage(good))
    Business.objects.update(trading_name="Changed since")
    before, files_before = database_state(), tree(data_dir)

    for options in ({"verify_only": True}, {"force": True}):
        with pytest.raises(CommandError) as refused:
            call_command("restore", str(bad), stdout=io.StringIO(), **options)
        assert str(refused.value).startswith("Nothing was restored. "), options
        assert message in str(refused.value), options

    assert database_state() == before
    assert tree(data_dir) == files_before
    assert not list(tmp_path.rglob("*evil*"))
    assert not Path("/tmp/patron-test-evil").exists()


@pytest.mark.django_db(transaction=True)
def test_an_archive_from_the_other_database_engine_is_refused(data_dir, owner, tmp_path):
    good_path = tmp_path / "good.tar.gz"
    call_command("backup", str(good_path), stdout=io.StringIO())
    members = read_archive(good_path)
    del members[database_member()]
    if connection.vendor == "sqlite":
        other, members["db.pgdump"] = "postgresql", b"PGDMP" + os.urandom(1000)
        counts = {}
    else:
        other, copy = "sqlite", tmp_path / "other.sqlite3"
        db = sqlite3.connect(copy)
        db.execute("CREATE TABLE django_migrations (id integer primary key)")
        db.commit()
        db.close()
        members["db.sqlite3"] = copy.read_bytes()
        counts = {"django_migrations": 0}
    database = "db.pgdump" if other == "postgresql" else "db.sqlite3"
    archive = tmp_path / "other.tar.gz"
    archive.write_bytes(pack(signed(members, engine=other, database=database, counts=counts)))
    before, files_before = database_state(), tree(data_dir)

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), force=True)

    assert str(refused.value) == (
        f"Nothing was restored. The archive holds a {other} database but this Patron runs on "
        f"{connection.vendor}: a backup can only be restored onto the same kind of database."
    )
    assert database_state() == before
    assert tree(data_dir) == files_before


@pytest.mark.django_db(transaction=True)
def test_verify_only_reports_a_sound_archive_and_changes_nothing(
    data_dir, owner, with_logo, tmp_path
):
    archive = tmp_path / "patron.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    Business.objects.update(trading_name="Changed since")
    before, files_before = database_state(), tree(data_dir)

    out = io.StringIO()
    call_command("restore", str(archive), verify_only=True, stdout=out)

    assert out.getvalue().startswith(f"The archive is sound: a {connection.vendor} database (")
    assert "and 1 media file(s), made " in out.getvalue()
    assert database_state() == before
    assert tree(data_dir) == files_before


def test_restore_of_a_missing_file_says_so(tmp_path):
    with pytest.raises(CommandError, match=r"^Nothing was restored\. There is no file at "):
        call_command("restore", str(tmp_path / "nowhere.tar.gz"), verify_only=True)


# The command line, with a server writing meanwhile

WRITER = """
import pathlib, sys
from django.db import transaction
from patron.accounts.models import User, create_token
from patron.audit.log import record

owner = User.objects.create_superuser("writer@example.com", "writer@example.com", None)
stop = pathlib.Path(sys.argv[1])
written = 0
while not stop.exists():
    # A token and its audit entry in one transaction: a consistent copy holds as many of each.
    with transaction.atomic():
        token, _ = create_token(owner, f"token {written}")
        record(owner, "create", token, {"name": [None, token.name]})
    written += 1
    if written == 20:
        print("writing", flush=True)
print(written, flush=True)
"""

COUNT = """
from patron.accounts.models import ApiToken
from patron.audit.models import AuditEntry
print(ApiToken.objects.count(), AuditEntry.objects.count())
"""


@pytest.mark.slow
def test_a_backup_taken_while_patron_writes_restores_a_sound_and_consistent_database(
    installs, tmp_path
):
    live = installs()
    stop = tmp_path / "stop-writing"
    writer = live.popen(WRITER, str(stop))
    try:
        assert writer.stdout.readline().strip() == "writing", writer.stderr.read()
        archive = tmp_path / "live.tar.gz"
        backup = live.run("backup", str(archive))
        assert backup.stdout.strip() == str(archive)
        time.sleep(0.2)  # some more writes after the backup
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=30)
    assert writer.returncode == 0, err
    written = int(out.split()[-1])

    other = installs(migrated=False)
    restored = other.run("restore", str(archive))
    assert "Restored a " in restored.stdout
    tokens, entries = map(int, other.python(COUNT).stdout.split())
    assert 20 <= tokens < written  # taken while the writer was at work
    assert entries == tokens
    if connection.vendor == "sqlite":
        db = sqlite3.connect(other.folder / "patron.sqlite3")
        try:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            db.close()

    # Restoring over the install that holds data needs --force, on the command line too.
    refused = live.run("restore", str(archive), check=False)
    assert refused.returncode != 0
    assert "Nothing was restored. This Patron already holds data" in refused.stderr
    assert live.python(COUNT).stdout.split()[0] == str(written)
