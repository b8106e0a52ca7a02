"""Backups: one file holding the database and the media, checked before any restore.

An archive is a gzipped tar with:
- manifest.json: format, Patron version, database engine, creation time, the
  SHA-256 of every other member, and the row count of every table;
- db.sqlite3 (SQLite's online backup API: consistent while the server writes)
  or db.pgdump (pg_dump's custom format, consistent likewise);
- media/…: logos and, later, receipts and issued documents.

A restore verifies the whole archive in a temporary folder first (checksums,
member names, SQLite integrity) and touches nothing when anything is off.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection
from django.utils import timezone

import patron

FORMAT = "patron-backup"
FORMAT_VERSION = 1
SQLITE_NAME = "db.sqlite3"
PG_NAME = "db.pgdump"


class BackupError(Exception):
    pass


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def engine():
    return connection.vendor  # "sqlite" or "postgresql"


def table_counts():
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def pg_env_and_args():
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return env, args, db["NAME"]


def dump_database(folder):
    """Write a consistent copy of the live database into folder; return its file name."""
    if engine() == "sqlite":
        target = folder / SQLITE_NAME
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        try:
            dest = sqlite3.connect(target)
            with dest:
                source.backup(dest)
            dest.close()
        finally:
            source.close()
        return SQLITE_NAME
    if engine() == "postgresql":
        env, args, name = pg_env_and_args()
        target = folder / PG_NAME
        result = subprocess.run(
            ["pg_dump", "-Fc", "--no-owner", "--no-acl", *args, "-f", str(target), name],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return PG_NAME
    raise BackupError(f"Backups of a {engine()} database are not supported.")


def create_backup(destination=None, label="patron"):
    """Write an archive; destination is a file path, or a folder to put it in."""
    now = timezone.now()
    destination = Path(destination or settings.DATA_DIR / "backups")
    if destination.suffix != ".gz" and not destination.name.endswith(".tar.gz"):
        destination.mkdir(parents=True, exist_ok=True)
        destination = destination / f"{label}-{now:%Y%m%d-%H%M%S}.tar.gz"
    else:
        destination.parent.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="patron-backup-") as tmp:
        tmp = Path(tmp)
        db_name = dump_database(tmp)
        members = {db_name: tmp / db_name}
        media_root = Path(settings.MEDIA_ROOT)
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    members["media/" + path.relative_to(media_root).as_posix()] = path
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "patron_version": patron.__version__,
            "created_at": now.isoformat(),
            "engine": engine(),
            "database": db_name,
            "files": {name: sha256_file(path) for name, path in members.items()},
            "counts": table_counts(),
        }
        partial = destination.with_name(destination.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            info.mtime = int(now.timestamp())
            archive.addfile(info, io.BytesIO(data))
            for name, path in members.items():
                archive.add(path, arcname=name, recursive=False)
        os.chmod(partial, 0o600)
        partial.replace(destination)
    return destination


def safe_member_name(name):
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name not in ("", ".")


def extract_verified(archive_path, folder):
    """Extract into folder and check everything; returns the manifest or raises BackupError."""
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise BackupError(f"There is no file at {archive_path}.")
    try:
        with tarfile.open(archive_path, "r:*") as archive:
            members = archive.getmembers()
            for member in members:
                if not member.isfile() or not safe_member_name(member.name):
                    raise BackupError(
                        f"The archive holds an unexpected entry ({member.name!r}): it is not a Patron backup."
                    )
            names = {member.name for member in members}
            if "manifest.json" not in names:
                raise BackupError("The archive has no manifest.json: it is not a Patron backup.")
            archive.extractall(folder, filter="data")
    except (tarfile.TarError, EOFError, OSError, zlib.error) as e:
        raise BackupError(f"The archive cannot be read ({e}): it is damaged or not a Patron backup.") from e

    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (ValueError, UnicodeDecodeError) as e:
        raise BackupError("The archive's manifest.json is damaged.") from e
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("The archive is not a Patron backup.")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupError("The archive was made by a newer Patron: upgrade Patron first.")
    files = manifest.get("files") or {}
    if set(files) != names - {"manifest.json"}:
        raise BackupError("The archive's files do not match its manifest: it is incomplete or altered.")
    for name, expected in files.items():
        if sha256_file(folder / name) != expected:
            raise BackupError(f"{name} in the archive is damaged (its checksum does not match).")
    if manifest.get("database") not in files:
        raise BackupError("The archive holds no database.")
    if manifest["database"] == SQLITE_NAME:
        check_sqlite(folder / SQLITE_NAME)
    return manifest


def check_sqlite(path):
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = db.execute("PRAGMA integrity_check").fetchone()[0]
            db.execute("SELECT COUNT(*) FROM django_migrations").fetchone()
        finally:
            db.close()
    except sqlite3.DatabaseError as e:
        raise BackupError(f"The database in the archive is damaged ({e}).") from e
    if result != "ok":
        raise BackupError(f"The database in the archive is damaged ({result}).")


def install_has_data():
    """True when this install already holds an owner or a business."""
    tables = connection.introspection.table_names()
    if "accounts_user" not in tables:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM accounts_user")
        return cursor.fetchone()[0] > 0


def restore_backup(archive_path, force=False):
    """Replace the database and media with the archive's. Returns the manifest."""
    with tempfile.TemporaryDirectory(prefix="patron-restore-") as tmp:
        tmp = Path(tmp)
        manifest = extract_verified(archive_path, tmp)
        if manifest["engine"] != engine():
            raise BackupError(
                f"The archive holds a {manifest['engine']} database; this Patron runs on {engine()}."
            )
        if install_has_data() and not force:
            raise BackupError(
                "This Patron already holds data; restoring would replace it. "
                "Take a backup of it first, then run the restore again with --force."
            )
        if manifest["engine"] == "sqlite":
            restore_sqlite(tmp / SQLITE_NAME)
        else:
            restore_postgresql(tmp / PG_NAME)
        restore_media(tmp / "media")
    return manifest


def restore_sqlite(source_path):
    connection.close()
    source = sqlite3.connect(source_path)
    try:
        dest = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=30)
        try:
            # The backup API copies page by page under SQLite's own locks, so
            # other connections see either the old database or the new one.
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()


def restore_postgresql(dump_path):
    connection.close()
    env, args, name = pg_env_and_args()
    result = subprocess.run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction",
         *args, "-d", name, str(dump_path)],  # fmt: skip
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed, the database is unchanged: {result.stderr.strip()}")


def restore_media(source):
    media_root = Path(settings.MEDIA_ROOT)
    staged = media_root.with_name(media_root.name + ".restoring")
    old = media_root.with_name(media_root.name + ".old")
    shutil.rmtree(staged, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)
    if source.is_dir():
        shutil.copytree(source, staged)
    else:
        staged.mkdir(parents=True)
    if media_root.exists():
        media_root.rename(old)
    staged.rename(media_root)
    shutil.rmtree(old, ignore_errors=True)
