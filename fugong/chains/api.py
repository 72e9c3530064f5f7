from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from fugong import access
from fugong.chains import selectors, services
from fugong.core.bounds import Day, Filter, Id, Text
from fugong.core.case_views import add_moves_endpoint
from fugong.core.schemas import CaseEventOut, Error, Pagination, timeline_of
from fugong.enterprises.models import Enterprise, Tag

needs_router = Router(tags=["chains"])
links_router = Router(tags=["chains"])
pairings_router = Router(tags=["chains"])


class PostOut(Schema):
    id: int
    credit_code: str
    enterprise: str
    league: str
    side: str
    category: str
    product: str
    quantity: str
    on: date
    industry: str
    state: str
    listed: bool
    posted_on: date
    expires_on: date

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
    def resolve_industry(obj):
        return obj.industry_id

    @staticmethod
    def resolve_listed(obj):
        return obj.is_listed(timezone.localdate())


class PostFilterIn(Schema):
    side: Filter = ""
    category: Filter = ""
    state: Filter = ""
    league: Filter = ""
    q: Filter = ""


class PostIn(Schema):
    credit_code: Text(18) = ""
    side: Text(8)
    category: Text(16)
    product: Text(100)
    quantity: Text(50) = ""
    on: Day(future=True)
    note: Text(300, multiline=True) = ""


@needs_router.get("", response=list[PostOut])
@paginate(Pagination)
def list_chain_posts(request, filters: Query[PostFilterIn]):
    """Needs and offers (`side=need` or `side=offer`), as the caller sees them."""
    return selectors.post_list(user=request.auth, filters=selectors.PostFilters(**filters.dict()))


@needs_router.get("/{int:post_id}", response={200: PostOut, 404: Error})
def get_chain_post(request, post_id: Id):
    return access.access_chain_post(request.auth, post_id)


@needs_router.post("", response={201: PostOut, 400: Error, 404: Error})
def create_chain_post(request, payload: PostIn):
    user = request.auth
    enterprise = access.own_enterprise(user)
    if enterprise is None:
        if not access.can_pair(user):
            raise Http404
        if not payload.credit_code:
            raise ValidationError({"credit_code": [_("Name the enterprise by its credit code.")]})
        enterprise = access.access_enterprise(user, payload.credit_code.strip().upper())
    post = services.post_create(actor=user, enterprise=enterprise, **payload.dict(exclude={"credit_code"}))
    return 201, access.access_chain_post(user, post.pk)


class LinkOut(Schema):
    id: int
    leader: str
    leader_name: str
    relation: str
    partner: str
    partner_name: str
    product: str
    status: str
    held_back: bool


class LinkFilterIn(Schema):
    as_of: Day() | None = None
    leader: Filter = ""


class LinkIn(Schema):
    leader: Text(18)
    partner: Text(18)
    relation: Text(8)
    product: Text(100) = ""


def _link_out(row) -> dict:
    link = row.link
    return {
        "id": link.pk, "leader": link.leader.credit_code, "leader_name": link.leader.name, "relation": link.relation,
        "partner": link.partner.credit_code, "partner_name": link.partner.name, "product": link.product,
        "status": row.status, "held_back": row.held_back,
    }  # fmt: skip


@links_router.get("", response=list[LinkOut])
@paginate(Pagination)
def list_chain_links(request, filters: Query[LinkFilterIn]):
    """The chain links the caller sees, each with its partner's status on the day (`as_of`, today by default)."""
    day = filters.as_of or timezone.localdate()
    leader = None
    if filters.leader:
        leader = access.visible_enterprises(request.auth).filter(credit_code=filters.leader.upper()).first()
        if leader is None:
            return []
    found = selectors.chains(user=request.auth, day=day, leader_id=leader.pk if leader else None)
    return [_link_out(row) for chain in found for row in [*chain.suppliers, *chain.customers]]


