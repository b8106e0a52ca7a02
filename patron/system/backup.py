"""Backups: one file holding the database and the media, checked before any restore.

An archive is a gzipped tar with:
- db.sqlite3 (SQLite's online backup API: consistent while the server writes)
  or db.pgdump (pg_dump's custom format, consistent likewise);
- media/…: logos, receipts and the files of issued documents;
- manifest.json: format, Patron version, database engine, creation time, the
  SHA-256 of every other member, and the row count of every table in the
  database copy (counted in the same snapshot as the copy).

Checking an archive reads the database's data back, as a restore would: SQLite's
integrity check, or every data block of the dump through pg_restore; then the rows
of each table are counted against the manifest. A dump damaged before it was
hashed (a full disk, a failing pg_dump) is caught so, not only a damaged archive.

A restore verifies the whole archive in a temporary folder first (member
names, checksums, the database itself) and touches nothing when anything is
off. An install that holds data is only replaced with force, and then only
after a backup of it.
"""

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

import patron

FORMAT = "patron-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_NAME = "db.sqlite3"
PG_NAME = "db.pgdump"
DATABASE_FILES = {"sqlite": SQLITE_NAME, "postgresql": PG_NAME}
# Archives Patron makes on its own (before an upgrade, before a restore) are
# pruned to the most recent few; archives the user asks for are never deleted.
AUTOMATIC_LABELS = ("pre-upgrade", "pre-restore")
KEEP_AUTOMATIC = 10


class BackupError(Exception):
    pass


def engine():
    return connection.vendor  # "sqlite" or "postgresql"


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def pg_env_and_args():
    """Environment and arguments for pg_dump, pg_restore and psql, from Django's settings."""
    db = connection.settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    if (db.get("OPTIONS") or {}).get("sslmode"):
        env["PGSSLMODE"] = str(db["OPTIONS"]["sslmode"])
    args = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return env, args, db["NAME"]


def missing_tool(name):
    return BackupError(
        f"{name} is not installed; it comes with the PostgreSQL client "
        "(Debian: apt-get install postgresql-client)."
    )


def run_pg_tool(command, **kwargs):
    try:
        return subprocess.run(command, capture_output=True, text=True, **kwargs)
    except FileNotFoundError:
        raise missing_tool(command[0]) from None


# Writing an archive


def create_backup(destination=None, label="patron"):
    """Write an archive and return its path.

    destination is a file path ending in .tar.gz (or .tgz), or a folder to put
    a new archive named after label and the time in; by default the backups
    folder in the data folder.
    """
    now = timezone.now()
    target = destination or settings.DATA_DIR / "backups"
    try:
        target = archive_path(destination, label, now)
        partial = target.with_name(target.name + ".partial")
        try:
            write_archive(partial, now)
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        if label in AUTOMATIC_LABELS:
            prune(target.parent, label, KEEP_AUTOMATIC)
    except OSError as e:
        raise BackupError(f"The backup could not be written to {target}: {e}") from e
    return target


def archive_path(destination, label, now):
    if destination is not None:
        destination = Path(destination)
        if destination.name.endswith((".gz", ".tgz")) and not destination.is_dir():
            destination.parent.mkdir(parents=True, exist_ok=True)
            return destination
    folder = Path(destination or settings.DATA_DIR / "backups")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stem = f"{label}-{now:%Y%m%d-%H%M%S}"
    path, n = folder / f"{stem}.tar.gz", 1
    while path.exists():  # two backups in one second must not overwrite each other
        n += 1
        path = folder / f"{stem}-{n}.tar.gz"
    return path


