"""Reads of the work groups. `coverage` is the one figures function: the coverage page, the API, the
dashboard panel, the export and the brief paragraph all read it."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.utils import translation

from fugong import access
from fugong.accounts.models import OFFICIAL_ROLES, Role, User, WorkGroup
from fugong.areas.models import Area, Park
from fugong.core import bounds
from fugong.dispatch.models import DailyReport, Status, WeeklyReport, week_start
from fugong.enterprises.models import Enterprise
from fugong.problems.models import Problem
from fugong.problems.models import State as ProblemState
from fugong.workgroups.models import PlanItem, Visit, VisitPlan

REGION = "150000"
# What the group saw differs from the enterprise's own report of that day when the status differs, the people on
# duty differ by more than this share of the employees (and at least ON_DUTY_MIN), or the capacity by CAPACITY_POINTS.
ON_DUTY_SHARE = Decimal("0.1")
ON_DUTY_MIN = 5
CAPACITY_POINTS = Decimal(10)
RESOLVED = (ProblemState.RESOLVED, ProblemState.CONFIRMED)


def scope_code(scope) -> str:
    if scope is None or isinstance(scope, str):
        return scope or ""
    return getattr(scope, "county", "") or getattr(scope, "league", "") or ""


def in_scope(qs, scope):
    code = scope_code(scope)
    if code and code != REGION:
        qs = qs.filter(Q(league_id=code) | Q(county_id=code))
    return qs


@dataclass(frozen=True)
class VisitFilters:
    group: str = ""
    league: str = ""
    enterprise: str = ""
    date_from: date | None = None
    date_to: date | None = None


def visit_list(*, user: User, filters: VisitFilters | None = None) -> QuerySet[Visit]:
    f = filters or VisitFilters()
    qs = access.visible_visits(user).select_related("group", "enterprise", "park", "league", "county")
    if group_id := bounds.id_param(f.group, "group"):
        qs = qs.filter(group_id=group_id)
    if f.league:
        qs = qs.filter(Q(league_id=f.league) | Q(county_id=f.league))
    if f.enterprise:
        qs = qs.filter(enterprise__credit_code=f.enterprise)
    if f.date_from:
        qs = qs.filter(visited_on__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(visited_on__lte=f.date_to)
    return qs.order_by("-visited_on", "-pk")


# --- Plans ---------------------------------------------------------------------------------------------------


@dataclass
class PlanRow:
    item: PlanItem
    done: bool
    visited_on: date | None


@dataclass
class PlanProgress:
    plan: VisitPlan
    rows: list[PlanRow]

    @property
    def done(self) -> int:
        return sum(r.done for r in self.rows)

    @property
    def left(self) -> int:
        return len(self.rows) - self.done


def plan_progress(*, user: User, plan: VisitPlan) -> PlanProgress:
    """The plan's enterprises the user may see, each done once the group visited it on or after the plan's start."""
    items = list(
        access.visible_plan_items(user, plan)
        .select_related("enterprise", "park", "county")
        .order_by("day", "park__name", "enterprise__name")
    )
    first_visit: dict[int, date] = {}
    visits = Visit.objects.filter(
        group_id=plan.group_id, visited_on__gte=plan.starts_on, enterprise_id__in=[i.enterprise_id for i in items]
    ).values_list("enterprise_id", "visited_on")
    for enterprise_id, day in visits:
        if enterprise_id not in first_visit or day < first_visit[enterprise_id]:
            first_visit[enterprise_id] = day
    return PlanProgress(
        plan, [PlanRow(i, i.enterprise_id in first_visit, first_visit.get(i.enterprise_id)) for i in items]
    )


def plan_list(*, user: User, group: WorkGroup | None = None) -> list[tuple[VisitPlan, int, int, int]]:
    """(plan, enterprises planned, done, left) for every plan the user sees, as plan_progress counts them, in a
    fixed number of queries: the plans, their items, the groups' last visits of those enterprises."""
    qs = access.visible_visit_plans(user).select_related("group")
    if group is not None:
        qs = qs.filter(group=group)
    plans = list(qs)
    if not plans:
        return []
    items = access.visible_items_of_plans(user, plans)
    planned: dict[int, list[int]] = defaultdict(list)
    for plan_id, enterprise_id in items.values_list("plan_id", "enterprise_id"):
        planned[plan_id].append(enterprise_id)
    last_visit = {
        (group_id, enterprise_id): day
        for group_id, enterprise_id, day in Visit.objects.filter(
            group_id__in={p.group_id for p in plans},
            visited_on__gte=min(p.starts_on for p in plans),
            enterprise_id__in=items.values("enterprise_id"),
        )
        .values("group_id", "enterprise_id")
        .annotate(last=Max("visited_on"))
        .values_list("group_id", "enterprise_id", "last")
        .order_by()
    }
    rows = []
    for p in plans:
        ids = planned[p.pk]
        done = sum(1 for e in ids if (day := last_visit.get((p.group_id, e))) is not None and day >= p.starts_on)
        rows.append((p, len(ids), done, len(ids) - done))
    return rows


