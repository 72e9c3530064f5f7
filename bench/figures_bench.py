"""The figures engine: region scale on SQLite and PostgreSQL, national scale on PostgreSQL (docs/scaling.md).

    .venv/bin/python bench/figures_bench.py [quick|full]    # prints the rows as JSON

Region: 2,757 above-scale enterprises in Inner Mongolia's counties (the registry service) and 60 days of daily
reports (about 3% of days missing), loaded in bulk and the rollup rebuilt, then the calls a dashboard makes, timed
through the engine (p50, p95), each against the same call on the raw reports (`rollup.bypass()`), and the
dashboard page itself through the test client. A report saved through the write path is timed with the rollup
kept and with it cleared, and must show in the headline at once.

National (bench/national.py builds it, or reuses a complete build): 400,000 enterprises × 60 days. The headline
and the league breakdown as of several dates, p50 and p95, against the straightforward query over raw reports
measured in the same run, which must give the same figures.

Each part runs in a child process of its own (Django is set up once per process, for one database).
"""

import json
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

import common

FIRST_DAY = date(2020, 2, 3)
DAYS = 60
REGION_ENTERPRISES = 2_757
REPS = {"quick": 15, "full": 40}


def _samples(fn, reps: int) -> list[float]:
    out = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _region_user(area: str = "150000"):
    from fugong.accounts import services
    from fugong.accounts.models import User
    from fugong.areas.models import Area

    user = User.objects.filter(username="bench_region").first()
    return user or services.user_create(
        username="bench_region", role="region", area=Area.objects.get(code=area), password="x", check_password=False
    )


