"""Every write to the arrears ledger: the form, the Excel import, the API and the demo come through here."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong import access
from fugong.accounts.models import User
from fugong.areas.models import Area
from fugong.arrears.models import (
    AGREED_DAYS_MAX,
    STATUTORY_DAYS,
    ArrearsEvent,
    ArrearsItem,
    DebtorType,
    Repayment,
    Source,
    State,
)
from fugong.core import bounds, cases
from fugong.core.cases import CaseType, Move, Transitions
from fugong.core.text import clean
from fugong.enterprises.models import Enterprise

OFFICIAL = "official"  # an official whose area holds the creditor
CREDITOR = "creditor"  # the creditor enterprise's own user

AMOUNT_DIGITS = {"max_digits": 12, "decimal_places": 2}
# Above this an amount in 10k yuan (100 亿元 owed to one small enterprise) is a slip of the unit, not a debt.
AMOUNT_MAX = Decimal(1_000_000)


def relations(user: User, item: ArrearsItem) -> set[str]:
    if not access.can_see_arrears(user, item):
        return set()
    if access.can_verify_arrears(user, item):
        return {OFFICIAL}
    return {CREDITOR} if access.is_own_enterprise(user, item.enterprise_id) else set()


OFFICIALS = frozenset({OFFICIAL})
OPEN_STATES = frozenset({State.REPORTED, State.CONFIRMED, State.DISPUTED})
TRANSITIONS = Transitions(
    moves={
        "confirm": Move(
            frozenset({State.REPORTED, State.DISPUTED}), State.CONFIRMED, OFFICIALS, gettext_lazy("Confirm")
        ),
        "dispute": Move(
            frozenset({State.REPORTED, State.CONFIRMED}),
            State.DISPUTED,
            OFFICIALS,
            gettext_lazy("Dispute"),
            needs_comment=gettext_lazy("Give the reason for the dispute."),
        ),
        "plan": Move(frozenset({State.CONFIRMED}), None, OFFICIALS, gettext_lazy("Record the repayment plan")),
        # The creditor reports money received too; the item is cleared when nothing is left owing.
        "repay": Move(frozenset({State.CONFIRMED}), None, OFFICIALS | {CREDITOR}, gettext_lazy("Record a repayment")),
        "comment": Move(
            frozenset(State.values),
            None,
            OFFICIALS | {CREDITOR},
            gettext_lazy("Add a comment"),
            needs_comment=gettext_lazy("Write the comment."),
        ),
    },
    states=State,
    event_model=ArrearsEvent,
    relations=relations,
    who_labels={OFFICIAL: gettext_lazy("an official of its area"), CREDITOR: gettext_lazy("the creditor")},
    not_now=gettext_lazy("“%(action)s” is not possible while the item is %(state)s; it is possible when %(allowed)s."),
)


def allowed_actions(user: User, item: ArrearsItem) -> list[str]:
    return TRANSITIONS.allowed_actions(item, user)


@dataclass
class ItemData:
    """One ledger item as a form, a sheet row or the API gives it."""

    enterprise: Enterprise
    debtor: str
    debtor_type: str
    debtor_area: Area
    contract: str
    amount: Decimal
    accepted_on: date
    agreed_days: int = STATUTORY_DAYS
    overdue_since: date | None = None
    pay_when_paid: bool = False


def check_item(data: ItemData, *, actor: User | None, today: date | None = None) -> dict[str, list[str]]:
    """Why an item cannot go into the ledger, by field; empty when it can. Nothing is read but the actor's scope."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def check(name: str, fn) -> Any:
        try:
            return fn()
        except ValidationError as e:
            errors[name] = e.messages
            return None

    check("debtor", lambda: bounds.check_text(data.debtor, max_length=100, name=True))
    if not clean(data.debtor or ""):
        errors["debtor"] = [_("Name the debtor.")]
    check("contract", lambda: bounds.check_text(data.contract, max_length=100))
    if not clean(data.contract or ""):
        errors["contract"] = [_("Name the contract (its number or title).")]
    if data.debtor_type not in DebtorType.values:
        errors["debtor_type"] = [
            _("The debtor is a government body, a state-owned enterprise or a large private enterprise.")
        ]
    if data.amount is None or data.amount <= 0:
        errors["amount"] = [_("The amount must be more than zero.")]
    else:
        check("amount", lambda: bounds.check_decimal(data.amount, **AMOUNT_DIGITS, max_value=AMOUNT_MAX))
    if data.accepted_on is None:
        errors["accepted_on"] = [_("Give the day the goods or work were accepted.")]
    else:
        check("accepted_on", lambda: bounds.check_date(data.accepted_on))
    if not isinstance(data.agreed_days, int) or not 1 <= data.agreed_days <= AGREED_DAYS_MAX:
        errors["agreed_days"] = [
            _("Payment is due within %(max)d days of acceptance at most (30 unless the contract agrees otherwise).")
            % {"max": AGREED_DAYS_MAX}
        ]
    if data.overdue_since is not None:
        check("overdue_since", lambda: bounds.check_date(data.overdue_since))
        if data.accepted_on is not None and data.overdue_since < data.accepted_on:
            errors["overdue_since"] = [_("Overdue since a day before the acceptance?")]
    if actor is not None and not access.can_record_arrears_for(actor, data.enterprise):
        errors["enterprise"] = [_("You cannot record arrears for this enterprise.")]
    return errors