# --- Coverage: the figures -----------------------------------------------------------------------------------


@dataclass
class Tally:
    planned: int = 0  # enterprises on a plan
    visits: int = 0
    enterprises_visited: int = 0  # visited at least once
    parks_visited: int = 0  # with at least one enterprise visited
    parks_fully_visited: int = 0  # every enterprise of the park visited
    problems_found: int = 0
    problems_resolved: int = 0
    differing: int = 0  # visits whose figures differ from the enterprise's report of the day


@dataclass
class GroupRow:
    group: WorkGroup
    areas: list[str]
    members: int
    tally: Tally


@dataclass
class AreaRow:
    code: str
    name: str
    separately_listed: bool
    groups: list[str]
    enterprises: int
    tally: Tally

    @property
    def uncovered(self) -> bool:
        return not self.groups


@dataclass
class ParkRow:
    park: Park
    enterprises: int
    visited: int
    planned: int

    @property
    def fully_visited(self) -> bool:
        return self.enterprises > 0 and self.visited == self.enterprises


@dataclass(frozen=True)
class Reported:
    """The figures of the enterprise's own report, as the coverage reads them beside a visit."""

    status: str
    employees: int
    on_duty: int
    capacity_pct: Decimal

    def get_status_display(self) -> str:
        return str(Status(self.status).label)


@dataclass
class Difference:
    visit: Visit
    report: "Reported | DailyReport | WeeklyReport"

    @property
    def fields(self) -> list[str]:
        return differing_fields(self.visit, self.report)


@dataclass
class Coverage:
    as_of: date
    total: Tally
    groups: list[GroupRow] = field(default_factory=list)
    areas: list[AreaRow] = field(default_factory=list)
    parks: list[ParkRow] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    groups_active: int = 0  # groups with at least one visit
    leagues_visited: list[str] = field(default_factory=list)  # codes, in order
    cities_visited: list[str] = field(default_factory=list)

    @property
    def uncovered(self) -> list[AreaRow]:
        return [r for r in self.areas if r.uncovered]


def differing_fields(visit: Visit, report: Reported | DailyReport | WeeklyReport) -> list[str]:
    found = []
    if visit.status != report.status:
        found.append("status")
    tolerance = max(ON_DUTY_MIN, int(ON_DUTY_SHARE * max(visit.employees, report.employees)))
    if abs(visit.on_duty - report.on_duty) > tolerance:
        found.append("on_duty")
    if abs(Decimal(visit.capacity_pct) - Decimal(report.capacity_pct)) >= CAPACITY_POINTS:
        found.append("capacity_pct")
    return found


def _areas_of(groups: list[WorkGroup]) -> dict[int, tuple[set[str], set[str]]]:
    leagues: dict[int, set[str]] = defaultdict(set)
    cities: dict[int, set[str]] = defaultdict(set)
    for group_id, code in WorkGroup.leagues.through.objects.filter(workgroup__in=groups).values_list(
        "workgroup_id", "area_id"
    ):
        leagues[group_id].add(code)
    for group_id, code in WorkGroup.cities.through.objects.filter(workgroup__in=groups).values_list(
        "workgroup_id", "area_id"
    ):
        cities[group_id].add(code)
    return {g.pk: (leagues[g.pk], cities[g.pk]) for g in groups}