def write_archive(path, now):
    """Steps:
    1. copy the database into a private temporary folder beside the archive
       (the archive's folder, not /tmp, which may be a small tmpfs);
    2. add that copy, then the media, hashing each member as it is written, so
       a file that changes meanwhile cannot make the manifest lie;
    3. add the manifest last.
    The database goes first: media files are added (documents) or replaced
    under new names (logos), never rewritten, so the media added after the
    copy hold every file it refers to, but for one replaced in that instant.
    """
    # Created private: the archive holds everything, password hashes included.
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with (
        tempfile.TemporaryDirectory(prefix=".backup-", dir=path.parent) as tmp,
        os.fdopen(fd, "wb") as out,
        tarfile.open(fileobj=out, mode="w:gz") as archive,
    ):
        migrations = applied_migrations()
        db_name, counts, schema = dump_database(Path(tmp))
        files = {db_name: add_file(archive, Path(tmp) / db_name, db_name)}
        media_root = Path(settings.MEDIA_ROOT)
        if media_root.is_dir():
            for file in sorted(media_root.rglob("*")):
                if file.is_symlink() or not file.is_file():
                    continue
                name = "media/" + file.relative_to(media_root).as_posix()
                try:
                    files[name] = add_file(archive, file, name)
                except FileNotFoundError:
                    continue  # deleted since the listing
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "patron_version": patron.__version__,
            "created_at": now.isoformat(),
            "engine": engine(),
            "database": db_name,
            "files": files,
            "counts": counts,
            "migrations": migrations,
        }
        if schema:
            manifest["schema"] = schema  # where the counted tables are in the dump
        data = json.dumps(manifest, indent=2).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mtime = int(now.timestamp())
        info.mode = 0o600
        archive.addfile(info, io.BytesIO(data))


class HashingReader:
    def __init__(self, f):
        self.f = f
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.f.read(size)
        self.digest.update(data)
        return data


def add_file(archive, path, name):
    """Add one file and return the SHA-256 of exactly the bytes stored."""
    with open(path, "rb") as f:
        info = archive.gettarinfo(arcname=name, fileobj=f)
        reader = HashingReader(f)
        archive.addfile(info, reader)
    return reader.digest.hexdigest()


def prune(folder, label, keep):
    archives = sorted(
        folder.glob(f"{label}-*.tar.gz"), key=lambda p: (p.stat().st_mtime_ns, p.name)
    )
    for old in archives[:-keep]:
        old.unlink(missing_ok=True)


def dump_database(folder):
    """Write a consistent copy of the live database into folder.

    Returns its file name, the row count of each table in that copy, and (PostgreSQL)
    the schema of those tables.
    """
    if engine() == "sqlite":
        target = folder / SQLITE_NAME
        connection.ensure_connection()
        dest = sqlite3.connect(target)
        try:
            # Django's own connection is the source: it names the database the
            # way Django does (tests use a shared in-memory one), and the backup
            # API copies it under a read lock while others keep writing (WAL).
            connection.connection.backup(dest)
        except sqlite3.Error as e:
            raise BackupError(f"The database could not be copied: {e}") from e
        finally:
            dest.close()
        return SQLITE_NAME, sqlite_counts(target), None
    if engine() == "postgresql":
        counts, schema = dump_postgresql(folder / PG_NAME)
        return PG_NAME, counts, schema
    raise BackupError(f"Backups of a {engine()} database are not supported.")


def dump_postgresql(target):
    """pg_dump into target; the row count of each table, in the dump's own snapshot."""
    env, args, name = pg_env_and_args()
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if outermost:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        # pg_dump reads through this transaction's snapshot, so the counts in
        # the manifest describe exactly the rows in the dump.
        cursor.execute("SELECT pg_export_snapshot(), current_schema()")
        snapshot, schema = cursor.fetchone()
        counts = {}
        for table in connection.introspection.table_names(cursor):  # names from the catalogue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
        pg_dump = ["pg_dump", "-Fc", "--no-owner", "--no-acl", f"--snapshot={snapshot}"]
        result = run_pg_tool([*pg_dump, *args, "-f", str(target), name], env=env)
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return counts, schema


def sqlite_uri(path):
    return f"{Path(path).resolve().as_uri()}?mode=ro"


def sqlite_counts(path):
    db = sqlite3.connect(sqlite_uri(path), uri=True)
    try:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        counts = {}
        for table in sorted(tables):
            quoted = '"' + table.replace('"', '""') + '"'
            counts[table] = db.execute(f"SELECT COUNT(*) FROM {quoted}").fetchone()[0]  # noqa: S608
        return counts
    finally:
        db.close()


# Checking an archive