@transaction.atomic
def item_create(
    *, actor: User | None, data: ItemData, source: str = Source.FORM, reported_on: date | None = None
) -> ArrearsItem:
    errors = check_item(data, actor=actor)
    if errors:
        raise ValidationError(errors)
    if ArrearsItem.objects.filter(
        enterprise=data.enterprise, debtor=clean(data.debtor), contract=clean(data.contract)
    ).exists():
        raise ValidationError({"contract": [_("This contract with this debtor is already in the ledger.")]})
    item = ArrearsItem(**_fields(data, actor=actor, source=source, reported_on=reported_on))
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as e:
        raise ValidationError({"contract": [_("This contract with this debtor is already in the ledger.")]}) from e
    ArrearsEvent.for_case(item, actor=actor, action="report", comment=str(Source(source).label)).save()
    return item


def _fields(data: ItemData, *, actor, source, reported_on) -> dict:
    accepted = data.accepted_on
    return {
        "enterprise": data.enterprise,
        "league_id": data.enterprise.league_id,
        "county_id": data.enterprise.county_id,
        "debtor": clean(data.debtor),
        "debtor_type": data.debtor_type,
        "debtor_area": data.debtor_area,
        "contract": clean(data.contract),
        "amount": data.amount,
        "accepted_on": accepted,
        "agreed_days": data.agreed_days,
        "due_on": accepted + timedelta(days=data.agreed_days),
        "overdue_since": data.overdue_since or accepted + timedelta(days=data.agreed_days),
        "pay_when_paid": data.pay_when_paid,
        "reported_on": reported_on or timezone.localdate(),
        "source": source,
        "created_by": actor,
    }


def item_bulk_create(
    *, actor: User | None, items: list[ItemData], source: str, reported_on: date | None = None, at=None
) -> list[ArrearsItem]:
    """Many items at once (the import, the demo), each checked as item_create checks it; all or none are saved."""
    for n, data in enumerate(items):
        errors = check_item(data, actor=actor)
        if errors:
            raise ValidationError({f"{k}": [f"#{n + 1}: {m}" for m in v] for k, v in errors.items()})
    with transaction.atomic():
        try:
            created = ArrearsItem.objects.bulk_create(
                [ArrearsItem(**_fields(d, actor=actor, source=source, reported_on=reported_on)) for d in items]
            )
        except IntegrityError as e:
            raise ValidationError({"contract": [_("This contract with this debtor is already in the ledger.")]}) from e
        label = str(Source(source).label)
        ArrearsEvent.objects.bulk_create(
            ArrearsEvent.for_case(i, actor=actor, action="report", comment=label, at=at) for i in created
        )
    return created


def _bounded(*, amount, on, reason) -> tuple[Decimal | None, date | None, str]:
    errors: dict[str, list[str]] = {}
    checked: dict[str, Any] = {}
    checks = {
        "amount": lambda: amount if amount is None else bounds.check_decimal(amount, **AMOUNT_DIGITS),
        "on": lambda: on if on is None else bounds.check_date(on, future=True),
        "reason": lambda: bounds.check_text(reason, max_length=300, multiline=True),
    }
    for name, check in checks.items():
        try:
            checked[name] = check()
        except ValidationError as e:
            errors[name] = e.messages
    if errors:
        raise ValidationError(errors)
    return checked["amount"], checked["on"], checked["reason"]


def arrears_move(
    *,
    actor: User | None,
    item: ArrearsItem,
    action: str,
    amount: Decimal | None = None,
    on: date | None = None,
    reason: str = "",
    comment: str = "",
    at: datetime | None = None,
) -> ArrearsItem:
    """One move of TRANSITIONS, or a refusal naming the field; `actor=None` is the system (the demo).

    A repayment above what is still owed is refused; the one that pays the rest clears the item."""
    amount, on, reason = _bounded(amount=amount, on=on, reason=reason)
    today = timezone.localdate()

    def apply(item: ArrearsItem, _move) -> dict:
        if action == "comment":
            return {}
        if action == "dispute":
            item.dispute_reason = cases.text(reason or comment)[:300]
            return {}
        if action == "confirm":
            item.dispute_reason = ""
            return {}
        if action == "plan":
            if on is None or on < item.reported_on:
                raise ValidationError({"on": [_("Give the day by which the debtor will have repaid.")]})
            item.plan_due, item.plan_note = on, cases.text(reason or comment)[:300]
            return {"on": on.isoformat()}
        # repay
        if amount is None or amount <= 0:
            raise ValidationError({"amount": [_("Give the amount repaid, in 10,000 yuan.")]})
        left = item.amount - item.repaid
        if amount > left:
            raise ValidationError(
                {"amount": [_("More than is still owed (%(left)s, in 10,000 yuan).") % {"left": left}]}
            )
        paid_on = on or today
        if paid_on > today or paid_on < item.accepted_on:
            raise ValidationError({"on": [_("The repayment date is between the acceptance and today.")]})
        Repayment.objects.create(item=item, paid_on=paid_on, amount=amount, recorded_by=actor)
        item.repaid += amount
        if item.repaid == item.amount:
            item.state, item.cleared_on = State.CLEARED, paid_on
        return {"amount": str(amount), "on": paid_on.isoformat()}

    text = comment or (reason if action in ("dispute", "plan") else "")
    return TRANSITIONS.move(item, action=action, actor=actor, comment=text, apply=apply, at=at)


CASE = CaseType(TRANSITIONS, access.access_arrears, arrears_move)


def follow_enterprises(*, ids) -> int:
    """Open items follow their creditor to its new area; cleared ones stay where they were counted."""
    return cases.follow_enterprises(ArrearsItem.objects.filter(state__in=OPEN_STATES), ids)


def on_enterprises_moved(sender, *, ids, **kwargs) -> None:  # noqa: ARG001 - a signal receiver
    follow_enterprises(ids=ids)
