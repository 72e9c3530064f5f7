"""The figures rollup against the raw reports and a brute force, through the one write path.

Hypothesis plays random histories through dispatch.services.reports_save: reports out of order (backfills),
edits of existing reports, late filings, and registry moves (county, industry, above-scale, headcount, output,
tags) through the enterprise service. After each history the rollup must give exactly the figures of the raw
reports, for every scope it serves and as of every day, and a rebuild must give the same rows.
"""

import os
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.testing import make_enterprise
from fugong.accounts.models import Role
from fugong.analytics import figures as engine
from fugong.analytics import rollup
from fugong.analytics.rollup_models import RollupDay, RollupMember
from fugong.areas.models import Area, Park
from fugong.dispatch import services
from fugong.dispatch.models import DailyReport, Deadline, WeeklyReport
from fugong.enterprises import services as registry
from fugong.enterprises.models import Industry

START = date(2020, 2, 3)  # a Monday
TODAY = date(2030, 1, 1)
COUNTIES = ["150203", "150202", "150622", "150781"]  # Baotou ×2, Ordos, Manzhouli (Hulunbuir)
INDUSTRIES = ["31", "06", "44"]


@pytest.fixture
def fleet(db):
    park = Park.objects.create(name="测试园区", league_id="150200", county_id="150203")
    daily = [
        make_enterprise(county=COUNTIES[n % 4], employees=10 + n * 7, normal_output=round(Decimal(100 + 37 * n) / 3, 2),
                        industry=INDUSTRIES[n % 3])
        for n in range(6)
    ]  # fmt: skip
    weekly = [
        make_enterprise(county="150203", employees=20 + n, normal_output=Decimal(55 + n), above_scale=False, park=park,
                        industry=INDUSTRIES[n % 3])
        for n in range(2)
    ]  # fmt: skip
    return daily + weekly


@st.composite
def values(draw):
    status = draw(st.sampled_from(["not_resumed", "work_resumed", "production_resumed"]))
    employees = draw(st.integers(1, 60))
    if status == "not_resumed":
        on_duty, capacity = 0, Decimal(0)
    else:
        on_duty = draw(st.integers(1, employees))
        low = 0 if status == "work_resumed" else 1
        capacity = Decimal(draw(st.integers(low, 1500))) / 10
    return {"status": status, "employees": employees, "on_duty": on_duty, "capacity_pct": capacity, "note": ""}


report_action = st.tuples(
    st.just("report"), st.integers(0, 7), st.integers(0, 12), values(), st.booleans()
)  # who, day (or week for the park enterprises), values, late
move_action = st.tuples(
    st.just("move"),
    st.integers(0, 7),
    st.sampled_from(COUNTIES),
    st.sampled_from(INDUSTRIES),
    st.booleans(),  # above-scale
    st.integers(5, 90),  # headcount
    st.integers(0, 900),  # normal output
    st.sampled_from([[], ["leading", "key_industry"]]),
)
actions = st.lists(st.one_of(report_action, report_action, report_action, move_action), max_size=30)


def play(fleet, history):
    for action in history:
        if action[0] == "report":
            _, who, step, vals, late = action
            enterprise = fleet[who]
            weekly = not enterprise.above_scale and enterprise.park_id and not enterprise.tags.exists()
            kind = services.WEEKLY if weekly else services.DAILY
            period = START + timedelta(days=7 * (step % 4) if weekly else step)
            due = Deadline.for_type(kind.period_type).due_at(period)
            services.reports_save(
                actor=None, kind=kind, items=[services.Item(subject=enterprise, period=period, values=vals)],
                source="api", today=TODAY, now=due + timedelta(hours=1 if late else -1),
            )  # fmt: skip
        else:
            _, who, county, industry, above, employees, output, tags = action
            enterprise = fleet[who]
            enterprise.refresh_from_db()
            park = enterprise.park if enterprise.park and Area.objects.get(code=county).parent_id == "150200" else None
            fleet[who] = registry.enterprise_update(
                actor=None, enterprise=enterprise, source="command",
                data=registry.enterprise_data_from(
                    enterprise, county=Area.objects.get(code=county), industry=Industry.objects.get(code=industry),
                    above_scale=above, employees=employees, normal_output=Decimal(output), tags=tags, park=park,
                ),
            )  # fmt: skip


