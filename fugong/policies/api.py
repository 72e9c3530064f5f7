"""`/api/v1/policies`, `/api/v1/measures`, `/api/v1/programmes`, `/api/v1/applications`, `/api/v1/benefits`."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from fugong import access
from fugong.core.bounds import Amount, Day, Filter, Id, Text
from fugong.core.case_views import add_moves_endpoint
from fugong.core.schemas import CaseEventOut, EnterpriseCaseOut, Error, Pagination, timeline_of
from fugong.policies import eligibility, selectors, services
from fugong.policies.models import Programme

policies = Router(tags=["policies"])
measures = Router(tags=["policies"])
programmes = Router(tags=["policies"])
applications = Router(tags=["policies"])
benefits = Router(tags=["policies"])
public_notices = Router(tags=["policies"])


class MeasureOut(Schema):
    id: int
    policy: int
    article: str
    title: str
    summary: str
    benefit_type: str
    amount: Decimal | None
    rate: Decimal | None
    delivery: str
    department: str
    contacts: str
    rule: dict

    @staticmethod
    def resolve_policy(obj):
        return obj.policy_id


class PolicyOut(Schema):
    id: int
    title: str
    number: str
    issuer: str
    issued_on: date
    valid_from: date
    valid_until: date | None
    illustrative: bool


class PolicyDetailOut(PolicyOut):
    text: str
    measures: list[MeasureOut]

    @staticmethod
    def resolve_measures(obj):
        return list(obj.measures.all())


class PolicyFilterIn(Schema):
    q: Filter = ""
    issuer: Filter = ""
    benefit_type: Filter = ""
    status: Filter = ""


class PolicyIn(Schema):
    title: Text(200)
    issuer: Text(80)
    issued_on: Day()
    valid_from: Day(future=True) | None = None
    valid_until: Day(future=True) | None = None
    number: Text(60) = ""
    text: Text(200_000, multiline=True) = ""


class MeasureIn(Schema):
    policy: Id
    article: Text(40)
    title: Text(200)
    benefit_type: Text(20)
    delivery: Text(12)
    department: Text(80)
    rule: dict = {}
    summary: Text(multiline=True) = ""
    amount: Amount(12, 2) | None = None
    rate: Amount(6, 2, max_value=100) | None = None
    contacts: Text(200) = ""


@policies.get("", response=list[PolicyOut])
@paginate(Pagination)
def list_policies(request, filters: Query[PolicyFilterIn]):
    f = selectors.LibraryFilters(**filters.dict())
    return selectors.policy_list(user=request.auth, filters=f, day=timezone.localdate())


@policies.get("/{int:policy_id}", response={200: PolicyDetailOut, 404: Error})
def get_policy(request, policy_id: Id):
    return access.access_policy(request.auth, policy_id)


@policies.post("", response={201: PolicyOut, 400: Error, 404: Error})
def create_policy(request, payload: PolicyIn):
    if not access.can_edit_policies(request.auth):
        raise Http404
    return 201, services.policy_save(actor=request.auth, **payload.dict())


class MeasureFilterIn(Schema):
    policy: Id | None = None
    benefit_type: Filter = ""
    in_force: bool | None = None


@measures.get("", response=list[MeasureOut])
@paginate(Pagination)
def list_measures(request, filters: Query[MeasureFilterIn]):
    qs = access.visible_measures(request.auth)
    if filters.policy:
        qs = qs.filter(policy_id=filters.policy)
    if filters.benefit_type:
        qs = qs.filter(benefit_type=filters.benefit_type)
    if filters.in_force:
        qs = selectors.measures_in_force(qs, timezone.localdate())
    return qs


@measures.get("/{int:measure_id}", response={200: MeasureOut, 404: Error})
def get_measure(request, measure_id: Id):
    return access.access_measure(request.auth, measure_id)


@measures.post("", response={201: MeasureOut, 400: Error, 404: Error})
def create_measure(request, payload: MeasureIn):
    """A measure with its eligibility rule (`{"all": [...]}` / `{"any": [...]}` over criteria
    `{"fact", "op", "value" | "values": [{"from", "value"}], "article"}`); an unknown fact, industry code or
    tag is refused naming the criterion."""
    if not access.can_edit_policies(request.auth):
        raise Http404
    data = payload.dict()
    policy = access.access_policy(request.auth, data.pop("policy"))
    return 201, services.measure_save(actor=request.auth, policy=policy, data=services.MeasureData(**data))


class EnterpriseOut(Schema):
    credit_code: str
    name: str
    league: str
    county: str
    industry: str

    @staticmethod
    def resolve_league(obj):
        return obj.league_id

    @staticmethod
    def resolve_county(obj):
        return obj.county_id

    @staticmethod
    def resolve_industry(obj):
        return obj.industry_id


class EligibleIn(Schema):
    which: Filter = "eligible"


@measures.get("/{int:measure_id}/eligible", response={200: list[EnterpriseOut], 404: Error})
@paginate(Pagination)
def list_eligible(request, measure_id: Id, filters: Query[EligibleIn]):
    """The enterprises in the caller's area eligible for the measure today (`which=not_applied`: those who have
    not applied nor received it; `which=received`; `which=not_reached`: eligible and no benefit of it yet)."""
    measure = access.access_measure(request.auth, measure_id)
    if not access.can_match(request.auth):
        raise Http404
    which = filters.which if filters.which in ("eligible", "not_applied", "received", "not_reached") else "eligible"
    return selectors.eligible_list(user=request.auth, measure=measure, day=timezone.localdate(), which=which)


class CriterionOut(Schema):
    fact: str
    op: str
    article: str
    label: str
    met: bool | None
    actual: str


class VerdictOut(Schema):
    measure: int
    credit_code: str
    day: date
    eligible: bool
    state: bool | None
    criteria: list[CriterionOut]
    near: list[CriterionOut]


class VerdictIn(Schema):
    day: Day() | None = None


@measures.get("/{int:measure_id}/eligibility/{credit_code}", response={200: VerdictOut, 404: Error})
def get_eligibility(request, measure_id: Id, credit_code: str, filters: Query[VerdictIn]):
    """Is this enterprise eligible for the measure on the day (default today), and why or why not."""
    measure = access.access_measure(request.auth, measure_id)
    enterprise = access.visible_enterprises(request.auth).filter(credit_code=credit_code[:18].upper()).first()
    if enterprise is None:
        raise Http404
    day = filters.day or timezone.localdate()
    verdict = eligibility.evaluate(measure.rule, enterprise, day)
    return {
        "measure": measure.pk,
        "credit_code": enterprise.credit_code,
        "day": day,
        "eligible": verdict.eligible,
        "state": verdict.state,
        "criteria": [_criterion(c) for c in verdict.criteria],
        "near": [_criterion(c) for c in verdict.near],
    }


def _criterion(c) -> dict:
    return {"fact": c.fact, "op": c.op, "article": c.article, "label": c.label, "met": c.met, "actual": c.actual}


class ProgrammeOut(Schema):
    id: int
    measure: int
    name: str
    opens_on: date
    closes_on: date
    max_amount: Decimal
    materials: list[str]

    @staticmethod
    def resolve_measure(obj):
        return obj.measure_id


@programmes.get("", response=list[ProgrammeOut])
@paginate(Pagination)
def list_programmes(request):
    return Programme.objects.filter(measure__in=access.visible_measures(request.auth))


class ScoresOut(Schema):
    count: int
    average: Decimal | None
    spread: Decimal | None
    stdev: Decimal | None


class ApplicationOut(EnterpriseCaseOut):
    measure: int
    programme: int | None
    state: str
    requested_amount: Decimal
    submitted_on: date | None
    awarded_amount: Decimal | None
    awarded_on: date | None
    disbursed_amount: Decimal | None
    disbursed_on: date | None
    declined_reason: str
    allowed_actions: list[str]
    scores: ScoresOut

    @staticmethod
    def resolve_scores(obj):
        return services.score_summary(obj.assignments.all())

    @staticmethod
    def resolve_measure(obj):
        return obj.measure_id

    @staticmethod
    def resolve_programme(obj):
        return obj.programme_id

    @staticmethod
    def resolve_allowed_actions(obj, context):
        return services.allowed_actions(context["request"].auth, obj)


class ApplicationDetailOut(ApplicationOut):
    statement: str
    missing_materials: list[str]
    timeline: list[CaseEventOut]

    @staticmethod
    def resolve_missing_materials(obj):
        return services.missing_materials(obj)

    @staticmethod
    def resolve_timeline(obj):
        return timeline_of(obj.events)


class ApplicationFilterIn(Schema):
    state: Filter = ""
    measure: Filter = ""
    programme: Filter = ""
    league: Filter = ""


class ApplicationIn(Schema):
    measure: Id
    requested_amount: Amount(12, 2)
    statement: Text(multiline=True) = ""
    programme: Id | None = None


class MoveIn(Schema):
    """`action` one of the application's `allowed_actions`: submit, return, pass, decline, region_pass,
    not_shortlisted, shortlist, award (`amount`), disburse (`amount`, `on`), comment."""

    action: Text(20)
    amount: Amount(12, 2) | None = None
    reason: Text(300) = ""
    comment: Text(multiline=True) = ""
    on: Day() | None = None


@applications.get("", response=list[ApplicationOut])
@paginate(Pagination)
def list_applications(request, filters: Query[ApplicationFilterIn]):
    return selectors.application_list(user=request.auth, filters=selectors.ApplicationFilters(**filters.dict()))


@applications.get("/{int:application_id}", response={200: ApplicationDetailOut, 404: Error})
def get_application(request, application_id: Id):
    return access.access_application(request.auth, application_id)


@applications.post("", response={201: ApplicationDetailOut, 400: Error, 404: Error})
def create_application(request, payload: ApplicationIn):
    """A draft application of the caller's own enterprise (enterprise users only)."""
    measure = access.access_measure(request.auth, payload.measure)
    enterprise = access.own_enterprise(request.auth)
    if enterprise is None:
        raise Http404
    programme = None
    if payload.programme is not None:
        programme = measure.programmes.filter(pk=payload.programme).first()
        if programme is None:
            raise ValidationError({"programme": [_("No such programme of this measure.")]})
    created = services.application_create(
        actor=request.auth,
        enterprise=enterprise,
        measure=measure,
        programme=programme,
        requested_amount=payload.requested_amount,
        statement=payload.statement,
    )
    return 201, access.access_application(request.auth, created.pk)


