from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from fugong import access
from fugong.accounts.models import Department, Role, User
from fugong.core.bounds import Filter, Id, Text
from fugong.core.case_views import add_moves_endpoint
from fugong.core.schemas import CaseEventOut, EnterpriseCaseOut, Error, Pagination, timeline_of
from fugong.problems import selectors, services
from fugong.problems.models import Source

router = Router(tags=["problems"])


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
    timeline: list[CaseEventOut]

    @staticmethod
    def resolve_timeline(obj):
        return timeline_of(obj.timeline)


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
    enterprise = access.own_enterprise(user)
    if enterprise is None:
        if not access.can_raise_problems(user):
            raise Http404
        if not payload.credit_code:
            raise ValidationError({"credit_code": [_("Name the enterprise by its credit code.")]})
        enterprise = access.access_enterprise(user, payload.credit_code.strip().upper())
    problem = services.problem_raise(
        actor=user,
        enterprise=enterprise,
        category=payload.category,
        urgency=payload.urgency,
        description=payload.description,
        source=Source.API,
    )
    return 201, access.access_problem(user, problem.pk)


def _move_arguments(payload: MoveIn) -> dict:
    """The payload names the department and the handler; the move service takes them as objects."""
    values = payload.dict()
    if payload.department:
        values["department"] = Department.objects.filter(name=payload.department).first()
        if values["department"] is None:
            raise ValidationError({"department": [_("Unknown department “%(name)s”.") % {"name": payload.department}]})
    if payload.handler:
        values["handler"] = User.objects.filter(username=payload.handler, role=Role.HANDLER).first()
        if values["handler"] is None:
            raise ValidationError({"handler": [_("Unknown handler “%(name)s”.") % {"name": payload.handler}]})
    return values


move_problem = add_moves_endpoint(
    router, services.CASE, name="move_problem", move_in=MoveIn, case_out=ProblemDetailOut, arguments=_move_arguments
)