def brute_force(kind, members, as_of, stale_days):
    """From the raw rows, in plain Python: the latest report on or before the period, carried forward."""
    weekly = kind == "weekly"
    period = as_of - timedelta(days=as_of.weekday()) if weekly else as_of
    model, field = (WeeklyReport, "week") if weekly else (DailyReport, "date")
    rows = list(model.objects.filter(enterprise__in=members).values())
    t = dict.fromkeys(["n", "prod", "work", "emp", "duty", "w", "out", "filed", "late", "stale", "never"], 0)
    for e in members:
        mine = [r for r in rows if r["enterprise_id"] == e.pk and r[field] <= period]
        last = max(mine, key=lambda r: r[field]) if mine else None
        t["n"] += 1
        t["out"] += e.normal_output
        if last is None:
            t["emp"] += e.employees
            t["never"] += 1
            continue
        t["prod"] += last["status"] == "production_resumed"
        t["work"] += last["status"] == "work_resumed"
        t["emp"] += last["employees"]
        t["duty"] += last["on_duty"]
        t["w"] += last["capacity_pct"] * e.normal_output
        t["filed"] += last[field] == period
        t["late"] += last[field] == period and last["late"]
        t["stale"] += last[field] < period - timedelta(days=stale_days * (7 if weekly else 1))
    return t


def as_tuple(f):
    return (f.enterprises, f.production_resumed, f.work_resumed, f.employees, f.on_duty, f.capacity_weighted,
            f.normal_output, f.filed, f.filed_late, f.stale, f.never_reported)  # fmt: skip


KEY = ("key__kind", "key__league_id", "key__county_id", "key__industry_id", "key__above_scale")


def rows_of_rollup():
    return sorted(
        (tuple(r[k] for k in KEY), r["day"], *(r[name] for name in rollup.TOTALS))
        for r in RollupDay.objects.values(*KEY, "day", *rollup.TOTALS)
    )


def members_of_rollup():
    fields = ("enterprise_id", "kind", "employees", "normal_output")
    keys = tuple(f"{grain}__{k[5:]}" for grain in ("coarse_key", "fine_key") for k in KEY)
    return set(RollupMember.objects.values_list(*fields, *keys))


def compressed(rows):
    """The running totals as step functions: rows that repeat the row before them say nothing."""
    out, last = [], {}
    for key_id, day, *values in rows:
        if last.get(key_id, [0] * len(values)) != values:
            out.append((key_id, day, *values))
        last[key_id] = values
    return out


