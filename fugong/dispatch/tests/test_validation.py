"""Every check of docs/dispatch.md §3 and §4, one test each, through the one save service.

Each refused case asserts the exact set of fields named, so a rule that fires for the wrong
reason, or a second rule that fires with it, fails the test; and that nothing was written.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from config.testing import make_enterprise
from fugong.accounts.models import Role
from fugong.areas.models import Park
from fugong.dispatch import services
from fugong.dispatch.models import DailyReport, Deadline, ProjectReport, ReportVersion, Source, WeeklyReport
from fugong.dispatch.tests.scenario import project

pytestmark = pytest.mark.django_db
TODAY = date(2020, 2, 22)  # a Saturday
MONDAY = date(2020, 2, 17)
SHANGHAI = ZoneInfo("Asia/Shanghai")
D = Decimal


@pytest.fixture(autouse=True)
def english(client, settings):
    # The messages are asserted in English; Chinese, the default, is asserted where it is named.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def figures(**overrides):
    base = {"status": "production_resumed", "employees": 100, "on_duty": 70, "capacity_pct": D("60"), "note": ""}
    base.update(overrides)
    return base


def project_figures(**overrides):
    base = {"status": "started", "workers_on_site": 30, "investment_week": D("120"), "note": ""}
    base.update(overrides)
    return base


def save(kind, subject, period, values, *, now=None, base_version=None):
    return services.reports_save(
        actor=None,
        kind=kind,
        items=[services.Item(subject=subject, period=period, values=values, base_version=base_version)],
        source=Source.API,
        today=TODAY,
        now=now,
    )[0]


@pytest.fixture
def park_enterprise(db):
    park = Park.objects.get(name="包头铝业产业园区")
    return make_enterprise(county="150202", name="包头园区小企业", above_scale=False, park=park, size_class="small")


@pytest.fixture(params=["daily", "weekly"])
def enterprise_kind(request, baotou_enterprise, park_enterprise):
    """The daily report of an above-scale enterprise, or the weekly report of a park enterprise."""
    if request.param == "daily":
        return services.DAILY, baotou_enterprise, date(2020, 2, 21)
    return services.WEEKLY, park_enterprise, MONDAY


def nothing_written():
    return not (DailyReport.objects.exists() or WeeklyReport.objects.exists() or ReportVersion.objects.exists())


# §3.3 Errors in a daily or weekly enterprise report ------------------------------------------------

ENTERPRISE_ERRORS = {
    "status is one of the three": ({"status": "paused"}, {"status"}),
    "employees required": ({"employees": None}, {"employees"}),
    "on duty required": ({"on_duty": None}, {"on_duty"}),
    "capacity required": ({"capacity_pct": None}, {"capacity_pct"}),
    "employees not negative": ({"employees": -1, "on_duty": 0}, {"employees"}),
    "on duty not negative": ({"on_duty": -1}, {"on_duty"}),
    "capacity not negative": ({"capacity_pct": D("-0.1")}, {"capacity_pct"}),
    "at least one employee": (
        {"employees": 0, "on_duty": 0, "status": "not_resumed", "capacity_pct": 0},
        {"employees"},
    ),
    "on duty not above employees": ({"on_duty": 101}, {"on_duty"}),
    "capacity at most 200": ({"capacity_pct": D("200.1")}, {"capacity_pct"}),
    "capacity to one decimal": ({"capacity_pct": D("60.25")}, {"capacity_pct"}),
    "not resumed has nobody on duty": ({"status": "not_resumed", "on_duty": 5, "capacity_pct": 0}, {"on_duty"}),
    "not resumed has no capacity": ({"status": "not_resumed", "on_duty": 0, "capacity_pct": 5}, {"capacity_pct"}),
    "production resumed has someone on duty": ({"on_duty": 0}, {"on_duty"}),
    "work resumed has someone on duty": ({"status": "work_resumed", "on_duty": 0, "capacity_pct": 0}, {"on_duty"}),
    "production resumed has capacity": ({"capacity_pct": 0}, {"capacity_pct"}),
    "note at most 500 characters": ({"note": "字" * 501}, {"note"}),
    "a plausible headcount": ({"employees": 3_000_000_000, "on_duty": 10}, {"employees"}),
    "a plausible number on duty": ({"employees": 10**30, "on_duty": 10**30}, {"employees", "on_duty"}),
    "capacity far out of range": ({"capacity_pct": D("1E+30")}, {"capacity_pct"}),
}


@pytest.mark.parametrize(("overrides", "fields"), ENTERPRISE_ERRORS.values(), ids=ENTERPRISE_ERRORS.keys())
def test_it_refuses_naming_the_field(enterprise_kind, overrides, fields):
    kind, subject, period = enterprise_kind
    outcome = save(kind, subject, period, figures(**overrides))
    assert outcome.result == "refused"
    assert set(outcome.errors) == fields, outcome.errors
    assert outcome.warnings == []
    assert nothing_written()


ENTERPRISE_ACCEPTED = {
    "everyone on duty": {"on_duty": 100},
    "capacity exactly 200": {"capacity_pct": D("200")},
    "capacity to one decimal": {"capacity_pct": D("60.5")},
    "not resumed, nobody, nothing": {"status": "not_resumed", "on_duty": 0, "capacity_pct": 0},
    "work resumed before any capacity": {"status": "work_resumed", "on_duty": 5, "capacity_pct": 0},
    "a note of 500 characters": {"note": "字" * 500},
}


@pytest.mark.parametrize("overrides", ENTERPRISE_ACCEPTED.values(), ids=ENTERPRISE_ACCEPTED.keys())
def test_it_accepts_the_edge_of_each_rule(enterprise_kind, overrides):
    kind, subject, period = enterprise_kind
    outcome = save(kind, subject, period, figures(**overrides))
    assert outcome.result == "created", outcome.errors
    assert kind.model.objects.count() == 1


def test_a_note_is_stored_trimmed(baotou_enterprise):
    outcome = save(services.DAILY, baotou_enterprise, TODAY, figures(note="  电力已恢复 "))
    assert DailyReport.objects.get(pk=outcome.report.pk).note == "电力已恢复"


# §3.1 Errors on the period ---------------------------------------------------------------------------


def test_a_future_period_is_refused_for_every_kind(baotou_enterprise, park_enterprise):
    key_project = project("包头新项目", "150203")
    next_monday = MONDAY + timedelta(days=7)
    assert set(save(services.DAILY, baotou_enterprise, TODAY + timedelta(days=1), figures()).errors) == {"date"}
    assert set(save(services.WEEKLY, park_enterprise, next_monday, figures()).errors) == {"date"}
    assert set(save(services.PROJECT, key_project, next_monday, project_figures()).errors) == {"date"}
    assert save(services.DAILY, baotou_enterprise, TODAY, figures()).result == "created", "today itself is allowed"
    assert not WeeklyReport.objects.exists() and not ProjectReport.objects.exists()


def test_a_week_not_named_by_its_monday_is_refused(park_enterprise):
    key_project = project("包头新项目", "150203")
    assert set(save(services.WEEKLY, park_enterprise, MONDAY + timedelta(days=2), figures()).errors) == {"week"}
    assert set(save(services.PROJECT, key_project, MONDAY + timedelta(days=5), project_figures()).errors) == {"week"}
    assert not WeeklyReport.objects.exists() and not ProjectReport.objects.exists()


def test_a_weekly_lock_refuses_park_and_project_reports_of_the_league_only(users, park_enterprise):
    baotou_project = project("包头新项目", "150203")
    ordos_project = project("准格尔新项目", "150622")
    services.period_lock(actor=users[Role.LEAGUE], league_code="150200", period_type="weekly", period=MONDAY)
    weekly = save(services.WEEKLY, park_enterprise, MONDAY, figures())
    projects = save(services.PROJECT, baotou_project, MONDAY, project_figures())
    assert "locked" in weekly.errors["date"][0] and "locked" in projects.errors["date"][0]
    assert save(services.PROJECT, ordos_project, MONDAY, project_figures()).result == "created"
    assert not WeeklyReport.objects.exists() and ProjectReport.objects.count() == 1


def test_a_daily_lock_does_not_lock_the_week(users, baotou_enterprise, park_enterprise):
    services.period_lock(actor=users[Role.LEAGUE], league_code="150200", period_type="daily", period=MONDAY)
    assert save(services.DAILY, baotou_enterprise, MONDAY, figures()).result == "refused"
    assert save(services.WEEKLY, park_enterprise, MONDAY, figures()).result == "created"


# §3.2 Errors raised by the service ----------------------------------------------------------------


def test_the_same_report_twice_in_one_submission_refuses_the_second(baotou_enterprise):
    outcomes = services.reports_save(
        actor=None,
        kind=services.DAILY,
        items=[
            services.Item(subject=baotou_enterprise, period=TODAY, values=figures()),
            services.Item(subject=baotou_enterprise, period=TODAY, values=figures(on_duty=80)),
        ],
        source=Source.API,
        today=TODAY,
    )
    assert [o.result for o in outcomes] == ["created", "refused"]
    assert "twice" in outcomes[1].errors["__all__"][0]
    assert DailyReport.objects.get().on_duty == 70


def test_a_report_of_the_wrong_duty_is_refused(baotou_enterprise, park_enterprise):
    weekly_for_daily = save(services.WEEKLY, baotou_enterprise, MONDAY, figures())
    daily_for_weekly = save(services.DAILY, park_enterprise, TODAY, figures())
    assert "weekly dispatch" in weekly_for_daily.errors["__all__"][0]
    assert "daily dispatch" in daily_for_weekly.errors["__all__"][0]
    assert nothing_written()


def test_a_conflict_changes_nothing_and_records_nothing(baotou_enterprise):
    save(services.DAILY, baotou_enterprise, TODAY, figures())
    save(services.DAILY, baotou_enterprise, TODAY, figures(on_duty=75), base_version=1)
    stale = save(services.DAILY, baotou_enterprise, TODAY, figures(on_duty=90), base_version=1)
    assert stale.result == "conflict" and set(stale.errors) == {"version"}
    assert stale.current == {**services._json(figures(on_duty=75, capacity_pct=D("60.0"))), "version": 2}
    assert ReportVersion.objects.count() == 2
    fresh = save(services.DAILY, baotou_enterprise, TODAY, figures(on_duty=90), base_version=2)
    assert fresh.result == "updated" and fresh.report.version == 3


# The database repeats the hard limits --------------------------------------------------------------


def _raw_daily(enterprise, **fields):
    values = {**figures(), "source": Source.API, "filed_at": timezone.now(), **fields}
    return DailyReport(
        enterprise=enterprise, league_id=enterprise.league_id, county_id=enterprise.county_id, date=TODAY, **values
    )


@pytest.mark.parametrize(
    "fields",
    [{"on_duty": 101}, {"capacity_pct": D("200.1")}, {"capacity_pct": D("-1")}],
    ids=["on duty above employees", "capacity above 200", "capacity below 0"],
)
def test_the_database_refuses_what_the_checks_refuse(baotou_enterprise, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_daily(baotou_enterprise, **fields).save()


def test_the_database_keeps_one_report_per_enterprise_and_period(baotou_enterprise, park_enterprise):
    _raw_daily(baotou_enterprise).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_daily(baotou_enterprise).save()
    weekly = {**figures(), "source": Source.API, "filed_at": timezone.now()}
    common = {"enterprise": park_enterprise, "league_id": "150200", "county_id": "150202", "week": MONDAY}
    WeeklyReport.objects.create(**common, **weekly)
    with pytest.raises(IntegrityError), transaction.atomic():
        WeeklyReport.objects.create(**common, **weekly)


def test_the_database_keeps_one_project_report_a_week_and_no_negative_investment():
    key_project = project("包头新项目", "150203")
    common = {
        "project": key_project,
        "league_id": "150200",
        "county_id": "150203",
        "week": MONDAY,
        "source": Source.API,
        "filed_at": timezone.now(),
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectReport.objects.create(**common, **project_figures(investment_week=D("-1")))
    ProjectReport.objects.create(**common, **project_figures())
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectReport.objects.create(**common, **project_figures())


# §3.4 Warnings -----------------------------------------------------------------------------------------


def warned(kind, subject, before: dict, after: dict, *, gap=1) -> set[str]:
    """File `before` one period (or `gap` periods) earlier, then `after`; the warning codes of the second."""
    step = timedelta(days=7 if kind is services.WEEKLY else 1)
    period = MONDAY if kind is services.WEEKLY else TODAY
    assert save(kind, subject, period - gap * step, figures(**before)).ok
    outcome = save(kind, subject, period, figures(**after))
    assert outcome.result == "created", outcome.errors
    stored = kind.model.objects.get(pk=outcome.report.pk).warnings
    assert stored == outcome.warnings, "warnings are stored with the report"
    return {w["code"] for w in outcome.warnings}


WARNINGS = {
    "capacity above 100": ({"capacity_pct": D("90")}, {"capacity_pct": D("100.1")}, {"capacity_above_100"}),
    "capacity of exactly 100 is fine": ({"capacity_pct": D("90")}, {"capacity_pct": D("100")}, set()),
    "on duty up by more than half": ({"on_duty": 40}, {"on_duty": 61}, {"on_duty_jump"}),
    "on duty up by exactly half is fine": ({"on_duty": 40}, {"on_duty": 60}, set()),
    "on duty down by more than half": ({"on_duty": 40}, {"on_duty": 19}, {"on_duty_jump"}),
    "capacity up by more than half": ({"capacity_pct": D("40")}, {"capacity_pct": D("60.1")}, {"capacity_jump"}),
    "capacity down by more than half": ({"capacity_pct": D("40")}, {"capacity_pct": D("19.9")}, {"capacity_jump"}),
    "from nobody to ten on duty": (
        {"status": "not_resumed", "on_duty": 0, "capacity_pct": 0},
        {"status": "work_resumed", "on_duty": 10, "capacity_pct": 0},
        {"on_duty_jump"},
    ),
    "from nobody to nine on duty is fine": (
        {"status": "not_resumed", "on_duty": 0, "capacity_pct": 0},
        {"status": "work_resumed", "on_duty": 9, "capacity_pct": 0},
        set(),
    ),
    "from no capacity to ten": (
        {"status": "work_resumed", "capacity_pct": 0},
        {"capacity_pct": D("10")},
        {"capacity_jump"},
    ),
    "headcount changed by more than half": (
        {"employees": 100},
        {"employees": 151, "on_duty": 70},
        {"employees_jump"},
    ),
    "headcount changed by half is fine": ({"employees": 100}, {"employees": 150}, set()),
    "status went back": ({}, {"status": "work_resumed"}, {"status_back"}),
    "status went forward is fine": ({"status": "work_resumed"}, {}, set()),
}


@pytest.mark.parametrize(("before", "after", "codes"), WARNINGS.values(), ids=WARNINGS.keys())
def test_it_warns_and_accepts(enterprise_kind, before, after, codes):
    kind, subject, _period = enterprise_kind
    assert warned(kind, subject, before, after) == codes


@pytest.mark.parametrize(("gap", "codes"), [(8, {"on_duty_jump"}), (9, set())])
def test_the_last_daily_report_is_looked_for_within_eight_days(baotou_enterprise, gap, codes):
    assert warned(services.DAILY, baotou_enterprise, {"on_duty": 20}, {"on_duty": 90}, gap=gap) == codes


@pytest.mark.parametrize(("gap", "codes"), [(8, {"on_duty_jump"}), (9, set())])
def test_the_last_weekly_report_is_looked_for_within_eight_weeks(park_enterprise, gap, codes):
    assert warned(services.WEEKLY, park_enterprise, {"on_duty": 20}, {"on_duty": 90}, gap=gap) == codes


def test_the_newest_earlier_report_is_the_one_compared(baotou_enterprise):
    save(services.DAILY, baotou_enterprise, TODAY - timedelta(days=2), figures(on_duty=20))
    save(services.DAILY, baotou_enterprise, TODAY - timedelta(days=1), figures(on_duty=85))
    outcome = save(services.DAILY, baotou_enterprise, TODAY, figures(on_duty=90))
    assert outcome.warnings == []
    # A correction of an earlier day compares with the day before it, not with a later one.
    corrected = save(services.DAILY, baotou_enterprise, TODAY - timedelta(days=2), figures(on_duty=22))
    assert corrected.result == "updated" and corrected.warnings == []


@pytest.mark.parametrize(("earlier", "codes"), [(6, {"unchanged"}), (5, set())])
def test_seven_identical_reports_in_a_row_are_flagged(enterprise_kind, earlier, codes):
    kind, subject, period = enterprise_kind
    step = timedelta(days=7 if kind is services.WEEKLY else 1)
    for n in range(earlier, 0, -1):
        assert save(kind, subject, period - n * step, figures()).ok
    outcome = save(kind, subject, period, figures())
    assert {w["code"] for w in outcome.warnings} == codes


def test_a_change_breaks_the_unchanged_run(baotou_enterprise):
    for n in range(6, 0, -1):
        save(services.DAILY, baotou_enterprise, TODAY - timedelta(days=n), figures(note="x" if n == 3 else ""))
    assert save(services.DAILY, baotou_enterprise, TODAY, figures()).warnings == []


def test_a_refused_report_carries_no_warnings(baotou_enterprise):
    save(services.DAILY, baotou_enterprise, TODAY - timedelta(days=1), figures(on_duty=10))
    outcome = save(services.DAILY, baotou_enterprise, TODAY, figures(on_duty=95, capacity_pct=D("250")))
    assert outcome.result == "refused" and set(outcome.errors) == {"capacity_pct"} and outcome.warnings == []


# §3.5 Key-project reports ----------------------------------------------------------------------------

PROJECT_ERRORS = {
    "status is one of the three": ({"status": "resumed_maybe"}, {"status"}),
    "workers required": ({"workers_on_site": None}, {"workers_on_site"}),
    "investment required": ({"investment_week": None}, {"investment_week"}),
    "workers not negative": ({"workers_on_site": -1}, {"workers_on_site"}),
    "investment not negative": ({"investment_week": D("-0.01")}, {"investment_week"}),
    "not started has nobody on site": ({"status": "not_started", "workers_on_site": 3}, {"workers_on_site"}),
    "a plausible number of workers": ({"workers_on_site": 3_000_000_000}, {"workers_on_site"}),
    "a plausible investment": ({"investment_week": D("1E+30")}, {"investment_week"}),
    "investment to two decimals": ({"investment_week": D("12.345")}, {"investment_week"}),
}


@pytest.mark.parametrize(("overrides", "fields"), PROJECT_ERRORS.values(), ids=PROJECT_ERRORS.keys())
def test_a_project_report_is_refused_naming_the_field(overrides, fields):
    key_project = project("包头新项目", "150203")
    outcome = save(services.PROJECT, key_project, MONDAY, project_figures(**overrides))
    assert outcome.result == "refused" and set(outcome.errors) == fields, outcome.errors
    assert not ProjectReport.objects.exists() and not ReportVersion.objects.exists()


def test_a_project_not_started_with_nobody_on_site_is_accepted():
    key_project = project("包头新项目", "150203")
    outcome = save(
        services.PROJECT,
        key_project,
        MONDAY,
        project_figures(status="not_started", workers_on_site=0, investment_week=0),
    )
    assert outcome.result == "created" and outcome.warnings == []


@pytest.mark.parametrize(
    ("before", "after", "codes"),
    [
        (None, {"status": "started", "workers_on_site": 0}, {"no_workers"}),
        (None, {"status": "resumed", "workers_on_site": 0}, {"no_workers"}),
        ({"workers_on_site": 30}, {"workers_on_site": 46}, {"workers_jump"}),
        ({"workers_on_site": 30}, {"workers_on_site": 45}, set()),
        ({"workers_on_site": 30}, {"workers_on_site": 14}, {"workers_jump"}),
        ({"status": "not_started", "workers_on_site": 0}, {"workers_on_site": 10}, {"workers_jump"}),
    ],
)
def test_a_project_report_warns_and_is_accepted(before, after, codes):
    key_project = project("包头新项目", "150203")
    if before is not None:
        assert save(services.PROJECT, key_project, MONDAY - timedelta(days=7), project_figures(**before)).ok
    outcome = save(services.PROJECT, key_project, MONDAY, project_figures(**after))
    assert outcome.result == "created"
    assert {w["code"] for w in outcome.warnings} == codes
    assert {w["code"] for w in ProjectReport.objects.get(pk=outcome.report.pk).warnings} == codes


def test_investment_is_stored_to_two_decimals():
    key_project = project("包头新项目", "150203")
    outcome = save(services.PROJECT, key_project, MONDAY, project_figures(investment_week=D("12.3")))
    assert outcome.report.investment_week == D("12.30")
    assert ProjectReport.objects.get(pk=outcome.report.pk).investment_week == D("12.30")


# §4 Deadlines and late reports ---------------------------------------------------------------------


def at(day: date, hh: int, mm: int) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=SHANGHAI)


def test_the_defaults_are_ten_the_next_morning_and_monday_noon():
    assert Deadline.for_type("daily").due_at(date(2020, 2, 21)) == at(date(2020, 2, 22), 10, 0)
    assert Deadline.for_type("weekly").due_at(MONDAY) == at(date(2020, 2, 24), 12, 0)
    Deadline.objects.all().delete()  # without the seeded rows, the same defaults
    assert Deadline.for_type("daily").due_at(date(2020, 2, 21)) == at(date(2020, 2, 22), 10, 0)
    assert Deadline.for_type("weekly").due_at(MONDAY) == at(date(2020, 2, 24), 12, 0)


def test_a_weekly_report_is_late_after_the_next_monday_noon(park_enterprise):
    on_time = save(services.WEEKLY, park_enterprise, MONDAY - timedelta(days=7), figures(), now=at(MONDAY, 11, 59))
    late = save(services.WEEKLY, park_enterprise, MONDAY - timedelta(days=14), figures(), now=at(MONDAY, 12, 1))
    assert on_time.report.late is False and late.report.late is True


def test_a_correction_does_not_change_the_late_mark(baotou_enterprise):
    day = date(2020, 2, 20)
    on_time = save(services.DAILY, baotou_enterprise, day, figures(), now=at(day, 18, 0))
    corrected = save(services.DAILY, baotou_enterprise, day, figures(on_duty=72), now=at(date(2020, 2, 22), 9, 0))
    assert corrected.result == "updated" and DailyReport.objects.get(pk=on_time.report.pk).late is False
    other = make_enterprise(county="150202")
    late = save(services.DAILY, other, day, figures(), now=at(date(2020, 2, 21), 10, 1))
    assert late.report.late is True
    save(services.DAILY, other, day, figures(on_duty=72), now=at(date(2020, 2, 21), 10, 30))
    assert DailyReport.objects.get(pk=late.report.pk).late is True


def test_a_changed_deadline_moves_the_late_mark(baotou_enterprise):
    Deadline.objects.filter(period_type="daily").update(offset_days=0, at=time(18, 0))
    day = date(2020, 2, 20)
    assert save(services.DAILY, baotou_enterprise, day, figures(), now=at(day, 17, 59)).report.late is False
    other = make_enterprise(county="150202")
    assert save(services.DAILY, other, day, figures(), now=at(day, 18, 1)).report.late is True


def test_the_reasons_are_in_chinese_by_default(baotou_enterprise, park_enterprise):
    with translation.override("zh-hans"):
        too_many = save(services.DAILY, baotou_enterprise, TODAY, figures(on_duty=101))
        not_owed = save(services.DAILY, park_enterprise, TODAY, figures())
    assert too_many.errors["on_duty"] == ["返岗人数（101）超过员工总数（100）。"]
    assert not_owed.errors["__all__"] == [f"{park_enterprise.name}不在日调度范围内。"]


def test_a_warning_reads_in_the_language_of_whoever_looks(client, users, baotou_enterprise, settings):
    with translation.override("zh-hans"):  # filed by someone working in Chinese
        save(services.DAILY, baotou_enterprise, TODAY - timedelta(days=1), figures(on_duty=20, capacity_pct=D(100)))
        outcome = save(services.DAILY, baotou_enterprise, TODAY, figures(on_duty=90, capacity_pct=D("120")))
    stored = DailyReport.objects.get(pk=outcome.report.pk).warnings
    assert {w["code"]: w["params"] for w in stored} == {"capacity_above_100": {}, "on_duty_jump": {"a": 20, "b": 90}}
    client.force_login(users[Role.LEAGUE])
    page = client.get(f"/dispatch/reports/daily/{outcome.report.pk}/").text
    assert "Employees on duty moved from 20 to 90 since the last report." in page
    assert "Capacity recovery above 100%: check it is not a typing error." in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "返岗人数较上次填报由20变为90。" in client.get(f"/dispatch/review/?date={TODAY}").text


def test_a_warning_stored_without_parameters_keeps_its_text():
    from fugong.dispatch.validation import warning_text

    old = {"field": "on_duty", "code": "on_duty_jump", "message": "到岗人数较上次填报由72变为7。"}
    assert warning_text(old) == old["message"]
    assert warning_text({"code": "status_back", "message": "状态倒退"}) == "The status went back since the last report."
    assert warning_text({"code": "made_up", "message": "as stored"}) == "as stored"