def coverage(*, user: User, as_of: date, scope=None) -> Coverage:
    """Coverage as of a day in the user's sight: plans, visits, parks fully visited, problems, differing reports."""
    visits_qs = in_scope(access.visible_visits(user).filter(visited_on__lte=as_of), scope)
    rows = _visit_rows(visits_qs)
    visits = [row[:6] for row in rows]
    groups = list(in_scope_groups(user, scope))
    group_areas = _areas_of(groups)
    enterprises_in_sight = in_scope(access.visible_enterprises(user), scope)
    items = in_scope(PlanItem.objects.filter(plan__group__in=[g.pk for g in groups], plan__starts_on__lte=as_of), scope)
    items = items.filter(enterprise__in=enterprises_in_sight) if not access.recording_groups(user).exists() else items
    planned = list(items.order_by().values_list("plan__group_id", "enterprise_id", "league_id", "county_id").distinct())

    # Parks: every enterprise of a park in sight, against those visited.
    park_members: dict[int, set[int]] = defaultdict(set)
    enterprise_park: dict[int, int] = {}
    for enterprise_id, park_id in enterprises_in_sight.filter(park__isnull=False).values_list("pk", "park_id"):
        park_members[park_id].add(enterprise_id)
        enterprise_park[enterprise_id] = park_id
    visited_by_group: dict[int, set[int]] = defaultdict(set)
    visited_by_league: dict[str, set[int]] = defaultdict(set)
    visited: set[int] = set()
    counties: set[str] = set()
    visits_of_group: dict[int, set[int]] = defaultdict(set)
    for pk, group_id, enterprise_id, league_id, county_id, _day in visits:
        visits_of_group[group_id].add(pk)
        visited.add(enterprise_id)
        visited_by_group[group_id].add(enterprise_id)
        visited_by_league[league_id].add(enterprise_id)
        counties.add(county_id)

    # Problems found on the visits in sight, counted once however many visits name them.
    problem_rows = Visit.problems.through.objects.filter(visit_id__in=visits_qs.values("pk")).values_list(
        "problem_id", "visit_id", "problem__state", "problem__resolved_on"
    )
    problem_visit: dict[int, int] = {}
    resolved: set[int] = set()
    for pk, visit_id, state, resolved_on in problem_rows:
        problem_visit.setdefault(pk, visit_id)
        if state in RESOLVED and resolved_on is not None and resolved_on <= as_of:
            resolved.add(pk)

    differences = _differences(rows)
    differing_ids = {d.visit.pk for d in differences}

    def tally(enterprise_ids: set[int], visit_ids: set[int], planned_ids: set[int]) -> Tally:
        parks_seen = {enterprise_park[e] for e in enterprise_ids if e in enterprise_park}
        fully = sum(1 for p in parks_seen if park_members[p] <= visited)
        found = {p for p, v in problem_visit.items() if v in visit_ids}
        return Tally(
            planned=len(planned_ids),
            visits=len(visit_ids),
            enterprises_visited=len(enterprise_ids),
            parks_visited=len(parks_seen),
            parks_fully_visited=fully,
            problems_found=len(found),
            problems_resolved=len(found & resolved),
            differing=len(differing_ids & visit_ids),
        )

    all_visit_ids = {v[0] for v in visits}
    result = Coverage(as_of=as_of, total=tally(visited, all_visit_ids, {p[1] for p in planned}))
    result.differences = differences
    names = dict(Area.objects.values_list("code", "name"))
    for g in groups:
        leagues, cities = group_areas[g.pk]
        ids = visits_of_group[g.pk]
        result.groups.append(
            GroupRow(
                group=g,
                areas=[names.get(c, c) for c in sorted(leagues)] + [names.get(c, c) for c in sorted(cities)],
                members=g.member_count,  # type: ignore[attr-defined]
                tally=tally(visited_by_group[g.pk], ids, {p[1] for p in planned if p[0] == g.pk}),
            )
        )
    result.areas = _area_rows(
        user, scope, groups, group_areas, visits, visited_by_league, planned, enterprises_in_sight, tally
    )
    result.parks = _park_rows(park_members, visited, planned)
    result.groups_active = len({v[1] for v in visits})
    separately = set(Area.objects.filter(separately_listed=True).values_list("code", flat=True))
    result.leagues_visited = sorted({v[3] for v in visits})
    result.cities_visited = sorted(counties & separately)
    return result


