"""Set-up shared by the benchmarks: their own databases, Django, a league of enterprises, tokens, result rows.

Every benchmark module exposes `run(scale) -> list[dict]` (scale "quick" or "full"), each dict a row made by
`row()`. `bench/run.py` runs each module in a child process of its own, so a module picks its database
(`use_postgres()` or `use_sqlite()`) before `setup_django()`. Benchmarks never touch db.sqlite3.
"""

import os
import platform
import re
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
VAR = ROOT / "var"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))
# Set for the benchmark's own process by setup_django() (not on import: the tests import this module).
BENCH_ENV = {"DJANGO_SETTINGS_MODULE": "config.settings", "FAST_PASSWORD_HASHER": "1", "AXES_ENABLED": "0",
             "LOG_LEVEL": "ERROR"}  # fmt: skip

PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("BENCH_PG_PORT", "5432")
PG_USER = os.environ.get("BENCH_PG_USER", "postgres")


# --- databases -------------------------------------------------------------------------------------------


def postgres_url(name: str) -> str:
    return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def _admin_connection():
    import psycopg

    return psycopg.connect(f"host={PG_HOST} port={PG_PORT} user={PG_USER} dbname=postgres", autocommit=True)


def postgres_available() -> bool:
    try:
        with _admin_connection():
            return True
    except Exception:  # noqa: BLE001  any failure means "not available"
        return False


def postgres_version() -> str:
    try:
        with _admin_connection() as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except Exception:  # noqa: BLE001
        return "not available"


def recreate_postgres(name: str) -> None:
    """Drop and create one benchmark database; only names fugong_bench_* (or fugong_*_bench) are accepted."""
    if not re.fullmatch(r"fugong_bench_[a-z0-9_]+|fugong_[a-z0-9_]+_bench", name):
        raise ValueError(f"benchmark databases are named fugong_bench_* or fugong_*_bench, not {name!r}")
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def postgres_exists(name: str) -> bool:
    with _admin_connection() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def use_postgres(name: str, *, fresh: bool = True) -> str:
    """Point Django (set up later in this process) at the PostgreSQL database `name`."""
    if fresh or not postgres_exists(name):
        recreate_postgres(name)
    url = postgres_url(name)
    os.environ["DATABASE_URL"] = url
    return url


def use_sqlite(name: str = "bench") -> str:
    VAR.mkdir(exist_ok=True)
    path = VAR / f"{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    os.environ["DATABASE_URL"] = url
    return url


def setup_django(*, migrate: bool = True):
    import django

    for name, value in BENCH_ENV.items():
        os.environ.setdefault(name, value)
    url = os.environ.get("DATABASE_URL", "")
    if not url or url.endswith("/db.sqlite3"):
        raise RuntimeError("a benchmark must choose its own database (use_postgres or use_sqlite) first")
    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def backend() -> str:
    from django.db import connection

    return connection.vendor


# --- data ------------------------------------------------------------------------------------------------


def build_enterprises(count: int, *, county: str = "150203", prefix: str = "B") -> list:
    """`count` above-scale enterprises in one county, through the bulk service."""
    from fugong.areas.models import Area
    from fugong.enterprises import services
    from fugong.enterprises.credit_code import make
    from fugong.enterprises.models import Enterprise, Industry

    area = Area.objects.get(code=county)
    industry = Industry.objects.get(code="31")
    existing = Enterprise.objects.filter(county=area, name__startswith=f"基准{prefix}").count()
    items = [
        services.EnterpriseData(
            credit_code=make(area_code=county, org_body=f"{prefix}{n:07d}"),
            name=f"基准{prefix}企业{n}有限公司",
            county=area,
            industry=industry,
            size_class="medium",
            employees=500,
            normal_output=Decimal(1000),
            above_scale=True,
        )
        for n in range(existing, count)
    ]
    if items:
        services.enterprise_bulk_create(actor=None, items=items, source="command")
    return list(Enterprise.objects.filter(county=area, name__startswith=f"基准{prefix}").order_by("pk")[:count])


def official_token(username: str = "bench_league", area: str = "150200") -> tuple[object, str]:
    from fugong.accounts import services
    from fugong.accounts.models import User
    from fugong.areas.models import Area

    user = User.objects.filter(username=username).first()
    if user is None:
        user = services.user_create(
            username=username, role="league", area=Area.objects.get(code=area), password="x", check_password=False
        )
    return user, services.token_create(user=user, name="bench")[1]


# --- timing ----------------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def summary(samples_ms: list[float]) -> dict:
    return {
        "p50_ms": round(statistics.median(samples_ms), 2),
        "p95_ms": round(percentile(samples_ms, 95), 2),
        "p99_ms": round(percentile(samples_ms, 99), 2),
        "n": len(samples_ms),
    }


def peak_rss_mb(pid: int | str = "self") -> float:
    """VmHWM (peak resident set) of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc status")


def rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc status")


# --- rows ------------------------------------------------------------------------------------------------


def row(name: str, value, unit: str, *, target: str | None = None, baseline=None, note: str = "") -> dict:
    """One figure. `target` is a comparison such as "<= 300" or ">= 0.5" (in `unit`), or None."""
    return {"name": name, "value": value, "unit": unit, "target": target, "baseline": baseline, "note": note}


def failed_row(name: str, error: str) -> dict:
    return {**row(name, None, "", note=error), "failed": True}


TARGET = re.compile(r"^\s*(<=|>=|==|<|>|=|≤|≥)\s*([-+]?[\d,]*\.?\d+)")


def verdict(item: dict) -> str:
    """ "pass", "miss", "failed" or "" (no target) for one row."""
    if item.get("failed") or item.get("value") is None and item.get("target"):
        return "failed"
    if isinstance(item.get("ok"), bool):
        return "pass" if item["ok"] else "miss"
    target = item.get("target")
    if not target:
        return ""
    match = TARGET.match(str(target))
    if not match or not isinstance(item.get("value"), int | float):
        return ""
    op, bound = match.group(1), float(match.group(2).replace(",", ""))
    value = float(item["value"])
    ok = {
        "<=": value <= bound,
        "≤": value <= bound,
        ">=": value >= bound,
        "≥": value >= bound,
        "<": value < bound,
        ">": value > bound,
        "==": value == bound,
        "=": value == bound,
    }[op]
    return "pass" if ok else "miss"


# --- the machine -----------------------------------------------------------------------------------------


def machine() -> dict:
    memory = "?"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    cpu = platform.processor() or "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if dirty:
            commit += " with uncommitted changes"
    except OSError:
        commit = ""
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "postgresql": postgres_version(),
        "os": platform.platform(),
        "load_average_at_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit,
    }