@links_router.post("", response={201: LinkOut, 400: Error, 404: Error})
def create_chain_link(request, payload: LinkIn):
    user = request.auth
    leader = access.visible_enterprises(user).filter(credit_code=payload.leader.upper(), tags=Tag.Code.LEADING).first()
    if leader is None or not access.can_edit_chain_links(user, leader):
        raise Http404
    partner = Enterprise.objects.filter(credit_code=payload.partner.strip().upper()).first()
    if partner is None:
        raise ValidationError({"partner": [_("No enterprise with this credit code in the registry.")]})
    link = services.link_create(
        actor=user, leader=leader, partner=partner, relation=payload.relation, product=payload.product
    )
    found = selectors.chains(user=user, day=timezone.localdate(), leader_id=leader.pk)
    row = next(r for c in found for r in [*c.suppliers, *c.customers] if r.link.pk == link.pk)
    return 201, _link_out(row)


class PairingOut(Schema):
    id: int
    state: str
    paired_on: date
    league: str
    need: int
    need_product: str
    credit_code: str
    enterprise: str
    offer: int
    offer_product: str
    supplier_credit_code: str
    supplier: str
    failed_reason: str
    allowed_actions: list[str]

    @staticmethod
    def resolve_league(obj):
        return obj.league_id

    @staticmethod
    def resolve_need(obj):
        return obj.need_id

    @staticmethod
    def resolve_need_product(obj):
        return obj.need.product

    @staticmethod
    def resolve_credit_code(obj):
        return obj.enterprise.credit_code

    @staticmethod
    def resolve_enterprise(obj):
        return obj.enterprise.name

    @staticmethod
    def resolve_offer(obj):
        return obj.offer_id

    @staticmethod
    def resolve_offer_product(obj):
        return obj.offer.product

    @staticmethod
    def resolve_supplier_credit_code(obj):
        return obj.supplier.credit_code

    @staticmethod
    def resolve_supplier(obj):
        return obj.supplier.name

    @staticmethod
    def resolve_allowed_actions(obj, context):
        return services.allowed_actions(context["request"].auth, obj)


class PairingDetailOut(PairingOut):
    timeline: list[CaseEventOut]

    @staticmethod
    def resolve_timeline(obj):
        return timeline_of(obj.events)


class PairingFilterIn(Schema):
    state: Filter = ""


class PairingIn(Schema):
    need: Id
    offer: Id


class PairingMoveIn(Schema):
    action: Text(20)
    comment: Text(multiline=True) = ""


@pairings_router.get(
    "", response={200: list[PairingOut], 404: Error}, url_name="list_chain_pairings", operation_id="list_chain_pairings"
)
@paginate(Pagination)
def list_chain_pairings(request, filters: Query[PairingFilterIn]):
    """The pairings of needs with offers the caller sees (as the web list: officials and work groups by their area,
    an enterprise those it is a party to), newest first; `state` filters."""
    if not access.can_see_chains(request.auth):
        raise Http404
    return selectors.pairing_list(user=request.auth, state=filters.state)


@pairings_router.get(
    "/{int:pairing_id}",
    response={200: PairingDetailOut, 404: Error},
    url_name="get_chain_pairing",
    operation_id="get_chain_pairing",
)
def get_chain_pairing(request, pairing_id: Id):
    """One pairing with its timeline (who paired, moved or commented, when)."""
    return access.access_pairing(request.auth, pairing_id)


@pairings_router.post(
    "",
    response={201: PairingDetailOut, 400: Error, 404: Error},
    url_name="create_chain_pairing",
    operation_id="create_chain_pairing",
)
def create_chain_pairing(request, payload: PairingIn):
    """An official pairs a need with an offer, both in their area (404 otherwise), open and not expired, of two
    enterprises, not yet paired (400 naming the field otherwise): the web's service and checks."""
    user = request.auth
    if not access.can_pair(user):
        raise Http404
    posts = access.visible_chain_posts(user)
    need = posts.filter(pk=payload.need).first()
    offer = posts.filter(pk=payload.offer).first()
    if need is None or offer is None:
        raise Http404
    pairing = services.pairing_create(actor=user, need=need, offer=offer)
    return 201, access.access_pairing(user, pairing.pk)


move_chain_pairing = add_moves_endpoint(
    pairings_router, services.CASE, name="move_chain_pairing", move_in=PairingMoveIn, case_out=PairingDetailOut
)