move_application = add_moves_endpoint(
    applications, services.CASE, name="move_application", move_in=MoveIn, case_out=ApplicationDetailOut
)


class BenefitOut(Schema):
    id: int
    credit_code: str
    enterprise: str
    league: str
    measure: int
    amount: Decimal
    relief: str  # what was given when it is not money (amount 0)
    on: date
    source: str
    delivery: str  # "application" or "automatic": as an imported list said, else as the source says

    @staticmethod
    def resolve_delivery(obj):
        if obj.delivery:
            return obj.delivery
        return {"application": "application", "automatic": "automatic"}.get(obj.source, "")

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
    def resolve_measure(obj):
        return obj.measure_id


@benefits.get("", response=list[BenefitOut])
@paginate(Pagination)
def list_benefits(request):
    return selectors.benefit_list(user=request.auth)


class AssignIn(Schema):
    expert: Text(150)


class AssignmentOut(Schema):
    application: int
    expert: str
    assigned_at: str
    scores: dict
    total: Decimal | None

    @staticmethod
    def resolve_application(obj):
        return obj.application_id

    @staticmethod
    def resolve_expert(obj):
        return obj.expert.username

    @staticmethod
    def resolve_assigned_at(obj):
        return obj.assigned_at.isoformat()


@applications.post(
    "/{int:application_id}/experts", response={200: AssignmentOut, 400: Error, 404: Error}, url_name="assign_expert"
)
def assign_expert(request, application_id: Id, payload: AssignIn):
    """The region gives an application in expert scoring to an expert of its programme's panel (by user name);
    an expert who declared a conflict with it is refused. Assigning again changes nothing."""
    application = access.access_application(request.auth, application_id)
    if not access.can_run_reviews(request.auth):
        raise Http404
    expert = application.programme.experts.filter(username=payload.expert).first() if application.programme else None
    if expert is None:
        raise ValidationError(
            {"expert": [_("%(name)s is not on the programme's panel of experts.") % {"name": payload.expert}]}
        )
    return services.expert_assign(actor=request.auth, application=application, expert=expert)