def in_scope_groups(user: User, scope) -> QuerySet[WorkGroup]:
    from django.db.models import Count

    groups = access.visible_work_groups(user)
    code = scope_code(scope)
    if code and code != REGION:
        area = Area.objects.filter(code=code).first()
        league = area.league_code if area else code
        groups = groups.filter(Q(leagues=league) | Q(cities=code) | Q(cities__parent_id=code)).distinct()
    return WorkGroup.objects.filter(pk__in=groups.values("pk")).annotate(member_count=Count("members")).order_by("name")


def _area_rows(
    user, scope, groups, group_areas, visits, visited_by_league, planned, enterprises_in_sight, tally
) -> list[AreaRow]:
    """The leagues and separately listed cities in the user's sight, each with the groups sent there."""
    areas = access.visible_areas(user).filter(Q(level=Area.Level.LEAGUE) | Q(separately_listed=True))
    code = scope_code(scope)
    if code and code != REGION:
        areas = areas.filter(Q(code=code) | Q(parent_id=code, separately_listed=True))
    counts: dict[str, int] = defaultdict(int)
    for league_id, county_id in enterprises_in_sight.values_list("league_id", "county_id"):
        counts[league_id] += 1
        counts[county_id] += 1
    rows = []
    for area in areas.order_by("code"):
        if area.separately_listed:
            sent = [
                g.name for g in groups if area.code in group_areas[g.pk][1] or area.parent_id in group_areas[g.pk][0]
            ]
            ids = {v[0] for v in visits if v[4] == area.code}
            enterprise_ids = {v[2] for v in visits if v[4] == area.code}
            planned_ids = {p[1] for p in planned if p[3] == area.code}
        else:
            sent = [g.name for g in groups if area.code in group_areas[g.pk][0]]
            ids = {v[0] for v in visits if v[3] == area.code}
            enterprise_ids = visited_by_league[area.code]
            planned_ids = {p[1] for p in planned if p[2] == area.code}
        rows.append(
            AreaRow(
                area.code,
                area.display_name,
                area.separately_listed,
                sent,
                counts[area.code],
                tally(enterprise_ids, ids, planned_ids),
            )
        )
    return rows


def _park_rows(park_members, visited, planned) -> list[ParkRow]:
    planned_ids = {p[1] for p in planned}
    parks = Park.objects.filter(pk__in=list(park_members)).select_related("league").order_by("league_id", "name")
    return [
        ParkRow(p, len(park_members[p.pk]), len(park_members[p.pk] & visited), len(park_members[p.pk] & planned_ids))
        for p in parks
    ]


def _visit_rows(visits) -> list[tuple]:
    """Each visit with what the group saw and, looked up in SQL beside it (one index lookup a row), the figures of the
    enterprise's daily report of the same day: (pk, group, enterprise, league, county, day, seen ×4, reported ×4)."""
    same_day = DailyReport.objects.filter(enterprise_id=OuterRef("enterprise_id"), date=OuterRef("visited_on"))
    figures = ("status", "employees", "on_duty", "capacity_pct")
    return list(
        visits.order_by()
        .annotate(**{f"r_{name}": Subquery(same_day.values(name)[:1]) for name in figures})
        .values_list(
            "pk", "group_id", "enterprise_id", "league_id", "county_id", "visited_on",
            *figures, *(f"r_{name}" for name in figures),
        )
    )  # fmt: skip


def _differences(rows: list[tuple]) -> list[Difference]:
    """Visits whose figures differ from the enterprise's own report: of the same day, else of the same week (park
    enterprises report weekly; their reports are few and read at once). Only the visits that differ become objects."""
    without = {(r[2], week_start(r[5])) for r in rows if r[10] is None}
    weekly: dict = {}
    if without:
        weekly = {
            (w[0], w[1]): w[2:]
            for w in WeeklyReport.objects.filter(
                enterprise_id__in={e for e, _w in without}, week__in={w for _e, w in without}
            ).values_list("enterprise_id", "week", "status", "employees", "on_duty", "capacity_pct")
        }
    differing: dict[int, tuple] = {}
    for row in rows:
        pk, enterprise_id, day = row[0], row[2], row[5]
        seen, reported = tuple(row[6:10]), tuple(row[10:14])
        if reported[0] is None:
            reported = weekly.get((enterprise_id, week_start(day)), reported)
        if reported[0] is not None and _differs(seen, reported):
            differing[pk] = reported
    if not differing:
        return []
    found = [
        Difference(v, Reported(*differing[v.pk]))
        for v in Visit.objects.filter(pk__in=list(differing)).select_related("enterprise", "group")
    ]
    found.sort(key=lambda d: (-d.visit.visited_on.toordinal(), d.visit.pk))
    return found