@settings(
    max_examples=int(os.environ.get("ROLLUP_EXAMPLES", 60)),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(history=actions)
def test_the_rollup_matches_the_raw_reports_and_a_brute_force(fleet, users, history):
    DailyReport.objects.all().delete()
    WeeklyReport.objects.all().delete()
    rollup.rebuild()
    play(fleet, history)
    region, league = users[Role.REGION], users[Role.LEAGUE]
    everyone = list(type(fleet[0]).objects.all())
    scopes = [
        engine.Scope(),
        engine.Scope(above_scale=None),
        engine.Scope(above_scale=False),
        engine.Scope(league="150200"),
        engine.Scope(county="150781"),
        engine.Scope(industry="06"),
        engine.Scope(duty="weekly", above_scale=None),
    ]
    for day in range(-1, 32, 3):
        as_of = START + timedelta(days=day)
        for scope in scopes:
            for user in (region, league):
                assert engine._from_rollup(user=user, as_of=as_of, scope=scope, by="") is not None
                for by in ("", "league", "county", "industry"):
                    got = engine._aggregate(user=user, as_of=as_of, scope=scope, by=by)
                    want = engine._from_reports(user=user, as_of=as_of, scope=scope, by=by)
                    assert got == want, (as_of, scope, user.role, by)
        # And the headline against a brute force, so the raw query is not merely agreeing with itself.
        members = [e for e in everyone if e.above_scale]  # the headline: above-scale, all under daily duty
        got = engine.figures(user=region, as_of=as_of)
        want = brute_force("daily", members, as_of, stale_days=3)
        assert as_tuple(got) == tuple(want.values())
        weekly_members = [e for e in everyone if e.park_id and not (e.above_scale or e.tags.exists())]
        got = engine.figures(user=region, as_of=as_of, scope=engine.Scope(duty="weekly", above_scale=None))
        assert as_tuple(got) == tuple(brute_force("weekly", weekly_members, as_of, stale_days=3).values())
    # The public functions over both paths: series (one read of the rollup), breakdowns with the listed cities.
    for scope in scopes:
        for user in (region, league):
            args = {"user": user, "start": START - timedelta(days=2), "end": START + timedelta(days=33), "scope": scope}
            got = engine.series(**args), engine.breakdown(user=user, as_of=START + timedelta(days=9), scope=scope)
            with rollup.bypass():
                want = engine.series(**args), engine.breakdown(user=user, as_of=START + timedelta(days=9), scope=scope)
            assert got == want, scope
    # What the write path kept up row by row is what a rebuild computes from scratch.
    kept, members = compressed(rows_of_rollup()), members_of_rollup()
    rollup.rebuild()
    assert compressed(rows_of_rollup()) == kept
    assert members_of_rollup() == members


def test_a_saved_report_shows_at_once(fleet, users):
    region = users[Role.REGION]
    before = engine.figures(user=region, as_of=START)
    services.reports_save(
        actor=None, kind=services.DAILY, source="api", today=TODAY,
        items=[services.Item(subject=fleet[0], period=START, values={"status": "production_resumed",
               "employees": 30, "on_duty": 12, "capacity_pct": Decimal("40.5"), "note": ""})],
    )  # fmt: skip
    after = engine.figures(user=region, as_of=START)
    assert (after.production_resumed, after.filed) == (before.production_resumed + 1, before.filed + 1)
    assert after.on_duty == before.on_duty + 12
    assert engine.figures(user=region, as_of=START + timedelta(days=9)).stale == 1


def test_scopes_the_rollup_cannot_serve_read_the_raw_reports(fleet, users):
    region = users[Role.REGION]
    park = Park.objects.get(name="测试园区")
    assert engine._from_rollup(user=region, as_of=START, scope=engine.Scope(park=str(park.pk)), by="") is None
    assert engine._from_rollup(user=region, as_of=START, scope=engine.Scope(tag="leading"), by="") is None
    assert engine._from_rollup(user=region, as_of=START, scope=engine.Scope(), by="park") is None
    assert engine._from_rollup(user=users[Role.ENTERPRISE], as_of=START, scope=engine.Scope(), by="") is None
    in_park = engine.Scope(park=str(park.pk), duty="weekly", above_scale=None)
    assert engine.figures(user=region, as_of=START, scope=in_park).enterprises == 2
    with rollup.bypass():
        assert engine._from_rollup(user=region, as_of=START, scope=engine.Scope(), by="") is None


def test_a_changed_staleness_reads_the_raw_reports_until_rebuilt(fleet, users):
    region = users[Role.REGION]
    Deadline.objects.filter(period_type="daily").update(stale_after_days=5)
    assert engine._from_rollup(user=region, as_of=START, scope=engine.Scope(), by="") is None
    rollup.rebuild()
    assert engine._from_rollup(user=region, as_of=START, scope=engine.Scope(), by="") is not None


def test_a_cleared_rollup_is_neither_read_nor_kept(fleet, users):
    rollup.clear()
    region = users[Role.REGION]
    assert engine._from_rollup(user=region, as_of=START, scope=engine.Scope(), by="") is None
    make_enterprise()
    assert not RollupMember.objects.exists()
    rollup.rebuild()
    assert engine.figures(user=region, as_of=START).enterprises == len([e for e in fleet if e.above_scale]) + 2


def test_the_access_scope_applies_to_rollup_rows(fleet, users):
    county = users[Role.COUNTY]  # Kundulun
    got = engine.breakdown(user=county, as_of=START, by="league")
    with rollup.bypass():
        assert engine.breakdown(user=county, as_of=START, by="league") == got
    assert {r.code for r in got} <= {"150200"}
    league = engine.breakdown(user=users[Role.LEAGUE], as_of=START, by="county")
    assert {r.code for r in league} <= {"150203", "150202", "150207"}
    assert engine.figures(user=users[Role.BANK], as_of=START).enterprises == 0
