"""The one figures engine (DESIGN.md rule 2): every number on a page, in an export, the API or a brief.

As of a date D each enterprise counts with its latest report on or before D, carried forward and
flagged stale after the deadline's `stale_after_days`; one never reported counts as not resumed,
nobody on duty, its registered headcount as employees. The reporting rate is about D alone:
reports filed for D ÷ enterprises due. Capacity recovery of a group is weighted by each
enterprise's normal output value, never an average of percentages.

One SQL statement per call, grouped by the breakdown's column; the scope comes from the access
module as a subquery, so the engine cannot see more than the user may. The statement reads the figures
rollup (fugong.analytics.rollup: running totals per county, above-scale flag and industry, kept in the
transaction of every report write) when the scope is one of those; park and tag scopes, and enterprise
logins, read the raw reports (`_from_reports`), which stay the reference the rollup is tested against.
"""

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, QuerySet

from fugong import access
from fugong.accounts.models import User
from fugong.analytics import rollup
from fugong.analytics.rollup_models import RollupKey, Totals
from fugong.areas.models import Area
from fugong.dispatch import duties
from fugong.dispatch.models import DailyReport, Deadline, PeriodType, WeeklyReport, week_start
from fugong.enterprises.filters import RegistryFilters, query_text, read_filters
from fugong.enterprises.models import Enterprise


@dataclass(frozen=True)
class Scope(RegistryFilters):
    """Which enterprises a figure is about. The headline counts above-scale industrial enterprises."""

    above_scale: bool | None = True
    duty: str = PeriodType.DAILY  # the reports the figures read: daily (default) or weekly

    @classmethod
    def from_query(cls, params) -> "Scope":
        duty = query_text(params, "duty")
        return cls(
            **read_filters(params, above_scale=True), duty=duty if duty in PeriodType.values else PeriodType.DAILY
        )


def _pct(part, whole) -> Decimal | None:
    if not whole:
        return None
    return Decimal(part) * 100 / Decimal(whole)


