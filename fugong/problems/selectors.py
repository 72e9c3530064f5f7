"""Reads of the ledger for pages, the API, the export and the brief; every one starts from access.visible_problems."""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet

from fugong import access
from fugong.accounts.models import User
from fugong.core import bounds
from fugong.core.text import mask_phone
from fugong.problems import data
from fugong.problems.deadlines import add_working_days, working_days_between
from fugong.problems.models import OPEN_STATES, Category, Problem, State

RESOLVED_STATES = (State.RESOLVED, State.CONFIRMED)


@dataclass
class ProblemFilters:
    state: str = ""
    category: str = ""
    league: str = ""
    department: str = ""
    handler: str = ""
    due: str = ""  # "soon" or "overdue"
    escalated: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, params) -> "ProblemFilters":
        return cls(**{name: (params.get(name) or "").strip() for name in cls.__dataclass_fields__})


def due_soon_limit(today: date) -> date:
    return add_working_days(today, data.DUE_SOON_DAYS)


def problem_list(*, user: User, filters: ProblemFilters | None = None, today: date | None = None) -> QuerySet[Problem]:
    from django.utils import timezone

    f = filters or ProblemFilters()
    today = today or timezone.localdate()
    qs = access.visible_problems(user).select_related("enterprise", "league", "department", "handler")
    if f.state in State.values:
        qs = qs.filter(state=f.state)
    if f.category in Category.values:
        qs = qs.filter(category=f.category)
    if f.league:
        qs = qs.filter(league_id=f.league)
    if f.department:
        qs = qs.filter(department_id=bounds.id_param(f.department, "department") or 0)
    if f.handler == "me":
        qs = qs.filter(handler=user)
    elif f.handler:
        qs = qs.filter(handler_id=bounds.id_param(f.handler, "handler"))
    if f.due == "overdue":
        qs = qs.filter(state__in=OPEN_STATES, due_on__lt=today)
    elif f.due == "soon":
        qs = qs.filter(state__in=OPEN_STATES, due_on__gte=today, due_on__lte=due_soon_limit(today))
    if f.escalated in ("league", "region"):
        qs = qs.filter(escalation=f.escalated)
    if f.q:
        qs = qs.filter(
            Q(enterprise__name__icontains=f.q) | Q(description__icontains=f.q) | Q(enterprise__credit_code=f.q.upper())
        )
    return qs


def handler_queue(*, user: User) -> QuerySet[Problem]:
    return problem_list(user=user).filter(state__in=OPEN_STATES).order_by("due_on", "pk")


def merge_candidates(problem: Problem) -> QuerySet[Problem]:
    """The same enterprise raising the same category within a few days: perhaps one problem twice."""
    window = timedelta(days=data.MERGE_WINDOW_DAYS)
    return (
        Problem.objects.filter(enterprise_id=problem.enterprise_id, category=problem.category)
        .filter(raised_on__gte=problem.raised_on - window, raised_on__lte=problem.raised_on + window)
        .exclude(pk=problem.pk)
        .exclude(state=State.DECLINED)
        .order_by("raised_on")
    )


def contact_of(user: User, enterprise, *, problem=None, referral=None) -> tuple[str, str]:
    phone = enterprise.contact_phone
    shown = access.can_call_about(user, enterprise, problem=problem, referral=referral)
    return enterprise.contact_name, phone if shown else mask_phone(phone)


# --- Statistics ---------------------------------------------------------------------------------------------


@dataclass
class StatRow:
    key: str
    label: str
    raised: int = 0
    resolved: int = 0
    overdue: int = 0
    rated: int = 0
    satisfied: int = 0
    days: list[int] = field(default_factory=list, repr=False)

    @property
    def resolution_rate(self) -> float | None:
        return round(100 * self.resolved / self.raised, 1) if self.raised else None

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days) if self.days else None

    @property
    def satisfaction(self) -> float | None:
        return round(100 * self.satisfied / self.rated, 1) if self.rated else None


@dataclass
class ProblemStats:
    as_of: date
    total: StatRow
    by_category: list[StatRow]
    by_league: list[StatRow]
    by_department: list[StatRow]
    by_state: dict[str, int]


def scope_code(scope) -> str:
    """An area code from a code, None, or a scope object with `county` and `league` (analytics.figures.Scope)."""
    if scope is None or isinstance(scope, str):
        return scope or ""
    return getattr(scope, "county", "") or getattr(scope, "league", "") or ""


def in_scope(qs, scope):
    code = scope_code(scope)
    if code and code != "150000":
        qs = qs.filter(Q(league_id=code) | Q(county_id=code))
    return qs


