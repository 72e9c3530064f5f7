"""The backup-restore drill: back up, restore into a fresh database, compare every table's row count."""

import json
import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from config.testing import make_enterprise
from fugong.security import backups

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def data(settings, tmp_path, users):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "attachments"
    settings.MEDIA_ROOT = tmp_path / "media"
    from fugong.problems.tests.factories import PNG, make_problem

    enterprise = make_enterprise(county="150203", name="备份演练企业有限公司")
    problem = make_problem(enterprise)
    (settings.PRIVATE_MEDIA_ROOT / "problems").mkdir(parents=True)
    (settings.PRIVATE_MEDIA_ROOT / "problems" / "photo.png").write_bytes(PNG)
    return problem


def test_the_drill_restores_every_row_and_file(data, tmp_path, settings):
    target = tmp_path / "backup"
    out = StringIO()
    call_command("backup", to=str(target), stdout=out)
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["tables"]["enterprises_enterprise"] >= 1
    assert manifest["tables"]["security_auditentry"] >= 1
    assert "files/attachments/problems/photo.png" in manifest["files"]
    source_counts = backups.table_counts()

    into = f"sqlite:///{tmp_path / 'fresh.sqlite3'}" if connection.vendor == "sqlite" else _fresh_pg_database()
    (settings.PRIVATE_MEDIA_ROOT / "problems" / "photo.png").unlink()
    call_command("restore", str(target), into=into, stdout=out)
    assert "every table's row count matches" in out.getvalue()
    assert (settings.PRIVATE_MEDIA_ROOT / "problems" / "photo.png").read_bytes().startswith(b"\x89PNG")
    restored = (
        backups.sqlite_counts(tmp_path / "fresh.sqlite3")
        if connection.vendor == "sqlite"
        else backups._pg_counts(backups._pg_params(into))
    )
    # The backup itself wrote one audit entry after counting; every other table is the same.
    assert {t: n for t, n in restored.items() if t != "security_auditentry"} == {
        t: n for t, n in source_counts.items() if t != "security_auditentry"
    }

    # Into a database that is not empty: refused.
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(target), into=into, stdout=out)


def test_a_backup_whose_file_was_changed_is_refused(data, tmp_path):
    target = tmp_path / "backup"
    call_command("backup", to=str(target), stdout=StringIO())
    database = next(p for p in target.iterdir() if p.name.startswith("database"))
    database.write_bytes(database.read_bytes() + b"x")
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(target), into=f"sqlite:///{tmp_path / 'x.sqlite3'}", stdout=StringIO())


def _fresh_pg_database() -> str:
    import psycopg

    params = connection.settings_dict
    name = f"{params['NAME']}_drill_{os.getpid()}"
    conninfo = {"dbname": "postgres", "host": params.get("HOST") or None, "user": params.get("USER") or None}
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v}, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    user = f"{params['USER']}@" if params.get("USER") else ""
    return f"postgres://{user}{params.get('HOST') or 'localhost'}:{params.get('PORT') or 5432}/{name}"
