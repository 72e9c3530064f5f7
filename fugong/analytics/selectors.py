"""Reads over the figures engine for the dashboard, drill-down, exports, API and brief.

Everything here starts from `figures.scoped_enterprises` or `figures.scoped_projects`, that is from
the access module; a filter naming an area or park the user may not see answers 404.
"""

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from fugong import access
from fugong.accounts.models import User
from fugong.areas import naming
from fugong.areas.models import Area
from fugong.core import bounds
from fugong.dispatch.models import (
    DailyReport,
    Deadline,
    PeriodType,
    ProjectReport,
    ProjectStatus,
    Status,
    WeeklyReport,
    week_start,
)
from fugong.enterprises.models import Enterprise, Industry, KeyProject, Tag

from .figures import Figures, Row, Scope, _pct, breakdown, figures, scoped_enterprises, series

IN_SCOPE = Scope()  # everything the user may see, above-scale, daily dispatch

# --- Numbers as shown -----------------------------------------------------------------------


def one_decimal(value: Decimal | None) -> Decimal | None:
    """A rate as every page, export, API answer and brief shows it: one decimal, half up."""
    if value is None:
        return None
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def exact(value, places: str) -> Decimal | None:
    """A decimal read through a subquery: SQLite hands it back as a float; the field's places restore it."""
    return None if value is None else Decimal(str(value)).quantize(Decimal(places))


def combine(items, *, as_of: date) -> Figures:
    """The figures of several disjoint groups together: every field of Figures is a sum."""
    names = [
        "enterprises", "production_resumed", "work_resumed", "employees", "on_duty", "capacity_weighted",
        "normal_output", "due", "filed", "filed_late", "stale", "never_reported",
    ]  # fmt: skip
    totals: dict[str, int | Decimal] = dict.fromkeys(names, 0)
    for f in items:
        for name in names:
            totals[name] += getattr(f, name)
    totals["capacity_weighted"] = Decimal(totals["capacity_weighted"])
    totals["normal_output"] = Decimal(totals["normal_output"])
    return Figures(as_of=as_of, **totals)  # type: ignore[arg-type]  # the counts are int, the two sums Decimal


def period_step(scope: Scope) -> timedelta:
    return timedelta(days=7 if scope.duty == PeriodType.WEEKLY else 1)


# --- Scope: checking filters and naming them ------------------------------------------------


def check_scope(*, user: User, scope: Scope) -> None:
    """A filter on an area or park outside the user's scope is answered as if it did not exist."""
    areas = access.visible_areas(user)
    for code in (scope.league, scope.county):
        if code and not areas.filter(code=code).exists():
            raise Http404
    if scope.park and not access.visible_parks(user).filter(pk=bounds.id_param(scope.park, "park") or 0).exists():
        raise Http404


def area_name(*, user: User, scope: Scope, chinese: bool = True) -> str:
    """The area a figure is about, as a brief names it: 全区, a league, a county, a work group's leagues."""
    return naming.area_name(user=user, league=scope.league, county=scope.county, chinese=chinese)


def export_name(*, user: User, scope: Scope, what: str, day: date, ext: str) -> str:
    """A file name an office can file away: 包头市_已复产_2020-02-22.xlsx, in Chinese whatever the page's language."""
    return naming.export_name(user=user, league=scope.league, county=scope.county, what=what, day=day, ext=ext)


def brief_first_day() -> date | None:
    """The emergency's first brief day: settings.BRIEF_FIRST_DAY, else the first day any report was filed for."""
    configured = getattr(settings, "BRIEF_FIRST_DAY", None)
    if configured:
        return date.fromisoformat(str(configured))
    return DailyReport.objects.aggregate(first=Min("date"))["first"]


def brief_issue(as_of: date) -> int | None:
    """The issue number (期号) of the brief of a day: one a day from the first brief day, None before it."""
    first = brief_first_day()
    if first is None or as_of < first:
        return None
    return (as_of - first).days + 1


def scope_label(*, user: User, scope: Scope) -> str:
    """The scope on a page or an export title: the area, then any industry, park or tag filter."""
    parts = [area_name(user=user, scope=scope, chinese=False)]
    if scope.industry:
        industry = Industry.objects.filter(code=scope.industry).first()
        parts.append(industry.display_name if industry else scope.industry)
    if scope.park:
        parts.append(str(access.visible_parks(user).get(pk=scope.park)))
    if scope.tag in Tag.Code.values:
        parts.append(str(Tag.Code(scope.tag).label))
    # Every count says whom it counts: the headline's above-scale enterprises unless the filter says otherwise.
    if scope.above_scale is None:
        parts.append(_("all enterprises"))
    elif not scope.above_scale:
        parts.append(_("below scale"))
    else:
        parts.append(_("above-scale industrial enterprises"))
    if scope.duty == PeriodType.WEEKLY:
        parts.append(_("weekly dispatch"))
    return " · ".join(parts)


