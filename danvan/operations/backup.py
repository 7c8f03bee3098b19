"""Backup and restore of the database and the uploaded and generated files.

A backup is a folder: `database.dump` (pg_dump's custom format) or `database.sqlite3`
(SQLite's online backup), `files.tar.gz` (the data folder's `imports/` and `reports/`) and
`manifest.json` (when, which engine, and the row counts a restore must reproduce).
A restore goes into an empty database only, so it never mixes two states.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from danvan.datasets.models import DataValue, DataValueAudit, Submission

FILE_FOLDERS = ("imports", "reports")
COUNTED: dict[str, type[Model]] = {
    "values": DataValue,
    "audit": DataValueAudit,
    "submissions": Submission,
}


class BackupError(Exception):
    pass


def _engine(config: dict[str, Any]) -> str:
    engine = str(config["ENGINE"])
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")


def _pg_environment(config: dict[str, Any]) -> dict[str, str]:
    """libpq's variables, so that no password appears on a command line."""
    values = {
        "PGHOST": config.get("HOST"),
        "PGPORT": config.get("PORT"),
        "PGUSER": config.get("USER"),
        "PGPASSWORD": config.get("PASSWORD"),
        "PGDATABASE": config.get("NAME"),
    }
    return os.environ | {key: str(value) for key, value in values.items() if value}


def _run(command: list[str], config: dict[str, Any]) -> None:
    program = shutil.which(command[0])
    if program is None:
        raise BackupError(f"{command[0]} is not installed (apt-get install postgresql-client).")
    result = subprocess.run(
        [program, *command[1:]],
        env=_pg_environment(config),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def row_counts() -> dict[str, int]:
    return {name: model._default_manager.count() for name, model in COUNTED.items()}


def _pg_dump_with_counts(path: Path, config: dict[str, Any]) -> dict[str, int]:
    """pg_dump of one exported snapshot, counted in that very snapshot: while users keep
    saving, the manifest's counts are exactly what the dump holds."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        counts = row_counts()
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                f"--snapshot={snapshot}",
                f"--file={path}",
            ],
            config,
        )
    return counts


def backup_create(target: Path) -> dict[str, Any]:
    """Write a backup of the current database and data folder into `target` (new)."""
    target.mkdir(parents=True, exist_ok=False)
    config = connection.settings_dict
    engine = _engine(config)
    if engine == "postgresql":
        counts = _pg_dump_with_counts(target / "database.dump", config)
    else:
        # SQLite's online backup copies one consistent state: count the copy itself.
        connection.ensure_connection()
        with sqlite3.connect(target / "database.sqlite3") as copy:
            connection.connection.backup(copy)
            counts = {
                name: copy.execute(f"SELECT count(*) FROM {model._meta.db_table}").fetchone()[0]
                for name, model in COUNTED.items()
            }
        copy.close()
    data_dir = Path(settings.DATA_DIR)
    with tarfile.open(target / "files.tar.gz", "w:gz") as archive:
        for folder in FILE_FOLDERS:
            if (data_dir / folder).is_dir():
                archive.add(data_dir / folder, arcname=folder)
    manifest = {"created_at": timezone.now().isoformat(), "engine": engine, "counts": counts}
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest


def backup_restore(source: Path, *, database_url: str | None = None) -> dict[str, Any]:
    """Restore `source` into an empty database (the configured one, or `database_url`) and
    the data folder. Returns the manifest, whose counts the restored database holds."""
    manifest = json.loads((source / "manifest.json").read_text())
    config: dict[str, Any] = (
        dict(dj_database_url.parse(database_url)) if database_url else connection.settings_dict
    )
    engine = _engine(config)
    if engine != manifest["engine"]:
        raise BackupError(f"This backup is of {manifest['engine']}, the target is {engine}.")
    if engine == "postgresql":
        _pg_check_empty(config)
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={config['NAME']}",
                str(source / "database.dump"),
            ],
            config,
        )
    else:
        path = Path(config["NAME"])
        if path.exists() and path.stat().st_size > 0:
            raise BackupError(f"{path} exists: restore into a new database file.")
        shutil.copyfile(source / "database.sqlite3", path)
    data_dir = Path(settings.DATA_DIR)
    data_dir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / "files.tar.gz", "r:gz") as archive:
        archive.extractall(data_dir, filter="data")
    return manifest


def _pg_check_empty(config: dict[str, Any]) -> None:
    import psycopg

    with psycopg.connect(
        dbname=config["NAME"],
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
    ) as target:
        tables = target.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    if tables and tables[0]:
        raise BackupError(f"The database {config['NAME']} is not empty: restore into a new one.")
