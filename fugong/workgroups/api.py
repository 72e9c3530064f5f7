import base64
import binascii
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from fugong import access
from fugong.core.bounds import Amount, Day, Filter, Id, Int, Text
from fugong.core.schemas import Error, Pagination
from fugong.workgroups import selectors, services
from fugong.workgroups.models import Source, Visit

router = Router(tags=["work groups"])

# A photo in the API is base64 in the body; the body limit (settings.DATA_UPLOAD_MAX_MEMORY_SIZE) bounds them all.
PHOTO_BASE64_MAX = 8 * 1024 * 1024


class WorkGroupOut(Schema):
    id: int
    name: str
    leader: str | None
    leagues: list[str]
    cities: list[str]
    starts_on: date | None
    ends_on: date | None
    members: int

    @staticmethod
    def resolve_leader(obj):
        return obj.leader.username if obj.leader_id else None

    @staticmethod
    def resolve_leagues(obj):
        return sorted(a.code for a in obj.leagues.all())

    @staticmethod
    def resolve_cities(obj):
        return sorted(a.code for a in obj.cities.all())

    @staticmethod
    def resolve_members(obj):
        return obj.members.count()


class TallyOut(Schema):
    planned: int
    visits: int
    enterprises_visited: int
    parks_visited: int
    parks_fully_visited: int
    problems_found: int
    problems_resolved: int
    differing: int


class AreaCoverageOut(Schema):
    code: str
    name: str
    separately_listed: bool
    groups: list[str]
    uncovered: bool
    enterprises: int
    tally: TallyOut


class GroupCoverageOut(Schema):
    id: int
    name: str
    tally: TallyOut


class CoverageOut(Schema):
    as_of: date
    total: TallyOut
    by_group: list[GroupCoverageOut]
    by_league: list[AreaCoverageOut]


class VisitOut(Schema):
    id: int
    group: str
    credit_code: str
    enterprise: str
    league: str
    county: str
    park: str | None
    visited_on: date
    met: str
    status: str
    employees: int
    on_duty: int
    capacity_pct: Decimal
    guidance: str
    problems: list[int]
    photos: list[str]  # content hashes

    @staticmethod
    def resolve_group(obj):
        return obj.group.name

    @staticmethod
    def resolve_credit_code(obj):
        return obj.enterprise.credit_code

    @staticmethod
    def resolve_enterprise(obj):
        return obj.enterprise.name

    @staticmethod
    def resolve_league(obj):
        return obj.league_id

    @staticmethod
    def resolve_county(obj):
        return obj.county_id

    @staticmethod
    def resolve_park(obj):
        return obj.park.name if obj.park_id else None

    @staticmethod
    def resolve_problems(obj):
        return sorted(p.pk for p in obj.problems.all())

    @staticmethod
    def resolve_photos(obj):
        return [p.sha256 for p in obj.photos.all()]


class ProblemIn(Schema):
    category: Text(20)
    description: Text(multiline=True)
    urgency: Text(8) = "normal"


class PhotoIn(Schema):
    name: Text(100)
    data: Text(PHOTO_BASE64_MAX)  # base64


class VisitIn(Schema):
    group: Id | None = None
    credit_code: Text(40)
    visited_on: Day()
    met: Text(100) = ""
    status: Text(20)
    employees: Int(10_000_000)
    on_duty: Int(10_000_000)
    capacity_pct: Amount(5, 1, max_value=200)
    guidance: Text(multiline=True) = ""
    problems: list[ProblemIn] = []
    photos: list[PhotoIn] = []
    again: bool = False
    # The key in the body, for a client that cannot set headers; the Idempotency-Key header wins.
    client_key: Text(64) | None = None


class VisitFilterIn(Schema):
    group: Filter = ""
    league: Filter = ""
    credit_code: Filter = ""
    date_from: Day() | None = None
    date_to: Day() | None = None


class PlanItemOut(Schema):
    credit_code: str
    enterprise: str
    park: str | None
    day: date
    done: bool
    visited_on: date | None


class PlanOut(Schema):
    id: int
    group: str
    name: str
    starts_on: date
    ends_on: date
    planned: int
    done: int
    left: int


class PlanDetailOut(PlanOut):
    items: list[PlanItemOut]


class CoverageIn(Schema):
    as_of: Day() | None = None
    league: Filter = ""


@router.get("/workgroups", response=list[WorkGroupOut])
@paginate(Pagination)
def list_work_groups(request):
    return access.visible_work_groups(request.auth).select_related("leader").prefetch_related("leagues", "cities")


@router.get("/workgroups/coverage", response={200: CoverageOut, 404: Error})
def get_coverage(request, params: Query[CoverageIn]):
    if not access.can_see_coverage(request.auth):
        raise Http404
    if params.league and not access.visible_areas(request.auth).filter(code=params.league).exists():
        raise Http404
    c = selectors.coverage(user=request.auth, as_of=params.as_of or timezone.localdate(), scope=params.league or None)
    return {
        "as_of": c.as_of,
        "total": c.total,
        "by_group": [{"id": r.group.pk, "name": r.group.name, "tally": r.tally} for r in c.groups],
        "by_league": [{**r.__dict__, "uncovered": r.uncovered} for r in c.areas],
    }


