from datetime import date
from decimal import Decimal

from django.http import Http404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from fugong import access
from fugong.core.bounds import Amount, Day, Filter, Id, Text
from fugong.core.schemas import EnterpriseCaseOut, Pagination
from fugong.finance import selectors, services

router = Router(tags=["referrals"])


class ReferralOut(EnterpriseCaseOut):
    target: str
    bank: str | None
    batch: str
    state: str
    referred_on: date
    need_amount: Decimal
    purpose: str
    term_months: int
    approved_amount: Decimal | None
    disbursed_amount: Decimal | None
    disbursed_on: date | None
    declined_reason: str
    allowed_actions: list[str]

    @staticmethod
    def resolve_bank(obj):
        return obj.bank.name if obj.bank_id else None

    @staticmethod
    def resolve_batch(obj):
        return obj.batch.name

    @staticmethod
    def resolve_need_amount(obj):
        return obj.need.amount

    @staticmethod
    def resolve_purpose(obj):
        return obj.need.purpose

    @staticmethod
    def resolve_term_months(obj):
        return obj.need.term_months

    @staticmethod
    def resolve_allowed_actions(obj, context):
        return services.allowed_actions(context["request"].auth, obj)


class ReferralFilterIn(Schema):
    state: Filter = ""
    target: Filter = ""
    league: Filter = ""
    batch: Filter = ""
    q: Filter = ""


class MoveIn(Schema):
    action: Text(20)
    amount: Amount(12, 2) | None = None
    on: Day() | None = None
    reason: Text(300) = ""
    comment: Text(multiline=True) = ""


class Error(Schema):
    error: dict | str


@router.get("", response=list[ReferralOut])
@paginate(Pagination)
def list_referrals(request, filters: Query[ReferralFilterIn]):
    return selectors.referral_list(user=request.auth, filters=selectors.ReferralFilters(**filters.dict()))


@router.get("/{int:referral_id}", response={200: ReferralOut, 404: Error})
def get_referral(request, referral_id: Id):
    return access.access_referral(request.auth, referral_id)


@router.post("/{int:referral_id}/moves", response={200: ReferralOut, 400: Error, 404: Error})
def move_referral(request, referral_id: Id, payload: MoveIn):
    referral = access.access_referral(request.auth, referral_id)
    if not services.relations(request.auth, referral):
        raise Http404
    services.referral_move(
        actor=request.auth,
        referral=referral,
        action=payload.action,
        amount=payload.amount,
        on=payload.on,
        reason=payload.reason,
        comment=payload.comment,
    )
    return access.access_referral(request.auth, referral_id)
