from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from config.testing import make_enterprise
from fugong.accounts.models import Role
from fugong.dispatch import services
from fugong.dispatch.models import DailyReport, ReportVersion, Source, WeeklyReport

pytestmark = pytest.mark.django_db
TODAY = date(2020, 2, 22)


@pytest.fixture(autouse=True)
def english(client, settings):
    # The messages are asserted in English; Chinese, the default, is asserted where it is named.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def values(**overrides):
    base = {"status": "production_resumed", "employees": 100, "on_duty": 70, "capacity_pct": Decimal("60"), "note": ""}
    base.update(overrides)
    return base


def save(enterprise, day=TODAY, actor=None, source=Source.API, base_version=None, **overrides):
    return services.report_save(
        actor=actor,
        kind=services.DAILY,
        subject=enterprise,
        period=day,
        values=values(**overrides),
        source=source,
        base_version=base_version,
        today=TODAY,
    )


def test_it_creates_then_updates_with_a_version_each(baotou_enterprise, users):
    first = save(baotou_enterprise, actor=users[Role.ENTERPRISE], source=Source.FORM)
    assert first.result == "created" and first.report.version == 1
    assert first.report.on_behalf is False
    second = save(baotou_enterprise, actor=users[Role.LEAGUE], source=Source.GRID, on_duty=80)
    assert second.result == "updated" and second.report.version == 2
    assert second.report.on_behalf is True
    versions = ReportVersion.objects.filter(kind="daily", report_id=first.report.pk).order_by("version")
    assert [v.version for v in versions] == [1, 2]
    assert versions[1].changed == {"on_duty": [70, 80]}
    assert versions[1].source == "grid" and versions[1].user == users[Role.LEAGUE]


def test_an_identical_resubmission_changes_nothing(baotou_enterprise):
    save(baotou_enterprise)
    again = save(baotou_enterprise)
    assert again.result == "unchanged"
    assert DailyReport.objects.count() == 1
    assert ReportVersion.objects.count() == 1


def test_a_save_based_on_an_old_version_is_refused_with_the_current_values(baotou_enterprise):
    save(baotou_enterprise)
    save(baotou_enterprise, base_version=1, on_duty=75)
    stale = save(baotou_enterprise, base_version=1, on_duty=90)
    assert stale.result == "conflict"
    assert stale.current["on_duty"] == 75 and stale.current["version"] == 2
    assert DailyReport.objects.get().on_duty == 75


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"on_duty": 101}, "on_duty"),
        ({"on_duty": -1}, "on_duty"),
        ({"capacity_pct": Decimal("200.5")}, "capacity_pct"),
        ({"capacity_pct": Decimal("-1")}, "capacity_pct"),
        ({"status": "not_resumed"}, "on_duty"),
        ({"status": "paused"}, "status"),
        ({"employees": 0, "on_duty": 0}, "employees"),
        ({"status": "production_resumed", "capacity_pct": Decimal("0")}, "capacity_pct"),
        ({"capacity_pct": Decimal("60.25")}, "capacity_pct"),
        ({"note": "x" * 501}, "note"),
    ],
)
def test_bad_figures_are_refused_naming_the_field(baotou_enterprise, overrides, field):
    outcome = save(baotou_enterprise, **overrides)
    assert outcome.result == "refused"
    assert field in outcome.errors
    assert not DailyReport.objects.exists()


def test_a_future_date_is_refused(baotou_enterprise):
    outcome = save(baotou_enterprise, day=date(2020, 2, 23))
    assert outcome.result == "refused" and "date" in outcome.errors


def test_a_locked_period_is_refused(baotou_enterprise, users):
    services.period_lock(actor=users[Role.LEAGUE], league_code="150200", period_type="daily", period=TODAY)
    outcome = save(baotou_enterprise)
    assert outcome.result == "refused" and "locked" in outcome.errors["date"][0]
    services.period_unlock(
        actor=users[Role.LEAGUE], league_code="150200", period_type="daily", period=TODAY, reason="纠正错报"
    )
    assert save(baotou_enterprise).result == "created"