def scope_params(scope: Scope, as_of: date | None = None, **extra) -> dict[str, str]:
    """The scope (and date) as URL parameters, so that a link opens the same figures."""
    params = {"as_of": as_of.isoformat()} if as_of else {}
    for name in ("league", "county", "park", "industry", "tag"):
        if getattr(scope, name):
            params[name] = getattr(scope, name)
    if scope.duty != PeriodType.DAILY:
        params["duty"] = scope.duty
    if scope.above_scale is None:
        params["above_scale"] = "all"
    elif scope.above_scale is False:
        params["above_scale"] = "0"
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return params


def default_as_of(*, user: User, duty: str = PeriodType.DAILY) -> date:
    """Without a date: the last day (or week) whose deadline has passed, so that its figures are complete.

    When nothing was reported in scope by then (a demo of past years), the newest period that has reports.
    """
    from fugong.dispatch.reminders import last_closed_period

    closed = last_closed_period(duty)
    scope = access.area_scope(user)
    model, field = (WeeklyReport, "week") if duty == PeriodType.WEEKLY else (DailyReport, "date")
    if scope is None:
        return closed
    newest = model.objects.filter(scope, **{f"{field}__lte": closed}).aggregate(d=Max(field))["d"]
    return newest or closed


# --- KPI cards ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kpi:
    """One number with the period before; `measure` names its drill-down ("" when it has none)."""

    key: str
    label: str
    value: int | Decimal | None
    previous: int | Decimal | None
    unit: str  # count, people, pct, money
    measure: str = ""

    @property
    def delta(self) -> int | Decimal | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def trend(self) -> str:
        delta = self.delta
        return "flat" if not delta else ("up" if delta > 0 else "down")

    @property
    def is_rate(self) -> bool:
        return self.unit == "pct"


# Every figure a page, export, API or brief shows: key, label, unit, how to read it, its drill-down.
FIGURES = [
    ("enterprises", "Enterprises", "count", lambda f: f.enterprises, "enterprises"),
    ("production_resumed", "Production resumed", "count", lambda f: f.production_resumed, "production_resumed"),
    ("resumption_rate", "Resumption rate", "pct", lambda f: one_decimal(f.resumption_rate), "production_resumed"),
    ("work_resumed", "Work resumed only", "count", lambda f: f.work_resumed, "work_resumed"),
    ("not_resumed", "Not resumed", "count", lambda f: f.not_resumed, "not_resumed"),
    ("employees", "Employees", "people", lambda f: f.employees, "enterprises"),
    ("on_duty", "On duty", "people", lambda f: f.on_duty, "on_duty"),
    ("on_duty_rate", "On-duty rate", "pct", lambda f: one_decimal(f.on_duty_rate), "on_duty"),
    ("capacity_recovery", "Capacity recovery", "pct", lambda f: one_decimal(f.capacity_recovery), "enterprises"),
    ("reporting_rate", "Reporting rate", "pct", lambda f: one_decimal(f.reporting_rate), "filed"),
]
FIGURE_LABELS = {
    # Spelled out for the translation catalogue, which reads literal strings only.
    "Enterprises": lambda: _("Enterprises"),
    "Production resumed": lambda: _("Production resumed"),
    "Resumption rate": lambda: _("Resumption rate"),
    "Work resumed only": lambda: _("Work resumed only"),
    "Not resumed": lambda: _("Not resumed"),
    "Employees": lambda: _("Employees"),
    "On duty": lambda: _("On duty"),
    "On-duty rate": lambda: _("On-duty rate"),
    "Capacity recovery": lambda: _("Capacity recovery"),
    "Reporting rate": lambda: _("Reporting rate"),
}
# The columns a breakdown table shows on a page; its export holds every figure.
TABLE_KEYS = [
    ("enterprises", "count", "enterprises"), ("production_resumed", "count", "production_resumed"),
    ("resumption_rate", "pct", "production_resumed"), ("employees", "people", "enterprises"),
    ("on_duty", "people", "on_duty"), ("on_duty_rate", "pct", "on_duty"),
    ("capacity_recovery", "pct", "enterprises"), ("reporting_rate", "pct", "filed"),
]  # fmt: skip
CARD_KEYS = [
    "production_resumed", "resumption_rate", "employees", "on_duty", "on_duty_rate",
    "capacity_recovery", "reporting_rate", "enterprises",
]  # fmt: skip


