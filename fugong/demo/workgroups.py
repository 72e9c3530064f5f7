"""The demo's work groups: 7 groups of 3 to 5 members over the 12 leagues and the two separately listed cities,
plans park by park and visits from 2020-02-03 to 2020-03-31.

Each group works through the enterprises of the parks in its areas, park after park, at a pace that finishes most
parks by mid-March; a few visits slip a day or two, a few enterprises are left for late March, some are visited
again. What the group sees is the enterprise's own report of the day (or of the week, for park enterprises), except
for a few visits where the group found less than was reported. About one visit in eleven finds a problem, put in
the ledger with source "visit", routed and given its deadline by the ledger's own functions, and most of the time
resolved within days.

Everything is written in bulk (members share one password hash); the full demo's step takes about 4 seconds.
"""

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import Q

from fugong.accounts.models import Department, Role, User, WorkGroup
from fugong.areas.models import Area
from fugong.core.bulk import insert_rows
from fugong.dispatch.models import DailyReport, Status, WeeklyReport, week_start
from fugong.enterprises.models import Enterprise
from fugong.problems import services as problems
from fugong.problems.models import Problem, TimelineEntry
from fugong.problems.models import Source as ProblemSource
from fugong.problems.models import State as ProblemState
from fugong.workgroups.models import PlanItem, Source, Visit, VisitPlan

FIRST_DAY = date(2020, 2, 3)
LAST_DAY = date(2020, 3, 31)
SHANGHAI = ZoneInfo("Asia/Shanghai")
# The separately listed cities, each sent with the group of its league.
CITIES = {"第七工作组": ["150781"], "第五工作组": ["152501"]}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐韩冯邓曹彭"
GIVEN = ["建国", "志强", "海军", "丽娟", "晓东", "文博", "永明", "秀英", "国华", "春生", "立新", "慧敏", "振宇", "雪梅"]
PORTS = {"150781", "152501"}
PROBLEM_SHARE = 0.09
DIFFERING_SHARE = 0.015
REVISIT_SHARE = 0.08
# A few parks where some enterprises were closed or moved away when the group came: left for later, or never seen.
PARKS_WITH_MISSES = 0.15
MISSED_SHARE = 0.12
PROBLEM_CATEGORIES = [
    ("labour", 5), ("raw_materials", 4), ("transport", 4), ("financing", 3), ("epidemic_supplies", 3),
    ("backlog", 2), ("funding", 2), ("supply_chain", 2), ("approvals", 1), ("other", 1),
]  # fmt: skip
MET = ["企业负责人", "生产副总", "办公室主任", "安全环保部经理"]
GUIDANCE = [
    "指导企业完善疫情防控方案，落实测温、消毒、登记等措施",
    "宣讲阶段性减免社保费、稳岗返还等支持政策",
    "指导企业分批有序安排员工返岗",
    "协助企业对接上下游配套企业，畅通供应链",
    "督促企业如实填报日调度数据",
]


def _at(day: date, hour: int = 16) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=SHANGHAI)


def _members(rng: random.Random, groups: list[WorkGroup]) -> dict[int | None, list[User]]:
    """3 to 5 members a group: the demo's login of a group counts as one; one password hash for all of them."""
    existing: dict[int | None, list[User]] = defaultdict(list)
    for user in User.objects.filter(role=Role.WORKGROUP, work_group__in=groups).order_by("pk"):
        existing[user.work_group_id].append(user)
    password = make_password("Fugong@2020")
    new = []
    for n, group in enumerate(groups, start=1):
        for i in range(rng.randint(3, 5) - len(existing[group.pk])):
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            new.append(
                User(
                    username=f"wg{n}_{i + 1}",
                    first_name=name,
                    role=Role.WORKGROUP,
                    work_group=group,
                    password=password,
                )
            )
    User.objects.bulk_create(new)
    members: dict[int | None, list[User]] = defaultdict(list)
    for user in User.objects.filter(role=Role.WORKGROUP, work_group__in=groups).order_by("pk"):
        members[user.work_group_id].append(user)
    return members


