"""Every write to financing needs and referrals: forms, the API and the demo come through here."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong import access
from fugong.accounts.models import Bank, Role, User
from fugong.core import bounds
from fugong.core.text import clean
from fugong.enterprises.models import Enterprise
from fugong.finance.models import FinancingNeed, Referral, ReferralBatch, ReferralEvent, State, Target, Urgency

BANK = "bank"  # a user of the bank the referral went to
OFFICIAL = "official"  # an official whose area holds the enterprise


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str
    label: object


TRANSITIONS = {
    "contact": Transition(frozenset({State.REFERRED}), State.CONTACTED, gettext_lazy("Contacted")),
    "approve": Transition(frozenset({State.REFERRED, State.CONTACTED}), State.APPROVED, gettext_lazy("Approve")),
    "disburse": Transition(frozenset({State.APPROVED}), State.DISBURSED, gettext_lazy("Disburse")),
    "decline": Transition(
        frozenset({State.REFERRED, State.CONTACTED, State.APPROVED}), State.DECLINED, gettext_lazy("Decline")
    ),
}


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


def _event(referral, *, actor, action, from_state="", comment="", detail=None, at=None) -> ReferralEvent:
    return ReferralEvent(
        referral=referral,
        at=at or timezone.now(),
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=referral.state,
        comment=comment,
        detail=detail or {},
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
        _event(r, actor=actor, action="refer", comment=batch.name, at=at) for r in Referral.objects.filter(batch=batch)
    )
    return batch


def relations(user: User, referral: Referral) -> set[str]:
    if not access.can_see_referral(user, referral):
        return set()
    if user.role == Role.BANK and user.bank_id == referral.bank_id:
        return {BANK}
    return {OFFICIAL} if user.is_official else set()


def allowed_actions(user: User, referral: Referral) -> list[str]:
    if not relations(user, referral):
        return []
    return [name for name, t in TRANSITIONS.items() if referral.state in t.sources]


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
    checked = {}
    for name, check in checks.items():
        try:
            checked[name] = check()
        except ValidationError as e:
            errors[name] = e.messages
    if errors:
        raise ValidationError(errors)
    return checked["amount"], checked["on"]


@transaction.atomic
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
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError({"action": [_("Unknown action “%(action)s”.") % {"action": action}]})
    if referral.state not in transition.sources:
        allowed = ", ".join(str(State(s).label) for s in State.values if s in transition.sources)
        message = _("“%(action)s” is not possible while the referral is %(state)s; it is possible when %(allowed)s.")
        values = {"action": transition.label, "state": referral.get_state_display(), "allowed": allowed}
        raise ValidationError({"action": [message % values]})
    if actor is not None and not relations(actor, referral):
        raise ValidationError({"action": [_("Only the bank it was referred to or an official may record this.")]})
    amount, on = _bounded_move(amount=amount, on=on, reason=reason, comment=comment)
    today = on or timezone.localdate()
    before = referral.state
    detail: dict = {}
    if action in ("approve", "disburse"):
        if amount is None or amount <= 0:
            raise ValidationError({"amount": [_("Give the amount, in 10,000 yuan.")]})
        detail["amount"] = str(amount)
    if action == "contact":
        referral.contacted_on = today
    elif action == "approve":
        referral.approved_amount = amount
    elif action == "disburse":
        if amount > referral.approved_amount:
            raise ValidationError({"amount": [_("More than the approved %(n)s.") % {"n": referral.approved_amount}]})
        if today > timezone.localdate() or today < referral.referred_on:
            raise ValidationError({"on": [_("The disbursement date is between the referral and today.")]})
        referral.disbursed_amount = amount
        referral.disbursed_on = today
        detail["on"] = today.isoformat()
    elif action == "decline":
        reason = str(reason or comment or "").strip()
        if not reason:
            raise ValidationError({"reason": [_("Give the reason for declining.")]})
        referral.declined_reason = reason[:300]
    referral.state = transition.target
    referral.save()
    _event(
        referral,
        actor=actor,
        action=action,
        from_state=before,
        comment=str(comment or reason or "").strip(),
        detail=detail,
        at=at,
    ).save()
    return referral
