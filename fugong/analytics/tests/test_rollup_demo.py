"""The demo leaves the rollup right, and the rebuild command rebuilds it."""

from datetime import date, timedelta
from io import StringIO

from django.core.management import call_command

from fugong.accounts.models import Role, User
from fugong.analytics import figures as engine
from fugong.analytics import rollup
from fugong.analytics.rollup_models import RollupDay, RollupState
from fugong.demo import build as demo
from fugong.dispatch.models import Deadline


def agree(user, day):
    for scope in (engine.Scope(), engine.Scope(above_scale=None), engine.Scope(duty="weekly", above_scale=None)):
        for by in ("", "league", "county", "industry"):
            got = engine._from_rollup(user=user, as_of=day, scope=scope, by=by)
            assert got is not None
            assert got == engine._from_reports(user=user, as_of=day, scope=scope, by=by), (day, scope, by)


def test_the_demo_leaves_the_rollup_right_and_the_command_rebuilds_it(db):
    demo.build(scale=0.05)
    region = User.objects.filter(role=Role.REGION, area_id="150000").first()
    for day in (date(2020, 2, 2), date(2020, 2, 10), date(2020, 2, 22), date(2020, 3, 31), date(2020, 4, 9)):
        agree(region, day)
    rows = RollupDay.objects.count()
    out = StringIO()
    call_command("figures_rollup", stdout=out)
    assert "Rebuilt" in out.getvalue() and "daily: stale after 3 day(s), in use." in out.getvalue()
    assert RollupDay.objects.count() == rows
    # A staleness changed by the deadline command: the raw reports answer until the rollup is rebuilt.
    Deadline.objects.filter(period_type="weekly").update(stale_after_days=2)
    call_command("figures_rollup", "--status", stdout=(out := StringIO()))
    assert "weekly: stale after 21 day(s), built for 21, now 14: rebuild." in out.getvalue()
    assert engine._from_rollup(user=region, as_of=date(2020, 2, 24), scope=engine.Scope(duty="weekly"), by="") is None
    call_command("figures_rollup", stdout=StringIO())
    assert RollupState.objects.get(kind="weekly").stale_days == 14
    agree(region, date(2020, 3, 2) + timedelta(days=3))


def test_a_wiped_demo_reads_the_raw_reports(db):
    demo.build(scale=0.05)
    demo.wipe()
    assert not RollupState.objects.exists()
    assert not rollup.readable("daily")