@router.get("/workgroups/{int:group_id}", response={200: WorkGroupOut, 404: Error})
def get_work_group(request, group_id: Id):
    return access.access_work_group(request.auth, group_id)


def _visits():
    return Visit.objects.select_related("group", "enterprise", "park").prefetch_related("problems", "photos")


@router.get("/visits", response=list[VisitOut])
@paginate(Pagination)
def list_visits(request, filters: Query[VisitFilterIn]):
    f = selectors.VisitFilters(
        group=filters.group,
        league=filters.league,
        enterprise=filters.credit_code.strip().upper(),
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    return selectors.visit_list(user=request.auth, filters=f).prefetch_related("problems", "photos")


@router.get("/visits/{int:visit_id}", response={200: VisitOut, 404: Error})
def get_visit(request, visit_id: Id):
    access.access_visit(request.auth, visit_id)
    return _visits().get(pk=visit_id)


def _photos(payload: VisitIn) -> list[tuple[str, bytes]]:
    found = []
    for i, photo in enumerate(payload.photos):
        try:
            found.append((photo.name, base64.b64decode(photo.data, validate=True)))
        except (binascii.Error, ValueError):
            raise ValidationError({f"photos.{i}.data": [_("Send the photo's bytes in base64.")]}) from None
    return found


@router.post("/visits", response={200: VisitOut, 201: VisitOut, 400: Error, 404: Error, 422: Error})
def create_visit(request, payload: VisitIn):
    """Records a visit. The `Idempotency-Key` header (made by the phone for each visit) is required: the same key
    again answers the visit already stored (200), with any photo that had not arrived added; the same key for
    another enterprise or day answers 422."""
    user = request.auth
    groups = access.recording_groups(user)
    if not groups.exists():
        raise Http404
    group = groups.filter(pk=payload.group).first() if payload.group else groups.first()
    if group is None:
        raise ValidationError({"group": [_("You do not record visits for this work group.")]})
    key = request.headers.get("Idempotency-Key", "") or payload.client_key or ""
    if not key:
        raise ValidationError({"Idempotency-Key": [_("Send an Idempotency-Key header, one per visit.")]})
    enterprise = access.group_enterprises(group).filter(credit_code=payload.credit_code.strip().upper()).first()
    if enterprise is None:
        raise ValidationError({"credit_code": [_("This enterprise is outside the work group's areas.")]})
    data = services.VisitData(
        enterprise=enterprise,
        visited_on=payload.visited_on,
        status=payload.status,
        employees=payload.employees,
        on_duty=payload.on_duty,
        capacity_pct=payload.capacity_pct,
        met=payload.met,
        guidance=payload.guidance,
        problems=[services.FoundProblem(p.category, p.description, p.urgency) for p in payload.problems],
        photos=_photos(payload),
        again=payload.again,
    )
    try:
        visit, created = services.visit_record(actor=user, group=group, data=data, client_key=key, source=Source.API)
    except ValidationError as e:
        errors = e.message_dict
        if "client_key" in errors:
            if Visit.objects.filter(group=group, client_key=key.strip()).exists():
                return 422, {"error": {"Idempotency-Key": errors["client_key"]}}
            return 400, {"error": {"Idempotency-Key": errors["client_key"]}}
        raise
    return (201 if created else 200), _visits().get(pk=visit.pk)


def _plan_out(progress) -> dict:
    p = progress.plan
    return {
        "id": p.pk,
        "group": p.group.name,
        "name": p.name,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "planned": len(progress.rows),
        "done": progress.done,
        "left": progress.left,
    }


@router.get("/visit-plans", response=list[PlanOut])
@paginate(Pagination)
def list_visit_plans(request):
    return [
        {"id": p.pk, "group": p.group.name, "name": p.name, "starts_on": p.starts_on, "ends_on": p.ends_on,
         "planned": planned, "done": done, "left": left}
        for p, planned, done, left in selectors.plan_list(user=request.auth)
    ]  # fmt: skip


@router.get("/visit-plans/{int:plan_id}", response={200: PlanDetailOut, 404: Error})
def get_visit_plan(request, plan_id: Id):
    plan = access.access_visit_plan(request.auth, plan_id)
    progress = selectors.plan_progress(user=request.auth, plan=plan)
    items = [
        {
            "credit_code": r.item.enterprise.credit_code,
            "enterprise": r.item.enterprise.name,
            "park": r.item.park.name if r.item.park else None,
            "day": r.item.day,
            "done": r.done,
            "visited_on": r.visited_on,
        }
        for r in progress.rows
    ]
    return {**_plan_out(progress), "items": items}
