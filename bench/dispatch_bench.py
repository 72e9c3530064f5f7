"""Report intake in one process: one PUT, and the bulk API against one PUT per report, on SQLite and PostgreSQL.

Through Django's test client (no HTTP server; bench/peak.py measures the served stack). Each backend runs in
a child process of its own: `.venv/bin/python bench/dispatch_bench.py quick --backend postgresql` prints one
JSON object.
"""

import contextlib
import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from common import (
    build_enterprises,
    official_token,
    postgres_available,
    row,
    setup_django,
    summary,
    timed,
    use_postgres,
    use_sqlite,
)

PEAK_RATE = 560  # reports/s: the national peak of bench/peak.py

SCALES = {
    "quick": {"enterprises": 10_000, "puts": 300, "baseline": 500},
    "full": {"enterprises": 40_000, "puts": 1000, "baseline": 1000},
}


def main(scale: str, backend: str) -> dict:
    if backend == "postgresql":
        use_postgres("fugong_bench_dispatch")
    else:
        use_sqlite("bench_dispatch")
    setup_django()
    from django.test import Client

    from fugong.dispatch.models import DailyReport

    size = SCALES[scale]
    enterprises = build_enterprises(size["enterprises"])
    _, token = official_token()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = {"status": "production_resumed", "employees": 500, "on_duty": 320, "capacity_pct": 61.5, "note": ""}
    start_day = date(2020, 2, 3)
    DailyReport.objects.filter(enterprise__in=enterprises).delete()

    # One PUT per request, each a new report (the common case at the deadline).
    samples = []
    for n, enterprise in enumerate(enterprises[: size["puts"]]):
        url = f"/api/v1/reports/daily/{enterprise.credit_code}/{start_day.isoformat()}"
        seconds, response = timed(lambda url=url: client.put(url, json.dumps(body), content_type="application/json"))
        assert response.status_code == 201, (n, response.status_code, response.content[:300])
        samples.append(seconds * 1000)
    put = summary(samples)

    # Baseline: reports one PUT at a time, as a client without the bulk endpoint would send them.
    day = start_day + timedelta(days=1)
    baseline_items = enterprises[: size["baseline"]]
    seconds, _ = timed(lambda: [
        client.put(f"/api/v1/reports/daily/{e.credit_code}/{day.isoformat()}", json.dumps(body),
                   content_type="application/json")
        for e in baseline_items
    ])  # fmt: skip
    baseline_rate = len(baseline_items) / seconds

    # Bulk: 5,000 reports a request, new reports for the next days.
    bulk_total, bulk_seconds = 0, 0.0
    for k in range(len(enterprises) // 5000):
        batch = enterprises[k * 5000 : (k + 1) * 5000]
        payload = {
            "items": [
                {**body, "credit_code": e.credit_code, "date": (day + timedelta(days=1)).isoformat()} for e in batch
            ]
        }
        raw = json.dumps(payload)
        seconds, response = timed(
            lambda raw=raw: client.post("/api/v1/reports/daily/bulk", raw, content_type="application/json")
        )
        assert response.status_code == 200 and response.json()["counts"].get("created") == len(batch), response.content[
            :300
        ]
        bulk_total += len(batch)
        bulk_seconds += seconds
    by_token = (
        enterprise_puts(enterprises[: size["puts"]], day + timedelta(days=10), body) if backend == "postgresql" else {}
    )
    return {
        **by_token,
        "put_single": put,
        "bulk_reports_per_s": round(bulk_total / bulk_seconds),
        "bulk_reports": bulk_total,
        "one_put_per_report_per_s": round(baseline_rate),
    }


def _backend_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL backend (on this machine)."""
    import os

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")


def enterprise_puts(enterprises: list, first_day: date, body: dict) -> dict:
    """A new daily report PUT by each enterprise's own token: SQL statements of one (BEGIN and COMMIT included), and
    CPU a PUT (this process + its PostgreSQL backend), the short path (dispatch.put) against the general one."""
    import time

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from fugong.accounts import services as accounts
    from fugong.accounts.models import Role
    from fugong.analytics import rollup
    from fugong.dispatch import put

    rollup.rebuild()  # the figures kept live, as in production
    clients = []
    for n, enterprise in enumerate(enterprises):
        user = accounts.user_create(username=f"bench_put_{n}", role=Role.ENTERPRISE, enterprise=enterprise,
                                    password="x", check_password=False)  # fmt: skip
        clients.append(
            (enterprise, Client(HTTP_AUTHORIZATION=f"Bearer {accounts.token_create(user=user, name='b')[1]}"))
        )

    def send(pairs, on: date) -> None:
        for enterprise, client in pairs:
            url = f"/api/v1/reports/daily/{enterprise.credit_code}/{on.isoformat()}"
            response = client.put(url, json.dumps(body), content_type="application/json")
            assert response.status_code == 201, response.content[:300]

    def statements(on: date) -> int:
        enterprise, client = clients[0]
        with CaptureQueriesContext(connection) as captured:
            send([(enterprise, client)], on)
        sql = [q["sql"] for q in captured.captured_queries]
        return len(sql) + (0 if any(q.startswith("BEGIN") for q in sql) else 1)  # psycopg sends BEGIN itself

    def cpu(on: date) -> float:
        send(clients[:20], on - timedelta(days=40))  # warm: tokens' first use, plans
        started = (time.process_time(), _backend_cpu())
        send(clients, on)
        return ((time.process_time() - started[0]) + (_backend_cpu() - started[1])) / len(clients) * 1000

    out = {}
    for name, on in (("general", first_day), ("short", first_day + timedelta(days=2))):
        with put.general() if name == "general" else contextlib.nullcontext():
            out[f"{name}_ms"] = round(cpu(on), 2)
            out[f"{name}_statements"] = statements(on + timedelta(days=1))
    out["token_puts"] = len(clients)
    return out


def run(scale: str) -> list[dict]:
    rows = []
    backends = ["sqlite"] + (["postgresql"] if postgres_available() else [])
    for backend in backends:
        # A child process per backend: Django's database is fixed once set up.
        done = subprocess.run(  # noqa: S603  our own interpreter and script
            [sys.executable, str(Path(__file__)), scale, "--backend", backend],
            capture_output=True,
            text=True,
            check=False,
            timeout=1800,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{backend}: {done.stderr.strip().splitlines()[-1:]}")
        r = json.loads(done.stdout.strip().splitlines()[-1])
        size = SCALES[scale]
        if "short_ms" in r:
            rows += [
                row(
                    f"{backend}: SQL statements a new report PUT, by its enterprise's token",
                    r["short_statements"],
                    "statements",
                    target="<= 6",
                    baseline=r["general_statements"],
                    note="BEGIN and COMMIT included; baseline: the general path (services.reports_save), same run",
                ),
                row(
                    f"{backend}: CPU a new report PUT, by its enterprise's token (Django + PostgreSQL)",
                    r["short_ms"],
                    "ms",
                    target="<= 3",
                    baseline=r["general_ms"],
                    note=f"{r['token_puts']} PUTs through the test client, this process and its PostgreSQL backend; "
                    "baseline: the general path in the same run",
                ),
            ]
        rows += [
            row(
                f"{backend}: one report PUT, p50",
                r["put_single"]["p50_ms"],
                "ms",
                note=f"{r['put_single']['n']} new reports, one request each, into {size['enterprises']:,} enterprises",
            ),
            row(f"{backend}: one report PUT, p95", r["put_single"]["p95_ms"], "ms", target="<= 100"),
            row(
                f"{backend}: bulk API, 5,000 reports a request",
                r["bulk_reports_per_s"],
                "reports/s",
                target=f">= {PEAK_RATE}",
                baseline=r["one_put_per_report_per_s"],
                note=f"{r['bulk_reports']:,} reports; baseline: one PUT per report, one after another; target: the "
                "national peak rate from one process",
            ),
        ]
    if "postgresql" not in backends:
        rows.append(row("postgresql: intake", None, "", note="PostgreSQL at 127.0.0.1:5432 does not answer"))
    return rows


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("scale", nargs="?", default="quick")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="postgresql")
    args = parser.parse_args()
    print(json.dumps(main(args.scale, args.backend)))