def _schedule(rng: random.Random, enterprises: list[Enterprise]) -> list[tuple[Enterprise, date]]:
    """The group's park enterprises, park after park, at a pace that ends between March 8 and March 20.

    The ports come first, then one park of each of the group's leagues in turn, so every league is visited in the
    first weeks.
    """
    by_park: dict[int, list[Enterprise]] = defaultdict(list)
    for e in enterprises:
        if e.park_id is not None:
            by_park[e.park_id].append(e)
    by_league: dict[str, list[int]] = defaultdict(list)
    for park_id in sorted(by_park):
        by_league[by_park[park_id][0].league_id].append(park_id)
    for parks in by_league.values():
        rng.shuffle(parks)
    turns = [
        parks[i]
        for i in range(max(map(len, by_league.values()), default=0))
        for parks in by_league.values()
        if i < len(parks)
    ]
    turns.sort(key=lambda p: not any(e.county_id in PORTS for e in by_park[p]))
    queue = [e for p in turns for e in sorted(by_park[p], key=lambda e: e.credit_code)]
    end = date(2020, 3, 8) + timedelta(days=rng.randint(0, 12))
    days = (end - FIRST_DAY).days + 1
    return [(e, FIRST_DAY + timedelta(days=min(days - 1, i * days // max(1, len(queue))))) for i, e in enumerate(queue)]


def _reports() -> tuple[dict, dict]:
    """The park enterprises' reports by (enterprise, day) and (enterprise, week), read in plain SQL: a hundred thousand
    rows through the ORM's converters took seconds."""
    found: list[dict] = []
    for model, period in ((DailyReport, "date"), (WeeklyReport, "week")):
        table = connection.ops.quote_name(model._meta.db_table)
        enterprises = connection.ops.quote_name(Enterprise._meta.db_table)
        sql = (
            f"SELECT r.enterprise_id, r.{period}, r.status, r.employees, r.on_duty, r.capacity_pct FROM {table} r "  # noqa: S608  names from models
            f"WHERE r.enterprise_id IN (SELECT id FROM {enterprises} WHERE park_id IS NOT NULL)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            found.append({(e, str(day)): (st, emp, duty, Decimal(str(cap))) for e, day, st, emp, duty, cap in cursor})
    return found[0], found[1]


def _seen(e: Enterprise, day: date, daily: dict, weekly: dict) -> tuple:
    """(status, employees, on duty, capacity %): the report of the day or week, or a plausible start."""
    found = daily.get((e.pk, str(day))) or weekly.get((e.pk, str(week_start(day))))
    if found is None:
        employees = e.employees
        found = (Status.NOT_RESUMED, employees, employees // 10, Decimal(0))
    status, employees, on_duty, capacity = found
    return status, employees, on_duty, Decimal(capacity)


def _differ(row: tuple) -> tuple:
    """A visit where the group found fewer people and less output on site than the enterprise reported."""
    values = list(row)
    values[7] = Status.WORK_RESUMED
    values[9] = values[9] * 6 // 10
    values[10] = max(Decimal(0), values[10] - 25)
    return tuple(values)


def build_workgroups(ctx) -> dict[str, int]:
    rng = random.Random(f"{ctx.seed}:workgroups")  # noqa: S311  demo data, not secrets
    groups = list(WorkGroup.objects.order_by("name"))
    if not groups:
        return {}
    members = _members(rng, groups)
    cities = {a.code: a for a in Area.objects.filter(separately_listed=True)}
    for group in groups:
        group.starts_on, group.ends_on = FIRST_DAY, LAST_DAY
        group.leader = members[group.pk][0] if members[group.pk] else None
        group.save(update_fields=["starts_on", "ends_on", "leader"])
        group.cities.set([cities[c] for c in CITIES.get(group.name, []) if c in cities])
    # A league official goes along with the group sent to the league.
    official = User.objects.filter(username="baotou").first()
    first = next((g for g in groups if g.name == "第一工作组"), None)
    if official is not None and first is not None:
        first.officials.add(official)

    plans: list[VisitPlan] = []
    items: list[tuple] = []
    visit_rows: list[tuple] = []
    found: list[tuple[int, Enterprise, date, int | None]] = []  # (visit row index, enterprise, day, member)
    all_park = list(Enterprise.objects.filter(park__isnull=False).order_by("pk"))
    daily, weekly = _reports()
    for group in groups:
        leagues = set(group.leagues.values_list("code", flat=True))
        mine = [e for e in all_park if e.league_id in leagues]
        schedule = _schedule(rng, mine)
        month_plans = {
            2: VisitPlan(group=group, name="2月园区企业走访计划", starts_on=FIRST_DAY, ends_on=date(2020, 2, 29)),
            3: VisitPlan(group=group, name="3月园区企业走访计划", starts_on=date(2020, 3, 1), ends_on=LAST_DAY),
        }
        plans.extend(month_plans.values())
        VisitPlan.objects.bulk_create(month_plans.values())
        people: list[User | None] = [*members[group.pk]] or [None]
        parks = sorted({e.park_id for e in mine if e.park_id is not None})
        missing = set(rng.sample(parks, round(len(parks) * PARKS_WITH_MISSES)))
        for e, day in schedule:
            plan = month_plans[day.month]
            items.append((plan.pk, e.pk, e.park_id, e.league_id, e.county_id, day))
            if e.park_id in missing and rng.random() < MISSED_SHARE:
                continue
            visits = [min(LAST_DAY, day + timedelta(days=rng.choice([0, 0, 0, 0, 0, 0, 0, 0, 1, 2])))]
            if rng.random() < REVISIT_SHARE and visits[0] + timedelta(days=7) <= LAST_DAY:
                visits.append(visits[0] + timedelta(days=rng.randint(7, 14)))
            for n, seen_on in enumerate(visits):
                if n and seen_on > LAST_DAY:
                    break
                status, employees, on_duty, capacity = _seen(e, seen_on, daily, weekly)
                member = rng.choice(people)
                key = f"demo-{group.pk}-{len(visit_rows)}"
                visit_rows.append(
                    (
                        group.pk, e.pk, e.league_id, e.county_id, e.park_id, seen_on, rng.choice(MET),
                        status, employees, on_duty, capacity, rng.choice(GUIDANCE), key,
                        Source.DEMO, member.pk if member else None, _at(seen_on),
                    )
                )  # fmt: skip
                if rng.random() < PROBLEM_SHARE:
                    found.append((len(visit_rows) - 1, e, seen_on, member.pk if member else None))
    # A few visits where what the group saw differs from the report: people on duty that were not there.
    candidates = [i for i, row in enumerate(visit_rows) if row[9] > 10]
    chosen = rng.sample(candidates, min(len(candidates), max(3, round(len(visit_rows) * DIFFERING_SHARE))))
    for i in chosen:
        visit_rows[i] = _differ(visit_rows[i])
    differing = len(chosen)
    insert_rows(PlanItem, ["plan", "enterprise", "park", "league", "county", "day"], items)
    insert_rows(
        Visit,
        ["group", "enterprise", "league", "county", "park", "visited_on", "met", "status", "employees", "on_duty",
         "capacity_pct", "guidance", "client_key", "source", "recorded_by", "recorded_at"],
        visit_rows,
    )  # fmt: skip
    visit_ids = dict(Visit.objects.values_list("client_key", "pk"))
    resolved = 0
    categories, weights = zip(*PROBLEM_CATEGORIES, strict=True)
    from fugong.demo.problems import DESCRIPTIONS, RESOLUTIONS

    # The problems, in bulk but as the ledger routes them: its department for the category, its deadline, and the
    # timeline entries its moves write (raise; accept and resolve for those resolved by the end of March).
    departments: dict[str, int] = {}
    planned_problems, outcomes = [], []
    for index, e, day, member_id in found:
        category = rng.choices(categories, weights)[0]
        urgency = "urgent" if rng.random() < 0.2 else "normal"
        text = rng.choice(DESCRIPTIONS[category]).format(n=rng.choice([20, 50, 80, 120]))
        if category not in departments:
            departments[category] = problems.default_department(category).pk
        accepted = day + timedelta(days=rng.randint(0, 1))
        done = accepted + timedelta(days=rng.randint(1, 8))
        fixed = rng.random() < 0.7 and done <= LAST_DAY
        resolved += fixed
        planned_problems.append(
            Problem(
                enterprise=e,
                league_id=e.league_id,
                county_id=e.county_id,
                category=category,
                urgency=urgency,
                description=f"工作组走访发现：{text}",
                state=ProblemState.RESOLVED if fixed else ProblemState.SUBMITTED,
                department_id=departments[category],
                raised_by_id=member_id,
                source=ProblemSource.VISIT,
                raised_on=day,
                due_on=problems.due_date(day, category, urgency),
                resolved_on=done if fixed else None,
                resolution=RESOLUTIONS[category] if fixed else "",
            )
        )
        outcomes.append((visit_ids[visit_rows[index][12]], day, accepted, done, fixed))
    created = Problem.objects.bulk_create(planned_problems)
    departments_named = list(Department.objects.filter(pk__in=departments.values()).values_list("pk", "name"))
    entries = []
    names = dict(departments_named)
    for problem, (_visit, day, accepted, done, fixed) in zip(created, outcomes, strict=True):
        entries.append(
            TimelineEntry(problem=problem, at=_at(day, 17), actor_id=problem.raised_by_id, action="raise",
                          to_state="submitted", comment=problem.description,
                          detail={"department": names[problem.department_id]})
        )  # fmt: skip
        if fixed:
            entries.append(TimelineEntry(problem=problem, at=_at(accepted, 10), action="accept",
                                         from_state="submitted", to_state="accepted"))  # fmt: skip
            entries.append(TimelineEntry(problem=problem, at=_at(done, 15), action="resolve", from_state="accepted",
                                         to_state="resolved", comment=problem.resolution))  # fmt: skip
    TimelineEntry.objects.bulk_create(entries)
    Visit.problems.through.objects.bulk_create(
        Visit.problems.through(visit_id=visit_id, problem_id=problem.pk)
        for problem, (visit_id, *_rest) in zip(created, outcomes, strict=True)
    )
    return {
        "work-group members": sum(len(m) for m in members.values()),
        "visit plans": len(plans),
        "planned visits": len(items),
        "visits": len(visit_rows),
        "problems found on visits": len(found),
        "of which resolved": resolved,
        "visits differing from the report": differing,
    }


def wipe_workgroups() -> None:
    Visit.problems.through.objects.all().delete()
    Problem.objects.filter(source="visit").delete()
    Visit.objects.all().delete()
    VisitPlan.objects.all().delete()
    WorkGroup.officials.through.objects.all().delete()
    WorkGroup.cities.through.objects.all().delete()
    WorkGroup.objects.update(leader=None, starts_on=None, ends_on=None)
    User.objects.filter(Q(username__startswith="wg"), role=Role.WORKGROUP).delete()