def _region_data() -> None:
    """2,757 enterprises through the registry service, 60 days of reports in bulk, then a rollup rebuild."""
    from fugong.analytics import rollup
    from fugong.areas.models import Area
    from fugong.core import bulk
    from fugong.dispatch.models import DailyReport
    from fugong.enterprises import services
    from fugong.enterprises.credit_code import make
    from fugong.enterprises.models import Enterprise, Industry

    counties = list(Area.objects.filter(level="county", code__startswith="15").order_by("code"))
    industries = list(Industry.objects.order_by("code"))
    rng = random.Random(7)
    items = []
    for n in range(REGION_ENTERPRISES):
        county = counties[(n * 7919) % len(counties)]
        items.append(
            services.EnterpriseData(
                credit_code=make(area_code=county.code, org_body=f"R{n:07d}"), name=f"区基准企业{n}有限公司",
                county=county, industry=industries[(n * 31) % len(industries)], size_class="medium",
                employees=rng.randint(20, 1500), normal_output=Decimal(rng.randint(500, 50000)), above_scale=True,
            )
        )  # fmt: skip
    services.enterprise_bulk_create(actor=None, items=items, source="command")
    fields = ["enterprise", "league", "county", "date", "status", "employees", "on_duty", "capacity_pct", "note",
              "warnings", "version", "source", "on_behalf", "filed_by", "filed_at", "late"]  # fmt: skip
    rows = []
    for pk, league, county, employees in Enterprise.objects.values_list("pk", "league_id", "county_id", "employees"):
        p = rng.randint(0, 45)
        for d in range(DAYS):
            if rng.random() < 0.03:
                continue
            day = FIRST_DAY + timedelta(days=d)
            status = "production_resumed" if d >= p else ("work_resumed" if d >= p - 3 else "not_resumed")
            on_duty = 0 if status == "not_resumed" else max(1, employees * min(95, 40 + (d - p + 3) * 3) // 100)
            capacity = Decimal(min(999, 80 + (d - p) * 25)) / 10 if status == "production_resumed" else Decimal(0)
            filed = f"{day + timedelta(days=1)}T09:00:00+08:00"
            rows.append((pk, league, county, day, status, employees, on_duty, capacity, "", [], 1, "api", False,
                         None, filed, rng.random() < 0.08))  # fmt: skip
    for start in range(0, len(rows), 5000):
        bulk.insert_rows(DailyReport, fields, rows[start : start + 5000])
    rollup.rebuild()


def region_part(vendor: str) -> list[dict]:
    if vendor == "sqlite":
        common.use_sqlite("bench_figures")
    else:
        common.use_postgres("fugong_bench_figures")
    common.setup_django()
    from django.test import Client

    from fugong.analytics import figures as engine
    from fugong.analytics import rollup
    from fugong.dispatch import services
    from fugong.dispatch.models import DailyReport
    from fugong.enterprises.models import Enterprise

    start = time.perf_counter()
    _region_data()
    load_s = time.perf_counter() - start
    user = _region_user()
    reps = REPS[SCALE]
    as_of = FIRST_DAY + timedelta(days=19)
    calls = {
        "headline": lambda: engine.figures(user=user, as_of=as_of),
        "change": lambda: engine.change(user=user, as_of=as_of),
        "league breakdown": lambda: engine.breakdown(user=user, as_of=as_of, by="league"),
        "county breakdown": lambda: engine.breakdown(user=user, as_of=as_of, by="county"),
        "industry breakdown": lambda: engine.breakdown(user=user, as_of=as_of, by="industry"),
        "series 60 days": lambda: engine.series(user=user, start=FIRST_DAY, end=FIRST_DAY + timedelta(days=DAYS - 1)),
    }
    label = "SQLite" if vendor == "sqlite" else "PostgreSQL"
    out = []
    total_fast, total_raw = [], []
    for name, fn in calls.items():
        got = fn()
        with rollup.bypass():
            assert fn() == got, f"rollup and raw reports disagree on {name}"
            raw = _samples(fn, max(3, reps // 5))
        fast = _samples(fn, reps)
        total_fast.append(sorted(fast)[len(fast) // 2])
        total_raw.append(sorted(raw)[len(raw) // 2])
        s = common.summary(fast)
        out.append(common.row(f"region figures {name} p95 ({label})", s["p95_ms"], "ms", target="<= 150",
                              baseline=common.summary(raw)["p95_ms"],
                              note=f"2,757 enterprises x 60 days; p50 {s['p50_ms']} ms over {s['n']} calls; "
                                   "baseline: the same call on the raw reports"))  # fmt: skip
    out.append(common.row(f"region dashboard engine calls, sum of p50 ({label})", round(sum(total_fast), 1), "ms",
                          target="<= 150", baseline=round(sum(total_raw), 1),
                          note="headline, change, league, county, industry, 60-day series; "
                               "baseline on raw reports"))  # fmt: skip
    with rollup.bypass():
        tags = _samples(lambda: engine.breakdown(user=user, as_of=as_of, by="tag"), max(3, reps // 5))
    out.append(common.row(f"region tag breakdown, raw reports p50 ({label})", common.summary(tags)["p50_ms"], "ms",
                          note="tag scopes are not rolled up: they read the raw reports"))  # fmt: skip
    # The dashboard page as a user gets it (server time in-process, no network).
    client = Client()
    client.force_login(user)
    url = f"/analytics/?as_of={as_of.isoformat()}"
    response = client.get(url)
    if response.status_code == 200:
        page = common.summary(_samples(lambda: client.get(url), reps))
        with rollup.bypass():
            page_raw = common.summary(_samples(lambda: client.get(url), max(3, reps // 5)))
        out.append(common.row(f"region dashboard page p95 ({label})", page["p95_ms"], "ms", target="<= 150",
                              baseline=page_raw["p95_ms"],
                              note=f"GET {url} as the region official, test client; p50 {page['p50_ms']} ms; "
                                   "baseline: the same page with the rollup bypassed"))  # fmt: skip
    # Live: one report saved through the write path shows at once; its cost with the rollup kept and without.
    enterprises = list(Enterprise.objects.order_by("pk")[:60])
    day = FIRST_DAY + timedelta(days=DAYS - 1)

    def save(enterprise, on_duty):
        before = DailyReport.objects.get(enterprise=enterprise, date=day)
        values = {"status": "production_resumed", "employees": before.employees, "on_duty": on_duty,
                  "capacity_pct": Decimal("50.0"), "note": ""}  # fmt: skip
        outcome = services.report_save(actor=None, kind=services.DAILY, subject=enterprise, period=day,
                                       values=values, source="api", today=day + timedelta(days=1))  # fmt: skip
        assert outcome.ok, outcome.errors

    headline = engine.figures(user=user, as_of=day)
    first, second = iter(enterprises[:30]), iter(enterprises[30:])
    kept = _samples(lambda: save(next(first), 1), 30)
    after = engine.figures(user=user, as_of=day)
    with rollup.bypass():
        assert engine.figures(user=user, as_of=day) == after
    assert after != headline
    rollup.clear()
    plain = _samples(lambda: save(next(second), 1), 30)
    rollup.rebuild()
    k, p = common.summary(kept), common.summary(plain)
    out.append(common.row(f"region report save with rollup upkeep p50 ({label})", k["p50_ms"], "ms",
                          baseline=p["p50_ms"],
                          note=f"report_save of one report (an update), p95 {k['p95_ms']} ms; baseline: the same "
                               f"save with the rollup cleared (no upkeep), p95 {p['p95_ms']} ms; the headline "
                               "changed at once"))  # fmt: skip
    out.append(common.row(f"region bulk load and rollup rebuild ({label})", round(load_s, 1), "s",
                          note="2,757 enterprises via the registry service, ~160,000 reports in bulk, "
                               "then the rollup rebuilt"))  # fmt: skip
    return out


def national_part() -> list[dict]:
    import national

    timings = national.build(SCALE, fresh=False)
    from django.db import connection

    from fugong.analytics import figures as engine
    from fugong.analytics import rollup

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM enterprises_enterprise")
        enterprises = cursor.fetchone()[0]
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'dispatch_dailyreport'")
        reports = cursor.fetchone()[0]
    user = _region_user()
    dates = [FIRST_DAY + timedelta(days=d) for d in (0, 9, 19, 29, 39, 49, 59, 66)]
    reps = max(3, REPS[SCALE] // 5)
    headline, league = [], []
    for day in dates:
        engine.figures(user=user, as_of=day)  # warm
        headline += _samples(lambda day=day: engine.figures(user=user, as_of=day), reps)
        league += _samples(lambda day=day: engine.breakdown(user=user, as_of=day, by="league"), reps)
    raw_headline, raw_league = [], []
    for day in (dates[1], dates[4], dates[6]):
        fast_h, fast_l = engine.figures(user=user, as_of=day), engine.breakdown(user=user, as_of=day, by="league")
        with rollup.bypass():
            seconds, got_h = common.timed(lambda day=day: engine.figures(user=user, as_of=day))
            raw_headline.append(seconds * 1000)
            seconds, got_l = common.timed(lambda day=day: engine.breakdown(user=user, as_of=day, by="league"))
            raw_league.append(seconds * 1000)
        assert got_h == fast_h and got_l == fast_l, f"rollup and raw reports disagree as of {day}"
    h, lg = common.summary(headline), common.summary(league)
    rh, rl = common.summary(raw_headline), common.summary(raw_league)
    size = f"{enterprises:,} enterprises, {reports:,} daily reports over {DAYS} days"
    note = f"{size}; {len(dates)} as-of dates x {reps}; baseline: the straightforward query over raw reports"
    return [
        common.row("national headline p50", h["p50_ms"], "ms", target="<= 100", baseline=rh["p50_ms"],
                   note=f"{note}; p95 {h['p95_ms']} ms"),
        common.row("national league breakdown p50", lg["p50_ms"], "ms", target="<= 100", baseline=rl["p50_ms"],
                   note=f"{note}; p95 {lg['p95_ms']} ms (leagues and the separately listed cities)"),
        common.row("national headline p95", h["p95_ms"], "ms", baseline=rh["p95_ms"], note=note),
        common.row("national league breakdown p95", lg["p95_ms"], "ms", baseline=rl["p95_ms"], note=note),
        common.row("national headline speed-up over raw reports", round(rh["p50_ms"] / h["p50_ms"], 1), "x",
                   target=">= 20", note="p50 of the raw query / p50 of the engine, same run, same figures"),
        common.row("national league breakdown speed-up over raw reports", round(rl["p50_ms"] / lg["p50_ms"], 1), "x",
                   target=">= 20", note="p50 of the raw query / p50 of the engine, same run, same figures"),
    ] + ([] if timings.get("reused") else [
        common.row("national data build", timings["total_s"], "s", target="<= 1200", note=json.dumps(timings)),
    ])  # fmt: skip


SCALE = "quick"


def _child(part: str, scale: str) -> list[dict]:
    proc = subprocess.run(
        [sys.executable, __file__, "--part", part, scale], capture_output=True, text=True, timeout=3600, check=False
    )
    if proc.returncode != 0:
        return [common.failed_row(f"figures {part}", (proc.stderr or proc.stdout)[-2000:])]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run(scale: str) -> list[dict]:
    rows = []
    for part in ("region-sqlite", "region-postgresql", "national"):
        rows += _child(part, scale)
    return rows


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--part":
        SCALE = args[2] if len(args) > 2 else "quick"
        part = args[1]
        result = national_part() if part == "national" else region_part(part.split("-")[1])
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(json.dumps(run(args[0] if args else "quick"), ensure_ascii=False, indent=1))
