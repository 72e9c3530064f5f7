"""Every write to financing needs and referrals: forms, the API and the demo come through here."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong import access
from fugong.accounts.models import Bank, User
from fugong.core import bounds, cases
from fugong.core.cases import CaseType, Move, Transitions
from fugong.core.text import clean
from fugong.enterprises.models import Enterprise
from fugong.finance.models import FinancingNeed, Referral, ReferralBatch, ReferralEvent, State, Target, Urgency

BANK = "bank"  # a user of the bank the referral went to
OFFICIAL = "official"  # an official whose area holds the enterprise


def relations(user: User, referral: Referral) -> set[str]:
    if not access.can_see_referral(user, referral):
        return set()
    if access.is_bank_of(user, referral):
        return {BANK}
    return {OFFICIAL} if user.is_official else set()


RECORDERS = frozenset({BANK, OFFICIAL})
OPEN_STATES = frozenset({State.REFERRED, State.CONTACTED, State.APPROVED})
TRANSITIONS = Transitions(
    moves={
        "contact": Move(frozenset({State.REFERRED}), State.CONTACTED, RECORDERS, gettext_lazy("Contacted")),
        "approve": Move(
            frozenset({State.REFERRED, State.CONTACTED}), State.APPROVED, RECORDERS, gettext_lazy("Approve")
        ),
        "disburse": Move(frozenset({State.APPROVED}), State.DISBURSED, RECORDERS, gettext_lazy("Disburse")),
        "decline": Move(OPEN_STATES, State.DECLINED, RECORDERS, gettext_lazy("Decline")),
    },
    states=State,
    event_model=ReferralEvent,
    relations=relations,
    who_labels={BANK: gettext_lazy("the bank it was referred to"), OFFICIAL: gettext_lazy("an official")},
    not_now=gettext_lazy(
        "“%(action)s” is not possible while the referral is %(state)s; it is possible when %(allowed)s."
    ),
)


def allowed_actions(user: User, referral: Referral) -> list[str]:
    return TRANSITIONS.allowed_actions(referral, user)


@transaction.atomic
def need_create(
    *,
    actor: User | None,
    enterprise: Enterprise,
    amount: Decimal,
    purpose: str,
    term_months: int,
    collateral: str = "",
    urgency: str = Urgency.NORMAL,
    raised_on: date | None = None,
) -> FinancingNeed:
    errors: dict[str, list[str]] = {}
    if amount is None or amount <= 0:
        errors["amount"] = [_("The amount must be more than zero.")]
    if not clean(purpose or ""):
        errors["purpose"] = [_("Say what the money is for.")]
    if not term_months or term_months <= 0 or term_months > 360:
        errors["term_months"] = [_("The term is 1 to 360 months.")]
    if urgency not in Urgency.values:
        errors["urgency"] = [_("Urgency is normal or urgent.")]
    if actor is not None and not access.can_raise_problem_for(actor, enterprise):
        errors["enterprise"] = [_("You cannot record a need for this enterprise.")]
    if errors:
        raise ValidationError(errors)
    return FinancingNeed.objects.create(
        enterprise=enterprise,
        league_id=enterprise.league_id,
        county_id=enterprise.county_id,
        amount=amount,
        purpose=clean(purpose),
        term_months=term_months,
        collateral=clean(collateral or ""),
        urgency=urgency,
        raised_on=raised_on or timezone.localdate(),
        created_by=actor,
    )


@transaction.atomic
def batch_create(
    *,
    actor: User | None,
    target: str,
    needs: list[FinancingNeed],
    bank: Bank | None = None,
    name: str = "",
    referred_on: date | None = None,
    at: datetime | None = None,
) -> ReferralBatch:
    """One batch to one target; each need becomes a referral in state "referred"."""
    errors: dict[str, list[str]] = {}
    if target not in Target.values:
        errors["target"] = [_("Unknown target “%(code)s”.") % {"code": target}]
    if target == Target.BANK and bank is None:
        errors["bank"] = [_("Choose the bank.")]
    if target != Target.BANK:
        bank = None
    if not needs:
        errors["needs"] = [_("Choose at least one financing need.")]
    if actor is not None and not access.can_refer(actor):
        errors["target"] = [_("Only officials make referral batches.")]
    if actor is not None and needs:
        allowed = set(
            access.visible_financing_needs(actor).filter(pk__in=[n.pk for n in needs]).values_list("pk", flat=True)
        )
        outside = [n for n in needs if n.pk not in allowed]
        if outside:
            errors["needs"] = [_("%(name)s is outside your area.") % {"name": outside[0].enterprise.name}]
    seen: set[int] = set()
    for need in needs:
        if need.enterprise_id in seen:
            errors["needs"] = [_("%(name)s is twice in this batch.") % {"name": need.enterprise.name}]
        seen.add(need.enterprise_id)
    if errors:
        raise ValidationError(errors)
    referred_on = referred_on or timezone.localdate()
    label = bank.name if bank else str(Target(target).label)
    batch = ReferralBatch.objects.create(
        target=target,
        bank=bank,
        name=clean(name) or f"{label} {referred_on.isoformat()}",
        referred_on=referred_on,
        created_by=actor,
    )
    referrals = [
        Referral(
            batch=batch,
            need=need,
            enterprise_id=need.enterprise_id,
            league_id=need.league_id,
            county_id=need.county_id,
            target=target,
            bank=bank,
            referred_on=referred_on,
        )
        for need in needs
    ]
    try:
        Referral.objects.bulk_create(referrals)
    except IntegrityError as e:
        raise ValidationError({"needs": [_("An enterprise is twice in this batch.")]}) from e
    ReferralEvent.objects.bulk_create(
        ReferralEvent.for_case(r, actor=actor, action="refer", comment=batch.name, at=at)
        for r in Referral.objects.filter(batch=batch)
    )
    return batch


def _bounded_move(*, amount, on, reason, comment) -> tuple[Decimal | None, date | None]:
    """The limits of a move's values, checked before anything is written: a value the column cannot hold is refused."""
    errors: dict[str, list[str]] = {}
    digits = bounds.decimal_of_field(Referral._meta.get_field("approved_amount"))
    checks = {
        "amount": lambda: amount if amount is None else bounds.check_decimal(amount, **digits),
        "on": lambda: on if on is None else bounds.check_date(on),
        "reason": lambda: bounds.check_text(reason, max_length=300, multiline=True),
        "comment": lambda: bounds.check_text(comment, max_length=bounds.TEXT_MAX, multiline=True),
    }
    checked: dict[str, Any] = {}
    for name, check in checks.items():
        try:
            checked[name] = check()
        except ValidationError as e:
            errors[name] = e.messages
    if errors:
        raise ValidationError(errors)
    return checked["amount"], checked["on"]