def figure_values(f: Figures) -> dict[str, int | Decimal | None]:
    """The figures as the API and exports give them, rates rounded as shown."""
    return {key: read(f) for key, _label, _unit, read, _measure in FIGURES}


def kpis(now: Figures, before: Figures, keys=CARD_KEYS) -> list[Kpi]:
    spec = {key: (label, unit, read, measure) for key, label, unit, read, measure in FIGURES}
    out = []
    for key in keys:
        label, unit, read, measure = spec[key]
        out.append(Kpi(key, FIGURE_LABELS[label](), read(now), read(before), unit, measure))
    return out


# --- Key projects ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectFigures:
    """Key projects as of a date: each counts with its latest weekly report on or before the date's week."""

    as_of: date
    week: date
    projects: int = 0
    started: int = 0  # started or resumed
    workers_on_site: int = 0
    investment_week: Decimal = Decimal(0)  # 10k yuan, reports for this very week
    total_investment: Decimal = Decimal(0)
    filed: int = 0
    stale: int = 0

    @property
    def start_rate(self) -> Decimal | None:
        return _pct(self.started, self.projects)

    @property
    def reporting_rate(self) -> Decimal | None:
        return _pct(self.filed, self.projects)


STARTED = (ProjectStatus.STARTED, ProjectStatus.RESUMED)


def scoped_projects(*, user: User, scope: Scope) -> QuerySet[KeyProject]:
    """Key projects in scope. Industry and tag filter on the owner enterprise (a project has neither)."""
    qs = access.visible_key_projects(user)
    if scope.league:
        qs = qs.filter(league_id=scope.league)
    if scope.county:
        qs = qs.filter(county_id=scope.county)
    if scope.park:
        qs = qs.filter(park_id=scope.park)
    if scope.industry:
        qs = qs.filter(owner__industry_id=scope.industry)
    if scope.tag:
        qs = qs.filter(owner__tags__code=scope.tag)
    return qs.order_by()


def project_rows(*, user: User, as_of: date, scope: Scope = IN_SCOPE, measure: str = "projects") -> QuerySet:
    """Projects with their latest report on or before the week (`last_*`) and this week's investment."""
    week = week_start(as_of)
    latest = ProjectReport.objects.filter(project=OuterRef("pk"), week__lte=week).order_by("-week")
    this_week = ProjectReport.objects.filter(project=OuterRef("pk"), week=week)
    qs = scoped_projects(user=user, scope=scope).annotate(
        last_id=Subquery(latest.values("id")[:1]),
        last_week=Subquery(latest.values("week")[:1]),
        last_status=Subquery(latest.values("status")[:1]),
        last_workers=Subquery(latest.values("workers_on_site")[:1]),
        week_investment=Subquery(this_week.values("investment_week")[:1]),
    )
    if measure == "projects_started":
        qs = qs.filter(last_status__in=STARTED)
    elif measure == "projects_not_started":
        qs = qs.exclude(last_status__in=STARTED)
    elif measure == "projects_filed":
        qs = qs.filter(week_investment__isnull=False)
    return qs.select_related("league", "county", "park", "owner").order_by("league_id", "county_id", "name")


def project_figures(*, user: User, as_of: date, scope: Scope = IN_SCOPE) -> ProjectFigures:
    week = week_start(as_of)
    stale_before = week - timedelta(days=7 * Deadline.for_type(PeriodType.WEEKLY).stale_after_days)
    n = begun = workers = filed = stale = 0
    invested, total = Decimal(0), Decimal(0)
    # Summed in Python: decimals summed by SQLite would be floating point.
    rows = project_rows(user=user, as_of=as_of, scope=scope).values_list(
        "last_week", "last_status", "last_workers", "week_investment", "total_investment"
    )
    for last_week, status, on_site, investment, planned in rows:
        n += 1
        total += planned
        begun += status in STARTED
        workers += on_site or 0
        if investment is not None:
            filed += 1
            # SQLite hands a subquery's decimal back as a float: the field holds two decimals.
            invested += exact(investment, "0.01")  # type: ignore[operator]  # not None: checked above
        stale += last_week is not None and last_week < stale_before
    return ProjectFigures(
        as_of=as_of, week=week, projects=n, started=begun, workers_on_site=workers, investment_week=invested,
        total_investment=total, filed=filed, stale=stale,
    )  # fmt: skip


