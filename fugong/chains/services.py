"""Every write to needs and offers, pairings and chain links: forms, the API and the demo come through here."""

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong import access
from fugong.accounts.models import User
from fugong.chains.models import (
    VALID_DAYS,
    Category,
    ChainLink,
    ChainPost,
    LinkRole,
    Pairing,
    PairingEvent,
    PairingState,
    PostState,
    Side,
)
from fugong.core import bounds, cases
from fugong.core.cases import CaseType, Move, Transitions
from fugong.core.text import clean
from fugong.enterprises.models import Enterprise, Tag


def product_key(product: str) -> str:
    return clean(product).lower()


def _checked(checks: dict) -> tuple[dict, dict[str, list[str]]]:
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, check in checks.items():
        try:
            values[name] = check()
        except ValidationError as e:
            errors[name] = e.messages
    return values, errors


@transaction.atomic
def post_create(
    *,
    actor: User | None,
    enterprise: Enterprise,
    side: str,
    category: str,
    product: str,
    on: date,
    quantity: str = "",
    note: str = "",
    posted_on: date | None = None,
) -> ChainPost:
    """A need or an offer; the same enterprise cannot have the same product open twice on the same side."""
    posted_on = posted_on or timezone.localdate()
    values, errors = _checked(
        {
            "product": lambda: bounds.check_text(product, max_length=100),
            "quantity": lambda: bounds.check_text(quantity, max_length=50),
            "note": lambda: bounds.check_text(note, max_length=300, multiline=True),
            "on": lambda: bounds.check_date(on, future=True),
        }
    )
    if "product" not in errors and not product_key(product):
        errors["product"] = [_("Name the product or service.")]
    if side not in Side.values:
        errors["side"] = [_("A post is a need or an offer.")]
    if category not in Category.values:
        errors["category"] = [_("The category is raw material, part, service or labour.")]
    if actor is not None and not access.can_post_chain_for(actor, enterprise):
        errors["enterprise"] = [_("You cannot post for this enterprise.")]
    key = product_key(product or "")
    if (
        not errors
        and ChainPost.objects.filter(enterprise=enterprise, side=side, product_key=key, state=PostState.OPEN).exists()
    ):
        errors["product"] = [_("This enterprise already has this product open; reconfirm or close that one.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return ChainPost.objects.create(
                enterprise=enterprise,
                league_id=enterprise.league_id,
                county_id=enterprise.county_id,
                industry_id=enterprise.industry_id,
                side=side,
                category=category,
                product=clean(product),
                product_key=key,
                quantity=clean(quantity),
                on=values["on"],
                note=cases.text(note),
                posted_on=posted_on,
                expires_on=posted_on + timedelta(days=VALID_DAYS),
                created_by=actor,
            )
    except IntegrityError as e:
        raise ValidationError(
            {"product": [_("This enterprise already has this product open; reconfirm or close that one.")]}
        ) from e


def post_reconfirm(*, actor: User | None, post: ChainPost, on: date | None = None) -> ChainPost:
    """Still wanted (or still available): listed for another VALID_DAYS from today."""
    if actor is not None and not access.can_manage_chain_post(actor, post):
        raise ValidationError({"action": [_("Only the enterprise or an official of its area may do this.")]})
    if post.state != PostState.OPEN:
        raise ValidationError({"action": [_("A closed post cannot be reconfirmed; post it again.")]})
    post.expires_on = (on or timezone.localdate()) + timedelta(days=VALID_DAYS)
    post.save(update_fields=["expires_on", "updated_at"])
    return post


def post_close(*, actor: User | None, post: ChainPost) -> ChainPost:
    """Met, or no longer wanted: closed by its enterprise or an official; the same product may be posted again."""
    if actor is not None and not access.can_manage_chain_post(actor, post):
        raise ValidationError({"action": [_("Only the enterprise or an official of its area may do this.")]})
    if post.state == PostState.CLOSED:
        raise ValidationError({"action": [_("This post is already closed.")]})
    post.state = PostState.CLOSED
    post.save(update_fields=["state", "updated_at"])
    return post


# --- Pairings -------------------------------------------------------------------------------------------------

OFFICIAL = "official"
PARTY = "party"  # the needing or the supplying enterprise's user


def relations(user: User, pairing: Pairing) -> set[str]:
    if not access.can_see_pairing(user, pairing):
        return set()
    if access.can_follow_pairing(user, pairing):
        return {OFFICIAL}
    return {PARTY} if user.is_authenticated and user.enterprise_id else set()


OFFICIALS = frozenset({OFFICIAL})
OPEN_PAIRINGS = frozenset({PairingState.PROPOSED, PairingState.IN_PROGRESS})
TRANSITIONS = Transitions(
    moves={
        "contact": Move(
            frozenset({PairingState.PROPOSED}), PairingState.IN_PROGRESS, OFFICIALS, gettext_lazy("In contact")
        ),
        "done": Move(OPEN_PAIRINGS, PairingState.DONE, OFFICIALS, gettext_lazy("Done: supplied")),
        "fail": Move(
            OPEN_PAIRINGS,
            PairingState.FAILED,
            OFFICIALS,
            gettext_lazy("Failed"),
            needs_comment=gettext_lazy("Say why the pairing failed."),
        ),
        "comment": Move(
            frozenset(PairingState.values),
            None,
            OFFICIALS | {PARTY},
            gettext_lazy("Add a comment"),
            needs_comment=gettext_lazy("Write the comment."),
        ),
    },
    states=PairingState,
    event_model=PairingEvent,
    relations=relations,
    who_labels={OFFICIAL: gettext_lazy("an official of its area"), PARTY: gettext_lazy("the enterprises paired")},
    not_now=gettext_lazy(
        "“%(action)s” is not possible while the pairing is %(state)s; it is possible when %(allowed)s."
    ),
)


def allowed_actions(user: User, pairing: Pairing) -> list[str]:
    return TRANSITIONS.allowed_actions(pairing, user)


@transaction.atomic
def pairing_create(
    *, actor: User | None, need: ChainPost, offer: ChainPost, on: date | None = None, at: datetime | None = None
) -> Pairing:
    today = on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if need.side != Side.NEED or offer.side != Side.OFFER:
        errors["offer"] = [_("A pairing joins a need with an offer.")]
    elif not need.is_listed(today) or not offer.is_listed(today):
        errors["offer"] = [_("Both the need and the offer must be open and not expired.")]
    elif need.enterprise_id == offer.enterprise_id:
        errors["offer"] = [_("An enterprise is not paired with itself.")]
    if actor is not None:
        seen = access.visible_chain_posts(actor).filter(pk__in=[need.pk, offer.pk]).count()
        if not access.can_pair(actor) or seen != len({need.pk, offer.pk}):
            errors["offer"] = [_("You cannot pair these.")]
    if not errors and Pairing.objects.filter(need=need, offer=offer).exists():
        errors["offer"] = [_("These two are already paired.")]
    if errors:
        raise ValidationError(errors)
    pairing = Pairing.objects.create(
        need=need,
        offer=offer,
        enterprise_id=need.enterprise_id,
        supplier_id=offer.enterprise_id,
        league_id=need.league_id,
        county_id=need.county_id,
        paired_on=today,
        created_by=actor,
    )
    PairingEvent.for_case(pairing, actor=actor, action="pair", at=at).save()
    return pairing


def pairing_move(
    *, actor: User | None, pairing: Pairing, action: str, comment: str = "", at: datetime | None = None
) -> Pairing:
    """One move of TRANSITIONS; a pairing done closes the need it met."""
    comment = bounds.check_text(comment, max_length=bounds.TEXT_MAX, multiline=True) if comment else ""

    def apply(pairing: Pairing, _move) -> dict:
        if action == "fail":
            pairing.failed_reason = cases.text(comment)[:300]
        if action == "done":
            ChainPost.objects.filter(pk=pairing.need_id).update(state=PostState.CLOSED)
        return {}

    return TRANSITIONS.move(pairing, action=action, actor=actor, comment=comment, apply=apply, at=at)


CASE = CaseType(TRANSITIONS, access.access_pairing, pairing_move)


# --- Chain links ----------------------------------------------------------------------------------------------


@transaction.atomic
def link_create(
    *, actor: User | None, leader: Enterprise, partner: Enterprise, relation: str, product: str = ""
) -> ChainLink:
    """A main supplier or customer of a leading enterprise, entered by an official of the leader's area."""
    values, errors = _checked({"product": lambda: bounds.check_text(product, max_length=100)})
    if relation not in LinkRole.values:
        errors["relation"] = [_("A link is a supplier or a customer.")]
    if not leader.tags.filter(code=Tag.Code.LEADING).exists():
        errors["leader"] = [_("Chains are kept for leading enterprises.")]
    if partner.pk == leader.pk:
        errors["partner"] = [_("An enterprise is not its own supplier or customer.")]
    if actor is not None and not access.can_edit_chain_links(actor, leader):
        errors["leader"] = [_("You cannot edit this enterprise's chain.")]
    if not errors and ChainLink.objects.filter(leader=leader, partner=partner, relation=relation).exists():
        errors["partner"] = [_("Already in this chain.")]
    if errors:
        raise ValidationError(errors)
    return ChainLink.objects.create(
        leader=leader,
        partner=partner,
        relation=relation,
        product=clean(values["product"]),
        league_id=leader.league_id,
        county_id=leader.county_id,
        created_by=actor,
    )


def link_delete(*, actor: User | None, link: ChainLink) -> None:
    if actor is not None and not access.can_edit_chain_links(actor, link.leader):
        raise ValidationError({"leader": [_("You cannot edit this enterprise's chain.")]})
    link.delete()


def follow_enterprises(*, ids) -> int:
    """Listed posts, open pairings and chain links follow their enterprise (the leader) to its new area."""
    moved = cases.follow_enterprises(ChainPost.objects.filter(state=PostState.OPEN), ids)
    moved += cases.follow_enterprises(Pairing.objects.filter(state__in=OPEN_PAIRINGS), ids)
    return moved + cases.follow_enterprises(ChainLink.objects.all(), ids, owner="leader")


def on_enterprises_moved(sender, *, ids, **kwargs) -> None:  # noqa: ARG001 - a signal receiver
    follow_enterprises(ids=ids)
