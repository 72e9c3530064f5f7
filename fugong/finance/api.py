from datetime import date
from decimal import Decimal

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from fugong import access
from fugong.core.bounds import Amount, Day, Filter, Id, Text
from fugong.core.case_views import add_moves_endpoint
from fugong.core.schemas import CaseEventOut, EnterpriseCaseOut, Error, Pagination, timeline_of
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


class ReferralDetailOut(ReferralOut):
    timeline: list[CaseEventOut]

    @staticmethod
    def resolve_timeline(obj):
        return timeline_of(obj.events)


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


@router.get("", response=list[ReferralOut])
@paginate(Pagination)
def list_referrals(request, filters: Query[ReferralFilterIn]):
    return selectors.referral_list(user=request.auth, filters=selectors.ReferralFilters(**filters.dict()))


@router.get("/{int:referral_id}", response={200: ReferralDetailOut, 404: Error})
def get_referral(request, referral_id: Id):
    return access.access_referral(request.auth, referral_id)


move_referral = add_moves_endpoint(
    router, services.CASE, name="move_referral", move_in=MoveIn, case_out=ReferralDetailOut
)