def project_change(*, user: User, as_of: date, scope: Scope = IN_SCOPE) -> tuple[ProjectFigures, ProjectFigures]:
    """Key projects as of D and a week before (projects report weekly)."""
    before = as_of - timedelta(days=7)
    return project_figures(user=user, as_of=as_of, scope=scope), project_figures(user=user, as_of=before, scope=scope)


def project_kpis(now: ProjectFigures, before: ProjectFigures) -> list[Kpi]:
    return [
        Kpi("projects_started", _("Projects started or resumed"), now.started, before.started, "count",
            "projects_started"),
        Kpi("start_rate", _("Start rate"), one_decimal(now.start_rate), one_decimal(before.start_rate), "pct",
            "projects_started"),
        Kpi("workers_on_site", _("Workers on site"), now.workers_on_site, before.workers_on_site, "people",
            "projects_started"),
        Kpi("investment_week", _("Investment this week (10k yuan)"), now.investment_week, before.investment_week,
            "money", "projects_filed"),
    ]  # fmt: skip


# --- Drill-down: the enterprises and reports behind a number -------------------------------

MEASURES = {
    "enterprises": lambda: _("Enterprises"),
    "production_resumed": lambda: _("Production resumed"),
    "work_resumed": lambda: _("Work resumed only"),
    "not_resumed": lambda: _("Not resumed"),
    "on_duty": lambda: _("With employees on duty"),
    "filed": lambda: _("Reported for the day"),
    "late": lambda: _("Reported late"),
    "missing": lambda: _("Not reported for the day"),
    "stale": lambda: _("Carried forward, stale"),
    "never_reported": lambda: _("Never reported"),
}


def _duty_model(scope: Scope):
    if scope.duty == PeriodType.WEEKLY:
        return WeeklyReport, "week", 7
    return DailyReport, "date", 1


def drill_rows(*, user: User, as_of: date, scope: Scope = IN_SCOPE, measure: str = "enterprises") -> QuerySet:
    """The enterprises behind a figure, each with the report it counts with (as the engine counts it)."""
    model, field, days = _duty_model(scope)
    period = week_start(as_of) if days == 7 else as_of
    stale_before = period - timedelta(days=Deadline.for_type(scope.duty).stale_after_days * days)
    latest = model.objects.filter(enterprise=OuterRef("pk"), **{f"{field}__lte": period}).order_by(f"-{field}")
    qs = scoped_enterprises(user=user, scope=scope).annotate(
        last_id=Subquery(latest.values("id")[:1]),
        last_date=Subquery(latest.values(field)[:1]),
        last_status=Subquery(latest.values("status")[:1]),
        last_employees=Subquery(latest.values("employees")[:1]),
        last_on_duty=Subquery(latest.values("on_duty")[:1]),
        last_capacity=Subquery(latest.values("capacity_pct")[:1]),
        last_late=Subquery(latest.values("late")[:1]),
    )
    qs = qs.annotate(
        counted_employees=Coalesce("last_employees", "employees"),
        counted_on_duty=Coalesce("last_on_duty", Value(0), output_field=IntegerField()),
    )
    not_filed = Q(last_date__lt=period) | Q(last_date__isnull=True)
    conditions = {
        "production_resumed": Q(last_status=Status.PRODUCTION_RESUMED),
        "work_resumed": Q(last_status=Status.WORK_RESUMED),
        "not_resumed": Q(last_status=Status.NOT_RESUMED) | Q(last_status__isnull=True),
        "on_duty": Q(last_on_duty__gt=0),
        "filed": Q(last_date=period),
        "late": Q(last_date=period, last_late=True),
        "missing": not_filed,
        "stale": Q(last_date__lt=stale_before),
        "never_reported": Q(last_date__isnull=True),
    }
    if measure in conditions:
        qs = qs.filter(conditions[measure])
    return qs.select_related("league", "county", "industry", "park").order_by("league_id", "county_id", "name")


@dataclass(frozen=True)
class DrillTotals:
    enterprises: int
    employees: int
    on_duty: int