def problem_stats(*, user: User, as_of: date, scope=None) -> ProblemStats:
    """Figures as of a day: what was raised by then, resolved by then, open past its deadline on that day."""
    qs = in_scope(access.visible_problems(user).filter(raised_on__lte=as_of), scope)
    # The enterprise's verdicts: each reopening counts as one "not satisfied", as does a final no.
    reopened = Count("timeline", filter=Q(timeline__action="reopen", timeline__at__date__lte=as_of))
    rows = qs.annotate(reopened=reopened).values_list(
        "reopened",
        "category", "league_id", "league__name", "department_id", "department__name",
        "state", "raised_on", "due_on", "resolved_on", "closed_on", "satisfied",
    )  # fmt: skip
    total = StatRow("", "")
    groups: dict[str, dict] = {"category": {}, "league": {}, "department": {}}
    labels = dict(Category.choices)
    by_state: dict[str, int] = defaultdict(int)
    for (
        reopens,
        category,
        league,
        league_name,
        dept,
        dept_name,
        state,
        raised,
        due,
        resolved_on,
        closed_on,
        satisfied,
    ) in rows:
        keys = {
            "category": (category, str(labels[category])),
            "league": (league, league_name),
            "department": (str(dept), dept_name),
        }
        targets = [total] + [groups[g].setdefault(k, StatRow(k, label)) for g, (k, label) in keys.items()]
        resolved = resolved_on is not None and resolved_on <= as_of and state in RESOLVED_STATES
        closed = closed_on is not None and closed_on <= as_of
        overdue = not resolved and not closed and due < as_of
        rated = satisfied is not None and closed
        by_state[state] += 1
        for row in targets:
            row.raised += 1
            if resolved:
                row.resolved += 1
                row.days.append(working_days_between(raised, resolved_on))
            row.overdue += overdue
            row.rated += reopens
            if rated:
                row.rated += 1
                row.satisfied += bool(satisfied)
    order = {code: i for i, code in enumerate(Category.values)}
    league_names(groups["league"].values())
    return ProblemStats(
        as_of=as_of,
        total=total,
        by_category=sorted(groups["category"].values(), key=lambda r: order[r.key]),
        by_league=sorted(groups["league"].values(), key=lambda r: r.key),
        by_department=sorted(groups["department"].values(), key=lambda r: (-r.raised, r.label)),
        by_state=dict(by_state),
    )


def league_names(rows) -> None:
    """League labels in the reader's language (Area.display_name), one query for all rows."""
    from fugong.areas.models import Area

    rows = list(rows)
    areas = {a.code: a for a in Area.objects.filter(code__in=[r.key for r in rows])}
    for row in rows:
        if row.key in areas:
            row.label = areas[row.key].display_name


def _rate(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def brief_lines(*, user: User, as_of: date, scope=None) -> list[str]:
    """Sentences for the brief, in its house style: counts in 件, full-width punctuation."""
    stats = problem_stats(user=user, as_of=as_of, scope=scope)
    t = stats.total
    if not t.raised:
        return []
    day = f"{as_of.month}月{as_of.day}日"
    line = f"截至{day}，企业反映复工复产问题{t.raised}件，已解决{t.resolved}件，解决率{_rate(t.resolution_rate or 0)}%"
    line += f"；超期未办结{t.overdue}件。" if t.overdue else "，无超期未办结问题。"
    lines = [line]
    top = sorted(stats.by_category, key=lambda r: -r.raised)[:3]
    lines.append("问题主要集中在" + "、".join(f"{data.CATEGORY_ZH[r.key]}（{r.raised}件）" for r in top) + "。")
    return lines


def brief_section(ctx):
    """The brief's section on problems (registered with analytics.brief by ProblemsConfig.ready)."""
    from fugong.analytics.brief import Section

    lines = brief_lines(user=ctx.user, as_of=ctx.as_of, scope=ctx.scope)
    return Section("problem_ledger", "问题诉求办理情况", "".join(lines)) if lines else None


def dashboard_panel(ctx):
    """The dashboard's panel on problems (registered with analytics.sections by ProblemsConfig.ready)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from fugong.analytics.sections import Panel

    t = problem_stats(user=ctx.user, as_of=ctx.as_of, scope=ctx.scope).total
    if not t.raised:
        return None
    figures = [
        (_("Problems raised"), _("%(n)s problems") % {"n": f"{t.raised:,}"}),
        (_("Resolved"), _("%(n)s problems") % {"n": f"{t.resolved:,}"}),
        (_("Resolution rate"), f"{_rate(t.resolution_rate or 0)}%"),
        (_("Overdue"), _("%(n)s problems") % {"n": f"{t.overdue:,}"}),
    ]
    return Panel("problem_ledger", _("Problem ledger"), figures, link=reverse("problems:stats"))


# --- Home pages --------------------------------------------------------------------------------------------

HOME_ROWS = 8


@dataclass
class ProblemGroup:
    """A named slice of open problems for a home page: its full count, the first rows and the list's filter."""

    key: str
    count: int
    rows: list
    query: str
    overdue: int = 0


def _group(key: str, qs: QuerySet[Problem], query: str) -> ProblemGroup:
    qs = qs.select_related("enterprise", "league", "department")
    return ProblemGroup(key, qs.count(), list(qs[:HOME_ROWS]), query)


def handler_home(*, user: User, today: date) -> list[ProblemGroup]:
    """A handler's day: what waits for acceptance, what falls due within two working days, what is overdue."""
    open_ = access.visible_problems(user).filter(state__in=OPEN_STATES)
    return [
        _group("to_accept", open_.filter(state=State.SUBMITTED).order_by("due_on", "pk"), "state=submitted"),
        _group(
            "due_soon",
            open_.filter(due_on__gte=today, due_on__lte=due_soon_limit(today)).order_by("due_on", "pk"),
            "due=soon",
        ),
        _group("overdue", open_.filter(due_on__lt=today).order_by("due_on", "pk"), "due=overdue"),
    ]


def open_problems(*, user: User, today: date) -> ProblemGroup:
    """Open problems in the user's scope (an enterprise's own, an official's area), the longest overdue first."""
    open_ = access.visible_problems(user).filter(state__in=OPEN_STATES)
    group = _group("open", open_.order_by("due_on", "pk"), "")
    group.overdue = open_.filter(due_on__lt=today).count()
    return group
