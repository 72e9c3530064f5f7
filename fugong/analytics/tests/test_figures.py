"""The engine against a brute-force recomputation from the raw reports (hypothesis builds the histories)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.testing import make_enterprise
from fugong.accounts.models import Role
from fugong.analytics import figures as engine
from fugong.analytics import rollup
from fugong.dispatch.models import DailyReport

START = date(2020, 2, 3)
COUNTIES = ["150203", "150202", "150622", "150781"]  # Baotou ×2, Ordos, Manzhouli (Hulunbuir)


@pytest.fixture
def fleet(db):
    return [
        make_enterprise(county=COUNTIES[n % 4], employees=10 + n * 7, normal_output=Decimal(100 + 37 * n),
                        industry=["31", "06", "44"][n % 3])
        for n in range(8)
    ]  # fmt: skip


@st.composite
def report(draw):
    status = draw(st.sampled_from(["not_resumed", "work_resumed", "production_resumed"]))
    employees = draw(st.integers(1, 60))
    if status == "not_resumed":
        on_duty, capacity = 0, Decimal(0)
    else:
        on_duty = draw(st.integers(1, employees))
        low = 0 if status == "work_resumed" else 1
        capacity = Decimal(draw(st.integers(low, 1500))) / 10
    return {
        "who": draw(st.integers(0, 7)), "day": draw(st.integers(0, 12)), "status": status,
        "employees": employees, "on_duty": on_duty, "capacity_pct": capacity, "late": draw(st.booleans()),
    }  # fmt: skip


def brute_force(enterprises, reports, as_of, stale_days):
    totals = dict.fromkeys(["n", "prod", "work", "emp", "duty", "w", "out", "filed", "late", "stale", "never"], 0)
    for e in enterprises:
        mine = [r for r in reports if r["who"] == e.pk and r["date"] <= as_of]
        last = max(mine, key=lambda r: r["date"]) if mine else None
        totals["n"] += 1
        totals["out"] += e.normal_output
        if last is None:
            totals["emp"] += e.employees
            totals["never"] += 1
            continue
        totals["prod"] += last["status"] == "production_resumed"
        totals["work"] += last["status"] == "work_resumed"
        totals["emp"] += last["employees"]
        totals["duty"] += last["on_duty"]
        totals["w"] += last["capacity_pct"] * e.normal_output
        totals["filed"] += last["date"] == as_of
        totals["late"] += last["date"] == as_of and last["late"]
        totals["stale"] += last["date"] < as_of - timedelta(days=stale_days)
    return totals


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reports=st.lists(report(), max_size=40), offset=st.integers(0, 14))
def test_it_matches_a_brute_force_recomputation(fleet, users, reports, offset):
    DailyReport.objects.all().delete()
    stored, seen = [], set()
    for r in reports:
        enterprise = fleet[r["who"]]
        day = START + timedelta(days=r["day"])
        if (enterprise.pk, day) in seen:
            continue
        seen.add((enterprise.pk, day))
        stored.append({**r, "who": enterprise.pk, "date": day})
        DailyReport.objects.create(
            enterprise=enterprise, league_id=enterprise.league_id, county_id=enterprise.county_id, date=day,
            status=r["status"], employees=r["employees"], on_duty=r["on_duty"], capacity_pct=r["capacity_pct"],
            late=r["late"], source="api", filed_at="2020-02-03T10:00:00+08:00",
        )  # fmt: skip
    rollup.rebuild()  # rows written straight to the table, as a bulk load would: the rollup is rebuilt after
    as_of = START + timedelta(days=offset)
    region = users[Role.REGION]
    everyone = [*fleet, users[Role.ENTERPRISE].enterprise]
    for scope, members in (
        (engine.Scope(), everyone),
        (engine.Scope(league="150200"), [e for e in everyone if e.league_id == "150200"]),
        (engine.Scope(industry="06"), [e for e in everyone if e.industry_id == "06"]),
    ):
        got = engine.figures(user=region, as_of=as_of, scope=scope)
        want = brute_force(members, stored, as_of, stale_days=3)
        assert (got.enterprises, got.production_resumed, got.work_resumed) == (want["n"], want["prod"], want["work"])
        assert (got.employees, got.on_duty) == (want["emp"], want["duty"])
        assert (got.filed, got.filed_late, got.stale, got.never_reported) == (
            want["filed"], want["late"], want["stale"], want["never"])  # fmt: skip
        assert got.capacity_weighted == want["w"]
        assert got.normal_output == want["out"]
        with rollup.bypass():
            assert engine.figures(user=region, as_of=as_of, scope=scope) == got
    rows = {r.code: r.figures for r in engine.breakdown(user=region, as_of=as_of, by="league")}
    assert sum(f.enterprises for code, f in rows.items() if code != "150781") == len(everyone)
    manzhouli = brute_force([e for e in everyone if e.county_id == "150781"], stored, as_of, stale_days=3)
    assert rows["150781"].on_duty == manzhouli["duty"]
    assert rows["150700"].on_duty >= rows["150781"].on_duty


def test_the_league_official_sees_only_the_league(fleet, users):
    league = engine.figures(user=users[Role.LEAGUE], as_of=START)
    assert league.enterprises == sum(1 for e in fleet if e.league_id == "150200") + 1


def test_nobody_else_sees_figures(fleet, users):
    for role in (Role.ENTERPRISE, Role.BANK, Role.PROVIDER, Role.HANDLER):
        got = engine.figures(user=users[role], as_of=START)
        assert got.enterprises <= 1