def safe_member_name(name):
    """Only the members Patron writes, and nothing that could leave the folder."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name or name != path.as_posix():
        return False
    return name in (MANIFEST, SQLITE_NAME, PG_NAME) or (
        path.parts[0] == "media" and len(path.parts) > 1
    )


def verify_backup(archive_path):
    """Check an archive without restoring it; returns its manifest or raises BackupError."""
    with tempfile.TemporaryDirectory(prefix=".verify-", dir=settings.DATA_DIR) as tmp:
        return extract_verified(archive_path, Path(tmp))


def extract_verified(archive_path, folder, expected_engine=None):
    """Extract into folder and check everything; returns the manifest or raises BackupError.

    With expected_engine, an archive of another database engine is refused
    before its database is looked at.
    """
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise BackupError(f"There is no file at {archive_path}.")
    names = extract_members(archive_path, folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (ValueError, UnicodeDecodeError) as e:
        raise BackupError("The archive's manifest.json is damaged.") from e
    check_manifest(manifest, names)
    if expected_engine and manifest["engine"] != expected_engine:
        raise BackupError(
            f"The archive holds a {manifest['engine']} database but this Patron runs on "
            f"{expected_engine}: a backup can only be restored onto the same kind of database."
        )
    for name, expected in manifest["files"].items():
        if sha256_file(folder / name) != expected:
            raise BackupError(f"{name} in the archive is damaged (its checksum does not match).")
    check_migrations_known(manifest)
    if manifest["engine"] == "sqlite":
        check_sqlite(folder / SQLITE_NAME, manifest["counts"])
    else:
        check_pgdump(folder / PG_NAME, manifest["counts"], manifest.get("schema", "public"))
    return manifest


def extract_members(archive_path, folder):
    not_patron = "it is not a Patron backup"
    try:
        with tarfile.open(archive_path, "r:*") as archive:
            members = archive.getmembers()
            names = set()
            for member in members:
                if not member.isfile() or not safe_member_name(member.name):
                    raise BackupError(
                        f"The archive holds an unexpected entry ({member.name!r}): {not_patron}."
                    )
                if member.name in names:
                    raise BackupError(f"The archive holds {member.name!r} twice: {not_patron}.")
                names.add(member.name)
            if MANIFEST not in names:
                raise BackupError(f"The archive has no manifest.json: {not_patron}.")
            needed = sum(member.size for member in members)
            if needed > shutil.disk_usage(folder).free:
                raise BackupError(
                    f"Checking the archive needs {needed // 2**20} MB free in {folder.parent}."
                )
            archive.extractall(folder, members=members, filter="data")
    except (tarfile.TarError, EOFError, OSError, zlib.error) as e:
        raise BackupError(
            f"The archive cannot be read ({e}): it is damaged or not a Patron backup."
        ) from e
    return names


def check_manifest(manifest, names):
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("The archive is not a Patron backup.")
    version = manifest.get("format_version")
    if not isinstance(version, int):
        raise BackupError("The archive's manifest.json is damaged (no format version).")
    if version > FORMAT_VERSION:
        raise BackupError("The archive was made by a newer Patron: upgrade Patron first.")
    files, counts = manifest.get("files"), manifest.get("counts")
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise BackupError("The archive's manifest.json is damaged (no file list).")
    if not isinstance(counts, dict) or not all(type(v) is int for v in counts.values()):
        raise BackupError("The archive's manifest.json is damaged (no row counts).")
    if not isinstance(manifest.get("schema", ""), str):
        raise BackupError("The archive's manifest.json is damaged (schema).")
    if set(files) != names - {MANIFEST}:
        raise BackupError(
            "The archive's files do not match its manifest: it is incomplete or altered."
        )
    database = DATABASE_FILES.get(manifest.get("engine"))
    if database is None or manifest.get("database") != database or database not in files:
        raise BackupError("The archive holds no database Patron can restore.")
    for key in ("created_at", "patron_version"):
        manifest[key] = str(manifest.get(key, "?"))


def applied_migrations():
    """[app, name] of every migration applied to the live database."""
    recorder = MigrationRecorder(connection)
    return sorted([app, name] for app, name in recorder.applied_migrations())


def check_migrations_known(manifest):
    """Refuse a database whose schema this Patron does not know (a newer version's)."""
    migrations = manifest.get("migrations", [])
    if not isinstance(migrations, list) or not all(
        isinstance(m, list) and len(m) == 2 and all(isinstance(p, str) for p in m)
        for m in migrations
    ):
        raise BackupError("The archive's manifest.json is damaged (migrations).")
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, name in migrations if (app, name) not in known]
    if unknown:
        raise BackupError(
            "The archive comes from a newer Patron: its database has changes this version "
            f"does not know ({', '.join(unknown[:3])}). Upgrade Patron first, then restore."
        )