def _differs(seen: tuple, reported: tuple) -> bool:
    status, employees, on_duty, capacity = seen
    r_status, r_employees, r_on_duty, r_capacity = reported
    tolerance = max(ON_DUTY_MIN, int(ON_DUTY_SHARE * max(employees, r_employees)))
    return (
        status != r_status
        or abs(on_duty - r_on_duty) > tolerance
        or abs(Decimal(capacity) - Decimal(r_capacity)) >= CAPACITY_POINTS
    )


def chinese_names() -> dict[str, str]:
    """Leagues by code in Chinese: the map (neimenggu.js) names its features so, whatever the page language."""
    return dict(Area.objects.filter(level=Area.Level.LEAGUE).values_list("code", "name"))


def report_of(visit: Visit) -> DailyReport | WeeklyReport | None:
    """The enterprise's own report to set beside what the group saw: its daily report of the day, else its weekly
    report of the week (park enterprises report weekly)."""
    return (
        DailyReport.objects.filter(enterprise_id=visit.enterprise_id, date=visit.visited_on).first()
        or WeeklyReport.objects.filter(enterprise_id=visit.enterprise_id, week=week_start(visit.visited_on)).first()
    )


def group_enterprise_count(group: WorkGroup) -> int:
    return access.group_enterprises(group).count()


def enterprises_for_visit(*, group: WorkGroup) -> QuerySet[Enterprise]:
    return access.group_enterprises(group).select_related("park").order_by("park__name", "name")


# --- The brief and the dashboard -----------------------------------------------------------------------------


def brief_lines(*, user: User, as_of: date, scope=None) -> list[str]:
    """截至2月22日，7个工作组深入12个盟市（含满洲里、二连浩特），走访园区N个、企业N户，现场发现问题N个，已协调解决N个。"""
    c = coverage(user=user, as_of=as_of, scope=scope)
    t = c.total
    if not t.visits:
        return []
    names = dict(Area.objects.filter(code__in=c.leagues_visited + c.cities_visited).values_list("code", "name"))
    many = len(c.leagues_visited) > 1
    where = f"{len(c.leagues_visited)}个盟市" if many else names.get(c.leagues_visited[0], "")
    if c.cities_visited:
        # The department writes the ports without 市: （含满洲里、二连浩特）.
        where += "（含" + "、".join(names[code].removesuffix("市") for code in c.cities_visited) + "）"
    line = (
        f"截至{as_of.month}月{as_of.day}日，{c.groups_active}个工作组深入{where}，"
        f"走访园区{t.parks_visited}个、企业{t.enterprises_visited}户，"
        f"现场发现问题{t.problems_found}个，已协调解决{t.problems_resolved}个。"
    )
    if t.parks_fully_visited:
        line += f"已完成{t.parks_fully_visited}个园区企业逐一走访。"
    if t.differing:
        line += f"现场核查发现{t.differing}户次企业自报数据与实际不符，已督促更正。"
    return [line]


def brief_section(ctx):
    """The brief's section on the work groups (registered with analytics.brief by WorkgroupsConfig.ready)."""
    from fugong.analytics.brief import Section

    lines = brief_lines(user=ctx.user, as_of=ctx.as_of, scope=ctx.scope)
    return Section("workgroups", "工作组驻点服务情况", "".join(lines)) if lines else None


