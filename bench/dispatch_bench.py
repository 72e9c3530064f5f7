"""Report intake in one process: one PUT, and the bulk API against one PUT per report, on SQLite and PostgreSQL.

Through Django's test client (no HTTP server; bench/peak.py measures the served stack). Each backend runs in
a child process of its own: `.venv/bin/python bench/dispatch_bench.py quick --backend postgresql` prints one
JSON object.
"""

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
    return {
        "put_single": put,
        "bulk_reports_per_s": round(bulk_total / bulk_seconds),
        "bulk_reports": bulk_total,
        "one_put_per_report_per_s": round(baseline_rate),
    }


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