def sqlite_size_problem(path):
    """Why the file cannot be a whole SQLite database by its size, or "": its header gives
    the page size and the number of pages, and a copy cut short holds fewer. (SQLite reads
    the missing end as zeros, which its integrity check may not notice.)"""
    with open(path, "rb") as f:
        header = f.read(100)
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return "not an SQLite database"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    size = Path(path).stat().st_size
    if pages and size != pages * page_size:
        return f"{size} bytes where its header announces {pages} pages of {page_size}"
    if size % page_size:
        return f"{size} bytes, not a whole number of {page_size}-byte pages"
    return ""


def check_sqlite(path, counts):
    """The file's size against its header, SQLite's own integrity check, then the row
    counts the manifest promises."""
    problem = sqlite_size_problem(path)
    if problem:
        raise BackupError(f"The database in the archive is damaged ({problem}).")
    try:
        db = sqlite3.connect(sqlite_uri(path), uri=True)
        try:
            result = db.execute("PRAGMA integrity_check").fetchone()[0]
            db.execute("SELECT COUNT(*) FROM django_migrations").fetchone()
        finally:
            db.close()
        found = sqlite_counts(path) if result == "ok" else None
    except sqlite3.DatabaseError as e:
        raise BackupError(f"The database in the archive is damaged ({e}).") from e
    if result != "ok":
        raise BackupError(f"The database in the archive is damaged ({result}).")
    if found != counts:
        raise BackupError(
            "The database in the archive does not hold the rows its manifest lists: "
            "the backup is inconsistent."
        )


# A table's data in pg_restore's SQL output: `COPY schema.table (columns) FROM stdin;`, then
# one line per row (COPY's text format escapes the newlines inside values), then `\.`.
COPY_START = re.compile(rb'^COPY ((?:"(?:[^"]|"")*"|[^".\s]+))\.((?:"(?:[^"]|"")*"|[^".\s]+)) ')
COPY_END = b"\\.\n"


def unquote(identifier):
    name = identifier.decode(errors="replace")
    return name[1:-1].replace('""', '"') if name.startswith('"') else name