def drill_totals(rows: QuerySet) -> DrillTotals:
    found = rows.order_by().aggregate(n=Count("id"), staff=Sum("counted_employees"), duty=Sum("counted_on_duty"))
    return DrillTotals(found["n"], int(found["staff"] or 0), int(found["duty"] or 0))


def key_enterprises(*, user: User, as_of: date, scope: Scope = IN_SCOPE) -> QuerySet:
    """Leading and backbone enterprises with the status they count with on the day, largest first."""
    tagged = Enterprise.tags.through.objects.filter(
        enterprise_id=OuterRef("pk"), tag_id__in=[Tag.Code.LEADING, Tag.Code.BACKBONE]
    )
    rows = drill_rows(user=user, as_of=as_of, scope=scope).filter(Exists(tagged))
    return rows.order_by("-normal_output", "name")


# --- Breakdown tables -----------------------------------------------------------------------


@dataclass(frozen=True)
class RankedRow:
    """A breakdown row with its rank by resumption rate and the link to its own dashboard, if any."""

    rank: int | None
    row: Row
    values: dict
    query: str  # the page's scope narrowed to this row, as URL parameters

    @property
    def code(self) -> str:
        return self.row.code

    @property
    def name(self) -> str:
        return self.row.name

    @property
    def separately_listed(self) -> bool:
        return self.row.separately_listed


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    by: str
    rows: list[RankedRow]
    totals: dict
    totals_label: str
    ranked: bool = False
    query: str = ""  # the table's own scope: the totals row's drill-down


TABLE_TITLES = {
    "league": lambda: _("Leagues ranked by resumption rate"),
    "county": lambda: _("Counties ranked by resumption rate"),
    "industry": lambda: _("By industry"),
    "park": lambda: _("By park"),
    "tag": lambda: _("By tag"),
}
ROW_FILTER = {"league": "league", "county": "county", "industry": "industry", "park": "park", "tag": "tag"}


def ranking_level(*, user: User, scope: Scope) -> str:
    """Leagues for the region and work groups, counties inside one league, nothing below a county."""
    if scope.county or scope.park:
        return ""
    if scope.league:
        return "county"
    area = access.scope_area(user)
    if area is not None and area.level != Area.Level.REGION:
        return "county" if area.level == Area.Level.LEAGUE else ""
    return "league"


def table(*, user: User, as_of: date, scope: Scope, by: str, whole: Figures | None = None) -> Table:
    """A breakdown as a table; `whole`, the scope's own figures when the caller has them already."""
    rows = breakdown(user=user, as_of=as_of, scope=scope, by=by)
    if by == "park":  # enterprises outside any park group under "": not a park
        rows = [r for r in rows if r.code]
    ranked = by in ("league", "county")
    if ranked:
        main = sorted((r for r in rows if not r.separately_listed), key=_rank_key)
        rows = main + [r for r in rows if r.separately_listed]
    else:
        rows.sort(key=lambda r: (-r.figures.enterprises, r.code))
    if by == "tag":
        # An enterprise may carry several tags: the total is the scope's, not the column's sum.
        total = whole if whole is not None else figures(user=user, as_of=as_of, scope=scope)
        totals_label = _("All enterprises in scope")
    else:
        total = combine((r.figures for r in rows if not r.separately_listed), as_of=as_of)
        totals_label = _("Total")
    out, rank = [], 0
    for r in rows:
        if ranked and not r.separately_listed:
            rank += 1
        # A separately listed city is a county under its league.
        narrowed = replace(scope, **{"county" if r.separately_listed else ROW_FILTER[by]: r.code})  # type: ignore[arg-type]  # a text filter
        out.append(
            RankedRow(rank if ranked and not r.separately_listed else None, r, figure_values(r.figures),
                      urlencode(scope_params(narrowed, as_of)))
        )  # fmt: skip
    return Table(by, TABLE_TITLES[by](), by, out, figure_values(total), totals_label, ranked,
                 urlencode(scope_params(scope, as_of)))  # fmt: skip


def _rank_key(row: Row):
    rate = row.figures.resumption_rate
    return (rate is None, -(rate or 0), row.code)


# --- The dashboard --------------------------------------------------------------------------

TREND_DAYS = 14


@dataclass(frozen=True)
class TrendPoint:
    day: date
    values: dict


