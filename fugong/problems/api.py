from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from fugong import access
from fugong.accounts.models import Department, Role, User
from fugong.core.bounds import Filter, Id, Text
from fugong.core.schemas import EnterpriseCaseOut, Pagination
from fugong.problems import selectors, services
from fugong.problems.models import Problem, Source

router = Router(tags=["problems"])


class TimelineOut(Schema):
    at: str
    actor: str | None
    action: str
    from_state: str
    to_state: str
    comment: str


class ProblemOut(EnterpriseCaseOut):
    category: str
    urgency: str
    description: str
    state: str
    department: str
    handler: str | None
    raised_on: date
    due_on: date
    resolved_on: date | None
    resolution: str
    satisfied: bool | None
    escalation: str
    allowed_actions: list[str]

    @staticmethod
    def resolve_department(obj):
        return obj.department.name

    @staticmethod
    def resolve_handler(obj):
        return obj.handler.username if obj.handler_id else None

    @staticmethod
    def resolve_allowed_actions(obj, context):
        return services.allowed_actions(context["request"].auth, obj)


class ProblemDetailOut(ProblemOut):
    timeline: list[TimelineOut]

    @staticmethod
    def resolve_timeline(obj):
        return [
            {"at": t.at.isoformat(), "actor": t.actor.username if t.actor_id else None, "action": t.action,
             "from_state": t.from_state, "to_state": t.to_state, "comment": t.comment}
            for t in obj.timeline.select_related("actor")
        ]  # fmt: skip


class ProblemFilterIn(Schema):
    state: Filter = ""
    category: Filter = ""
    league: Filter = ""
    department: Filter = ""
    due: Filter = ""
    escalated: Filter = ""
    q: Filter = ""


class ProblemIn(Schema):
    category: Text(20)
    description: Text(multiline=True)
    urgency: Text(8) = "normal"
    credit_code: Text(40) | None = None


class MoveIn(Schema):
    action: Text(20)
    comment: Text(multiline=True) = ""
    department: Text(100) | None = None
    handler: Text(150) | None = None


class Error(Schema):
    error: dict | str


@router.get("", response=list[ProblemOut])
@paginate(Pagination)
def list_problems(request, filters: Query[ProblemFilterIn]):
    return selectors.problem_list(user=request.auth, filters=selectors.ProblemFilters(**filters.dict()))


@router.get("/{int:problem_id}", response={200: ProblemDetailOut, 404: Error})
def get_problem(request, problem_id: Id):
    return access.access_problem(request.auth, problem_id)


@router.post("", response={201: ProblemDetailOut, 400: Error, 404: Error})
def create_problem(request, payload: ProblemIn):
    user = request.auth
    if user.role == Role.ENTERPRISE:
        enterprise = user.enterprise
    elif user.role in (Role.REGION, Role.LEAGUE, Role.COUNTY, Role.WORKGROUP):
        if not payload.credit_code:
            raise ValidationError({"credit_code": [_("Name the enterprise by its credit code.")]})
        enterprise = access.access_enterprise(user, payload.credit_code.strip().upper())
    else:
        raise Http404
    problem = services.problem_raise(
        actor=user,
        enterprise=enterprise,
        category=payload.category,
        urgency=payload.urgency,
        description=payload.description,
        source=Source.API,
    )
    return 201, access.access_problem(user, problem.pk)


@router.post("/{int:problem_id}/moves", response={200: ProblemDetailOut, 400: Error, 404: Error})
def move_problem(request, problem_id: Id, payload: MoveIn):
    problem: Problem = access.access_problem(request.auth, problem_id)
    department = handler = None
    if payload.department:
        department = Department.objects.filter(name=payload.department).first()
        if department is None:
            raise ValidationError({"department": [_("Unknown department “%(name)s”.") % {"name": payload.department}]})
    if payload.handler:
        handler = User.objects.filter(username=payload.handler, role=Role.HANDLER).first()
        if handler is None:
            raise ValidationError({"handler": [_("Unknown handler “%(name)s”.") % {"name": payload.handler}]})
    services.problem_move(
        actor=request.auth,
        problem=problem,
        action=payload.action,
        comment=payload.comment,
        department=department,
        handler=handler,
    )
    return access.access_problem(request.auth, problem_id)