def test_unlock_needs_a_reason(users):
    services.period_lock(actor=users[Role.LEAGUE], league_code="150200", period_type="daily", period=TODAY)
    with pytest.raises(services.UnlockRefused):
        services.period_unlock(
            actor=users[Role.LEAGUE], league_code="150200", period_type="daily", period=TODAY, reason=" "
        )


def test_an_enterprise_not_under_daily_dispatch_is_refused():
    small = make_enterprise(county="150202", above_scale=False, park=None)
    outcome = save(small)
    assert outcome.result == "refused" and "daily dispatch" in outcome.errors["__all__"][0]


def test_weekly_reports_need_a_monday_and_a_weekly_enterprise():
    from fugong.areas.models import Park

    park = Park.objects.get(name="包头铝业产业园区")
    small = make_enterprise(county="150202", above_scale=False, park=park, size_class="small")
    monday = date(2020, 2, 17)
    ok = services.report_save(
        actor=None, kind=services.WEEKLY, subject=small, period=monday, values=values(), source=Source.API, today=TODAY
    )
    assert ok.result == "created"
    tuesday = services.report_save(
        actor=None,
        kind=services.WEEKLY,
        subject=small,
        period=date(2020, 2, 18),
        values=values(),
        source=Source.API,
        today=TODAY,
    )
    assert tuesday.result == "refused" and "week" in tuesday.errors
    assert WeeklyReport.objects.count() == 1


def test_warnings_are_accepted_and_flagged(baotou_enterprise):
    save(baotou_enterprise, day=date(2020, 2, 20), on_duty=20, capacity_pct=Decimal("20"))
    outcome = save(baotou_enterprise, day=date(2020, 2, 21), on_duty=90, capacity_pct=Decimal("120"))
    codes = {w["code"] for w in outcome.warnings}
    assert outcome.result == "created"
    assert codes == {"on_duty_jump", "capacity_jump", "capacity_above_100"}


def test_figures_unchanged_for_a_week_are_flagged(baotou_enterprise):
    for day in range(10, 16):
        save(baotou_enterprise, day=date(2020, 2, day))
    outcome = save(baotou_enterprise, day=date(2020, 2, 16))
    assert "unchanged" in {w["code"] for w in outcome.warnings}


def test_late_is_set_after_the_deadline(baotou_enterprise):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    shanghai = ZoneInfo("Asia/Shanghai")
    on_time = services.reports_save(
        actor=None,
        kind=services.DAILY,
        source=Source.API,
        today=TODAY,
        now=datetime(2020, 2, 22, 9, 59, tzinfo=shanghai),
        items=[services.Item(subject=baotou_enterprise, period=date(2020, 2, 21), values=values())],
    )[0]
    late = services.reports_save(
        actor=None,
        kind=services.DAILY,
        source=Source.API,
        today=TODAY,
        now=datetime(2020, 2, 22, 10, 1, tzinfo=shanghai),
        items=[services.Item(subject=baotou_enterprise, period=date(2020, 2, 20), values=values())],
    )[0]
    assert on_time.report.late is False and late.report.late is True


def test_bulk_saves_valid_items_and_refuses_the_rest(baotou_enterprise):
    others = [make_enterprise(county="150202") for _ in range(3)]
    items = [services.Item(subject=e, period=TODAY, values=values()) for e in [baotou_enterprise, *others]]
    items.append(services.Item(subject=others[0], period=TODAY, values=values(on_duty=500)))
    outcomes = services.reports_save(actor=None, kind=services.DAILY, items=items, source=Source.API, today=TODAY)
    assert [o.result for o in outcomes] == ["created"] * 4 + ["refused"]
    assert DailyReport.objects.count() == 4


# The twenty identical submissions racing, and two editors racing: test_concurrency.py.
