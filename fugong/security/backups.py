"""Backups that are proven by restore (level 3, 数据备份恢复).

A backup is a directory: the database (PostgreSQL: `pg_dump --format=custom`; SQLite: the online backup API, a
consistent copy of a live file), the attachments and uploaded files, `manifest.json` (when, which database, the
migrations applied, every table's row count) and `SHA256SUMS` over every file. `restore` checks the sums, refuses
a database that is not empty, loads the copy and compares every table's row count with the manifest.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.utils import timezone

DB_SQLITE = "database.sqlite3"
DB_PG = "database.dump"
FILE_ROOTS = {"attachments": "PRIVATE_MEDIA_ROOT", "media": "MEDIA_ROOT"}


class BackupError(Exception):
    pass


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (PostgreSQL client tools)")
    return found


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def table_counts() -> dict[str, int]:
    """Every table's row count in the configured database."""
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names from the catalogue
            counts[table] = cursor.fetchone()[0]
        return counts


def sqlite_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        names = [
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        ]
        return {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in sorted(names)}  # noqa: S608
    finally:
        conn.close()


def pg_env(params: dict) -> dict:
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    return env


def pg_args(params: dict) -> list[str]:
    args = []
    if params.get("HOST"):
        args += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", str(params["USER"])]
    return args


def migrations_applied() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        latest: dict[str, str] = {}
        for app, name in cursor.fetchall():
            latest[app] = name
    return latest


def backup(target: Path) -> dict:
    """Write a backup into `target` (created; must not exist) and answer its manifest."""
    if target.exists():
        raise BackupError(f"{target} exists already")
    target.mkdir(parents=True)
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        dest = sqlite3.connect(target / DB_SQLITE)
        try:
            connection.connection.backup(dest)
        finally:
            dest.close()
    elif connection.vendor == "postgresql":
        subprocess.run(  # noqa: S603 - the pg tools, arguments from settings
            [
                tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--file",
                str(target / DB_PG),
                *pg_args(params),
                params["NAME"],
            ],
            check=True,
            env=pg_env(params),
            capture_output=True,
        )
    else:
        raise BackupError(f"no backup for {connection.vendor}")
    for name, setting in FILE_ROOTS.items():
        root = Path(getattr(settings, setting))
        if root.exists():
            shutil.copytree(root, target / "files" / name)
    files = sorted(p for p in target.rglob("*") if p.is_file())
    sums = {p.relative_to(target).as_posix(): sha256_of(p) for p in files}
    manifest = {
        "created_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "database": DB_SQLITE if connection.vendor == "sqlite" else DB_PG,
        "migrations": migrations_applied(),
        "tables": table_counts(),
        "files": sums,
    }
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    lines = [f"{digest}  {name}" for name, digest in sums.items()]
    lines.append(f"{sha256_of(target / 'manifest.json')}  manifest.json")
    (target / "SHA256SUMS").write_text("\n".join(lines) + "\n")
    return manifest


def check_sums(source: Path) -> dict:
    sums = source / "SHA256SUMS"
    if not sums.exists():
        raise BackupError("SHA256SUMS is missing")
    for line in sums.read_text().splitlines():
        digest, name = line.split("  ", 1)
        path = source / name
        if not path.exists() or sha256_of(path) != digest:
            raise BackupError(f"{name} does not match its checksum")
    return json.loads((source / "manifest.json").read_text())


def restore(source: Path, *, into: str | None = None, files: bool = True) -> dict[str, tuple[int, int]]:
    """Load a backup into an empty database: the configured one, or `into` (sqlite:///PATH, postgres://...).

    Answers the tables whose row count differs from the manifest: {table: (expected, found)}; empty when proven.
    """
    manifest = check_sums(source)
    vendor = manifest["vendor"]
    if vendor == "sqlite":
        # sqlite:////absolute/path or sqlite:///relative/path, as DATABASE_URL spells them.
        path = Path(urlsplit(into).path[1:]) if into else Path(connection.settings_dict["NAME"])
        if path.exists() and sqlite_counts(path):
            raise BackupError(f"{path} is not empty: restore only into an empty database")
        src = sqlite3.connect(source / DB_SQLITE)
        dest = sqlite3.connect(path)
        try:
            src.backup(dest)
        finally:
            src.close()
            dest.close()
        found = sqlite_counts(path)
    elif vendor == "postgresql":
        params = _pg_params(into) if into else connection.settings_dict
        if _pg_counts(params):
            raise BackupError(f"{params['NAME']} is not empty: restore only into an empty database")
        subprocess.run(  # noqa: S603 - the pg tools, arguments from settings
            [tool("pg_restore"), "--no-owner", "--exit-on-error", "--dbname", params["NAME"], *pg_args(params)]
            + [str(source / DB_PG)],
            check=True,
            env=pg_env(params),
            capture_output=True,
        )
        found = _pg_counts(params)
    else:
        raise BackupError(f"no restore for {vendor}")
    if files:
        for name, setting in FILE_ROOTS.items():
            copied = source / "files" / name
            root = Path(getattr(settings, setting))
            if copied.exists():
                shutil.copytree(copied, root, dirs_exist_ok=True)
    expected = manifest["tables"]
    return {
        table: (expected.get(table, 0), found.get(table, 0))
        for table in set(expected) | set(found)
        if expected.get(table, 0) != found.get(table, 0)
    }


def _pg_params(url: str) -> dict:
    parts = urlsplit(url)
    return {
        "NAME": parts.path.lstrip("/"),
        "HOST": parts.hostname or "",
        "PORT": parts.port or "",
        "USER": parts.username or "",
        "PASSWORD": parts.password or "",
    }


def _pg_counts(params: dict) -> dict[str, int]:
    import psycopg

    conninfo = {
        "dbname": params["NAME"],
        "host": params.get("HOST") or None,
        "port": params.get("PORT") or None,
        "user": params.get("USER") or None,
        "password": params.get("PASSWORD") or None,
    }
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v}) as conn:
        names = [
            r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        ]
        counts = {}
        for n in names:
            row = conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()  # noqa: S608 - names from the catalogue
            counts[n] = row[0] if row else 0
        return counts
