"""Every write to the problem ledger: forms, the API, daily reports, the sweep task and the demo come through here.

A move is one row of TRANSITIONS (a fugong.core.cases table): the states it may start from, the state it leads
to, who may make it and what it needs. Each write adds its timeline entry in the same transaction; mail goes out
after commit.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong import access
from fugong.accounts.models import Department, Role, User
from fugong.areas.models import Area
from fugong.core import bounds, cases
from fugong.core.cases import CaseType, Move, Transitions
from fugong.enterprises.models import Enterprise
from fugong.problems import data
from fugong.problems.deadlines import add_working_days, working_days_between
from fugong.problems.models import (
    OPEN_STATES,
    Category,
    Escalation,
    Problem,
    Source,
    State,
    TimelineEntry,
    Urgency,
)

# Who may make a move, by the actor's relation to the problem.
HANDLER = "handler"  # a handler of the department the problem is routed to
OFFICIAL = "official"  # an official whose area holds the enterprise
ENTERPRISE = "enterprise"  # a user of the enterprise that raised it
VIEWER = "viewer"  # anyone who may see the problem


def relations(user: User, problem: Problem) -> set[str]:
    found = {VIEWER} if access.can_see_problem(user, problem) else set()
    if not found:
        return found
    if access.handles_for_department(user, problem.department_id):
        found.add(HANDLER)
    if access.is_own_enterprise(user, problem.enterprise_id):
        found.add(ENTERPRISE)
    if user.is_official:
        found.add(OFFICIAL)
    return found


S = State
WORKERS = frozenset({HANDLER, OFFICIAL})
TRANSITIONS = Transitions(
    moves={
        "accept": Move(frozenset({S.SUBMITTED}), S.ACCEPTED, WORKERS, gettext_lazy("Accept")),
        "start": Move(frozenset({S.ACCEPTED}), S.IN_PROGRESS, WORKERS, gettext_lazy("Start work")),
        "resolve": Move(
            frozenset({S.ACCEPTED, S.IN_PROGRESS}),
            S.RESOLVED,
            WORKERS,
            gettext_lazy("Mark resolved"),
            needs_comment=gettext_lazy("Say what was done."),
        ),
        "confirm": Move(
            frozenset({S.RESOLVED}), S.CONFIRMED, frozenset({ENTERPRISE}), gettext_lazy("Confirm: satisfied")
        ),
        "reopen": Move(
            frozenset({S.RESOLVED}),
            S.IN_PROGRESS,
            frozenset({ENTERPRISE}),
            gettext_lazy("Not satisfied: reopen"),
            needs_comment=gettext_lazy("Say why the enterprise is not satisfied."),
        ),
        "decline": Move(
            frozenset(OPEN_STATES),
            S.DECLINED,
            WORKERS,
            gettext_lazy("Decline"),
            needs_comment=gettext_lazy("Give the reason for declining."),
        ),
        "reroute": Move(
            frozenset(OPEN_STATES),
            None,
            WORKERS,
            gettext_lazy("Re-route"),
            needs_comment=gettext_lazy("Give the reason for re-routing."),
        ),
        "assign": Move(frozenset(OPEN_STATES), None, WORKERS, gettext_lazy("Assign a handler")),
        "comment": Move(
            frozenset(State.values),
            None,
            frozenset({VIEWER}),
            gettext_lazy("Comment"),
            needs_comment=gettext_lazy("Write a comment."),
        ),
    },
    states=State,
    event_model=TimelineEntry,
    relations=relations,
    who_labels={
        HANDLER: gettext_lazy("the handling department"),
        OFFICIAL: gettext_lazy("an official"),
        ENTERPRISE: gettext_lazy("the enterprise"),
        VIEWER: gettext_lazy("anyone who sees it"),
    },
    not_now=gettext_lazy(
        "“%(action)s” is not possible while the problem is %(state)s; it is possible when %(allowed)s."
    ),
)
# Moves only the sweep makes.
SYSTEM_ACTIONS = ("raise", "auto_confirm", "escalate")


def allowed_actions(user: User, problem: Problem) -> list[str]:
    return TRANSITIONS.allowed_actions(problem, user)


def deadline_days(category: str, urgency: str) -> int:
    _department, normal, urgent = data.ROUTES[category]
    return urgent if urgency == Urgency.URGENT else normal


def due_date(raised_on: date, category: str, urgency: str) -> date:
    return add_working_days(raised_on, deadline_days(category, urgency))


def default_department(category: str) -> Department:
    return Department.objects.get_or_create(name=data.ROUTES[category][0])[0]


def departments_seed() -> int:
    """Creates the departments of data.DEPARTMENTS that are missing; returns how many were created."""
    existing = set(Department.objects.values_list("name", flat=True))
    missing = [Department(name=name) for name in data.DEPARTMENTS if name not in existing]
    Department.objects.bulk_create(missing)
    return len(missing)


def _entry(problem, *, actor, action, from_state="", comment="", detail=None, at=None) -> TimelineEntry:
    entry = TimelineEntry.for_case(
        problem, actor=actor, action=action, from_state=from_state, comment=comment, detail=detail, at=at
    )
    entry.save()
    return entry


def _notify(users, subject: str, body: str) -> None:
    emails = sorted({u.email for u in users if u.email})
    if emails:
        transaction.on_commit(lambda: send_mail(subject, body, None, emails, fail_silently=True))


def _department_users(department_id):
    return list(User.objects.filter(role=Role.HANDLER, department_id=department_id, is_active=True))


@transaction.atomic
def problem_raise(
    *,
    actor: User | None,
    enterprise: Enterprise,
    category: str,
    description: str,
    urgency: str = Urgency.NORMAL,
    source: str = Source.FORM,
    daily_report=None,
    raised_on: date | None = None,
    at: datetime | None = None,
) -> Problem:
    errors: dict[str, list[str]] = {}
    if category not in Category.values:
        errors["category"] = [_("Unknown category “%(code)s”.") % {"code": category}]
    if urgency not in Urgency.values:
        errors["urgency"] = [_("Urgency is normal or urgent.")]
    description = cases.text(description)
    if not description:
        errors["description"] = [_("Describe the problem.")]
    elif len(description) > 2000:
        errors["description"] = [_("At most 2,000 characters.")]
    elif refused := bounds.text_problem(description, max_length=bounds.TEXT_MAX, multiline=True):
        errors["description"] = [refused]
    if actor is not None and not access.can_raise_problem_for(actor, enterprise):
        errors["enterprise"] = [_("You cannot raise a problem for this enterprise.")]
    if errors:
        raise ValidationError(errors)
    raised_on = raised_on or timezone.localdate()
    problem = Problem(
        enterprise=enterprise,
        league_id=enterprise.league_id,
        county_id=enterprise.county_id,
        category=category,
        urgency=urgency,
        description=description,
        department=default_department(category),
        raised_by=actor,
        source=source,
        daily_report=daily_report,
        raised_on=raised_on,
        due_on=due_date(raised_on, category, urgency),
    )
    problem.save()
    _entry(
        problem, actor=actor, action="raise", comment=description, at=at, detail={"department": problem.department.name}
    )
    _notify(
        _department_users(problem.department_id),
        _("New problem #%(id)s routed to your department") % {"id": problem.pk},
        f"{enterprise.name}: {problem.get_category_display()}\n{description}",
    )
    return problem


def problem_move(
    *,
    actor: User | None,
    problem: Problem,
    action: str,
    comment: str = "",
    department: Department | None = None,
    handler: User | None = None,
    on: date | None = None,
    at: datetime | None = None,
) -> Problem:
    """Makes one move of TRANSITIONS, or refuses it with a message saying why; `actor=None` is the system."""
    if problem_text := bounds.text_problem(comment, max_length=bounds.TEXT_MAX, multiline=True):
        raise ValidationError({"comment": [problem_text]})
    today = on or timezone.localdate()
    comment = cases.text(comment)
    notify: list[User] = []

    def apply(problem: Problem, _move) -> dict:
        detail: dict = {}
        if action == "reroute":
            if department is None or department.pk == problem.department_id:
                raise ValidationError({"department": [_("Choose another department.")]})
            detail = {"from": problem.department.name, "to": department.name}
            problem.department = department
            problem.handler = None
            problem.state = State.SUBMITTED
            notify.extend(_department_users(department.pk))
        elif action == "assign":
            if handler is None or not access.handles_for_department(handler, problem.department_id):
                raise ValidationError({"handler": [_("Choose a handler of %(dept)s.") % {"dept": problem.department}]})
            problem.handler = handler
            detail = {"handler": handler.username}
            notify.append(handler)
        if (
            action in ("accept", "start")
            and actor is not None
            and access.is_handler(actor)
            and problem.handler_id is None
        ):
            problem.handler = actor
        if action == "resolve":
            problem.resolution = comment
            problem.resolved_on = today
            notify.extend(problem.enterprise.users.filter(is_active=True))
        elif action == "confirm":
            problem.satisfied = True
            problem.closed_on = today
        elif action == "reopen":
            problem.satisfied = False
            problem.resolved_on = None
            notify.extend(_department_users(problem.department_id))
        elif action == "decline":
            problem.closed_on = today
            notify.extend(problem.enterprise.users.filter(is_active=True))
        return detail

    with transaction.atomic():
        problem = TRANSITIONS.move(problem, action=action, actor=actor, comment=comment, apply=apply, at=at)
        if notify:
            label = TRANSITIONS[action].label
            _notify(notify, _("Problem #%(id)s: %(action)s") % {"id": problem.pk, "action": label}, comment)
    return problem


CASE = CaseType(TRANSITIONS, access.access_problem, problem_move)


def follow_enterprises(*, ids) -> int:
    """Open problems follow their enterprise to its new area; closed ones stay where they were handled."""
    return cases.follow_enterprises(Problem.objects.filter(state__in=OPEN_STATES), ids)


def on_enterprises_moved(sender, *, ids, **kwargs) -> None:  # noqa: ARG001 - a signal receiver
    follow_enterprises(ids=ids)


@dataclass
class SweepResult:
    auto_confirmed: int = 0
    escalated_league: int = 0
    escalated_region: int = 0

    def as_json(self) -> dict:
        return self.__dict__.copy()


def _officials(league_code: str | None):
    qs = User.objects.filter(is_active=True, role__in=[Role.REGION, Role.LEAGUE])
    return list(qs.filter(area_id=league_code) if league_code else qs.filter(area__level=Area.Level.REGION))


@transaction.atomic
def problems_sweep(*, as_of: date, at: datetime | None = None) -> SweepResult:
    """Confirms what sat resolved for AUTO_CONFIRM_DAYS and escalates what is overdue; idempotent within a day."""
    result = SweepResult()
    now = at or timezone.now()
    for problem in Problem.objects.select_for_update().filter(state=State.RESOLVED, resolved_on__isnull=False):
        if working_days_between(problem.resolved_on, as_of) >= data.AUTO_CONFIRM_DAYS:  # type: ignore[arg-type]  # filtered
            problem.state = State.CONFIRMED
            problem.closed_on = as_of
            problem.save()
            _entry(
                problem,
                actor=None,
                action="auto_confirm",
                from_state=State.RESOLVED,
                at=now,
                comment=_("Confirmed automatically after %(n)d working days.") % {"n": data.AUTO_CONFIRM_DAYS},
            )
            result.auto_confirmed += 1
    overdue = Problem.objects.select_for_update().filter(state__in=OPEN_STATES, due_on__lt=as_of)
    for problem in overdue.select_related("enterprise"):
        level = None
        if problem.escalation == Escalation.NONE:
            level = Escalation.LEAGUE
        elif (
            problem.escalation == Escalation.LEAGUE
            and working_days_between(problem.escalated_on, as_of) >= data.REGION_AFTER_DAYS  # type: ignore[arg-type]  # set on escalation
        ):
            level = Escalation.REGION
        if level is None:
            continue
        problem.escalation = level
        problem.escalated_on = as_of
        problem.save()
        _entry(
            problem,
            actor=None,
            action="escalate",
            from_state=problem.state,
            at=now,
            comment=str(Escalation(level).label),
            detail={"level": level, "due_on": problem.due_on.isoformat()},
        )
        _notify(
            _officials(problem.league_id if level == Escalation.LEAGUE else None),
            _("Problem #%(id)s is overdue") % {"id": problem.pk},
            f"{problem.enterprise.name}: {problem.get_category_display()} ({problem.due_on.isoformat()})",
        )
        if level == Escalation.LEAGUE:
            result.escalated_league += 1
        else:
            result.escalated_region += 1
    return result