class ScoresIn(Schema):
    scores: dict[Text(60), Amount(5, 1)]


@applications.put(
    "/{int:application_id}/scores", response={200: AssignmentOut, 400: Error, 404: Error}, url_name="put_scores"
)
def put_scores(request, application_id: Id, payload: ScoresIn):
    """The expert's points for every item of the programme's score sheet (`{"scores": {"技术创新能力": 25}}`);
    only the expert assigned (404 for anyone else, and for an application in conflict); a point outside its
    item's range is refused naming the item."""
    assignment = access.access_assignment(request.auth, application_id)
    return services.scores_save(actor=request.auth, assignment=assignment, points=payload.scores)


class NoticeOut(Schema):
    id: int
    measure: int
    programme: int | None
    title: str
    published_on: date
    days: int
    ends_on: date
    status: str
    awarded_on: date | None

    @staticmethod
    def resolve_measure(obj):
        return obj.measure_id

    @staticmethod
    def resolve_programme(obj):
        return obj.programme_id


class EntryOut(Schema):
    id: int
    credit_code: str
    enterprise: str
    league: str
    amount: Decimal | None
    score: Decimal | None
    removed_reason: str

    @staticmethod
    def resolve_credit_code(obj):
        return obj.enterprise.credit_code

    @staticmethod
    def resolve_enterprise(obj):
        return obj.enterprise.name

    @staticmethod
    def resolve_league(obj):
        return obj.league_id


class NoticeDetailOut(NoticeOut):
    entries: list[EntryOut]

    @staticmethod
    def resolve_entries(obj, context):
        return list(selectors.notice_entries(user=context["request"].auth, notice=obj))


@public_notices.get("", response=list[NoticeOut])
@paginate(Pagination)
def list_public_notices(request):
    return access.visible_public_notices(request.auth)


@public_notices.get("/{int:notice_id}", response={200: NoticeDetailOut, 404: Error})
def get_public_notice(request, notice_id: Id):
    """A public notice (公示) with its list: the entries still on it (officials of the area also see those removed,
    with the reason)."""
    return access.access_public_notice(request.auth, notice_id)
