from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from fugong import access
from fugong.accounts.models import User
from fugong.areas.models import Area
from fugong.dispatch import duties
from fugong.dispatch.models import DailyReport, ProjectReport, WeeklyReport, week_start
from fugong.enterprises.filters import RegistryFilters
from fugong.enterprises.models import Enterprise, KeyProject


def due_enterprises(*, user: User, period_type: str, league: str = "", county: str = "") -> QuerySet[Enterprise]:
    duty = duties.daily_q() if period_type == "daily" else duties.weekly_q()
    return RegistryFilters(league=league, county=county).narrow(access.visible_enterprises(user).filter(duty))


def due_projects(*, user: User, league: str = "", county: str = "") -> QuerySet[KeyProject]:
    return RegistryFilters(league=league, county=county).narrow(access.visible_key_projects(user))


def _scoped_reports(model, user: User, league: str, county: str):
    return RegistryFilters(league=league, county=county).narrow(access.visible_reports(user, model))


def daily_reports(*, user: User, day: date | None = None, league: str = "", county: str = "") -> QuerySet[DailyReport]:
    qs = _scoped_reports(DailyReport, user, league, county).select_related("enterprise")
    return (qs.filter(date=day) if day else qs).order_by("-date", "league_id", "enterprise_id")


def weekly_reports(
    *, user: User, week: date | None = None, league: str = "", county: str = ""
) -> QuerySet[WeeklyReport]:
    qs = _scoped_reports(WeeklyReport, user, league, county).select_related("enterprise")
    return (qs.filter(week=week) if week else qs).order_by("-week", "league_id", "enterprise_id")


def project_reports(
    *, user: User, week: date | None = None, league: str = "", county: str = ""
) -> QuerySet[ProjectReport]:
    qs = _scoped_reports(ProjectReport, user, league, county).select_related("project")
    return (qs.filter(week=week) if week else qs).order_by("-week", "league_id", "project_id")


def last_report(*, enterprise: Enterprise, model=DailyReport, before: date | None = None):
    """The enterprise's newest report (on or before `before`), for prefilling forms."""
    qs = model.objects.filter(enterprise=enterprise)
    if before is not None:
        qs = qs.filter(**{("date" if model is DailyReport else "week") + "__lte": before})
    return qs.order_by("-" + ("date" if model is DailyReport else "week")).first()


# --- Completeness: due, filed, filed late, missing (DESIGN.md, dispatch semantics) ------------

PERIOD_FIELDS: dict[str, tuple[type[DailyReport] | type[WeeklyReport], str]] = {
    "daily": (DailyReport, "date"),
    "weekly": (WeeklyReport, "week"),
}


@dataclass(frozen=True)
class Counts:
    """One line of completeness: `rate` is the reporting rate in per cent, None when nothing is due."""

    code: str
    name: str
    due: int
    filed: int
    filed_late: int
    missing: int
    rate: Decimal | None
    separately_listed: bool = False

    @classmethod
    def of(cls, *, code: str = "", name: str = "", due: int, filed: int, filed_late: int, separately_listed=False):
        return cls(
            code=code,
            name=name,
            due=due,
            filed=filed,
            filed_late=filed_late,
            missing=due - filed,
            rate=reporting_rate(filed, due),
            separately_listed=separately_listed,
        )


@dataclass(frozen=True)
class Completeness:
    period_type: str
    period: date
    due: int
    filed: int
    filed_late: int
    missing: int
    rate: Decimal | None
    by_league: list[Counts]
    projects: Counts | None = None
    by_county: list[Counts] = field(default_factory=list)
    # The parks of the due enterprises, then those in no park (code ""), for a league or county official.
    by_park: list[Counts] = field(default_factory=list)
    # Of the enterprises due, how many are above-scale: the dashboard's headline counts only those.
    above_scale_due: int = 0

    @property
    def others_due(self) -> int:
        return self.due - self.above_scale_due


