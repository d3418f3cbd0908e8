"""``sasms backup`` / ``sasms restore``: the database and the stored files in one archive.

The archive (``.tar.gz``) holds ``manifest.json`` (engine, time, and for every table its row count
and a SHA-256 over its rows in primary-key order), the database (``pg_dump`` custom format on
PostgreSQL, an online copy through SQLite's backup API on SQLite) and the media directory
(attachments, documents, photos, signatures). The manifest and the dump are taken from one
snapshot of the database, so a backup made while SASMS runs still matches itself. ``restore``
loads both back and recomputes every table's count and checksum: a restore that does not
reproduce the manifest exactly is reported.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction

FORMAT_VERSION = 1


def _tool(name: str) -> str:
    """The full path of a PostgreSQL client program (Debian's postgresql-client, set up by make)."""
    found = shutil.which(name)
    if found is None:
        raise ValueError(f"{name} is not installed")
    return found


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["--host", str(db.get("HOST") or "127.0.0.1"), "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args, env


def _tables(using: str = DEFAULT_DB_ALIAS) -> list[type[models.Model]]:
    """Every concrete table of the project, auto-created many-to-many tables included."""
    seen: dict[str, type[models.Model]] = {}
    existing = set(connections[using].introspection.table_names())
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed or model._meta.db_table not in existing:
            continue
        seen.setdefault(model._meta.db_table, model)
    return [seen[name] for name in sorted(seen)]


def _canonical(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return str(value.isoformat(timespec="microseconds"))
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    if isinstance(value, memoryview | bytes):
        return bytes(value).hex()
    return "" if value is None else str(value)


def table_checksums(using: str = DEFAULT_DB_ALIAS) -> dict[str, dict[str, Any]]:
    """``{table: {"rows": n, "sha256": hex}}`` over every row, the same on both engines."""
    result: dict[str, dict[str, Any]] = {}
    for model in _tables(using):
        columns = [f.attname for f in model._meta.concrete_fields]
        digest = hashlib.sha256()
        rows = 0
        rows_in_order = model._base_manager.using(using).order_by("pk").values_list(*columns)
        for row in rows_in_order.iterator(chunk_size=5000):
            digest.update(("\x1f".join(_canonical(v) for v in row) + "\x1e").encode())
            rows += 1
        result[model._meta.db_table] = {"rows": rows, "sha256": digest.hexdigest()}
    return result


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _add_media(archive: tarfile.TarFile) -> int:
    root = _media_root()
    count = 0
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                archive.add(path, arcname=f"media/{path.relative_to(root)}")
                count += 1
    return count


@dataclass(frozen=True)
class BackupResult:
    path: Path
    tables: int
    rows: int
    files: int


def _pg_dump(dump: Path, snapshot: str) -> None:
    args, env = _pg_env()
    name = str(connection.settings_dict["NAME"])
    subprocess.run(  # noqa: S603 - fixed program, arguments from our own settings
        [
            _tool("pg_dump"),
            *args,
            "--format=custom",
            "--no-owner",
            f"--snapshot={snapshot}",
            "--file",
            str(dump),
            name,
        ],
        env=env,
        check=True,
        capture_output=True,
    )


def _sqlite_copy(dump: Path) -> None:
    connection.ensure_connection()
    source = connection.connection
    target = sqlite3.connect(dump)
    with target:
        source.backup(target)  # one step: the copy is one consistent state of the database
    target.close()


def _sqlite_checksums(dump: Path) -> dict[str, dict[str, Any]]:
    """The manifest of the copy itself, read through a connection of its own."""
    alias = "sasms_backup_copy"
    default = connections[DEFAULT_DB_ALIAS]
    wrapper = type(default)({**default.settings_dict, "NAME": str(dump)}, alias)
    connections[alias] = wrapper
    try:
        return table_checksums(using=alias)
    finally:
        wrapper.close()
        del connections[alias]


def _snapshot(dump: Path) -> dict[str, dict[str, Any]]:
    """Dump the database and count it, both at one moment, while SASMS keeps writing.

    PostgreSQL: one REPEATABLE READ transaction exports its snapshot and ``pg_dump --snapshot``
    reads that same snapshot, so the manifest's counts are exactly the dump's rows. SQLite: the
    online copy is taken first and the manifest is counted from the copy.
    """
    if connection.in_atomic_block:
        raise ValueError("a backup must run outside a transaction: it opens its own snapshot")
    if connection.vendor != "postgresql":
        _sqlite_copy(dump)
        return _sqlite_checksums(dump)
    with transaction.atomic():
        with connection.cursor() as cursor:
            # First statement of the transaction: the isolation level cannot change later.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = str(cursor.fetchone()[0])
        checksums = table_checksums()
        _pg_dump(dump, snapshot)
    return checksums


def backup(output: Path) -> BackupResult:
    engine = connection.vendor
    if engine not in ("postgresql", "sqlite"):
        raise ValueError(f"backups are not supported on {engine}")
    with tempfile.TemporaryDirectory(prefix="sasms-backup-") as tmp:
        dump = Path(tmp) / ("database.dump" if engine == "postgresql" else "database.sqlite3")
        checksums = _snapshot(dump)
        manifest = {
            "format": FORMAT_VERSION,
            "engine": engine,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "tables": checksums,
        }
        output.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(output, "w:gz") as archive:
            data = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=dump.name)
            files = _add_media(archive)
    return BackupResult(output, len(checksums), sum(t["rows"] for t in checksums.values()), files)


@dataclass
class RestoreResult:
    tables: int
    rows: int
    files: int
    mismatches: list[str]


def _safe_members(archive: tarfile.TarFile, prefix: str) -> Iterator[tarfile.TarInfo]:
    for member in archive.getmembers():
        if member.name.startswith(prefix) and member.isfile():
            yield member


def restore(source: Path) -> RestoreResult:
    """Replace the database and the media directory with the archive's; then verify."""
    engine = connection.vendor
    with tempfile.TemporaryDirectory(prefix="sasms-restore-") as tmp, tarfile.open(source, "r:gz") as archive:
        try:
            manifest_file = archive.extractfile("manifest.json")
        except KeyError:
            manifest_file = None
        if manifest_file is None:
            raise ValueError("not a SASMS backup: manifest.json is missing")
        manifest = json.load(manifest_file)
        if manifest.get("format") != FORMAT_VERSION or manifest.get("engine") != engine:
            raise ValueError(f"this backup is for {manifest.get('engine')}, the database here is {engine}")
        # Only regular files under known names, extracted by the 'data' filter: no paths outside tmp.
        archive.extractall(tmp, members=list(_safe_members(archive, "")), filter="data")
        if engine == "postgresql":
            args, env = _pg_env()
            name = str(connection.settings_dict["NAME"])
            connections.close_all()
            subprocess.run(  # noqa: S603
                [
                    _tool("pg_restore"),
                    *args,
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--dbname",
                    name,
                    str(Path(tmp) / "database.dump"),
                ],
                env=env,
                check=True,
                capture_output=True,
            )
        else:
            # Into the live connection: the same for a database file and an in-memory one.
            connection.ensure_connection()
            backup_db = sqlite3.connect(Path(tmp) / "database.sqlite3")
            backup_db.backup(connection.connection)
            backup_db.close()
        media = _media_root()
        restored_media = Path(tmp) / "media"
        files = 0
        if media.exists():
            shutil.rmtree(media)
        if restored_media.is_dir():
            shutil.copytree(restored_media, media)
            files = sum(1 for p in media.rglob("*") if p.is_file())
    actual = table_checksums()
    expected: dict[str, dict[str, Any]] = manifest["tables"]
    mismatches = [
        f"{table}: backup {expected.get(table)} restored {actual.get(table)}"
        for table in sorted(set(expected) | set(actual))
        if expected.get(table) != actual.get(table)
    ]
    return RestoreResult(len(actual), sum(t["rows"] for t in actual.values()), files, mismatches)