def dashboard_panel(ctx):
    """The dashboard's panel on the work groups (registered with analytics.sections by WorkgroupsConfig.ready)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from fugong.analytics.sections import Panel

    c = coverage(user=ctx.user, as_of=ctx.as_of, scope=ctx.scope)
    t = c.total
    if not t.visits:
        return None
    figures = [
        (_("Enterprises visited"), _("%(n)s enterprises") % {"n": f"{t.enterprises_visited:,}"}),
        (_("Parks fully visited"), f"{t.parks_fully_visited:,} / {t.parks_visited:,}"),
        (_("Problems found on visits"), f"{t.problems_found:,}"),
        (_("Resolved"), f"{t.problems_resolved:,}"),
        (_("Reports differing from the visit"), f"{t.differing:,}"),
    ]
    return Panel("workgroups", _("Work groups"), figures, link=reverse("workgroups:coverage"))


# --- The weekly group report (工作组周报) ---------------------------------------------------------------------


def weekly_report(*, user: User, group: WorkGroup, monday: date):
    """The group's week, Monday to Sunday, as a Brief (written to .docx by the brief's own writer)."""
    from collections import Counter
    from datetime import timedelta

    from fugong.analytics.brief import Brief, Section, date_text
    from fugong.problems.models import Category

    sunday = monday + timedelta(days=6)
    visits_qs = access.visible_visits(user).filter(group=group)
    week = list(visits_qs.filter(visited_on__range=(monday, sunday)).select_related("enterprise", "league"))
    so_far = visits_qs.filter(visited_on__lte=sunday)
    leagues = sorted({v.league.name for v in week})
    parks = {v.park_id for v in week if v.park_id}
    enterprises = {v.enterprise_id for v in week}
    period = f"{date_text(monday)}至{date_text(sunday)}"
    title = f"{group.name}工作周报"
    if not week:
        text = f"本周（{period}），{group.name}无走访记录。"
        return Brief(title, sunday, group.name, [Section("visits", "本周走访情况", text)])
    found = list(Problem.objects.filter(visits__in=[v.pk for v in week]).distinct())
    fixed = [p for p in found if p.state in RESOLVED and p.resolved_on and p.resolved_on <= sunday]
    text = (
        f"本周（{period}），{group.name}深入{'、'.join(leagues)}，走访园区{len(parks)}个、企业{len(enterprises)}户，"
        f"现场发现问题{len(found)}个，已协调解决{len(fixed)}个；"
        f"截至{date_text(sunday)}累计走访企业{so_far.values('enterprise_id').distinct().count()}户。"
    )
    sections = [Section("visits", "本周走访情况", text)]
    if found:
        labels = dict(Category.choices)
        counts: list[tuple[str, int]] = Counter(p.category for p in found).most_common()
        with translation.override("zh-hans"):
            listed = "、".join(f"{labels[c]}{n}个" for c, n in counts)
        sections.append(Section("problems", "发现的问题", f"按类别分：{listed}。"))
    rows = _visit_rows(visits_qs.filter(visited_on__range=(monday, sunday)))
    differing = _differences(rows)
    if differing:
        listed = "；".join(
            f"{d.visit.enterprise.name}（现场在岗{d.visit.on_duty}人、自报{d.report.on_duty}人）"
            for d in differing[:10]
        )
        sections.append(
            Section("differences", "自报数据核查", f"{len(differing)}户次企业自报数据与现场不符：{listed}。")
        )
    following = PlanItem.objects.filter(
        plan__group=group, day__range=(sunday + timedelta(days=1), sunday + timedelta(days=7))
    ).exclude(enterprise__in=so_far.values("enterprise_id"))
    planned_next = following.values("enterprise_id").distinct().count()
    if planned_next:
        next_parks = following.exclude(park__isnull=True).values("park_id").distinct().count()
        sections.append(Section("next", "下周计划", f"计划走访园区{next_parks}个、企业{planned_next}户。"))
    return Brief(title, sunday, group.name, sections)


def official_choices() -> QuerySet[User]:
    """The officials who may join a work group: every active official, by area."""
    return (
        User.objects.filter(role__in=OFFICIAL_ROLES, is_active=True)
        .select_related("area")
        .order_by("area_id", "username")
    )


def leader_choices(group: WorkGroup | None) -> QuerySet[User]:
    """Who may be offered as leader: the group's own members and the officials (the service checks they joined)."""
    members = Q(role=Role.WORKGROUP, work_group=group, is_active=True) if group is not None else Q(pk__in=[])
    return User.objects.filter(members | Q(role__in=OFFICIAL_ROLES, is_active=True)).order_by("role", "username")