@dataclass(frozen=True)
class RatePoint:
    day: date
    due: int
    filed: int
    rate: Decimal | None


def reporting_rate(filed: int, due: int) -> Decimal | None:
    if not due:
        return None
    return (Decimal(filed) * 100 / Decimal(due)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def period_of(period_type: str, day: date) -> date:
    """The period a date falls in: the day itself, or the Monday of its week."""
    return day if period_type == "daily" else week_start(day)


def _report_for(period_type: str, period: date, **extra) -> Exists:
    model, field = PERIOD_FIELDS[period_type]
    return Exists(model.objects.filter(enterprise_id=OuterRef("pk"), **{field: period}, **extra))


def unreported(qs: QuerySet[Enterprise], *, period_type: str, period: date) -> QuerySet[Enterprise]:
    """The enterprises of `qs` without a report for the period."""
    return qs.filter(~_report_for(period_type, period))


def completeness(*, user: User, period_type: str, period: date, league: str = "", county: str = "") -> Completeness:
    """Due, filed, filed late and missing for one period, per league and in total.

    One grouped query over the due enterprises (per league and county, a hundred rows at most)
    and one for the key projects; Manzhouli and Erenhot count in their league and again on
    their own row.
    """
    period = period_of(period_type, period)
    due = due_enterprises(user=user, period_type=period_type, league=league, county=county)
    groups = list(
        due.order_by()
        .values("league_id", "county_id", "park_id", "park__name")
        .annotate(
            due=Count("pk"),
            filed=Count("pk", filter=Q(_report_for(period_type, period))),
            filed_late=Count("pk", filter=Q(_report_for(period_type, period, late=True))),
            above_scale=Count("pk", filter=Q(above_scale=True)),
        )
    )
    totals: dict[str, dict] = {}
    for g in groups:
        for code in (g["league_id"], g["county_id"]):
            row = totals.setdefault(code, {"due": 0, "filed": 0, "filed_late": 0})
            for name in row:
                row[name] += g[name]
    visible = access.visible_areas(user)
    leagues = visible.filter(level=Area.Level.LEAGUE)
    if league:
        leagues = leagues.filter(code=league)
    if county:
        leagues = leagues.filter(children__code=county)
    listed = visible.filter(separately_listed=True)
    if league:
        listed = listed.filter(parent_id=league)
    if county:
        listed = listed.filter(code=county)
    counties = {g["county_id"] for g in groups}
    shown = Q(code__in={g["league_id"] for g in groups}) | Q(code__in=counties, separately_listed=True)
    # The counties come in the same query, for the breakdown a league or county official reads.
    found = Area.objects.filter(
        Q(code__in=leagues.values("code")) | Q(code__in=listed.values("code")) | shown | Q(code__in=counties)
    ).order_by("separately_listed", "code")
    empty = {"due": 0, "filed": 0, "filed_late": 0}
    by_league, by_county = [], []
    for a in found:
        if a.level == Area.Level.COUNTY and a.code in counties:
            by_county.append(Counts.of(code=a.code, name=a.display_name, **totals[a.code]))
        if a.level != Area.Level.COUNTY or a.separately_listed:
            counts = totals.get(a.code, empty)
            by_league.append(
                Counts.of(code=a.code, name=a.display_name, separately_listed=a.separately_listed, **counts)
            )
    by_county.sort(key=lambda c: c.code)
    by_park = _by_park(groups)
    overall = {name: sum(g[name] for g in groups) for name in ("due", "filed", "filed_late")}
    projects = None
    if period_type == "weekly":
        project_filed = ProjectReport.objects.filter(project_id=OuterRef("pk"), week=period)
        project_counts = (
            due_projects(user=user, league=league, county=county)
            .order_by()
            .aggregate(
                due=Count("pk"),
                filed=Count("pk", filter=Q(Exists(project_filed))),
                filed_late=Count("pk", filter=Q(Exists(project_filed.filter(late=True)))),
            )
        )
        projects = Counts.of(code="projects", name=str(_("Key projects")), **project_counts)
    return Completeness(
        period_type=period_type,
        period=period,
        by_county=by_county,
        by_park=by_park,
        above_scale_due=sum(g["above_scale"] for g in groups),
        missing=overall["due"] - overall["filed"],
        rate=reporting_rate(overall["filed"], overall["due"]),
        by_league=by_league,
        projects=projects,
        **overall,
    )


def _by_park(groups: list[dict]) -> list[Counts]:
    totals: dict[int | None, dict] = {}
    for g in groups:
        row = totals.setdefault(g["park_id"], {"due": 0, "filed": 0, "filed_late": 0})
        for name in row:
            row[name] += g[name]
    names = {g["park_id"]: g["park__name"] for g in groups}
    parks = sorted((names[pk], pk) for pk in totals if pk is not None)
    out = [Counts.of(code=str(pk), name=name, **totals[pk]) for name, pk in parks]
    if None in totals:
        out.append(Counts.of(code="", name=str(_("Not in a park")), **totals[None]))
    return out


def missing_enterprises(
    *, user: User, period_type: str, period: date, league: str = "", county: str = ""
) -> QuerySet[Enterprise]:
    """Due enterprises without a report for the period, with their contacts and the last period they filed."""
    period = period_of(period_type, period)
    model, field = PERIOD_FIELDS[period_type]
    due = due_enterprises(user=user, period_type=period_type, league=league, county=county)
    last = model.objects.filter(enterprise_id=OuterRef("pk"), **{f"{field}__lt": period}).order_by(f"-{field}")
    return (
        unreported(due, period_type=period_type, period=period)
        .select_related("league", "county")
        .annotate(last_filed=Subquery(last.values(field)[:1]))
        .order_by("league_id", "county_id", "name")
    )


def reporting_rate_series(
    *, user: User, start: date, end: date, league: str = "", county: str = "", period_type: str = "daily"
) -> list[RatePoint]:
    """One point per period from start to end: two queries, whatever the length.

    Due is the registry's duty today (the registry keeps no history of who owed what), so it is
    the same for every point; filed counts the reports of those enterprises for each period.
    """
    model, field = PERIOD_FIELDS[period_type]
    start, end = period_of(period_type, start), period_of(period_type, end)
    due_qs = due_enterprises(user=user, period_type=period_type, league=league, county=county)
    due = due_qs.count()
    filed = dict(
        model.objects.filter(**{f"{field}__range": (start, end)}, enterprise_id__in=due_qs.values("pk"))
        .order_by()
        .values_list(field)
        .annotate(n=Count("pk"))
        .values_list(field, "n")
    )
    step = timedelta(days=1 if period_type == "daily" else 7)
    points, day = [], start
    while day <= end:
        points.append(RatePoint(day=day, due=due, filed=filed.get(day, 0), rate=reporting_rate(filed.get(day, 0), due)))
        day += step
    return points


# --- The enterprise's own report of the day (its home page) --------------------------------------


@dataclass(frozen=True)
class OwnReport:
    """An enterprise's report of the current period: filed or not, and by when."""

    period_type: str
    period: date
    deadline: object  # aware datetime
    report: DailyReport | WeeklyReport | None
    overdue: bool


def own_report(*, enterprise: Enterprise, now=None) -> OwnReport | None:
    """The period the enterprise files for now (today, or this week), or None when it owes no report."""
    from django.utils import timezone

    from fugong.dispatch.models import Deadline

    period_type = duties.duty_of(enterprise)
    if period_type is None:
        return None
    now = now or timezone.now()
    period = period_of(period_type, timezone.localdate(now))
    model, field = PERIOD_FIELDS[period_type]
    report = model.objects.filter(enterprise=enterprise, **{field: period}).first()
    deadline = Deadline.for_type(period_type).due_at(period)
    return OwnReport(period_type, period, deadline, report, report is None and now > deadline)