def pgdump_counts(path, schema):
    """The row count of each table of `schema` in a custom-format dump, read from its data:
    pg_restore decompresses every block, so a damaged or truncated dump fails here."""
    if shutil.which("pg_restore") is None:
        raise missing_tool("pg_restore")
    counts, table = {}, None
    with tempfile.TemporaryFile() as errors:
        script = subprocess.Popen(
            ["pg_restore", "--data-only", "-f", "-", str(path)],
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        with script.stdout:
            for line in script.stdout:
                if table is not None:
                    if line == COPY_END:
                        table = None
                    else:
                        counts[table] += 1
                elif match := COPY_START.match(line):
                    table = unquote(match[2]) if unquote(match[1]) == schema else ""
                    counts.setdefault(table, 0)
        script.wait()
        errors.seek(0)
        detail = errors.read().decode(errors="replace").strip()
    if script.returncode != 0 or table is not None:
        raise BackupError(
            f"The database in the archive is damaged ({detail or 'its data ends too early'})."
        )
    counts.pop("", None)  # tables of other schemas
    return counts


def check_pgdump(path, counts, schema):
    """Every table's data read back from the dump, and its rows counted against the
    manifest (counted in pg_dump's own snapshot when the backup was made)."""
    found = pgdump_counts(path, schema)
    if any(found.get(table, 0) != count for table, count in counts.items()):
        raise BackupError(
            "The database in the archive does not hold the rows its manifest lists: "
            "the backup is inconsistent."
        )


# Restoring


def install_has_data():
    """True when this install already holds an owner."""
    tables = connection.introspection.table_names()
    if "accounts_user" not in tables:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM accounts_user")
        return cursor.fetchone()[0] > 0


def restore_backup(archive_path, force=False):
    """Replace the database and media with the archive's.

    Returns (manifest, saved): saved is the backup of the data that was
    replaced, or None when the install held none.
    Steps:
    1. extract and verify everything in a temporary folder inside the data
       folder (the same disk as the media, so they can be moved, not copied);
    2. refuse an install with data unless forced, and back it up when forced;
    3. replace the database in one transaction;
    4. swap the media folder for the archive's.
    """
    if connection.in_atomic_block:
        raise BackupError("A restore cannot run inside a database transaction.")
    saved = None
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=settings.DATA_DIR) as tmp:
        tmp = Path(tmp)
        manifest = extract_verified(archive_path, tmp, expected_engine=engine())
        if install_has_data():
            if not force:
                raise BackupError(
                    "This Patron already holds data and restoring would replace it. "
                    "Run the restore again with --force to replace it "
                    "(a backup of the current data is taken first)."
                )
            try:
                saved = create_backup(label="pre-restore")
            except BackupError as e:
                raise BackupError(
                    f"The current data could not be backed up before replacing it ({e}). "
                    "To restore anyway, restore into a new install (another PATRON_DATA_DIR "
                    "or an empty database)."
                ) from e
        media = tmp / "media"
        if not media.is_dir():
            media.mkdir()
        if manifest["engine"] == "sqlite":
            restore_sqlite(tmp / SQLITE_NAME)
        else:
            restore_postgresql(tmp / PG_NAME)
        swap_media(media)
    return manifest, saved


def restore_sqlite(source_path):
    connection.ensure_connection()
    source = sqlite3.connect(sqlite_uri(source_path), uri=True)
    try:
        # The backup API writes the whole copy in one transaction on the live
        # database: other connections see the old database or the new one.
        source.backup(connection.connection)
    except sqlite3.Error as e:
        raise BackupError(f"The database could not be replaced ({e}); it is unchanged.") from e
    finally:
        source.close()


def restore_postgresql(dump_path):
    """Drop Patron's tables and load the dump, in one transaction.

    Every table of Patron's models goes, not only those in the dump: after an
    upgrade the dump is older than the schema, and a newer table left standing
    would break the migrations that follow. Tables that are not Patron's stay.
    """
    env, args, name = pg_env_and_args()
    quote = connection.ops.quote_name
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    if "django_migrations" in connection.introspection.table_names():
        tables.append("django_migrations")
    connection.close()
    drop = f"DROP TABLE IF EXISTS {', '.join(quote(t) for t in tables)} CASCADE;" if tables else ""
    # pg_restore writes the dump as SQL; psql runs it after the drop, all in one transaction.
    pg_restore = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl"]
    with tempfile.TemporaryFile() as errors:
        try:
            script = subprocess.Popen(
                [*pg_restore, "-f", "-", str(dump_path)],
                stdout=subprocess.PIPE,
                stderr=errors,
                env=env,
            )
        except FileNotFoundError:
            raise missing_tool("pg_restore") from None
        # A running Patron holds locks: fail after a while rather than wait forever.
        commands = ["-c", "SET lock_timeout = '30s';"] + (["-c", drop] if drop else [])
        psql = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction"]
        result = run_pg_tool(
            [*psql, *args, "-d", name, *commands, "-f", "-"],
            stdin=script.stdout,
            env=env,
        )
        script.stdout.close()
        script.wait()
        errors.seek(0)
        if result.returncode != 0 or script.returncode != 0:
            detail = (result.stderr.strip() or errors.read().decode(errors="replace")).strip()
            raise BackupError(f"Loading the dump failed, the database is unchanged: {detail}")


def swap_media(source):
    media_root = Path(settings.MEDIA_ROOT)
    old = media_root.with_name(media_root.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if media_root.exists():
        media_root.rename(old)
    shutil.move(source, media_root)
    shutil.rmtree(old, ignore_errors=True)