def referral_move(
    *,
    actor: User | None,
    referral: Referral,
    action: str,
    amount: Decimal | None = None,
    on: date | None = None,
    reason: str = "",
    comment: str = "",
    at: datetime | None = None,
) -> Referral:
    """Makes one move of TRANSITIONS, or refuses it with a message naming the field; `actor=None` is the system.
    The values are checked against their columns first: nothing is written unless all of them fit."""
    amount, on = _bounded_move(amount=amount, on=on, reason=reason, comment=comment)
    today = on or timezone.localdate()

    def apply(referral: Referral, _move) -> dict:
        detail: dict = {}
        if action in ("approve", "disburse"):
            if amount is None or amount <= 0:
                raise ValidationError({"amount": [_("Give the amount, in 10,000 yuan.")]})
            detail["amount"] = str(amount)
        if action == "contact":
            referral.contacted_on = today
        elif action == "approve":
            referral.approved_amount = amount
        elif action == "disburse" and amount is not None:
            if referral.approved_amount is None or amount > referral.approved_amount:
                raise ValidationError(
                    {"amount": [_("More than the approved %(n)s.") % {"n": referral.approved_amount}]}
                )
            if today > timezone.localdate() or today < referral.referred_on:
                raise ValidationError({"on": [_("The disbursement date is between the referral and today.")]})
            referral.disbursed_amount = amount
            referral.disbursed_on = today
            detail["on"] = today.isoformat()
        elif action == "decline":
            if not cases.text(reason or comment):
                raise ValidationError({"reason": [_("Give the reason for declining.")]})
            referral.declined_reason = cases.text(reason or comment)[:300]
        return detail

    return TRANSITIONS.move(referral, action=action, actor=actor, comment=comment or reason, apply=apply, at=at)


CASE = CaseType(TRANSITIONS, access.access_referral, referral_move)


def follow_enterprises(*, ids) -> int:
    """Open referrals follow their enterprise to its new area, and so do the needs not settled yet (not referred,
    or with a referral still open): the new area's officials work on them. Settled ones stay where they were."""
    moved = cases.follow_enterprises(Referral.objects.filter(state__in=OPEN_STATES), ids)
    settled = Referral.objects.filter(need=OuterRef("pk"))
    needs = FinancingNeed.objects.exclude(Exists(settled) & ~Exists(settled.filter(state__in=OPEN_STATES)))
    return moved + cases.follow_enterprises(needs, ids)


def on_enterprises_moved(sender, *, ids, **kwargs) -> None:  # noqa: ARG001 - a signal receiver
    follow_enterprises(ids=ids)