@dataclass(frozen=True)
class Figures:
    as_of: date
    enterprises: int = 0
    production_resumed: int = 0
    work_resumed: int = 0
    employees: int = 0
    on_duty: int = 0
    capacity_weighted: Decimal = Decimal(0)  # Σ capacity % × normal output
    normal_output: Decimal = Decimal(0)
    due: int = 0
    filed: int = 0
    filed_late: int = 0
    stale: int = 0
    never_reported: int = 0

    @property
    def not_resumed(self) -> int:
        return self.enterprises - self.production_resumed - self.work_resumed

    @property
    def resumption_rate(self) -> Decimal | None:
        return _pct(self.production_resumed, self.enterprises)

    @property
    def on_duty_rate(self) -> Decimal | None:
        return _pct(self.on_duty, self.employees)

    @property
    def capacity_recovery(self) -> Decimal | None:
        if not self.normal_output:
            return None
        return Decimal(self.capacity_weighted) / Decimal(self.normal_output)

    @property
    def reporting_rate(self) -> Decimal | None:
        return _pct(self.filed, self.due)

    @property
    def missing(self) -> int:
        return self.due - self.filed


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: a league, county, industry, park or tag."""

    code: str
    name: str
    figures: Figures
    separately_listed: bool = False


def scoped_enterprises(*, user: User, scope: Scope) -> QuerySet[Enterprise]:
    qs = scope.narrow(access.visible_enterprises(user))
    duty = duties.daily_q() if scope.duty == PeriodType.DAILY else duties.weekly_q()
    return qs.filter(duty).order_by()


GROUPS = {
    "": "CAST('' AS TEXT)",
    "league": "e.league_id",
    "county": "e.county_id",
    "industry": "e.industry_id",
    "park": "e.park_id",
}


def _aggregate(
    *, user: User, as_of: date, scope: Scope, by: str = "", counties: list[str] | None = None
) -> dict[str, Figures]:
    """The figures per group: from the rollup where it can answer, else from the raw reports (the same numbers).

    `counties` narrows the scope to those counties (the separately listed cities of the league breakdown)."""
    fast = _from_rollup(user=user, as_of=as_of, scope=scope, by=by, counties=counties)
    if fast is not None:
        return fast
    return _from_reports(user=user, as_of=as_of, scope=scope, by=by, counties=counties)


ROLLUP_GROUPS = {"": "", "league": "league_id", "county": "county_id", "industry": "industry_id"}


def _rollup_keys(*, user: User, scope: Scope, by: str, counties: list[str] | None = None):
    """The rollup keys of a scope as (sql, params); None when the rollup cannot answer (park or tag scopes and
    breakdowns, roles other than area officials, rollup not ready); () when nothing is in scope."""
    if scope.park or scope.tag or by not in ROLLUP_GROUPS or not access.can_see_figures(user):
        return None
    if not rollup.readable(scope.duty):
        return None
    area = access.area_scope(user)
    if area is None:
        return ()
    keys = RollupKey.objects.filter(area, kind=scope.duty)
    if counties is not None:
        keys = keys.filter(county_id__in=counties)
    if scope.above_scale is not None:
        keys = keys.filter(above_scale=scope.above_scale)
    if scope.league:
        keys = keys.filter(league_id=scope.league)
    if scope.county:
        keys = keys.filter(county_id=scope.county)
    if scope.industry:
        keys = keys.filter(industry_id=scope.industry)
    elif by == "industry":
        keys = keys.exclude(industry_id="")
    else:
        keys = keys.filter(industry_id="")  # the coarse grain: every industry of a county
    try:
        return keys.values("id").query.sql_with_params()
    except EmptyResultSet:
        return ()


def _from_totals(as_of: date, t: Totals) -> Figures:
    return Figures(
        as_of=as_of, enterprises=t.enterprises, production_resumed=t.production_resumed, work_resumed=t.work_resumed,
        employees=t.employees, on_duty=t.on_duty, capacity_weighted=Decimal(t.capacity_weighted) / 1000,
        normal_output=Decimal(t.normal_output) / 100, due=t.enterprises, filed=t.filed, filed_late=t.filed_late,
        stale=t.enterprises - t.never_reported - t.fresh, never_reported=t.never_reported,
    )  # fmt: skip


def _from_rollup(
    *, user: User, as_of: date, scope: Scope, by: str, counties: list[str] | None = None
) -> dict[str, Figures] | None:
    """The figures from the rollup; None when it cannot answer them."""
    keys = _rollup_keys(user=user, scope=scope, by=by, counties=counties)
    if not keys:
        return None if keys is None else {}
    period = week_start(as_of) if scope.duty == PeriodType.WEEKLY else as_of
    rows = rollup.aggregate(as_of_period=period, keys_sql=keys[0], keys_params=keys[1], group=ROLLUP_GROUPS[by])
    return {str(k) if k is not None else "": _from_totals(as_of, totals) for k, totals in rows}


def _from_reports(
    *, user: User, as_of: date, scope: Scope, by: str = "", counties: list[str] | None = None
) -> dict[str, Figures]:
    """The straightforward query over raw reports: the fallback, and the baseline the rollup is checked against."""
    weekly = scope.duty == PeriodType.WEEKLY
    model = WeeklyReport if weekly else DailyReport
    period_col = "week" if weekly else "date"
    period = week_start(as_of) if weekly else as_of
    stale_days = Deadline.for_type(scope.duty).stale_after_days * (7 if weekly else 1)
    enterprises = scoped_enterprises(user=user, scope=scope)
    if counties is not None:
        enterprises = enterprises.filter(county_id__in=counties)
    if by == "park":  # by park: the enterprises in one (the others make no park's row)
        enterprises = enterprises.filter(park__isnull=False)
    try:
        ids_sql, ids_params = enterprises.values("id").query.sql_with_params()
    except EmptyResultSet:  # nothing in scope: the query would match nothing
        return {}
    table, quote = model._meta.db_table, connection.ops.quote_name
    group = GROUPS[by]
    # Every enterprise in scope is due: the scope is already limited to the duty read here.
    # Capacity (tenths of a per cent) and output (cents) are summed as integers: SQLite would sum
    # decimals as floating point, and the figures must be exact.
    sql = f"""
        SELECT {group} AS k,
               COUNT(*),
               SUM(CASE WHEN r.status = 'production_resumed' THEN 1 ELSE 0 END),
               SUM(CASE WHEN r.status = 'work_resumed' THEN 1 ELSE 0 END),
               SUM(COALESCE(r.employees, e.employees)),
               SUM(COALESCE(r.on_duty, 0)),
               SUM(CAST(ROUND(COALESCE(r.capacity_pct, 0) * 10) AS BIGINT)
                   * CAST(ROUND(e.normal_output * 100) AS BIGINT)),
               SUM(CAST(ROUND(e.normal_output * 100) AS BIGINT)),
               SUM(CASE WHEN r.{quote(period_col)} = %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN r.{quote(period_col)} = %s AND r.late THEN 1 ELSE 0 END),
               SUM(CASE WHEN r.{quote(period_col)} < %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN r.id IS NULL THEN 1 ELSE 0 END)
        FROM {quote(Enterprise._meta.db_table)} e
        LEFT JOIN {quote(table)} r
          ON r.enterprise_id = e.id
         AND r.{quote(period_col)} = (
               SELECT MAX(r2.{quote(period_col)}) FROM {quote(table)} r2
               WHERE r2.enterprise_id = e.id AND r2.{quote(period_col)} <= %s)
        WHERE e.id IN ({ids_sql})
        GROUP BY {group}
    """  # noqa: S608 - identifiers come from models and a fixed map; values are parameters
    params = [period, period, period - timedelta(days=stale_days), period, *ids_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out = {}
    for k, n, prod, work, employees, on_duty, weighted, output, filed, late, stale, never in rows:
        out[str(k) if k is not None else ""] = Figures(
            as_of=as_of, enterprises=n, production_resumed=prod or 0, work_resumed=work or 0,
            employees=int(employees or 0), on_duty=int(on_duty or 0),
            capacity_weighted=Decimal(int(weighted or 0)) / 1000,
            normal_output=Decimal(int(output or 0)) / 100, due=n, filed=filed or 0, filed_late=late or 0,
            stale=stale or 0, never_reported=never or 0,
        )  # fmt: skip
    return out


def figures(*, user: User, as_of: date, scope: Scope = Scope()) -> Figures:
    return _aggregate(user=user, as_of=as_of, scope=scope).get("", Figures(as_of=as_of))


def change(*, user: User, as_of: date, scope: Scope = Scope()) -> tuple[Figures, Figures]:
    """The figures as of D and as of the period before (the day, or the week for weekly duty)."""
    step = timedelta(days=7 if scope.duty == PeriodType.WEEKLY else 1)
    return figures(user=user, as_of=as_of, scope=scope), figures(user=user, as_of=as_of - step, scope=scope)


def breakdown(*, user: User, as_of: date, scope: Scope = Scope(), by: str = "league") -> list[Row]:
    """Rows by league (with Manzhouli and Erenhot also on their own), county, industry, park (enterprises in a
    park only) or tag."""
    if by == "tag":
        from fugong.enterprises.models import Tag

        rows = []
        for code, label in Tag.Code.choices:
            f = figures(user=user, as_of=as_of, scope=replace(scope, tag=code))
            rows.append(Row(code, str(label), f))
        return rows
    found = _aggregate(user=user, as_of=as_of, scope=scope, by=by)
    names = _names(by, found.keys())
    rows = [Row(code, names.get(code, code), f) for code, f in found.items()]
    rows.sort(key=lambda r: r.code)
    if by == "league":
        listed = list(Area.objects.filter(separately_listed=True).order_by("code"))
        codes = [a.code for a in listed]
        counties = _aggregate(user=user, as_of=as_of, scope=scope, by="county", counties=codes) if codes else {}
        for area in listed:
            if area.code in counties:
                rows.append(Row(area.code, area.display_name, counties[area.code], separately_listed=True))
    return rows


def _names(by: str, codes) -> dict[str, str]:
    from fugong.areas.models import Park
    from fugong.enterprises.models import Industry

    codes = [c for c in codes if c]
    if by in ("league", "county"):
        return {a.code: a.display_name for a in Area.objects.filter(code__in=codes)}
    if by == "industry":
        return {i.code: i.display_name for i in Industry.objects.filter(code__in=codes)}
    if by == "park":
        return {str(p.pk): p.name for p in Park.objects.filter(pk__in=codes)}
    return {}


def series(*, user: User, start: date, end: date, scope: Scope = Scope()) -> list[Figures]:
    step = timedelta(days=7 if scope.duty == PeriodType.WEEKLY else 1)
    days: list[date] = []
    while start + step * len(days) <= end:
        days.append(start + step * len(days))
    keys = _rollup_keys(user=user, scope=scope, by="") if days else None
    if keys == ():
        return [Figures(as_of=day) for day in days]
    if keys is not None:  # one read of the rollup for the whole range
        weekly = scope.duty == PeriodType.WEEKLY
        periods = [week_start(day) if weekly else day for day in days]
        totals = rollup.series(periods=periods, keys_sql=keys[0], keys_params=keys[1])
        return [
            _from_totals(day, t) if t.enterprises else Figures(as_of=day) for day, t in zip(days, totals, strict=True)
        ]
    out, day = [], start
    while day <= end:
        out.append(figures(user=user, as_of=day, scope=scope))
        day += step
    return out


def due_count(*, user: User, scope: Scope) -> int:
    return scoped_enterprises(user=user, scope=scope).aggregate(n=Count("id"))["n"]
