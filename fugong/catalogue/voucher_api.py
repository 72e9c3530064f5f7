"""Cloud-service vouchers over the API: an enterprise its own, a provider the ones redeemed with it, officials those
of their area (404 for anything else); one voucher with its timeline and evidence; its moves; the figures.
Amounts are in 万元 (10k yuan), as strings with two decimals."""

from datetime import date
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from fugong import access
from fugong.catalogue import voucher_selectors, vouchers
from fugong.core.bounds import Amount, Day, Filter, Id, Int, Text
from fugong.core.case_views import add_moves_endpoint
from fugong.core.schemas import CaseEventOut, EnterpriseCaseOut, Error, Pagination, timeline_of

router = Router(tags=["vouchers"])


class VoucherOut(EnterpriseCaseOut):
    number: str
    programme: str
    face_value: Decimal
    state: str
    issued_on: date
    valid_from: date
    valid_until: date
    claim: int | None
    product: str | None
    category: str | None
    provider: str | None
    redeemed_on: date | None
    requested_on: date | None
    paid_on: date | None
    paid_amount: Decimal | None
    allowed_actions: list[str]

    @staticmethod
    def resolve_programme(obj):
        return obj.programme.name

    @staticmethod
    def resolve_valid_from(obj):
        return obj.programme.valid_from

    @staticmethod
    def resolve_valid_until(obj):
        return obj.programme.valid_until

    @staticmethod
    def resolve_claim(obj):
        return obj.claim_id

    @staticmethod
    def resolve_product(obj):
        return obj.claim.product.number if obj.claim_id else None

    @staticmethod
    def resolve_category(obj):
        return obj.claim.product.category if obj.claim_id else None

    @staticmethod
    def resolve_provider(obj):
        return obj.provider.name if obj.provider_id else None

    @staticmethod
    def resolve_allowed_actions(obj, context):
        return [name for name, _label in vouchers.voucher_actions(context["request"].auth, obj)]


class EvidenceOut(Schema):
    id: int
    kind: str
    name: str
    size: int


class VoucherDetailOut(VoucherOut):
    timeline: list[CaseEventOut]
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_timeline(obj):
        return timeline_of(obj.events)

    @staticmethod
    def resolve_evidence(obj):
        return [{"id": f.pk, "kind": f.kind, "name": f.original_name, "size": f.size} for f in obj.files.all()]


class VoucherFilterIn(Schema):
    state: Filter = ""
    programme: Id | None = None
    league: Filter = ""


@router.get("", response=list[VoucherOut], url_name="vouchers", operation_id="vouchers",
            summary="Cloud-service vouchers in the caller's scope")  # fmt: skip
@paginate(Pagination)
def list_vouchers(request, filters: Query[VoucherFilterIn]):
    if not access.can_see_vouchers(request.auth):
        raise Http404
    return voucher_selectors.voucher_list(user=request.auth, **filters.dict())


class VoucherTallyOut(Schema):
    key: str
    label: str
    issued: int
    issued_amount: Decimal
    redeemed: int
    redeemed_amount: Decimal
    in_review: int
    paid: int
    paid_amount: Decimal
    expired: int


class VoucherFiguresOut(Schema):
    as_of: date
    budget: Decimal
    budget_used: Decimal
    total: VoucherTallyOut
    by_league: list[VoucherTallyOut]
    by_category: list[VoucherTallyOut]


class FiguresQuery(Schema):
    as_of: Day() | None = None
    league: Filter = ""


@router.get("/figures", response={200: VoucherFiguresOut, 404: Error}, url_name="voucher_figures",
            operation_id="voucher_figures", summary="Vouchers by league and category")  # fmt: skip
def voucher_figures(request, query: Query[FiguresQuery]):
    if not access.can_see_catalogue_figures(request.auth):
        raise Http404
    if query.league and not access.visible_areas(request.auth).filter(code=query.league).exists():
        raise Http404
    as_of = query.as_of or timezone.localdate()
    return voucher_selectors.voucher_figures(user=request.auth, as_of=as_of, scope=query.league or None)


@router.get("/{int:voucher_id}", response={200: VoucherDetailOut, 404: Error}, url_name="voucher",
            operation_id="voucher", summary="One voucher with its timeline and evidence")  # fmt: skip
def get_voucher(request, voucher_id: Id):
    return access.access_voucher(request.auth, voucher_id)


class VoucherMoveIn(Schema):
    action: Text(20)
    comment: Text(500, multiline=True) = ""
    claim: Int(min_value=1) | None = None
    amount: Amount(8, 2) | None = None
    on: Day() | None = None


move_voucher = add_moves_endpoint(
    router, vouchers.VOUCHER, name="move_voucher", move_in=VoucherMoveIn, case_out=VoucherDetailOut
)
