"""The backup-restore drill: back up, restore into a fresh database, compare every table's row count and the
headline figures."""

import json
import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

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


# The figures engine's headline for the region, read by a separate process from whichever database it is given:
# as an operator would check a restored database. Also opens every contact phone (sealed, with the same keys).
HEADLINE_SCRIPT = """
import json, django
django.setup()
from datetime import date
from fugong.accounts.models import User
from fugong.analytics import brief
from fugong.analytics.figures import figures
from fugong.enterprises.models import Enterprise
region = User.objects.get(username="region")
day = date.fromisoformat("{day}")
f = figures(user=region, as_of=day)
print(json.dumps({{
    "headline": brief.brief(user=region, as_of=day).headline,
    "figures": [f.enterprises, f.production_resumed, f.employees, f.on_duty, str(f.resumption_rate)],
    "phones": sum(1 for p in Enterprise.objects.values_list("contact_phone", flat=True) if p.isdigit()),
}}, ensure_ascii=False))
"""


def headline_of(database_url: str, day: date) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(  # noqa: S603 - this interpreter, our own script
        [sys.executable, "-c", HEADLINE_SCRIPT.format(day=day.isoformat())],
        cwd=Path(__file__).resolve().parents[3],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _database_url() -> str:
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    user = f"{params['USER']}@" if params.get("USER") else ""
    return f"postgres://{user}{params.get('HOST') or 'localhost'}:{params.get('PORT') or 5432}/{params['NAME']}"


def test_the_drill_restores_the_demo_and_its_headline_figures(tmp_path, settings):
    """The demo (a small scale of it) backed up, restored into a fresh database: the same headline figures."""
    from fugong.demo import build as demo

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "attachments"
    settings.MEDIA_ROOT = tmp_path / "media"
    demo.build(scale=0.02)
    day = date(2020, 2, 22)
    before = headline_of(_database_url(), day)
    assert before["headline"].startswith("截至2月22日，全区规模以上工业企业复工复产企业达到")
    assert before["figures"][0] > 0 and before["phones"] > 0

    target = tmp_path / "backup"
    out = StringIO()
    call_command("backup", to=str(target), stdout=out)
    into = f"sqlite:///{tmp_path / 'fresh.sqlite3'}" if connection.vendor == "sqlite" else _fresh_pg_database()
    call_command("restore", str(target), into=into, stdout=out)
    assert "every table's row count matches" in out.getvalue()
    after = headline_of(into, day)
    assert after == before


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
