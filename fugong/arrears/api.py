from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from fugong import access
from fugong.areas.models import Area
from fugong.arrears import selectors, services
from fugong.arrears.models import STATUTORY_DAYS, Source
from fugong.core.bounds import Amount, Day, Filter, Id, Int, Text
from fugong.core.case_views import add_moves_endpoint
from fugong.core.schemas import CaseEventOut, EnterpriseCaseOut, Error, Pagination, timeline_of

router = Router(tags=["arrears"])


class ArrearsOut(EnterpriseCaseOut):
    debtor: str
    debtor_type: str
    debtor_area: str
    contract: str
    amount: Decimal
    repaid: Decimal
    accepted_on: date
    agreed_days: int
    due_on: date
    days_past_due: int
    overdue_since: date
    pay_when_paid: bool
    state: str
    dispute_reason: str
    plan_due: date | None
    cleared_on: date | None
    allowed_actions: list[str]

    @staticmethod
    def resolve_debtor_area(obj):
        return obj.debtor_area_id

    @staticmethod
    def resolve_days_past_due(obj):
        return obj.days_past_due(timezone.localdate())

    @staticmethod
    def resolve_allowed_actions(obj, context):
        return services.allowed_actions(context["request"].auth, obj)


class ArrearsDetailOut(ArrearsOut):
    timeline: list[CaseEventOut]
    repayments: list[dict]

    @staticmethod
    def resolve_timeline(obj):
        return timeline_of(obj.events)

    @staticmethod
    def resolve_repayments(obj):
        return [{"paid_on": p.paid_on, "amount": p.amount} for p in obj.repayments.all()]


class ArrearsFilterIn(Schema):
    state: Filter = ""
    debtor_type: Filter = ""
    league: Filter = ""
    past_due: Filter = ""
    pay_when_paid: Filter = ""
    q: Filter = ""


class ArrearsIn(Schema):
    credit_code: Text(18) = ""
    debtor: Text(100, name=True)
    debtor_type: Text(20)
    debtor_area: Text(6)
    contract: Text(100)
    amount: Amount(12, 2)
    accepted_on: Day()
    agreed_days: Int(60, min_value=1) = STATUTORY_DAYS
    overdue_since: Day() | None = None
    pay_when_paid: bool = False


class MoveIn(Schema):
    action: Text(20)
    amount: Amount(12, 2) | None = None
    on: Day(future=True) | None = None
    reason: Text(300) = ""
    comment: Text(multiline=True) = ""


@router.get("", response=list[ArrearsOut])
@paginate(Pagination)
def list_arrears(request, filters: Query[ArrearsFilterIn]):
    return selectors.arrears_list(user=request.auth, filters=selectors.ArrearsFilters(**filters.dict()))


@router.get("/{int:item_id}", response={200: ArrearsDetailOut, 404: Error})
def get_arrears(request, item_id: Id):
    return access.access_arrears(request.auth, item_id)


@router.post("", response={201: ArrearsDetailOut, 400: Error, 404: Error})
def create_arrears(request, payload: ArrearsIn):
    user = request.auth
    enterprise = access.own_enterprise(user)
    if enterprise is None:
        if not access.can_import_arrears(user):
            raise Http404
        if not payload.credit_code:
            raise ValidationError({"credit_code": [_("Name the enterprise by its credit code.")]})
        enterprise = access.access_enterprise(user, payload.credit_code.strip().upper())
    area = Area.objects.filter(code=payload.debtor_area).first()
    if area is None:
        raise ValidationError({"debtor_area": [_("Unknown area code “%(code)s”.") % {"code": payload.debtor_area}]})
    data = services.ItemData(
        enterprise=enterprise,
        debtor_area=area,
        **payload.dict(exclude={"credit_code", "debtor_area"}),
    )
    item = services.item_create(actor=user, data=data, source=Source.API)
    return 201, access.access_arrears(user, item.pk)


move_arrears = add_moves_endpoint(router, services.CASE, name="move_arrears", move_in=MoveIn, case_out=ArrearsDetailOut)
