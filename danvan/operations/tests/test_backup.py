"""A backup restores into an empty database with the same values, audit rows and
submissions, and the same uploaded files; on PostgreSQL and on SQLite."""

import sqlite3
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from danvan.datasets.models import DataElement, DataValue, DataValueAudit, Submission
from danvan.datasets.services import data_value_save, submission_submit

TABLES = {
    "values": DataValue._meta.db_table,
    "audit": DataValueAudit._meta.db_table,
    "submissions": Submission._meta.db_table,
}


def figures_enter(world, form) -> None:  # type: ignore[no-untyped-def]
    for code, raw in (("members", "120"), ("members", "125"), ("members_studied", "118")):
        element = DataElement.objects.get(code=code)
        data_value_save(actor=world.district_clerk, form=form, element=element, raw=raw)
    submission_submit(actor=world.district_clerk, form=form, comment="đủ số liệu")


class EmptyDatabase:
    """A new database of the same engine as the suite's, dropped afterwards."""

    def __init__(self, tmp_path: Path) -> None:
        self.settings = connection.settings_dict
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            self.path = tmp_path / "restored.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            self.name = f"prodwt_restore_{uuid.uuid4().hex[:8]}"
            with self._server() as server:
                server.execute(f'CREATE DATABASE "{self.name}"')
            host, port = self.settings["HOST"] or "127.0.0.1", self.settings["PORT"] or 5432
            user = self.settings["USER"] or "postgres"
            self.url = f"postgres://{user}@{host}:{port}/{self.name}"

    def _server(self) -> psycopg.Connection:
        return psycopg.connect(
            dbname="postgres",
            host=self.settings["HOST"] or None,
            port=self.settings["PORT"] or None,
            user=self.settings["USER"] or None,
            password=self.settings["PASSWORD"] or None,
            autocommit=True,
        )

    def counts(self) -> dict[str, int]:
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path) as restored:
                return {
                    k: restored.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                    for k, t in TABLES.items()
                }
        with psycopg.connect(self.url) as restored:
            return {
                k: restored.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
                for k, t in TABLES.items()
            }

    def drop(self) -> None:
        if self.vendor != "sqlite":
            with self._server() as server:
                server.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


# Committed rows, so that pg_dump (another session) sees them; serialized_rollback restores
# the organization types a data migration seeds, which the flush after each test removes.


@pytest.fixture
def empty_database(tmp_path):  # type: ignore[no-untyped-def]
    database = EmptyDatabase(tmp_path)
    yield database
    database.drop()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restores_into_an_empty_database_with_the_same_counts(
    world, commune_form, settings, tmp_path, empty_database
):
    settings.DATA_DIR = tmp_path / "data"
    upload = settings.DATA_DIR / "imports" / "upload.csv"
    upload.parent.mkdir(parents=True)
    upload.write_text("dataElement,period\n")
    figures_enter(world, commune_form)
    before = {
        "values": DataValue.objects.count(),
        "audit": DataValueAudit.objects.count(),
        "submissions": Submission.objects.count(),
    }

    call_command("backup_data", output=tmp_path / "backup")
    upload.unlink()
    call_command("restore_data", str(tmp_path / "backup"), database_url=empty_database.url)

    assert before == {"values": 2, "audit": 3, "submissions": 1}
    assert empty_database.counts() == before
    assert upload.read_text() == "dataElement,period\n"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restore_refuses_a_database_that_is_not_empty(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    call_command("backup_data", output=tmp_path / "backup")
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        existing = tmp_path / "existing.sqlite3"
        existing.write_bytes(b"SQLite format 3\x00")
        target = f"sqlite:///{existing}"
    else:
        host, port = config["HOST"] or "127.0.0.1", config["PORT"] or 5432
        target = f"postgres://{config['USER'] or 'postgres'}@{host}:{port}/{config['NAME']}"

    with pytest.raises(CommandError, match=r"not empty|exists"):
        call_command("restore_data", str(tmp_path / "backup"), database_url=target)

    assert DataValue.objects.count() == 0 and world.province.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump snapshots: PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_taken_while_users_save_holds_exactly_its_counted_rows(
    world, commune_form, settings, tmp_path, empty_database, monkeypatch
):
    from danvan.operations import backup

    settings.DATA_DIR = tmp_path / "data"
    figures_enter(world, commune_form)
    real_run = backup._run
    columns = ", ".join(f.column for f in DataValueAudit._meta.concrete_fields if not f.primary_key)

    def run_while_someone_saves(command, config):  # type: ignore[no-untyped-def]
        if command[0] == "pg_dump":  # another session commits a change meanwhile
            with psycopg.connect(
                dbname=connection.settings_dict["NAME"],
                host="127.0.0.1",
                user=connection.settings_dict["USER"] or "postgres",
            ) as other:
                other.execute(
                    f"INSERT INTO datasets_datavalueaudit ({columns}) "
                    f"SELECT {columns} FROM datasets_datavalueaudit LIMIT 1"
                )
        real_run(command, config)

    monkeypatch.setattr(backup, "_run", run_while_someone_saves)

    manifest = backup.backup_create(tmp_path / "backup")
    monkeypatch.setattr(backup, "_run", real_run)
    backup.backup_restore(tmp_path / "backup", database_url=empty_database.url)

    assert DataValueAudit.objects.count() == manifest["counts"]["audit"] + 1
    assert empty_database.counts() == manifest["counts"]