@dataclass(frozen=True)
class Dashboard:
    as_of: date
    previous_day: date
    scope: Scope
    label: str
    figures: Figures
    previous: Figures
    kpis: list[Kpi]
    projects: ProjectFigures
    project_kpis: list[Kpi]
    ranking: Table | None
    key_enterprises: list
    key_enterprise_count: int
    project_list: list
    trend: list[TrendPoint]
    completeness: list[Kpi]

    def chart_data(self) -> dict:
        """What static/js/dashboard.js draws: plain JSON, no figure computed in the browser."""
        trend = {
            "days": [p.day.isoformat() for p in self.trend],
            "series": {k: [_json(p.values[k]) for p in self.trend] for k in
                       ("resumption_rate", "on_duty_rate", "capacity_recovery", "reporting_rate")},
            "labels": {k: FIGURE_LABELS[label]() for k, label, *_rest in FIGURES},
        }  # fmt: skip
        leagues = []
        if self.ranking and self.ranking.by == "league":
            # The map is Inner Mongolia's: its leagues, coloured by the figures the map can show.
            leagues = [
                {"code": r.code, "name": r.row.name, "map_name": _map_name(r.code),
                 "values": {k: _json(r.values[k]) for k in MAP_VALUES}}
                for r in self.ranking.rows if not r.separately_listed and _map_name(r.code) != r.code
            ]  # fmt: skip
        return {"trend": trend, "leagues": leagues}


def _json(value):
    return float(value) if isinstance(value, Decimal) else value


_MAP_NAMES: dict[str, str] = {}
MAP_REGION = "150000"  # the region the map (neimenggu.js) draws
# The figures the map may be coloured by (views.MAP_KPIS): the chart data carries no others.
MAP_VALUES = ("resumption_rate", "on_duty_rate", "capacity_recovery", "reporting_rate", "production_resumed", "on_duty")


def _map_name(code: str) -> str:
    # The map (neimenggu.js) names its features by the Chinese name, whatever the page language.
    if not _MAP_NAMES:
        leagues = Area.objects.filter(level=Area.Level.LEAGUE, parent_id=MAP_REGION)
        _MAP_NAMES.update(leagues.values_list("code", "name"))
    return _MAP_NAMES.get(code, code)


def dashboard(*, user: User, as_of: date, scope: Scope = IN_SCOPE) -> Dashboard:
    step = period_step(scope)
    # The trend's last two points are the day (or week) and the one before: the cards' change.
    points = series(user=user, start=as_of - step * (TREND_DAYS - 1), end=as_of, scope=scope)
    now, before = points[-1], points[-2]
    projects, projects_before = project_change(user=user, as_of=as_of, scope=scope)
    level = ranking_level(user=user, scope=scope)
    key = key_enterprises(user=user, as_of=as_of, scope=scope)
    completeness = [
        Kpi("due", _("Due"), now.due, before.due, "count", "enterprises"),
        Kpi("filed", _("Filed"), now.filed, before.filed, "count", "filed"),
        Kpi("late", _("Filed late"), now.filed_late, before.filed_late, "count", "late"),
        Kpi("missing", _("Missing"), now.missing, before.missing, "count", "missing"),
        Kpi("stale", _("Stale (carried forward)"), now.stale, before.stale, "count", "stale"),
        Kpi("never_reported", _("Never reported"), now.never_reported, before.never_reported, "count",
            "never_reported"),
    ]  # fmt: skip
    return Dashboard(
        as_of=as_of,
        previous_day=as_of - step,
        scope=scope,
        label=scope_label(user=user, scope=scope),
        figures=now,
        previous=before,
        kpis=kpis(now, before),
        projects=projects,
        project_kpis=project_kpis(projects, projects_before),
        ranking=table(user=user, as_of=as_of, scope=scope, by=level) if level else None,
        key_enterprises=list(key[:KEY_ENTERPRISES_SHOWN]),
        key_enterprise_count=key.count(),
        project_list=list(
            project_rows(user=user, as_of=as_of, scope=scope).order_by("-total_investment", "name")[:PROJECTS_SHOWN]
        ),
        trend=[TrendPoint(p.as_of, figure_values(p)) for p in points],
        completeness=completeness,
    )


KEY_ENTERPRISES_SHOWN = 15
PROJECTS_SHOWN = 10
# The breakdown table on the dashboard itself; the industry (thousands of rollup keys at national scale), park
# and tag tables (the raw reports) load on their own request (views.table_section), as does every page of a
# table longer than TABLE_PAGE_SIZE rows.
DASHBOARD_TABLES = ("ranking",)
LAZY_TABLES = ("industry", "park", "tag")
TABLE_PAGE_SIZE = 50
