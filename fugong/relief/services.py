"""Every write to loans falling due and guarantee funds: forms, the API and the demo come through here."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from fugong import access
from fugong.accounts.models import Bank, User
from fugong.core import bounds, cases
from fugong.core.cases import CaseType, Move, Transitions
from fugong.core.text import clean
from fugong.enterprises.models import Enterprise
from fugong.relief.models import (
    Arrangement,
    FundLoan,
    GuaranteeFund,
    GuaranteeInstitution,
    Loan,
    LoanEvent,
    Scale,
    State,
)

BANK = "bank"  # a user of the bank the loan is owed to
GUARANTOR = "guarantor"  # a user of the guarantee institution a bridge was asked of
OFFICIAL = "official"  # an official whose area holds the enterprise

# The longest a loan of this platform runs, and how far an arrangement may push its due date.
LOAN_YEARS = 30
# A loan declared here falls due at most this far ahead: the watch is about loans falling due soon.
DUE_AHEAD_DAYS = 366


def relations(user: User, loan: Loan) -> set[str]:
    if not access.can_see_loan(user, loan):
        return set()
    mine = set()
    if access.is_bank_of_loan(user, loan):
        mine.add(BANK)
    if access.is_guarantor_of_loan(user, loan):
        mine.add(GUARANTOR)
    if user.is_official:
        mine.add(OFFICIAL)
    return mine


LENDERS = frozenset({BANK, GUARANTOR})
RECORDERS = frozenset({BANK, GUARANTOR, OFFICIAL})
UNARRANGED = frozenset({State.REQUESTED, State.REVIEWING, State.DECLINED})
OPEN_STATES = frozenset({State.REQUESTED, State.REVIEWING, State.ARRANGED, State.DECLINED})
TRANSITIONS = Transitions(
    moves={
        "review": Move(frozenset({State.REQUESTED}), State.REVIEWING, LENDERS, gettext_lazy("Start review")),
        "arrange": Move(
            frozenset({State.REQUESTED, State.REVIEWING}), State.ARRANGED, LENDERS, gettext_lazy("Arrange")
        ),
        "decline": Move(
            frozenset({State.REQUESTED, State.REVIEWING}), State.DECLINED, LENDERS, gettext_lazy("Decline")
        ),
        "repay": Move(OPEN_STATES | {State.OVERDUE}, State.REPAID, RECORDERS, gettext_lazy("Repaid")),
        "roll_over": Move(frozenset({State.ARRANGED}), State.ROLLED_OVER, RECORDERS, gettext_lazy("Rolled over")),
        "overdue": Move(OPEN_STATES, State.OVERDUE, RECORDERS, pgettext_lazy("loan", "Overdue")),
    },
    states=State,
    event_model=LoanEvent,
    relations=relations,
    who_labels={
        BANK: gettext_lazy("the bank the loan is owed to"),
        GUARANTOR: gettext_lazy("the guarantee institution asked for the bridge"),
        OFFICIAL: gettext_lazy("an official"),
    },
    not_now=gettext_lazy("“%(action)s” is not possible while the loan is %(state)s; it is possible when %(allowed)s."),
)


def allowed_actions(user: User, loan: Loan) -> list[str]:
    return TRANSITIONS.allowed_actions(loan, user)


def _checked(checks: dict[str, Any]) -> dict[str, Any]:
    """Run each field's bound check; all the refusals at once, by field."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for name, check in checks.items():
        try:
            out[name] = check()
        except ValidationError as e:
            errors[name] = e.messages
    if errors:
        raise ValidationError(errors)
    return out


AMOUNT = {"max_digits": 12, "decimal_places": 2}
# Amounts are in 10k yuan: a loan of a small or medium enterprise above 1,000,000 of them (100亿元) is a sheet
# in yuan, not a loan.
AMOUNT_MAX = Decimal(1_000_000)


def _amount(value) -> Decimal:
    number = bounds.check_decimal(value, **AMOUNT, max_value=AMOUNT_MAX)
    if number <= 0:
        raise ValidationError(_("The amount must be more than zero (in 10,000 yuan)."))
    return number


@transaction.atomic
def loan_declare(
    *,
    actor: User | None,
    enterprise: Enterprise,
    bank: Bank,
    amount: Decimal,
    granted_on: date,
    due_on: date,
    requested: str,
    purpose: str = "",
    guarantor: GuaranteeInstitution | None = None,
    declared_on: date | None = None,
) -> tuple[Loan, bool]:
    """An enterprise's loan falling due and the arrangement it asks for; it goes to the bank (and the
    guarantee institution for a bridge) in state "requested". (loan, created): the same declaration sent again
    changes nothing."""
    today = declared_on or timezone.localdate()
    values = _checked(
        {
            "amount": lambda: _amount(amount),
            "granted_on": lambda: bounds.check_date(granted_on),
            "due_on": lambda: bounds.check_date(due_on, future=True),
            "purpose": lambda: bounds.check_text(purpose, max_length=200),
        }
    )
    errors: dict[str, list[str]] = {}
    if values["due_on"] <= values["granted_on"]:
        errors["due_on"] = [_("The due date must be after the loan date.")]
    elif values["due_on"] > today + timedelta(days=DUE_AHEAD_DAYS):
        errors["due_on"] = [_("Declare a loan falling due within a year.")]
    if values["granted_on"] < values["due_on"] - timedelta(days=366 * LOAN_YEARS):
        errors["granted_on"] = [_("A loan of more than %(n)d years is not a loan falling due.") % {"n": LOAN_YEARS}]
    if requested not in Arrangement.values:
        errors["requested"] = [_("Ask for a renewal, a bridge or an extension.")]
    if requested == Arrangement.BRIDGE and guarantor is None:
        errors["guarantor"] = [_("Name the guarantee institution of the bridge.")]
    if requested != Arrangement.BRIDGE:
        guarantor = None
    if actor is not None and not access.can_declare_loan(actor, enterprise):
        errors["enterprise"] = [_("You cannot declare a loan for this enterprise.")]
    if errors:
        raise ValidationError(errors)
    fields = {
        "amount": values["amount"],
        "purpose": clean(values["purpose"]),
        "requested": requested,
        "guarantor_id": guarantor.pk if guarantor else None,
    }
    same_loan = {"enterprise": enterprise, "bank": bank, "granted_on": values["granted_on"], "due_on": values["due_on"]}
    if (existing := _declared(same_loan)) is not None:
        return _declared_again(existing, fields), False
    try:
        with transaction.atomic():
            loan = Loan.objects.create(
                **same_loan,
                **fields,
                league_id=enterprise.league_id,
                county_id=enterprise.county_id,
                declared_on=today,
                created_by=actor,
            )
    except IntegrityError:
        # The same loan declared twice at once: the first one stored it.
        if (existing := _declared(same_loan)) is None:
            raise
        return _declared_again(existing, fields), False
    LoanEvent.for_case(loan, actor=actor, action="declare").save()
    return loan, True


def _declared(same_loan: dict) -> Loan | None:
    return Loan.objects.filter(**same_loan).exclude(state=State.DECLINED).first()


def _declared_again(loan: Loan, fields: dict) -> Loan:
    """The declaration sent again changes nothing; another ask for the same loan is refused: its case goes on."""
    if any(getattr(loan, name) != value for name, value in fields.items()):
        raise ValidationError(
            {"due_on": [_("This loan (bank, loan date and due date) is already declared; follow its case.")]},
            code="duplicate",
        )
    return loan


def loan_move(
    *,
    actor: User | None,
    loan: Loan,
    action: str,
    arrangement: str = "",
    amount: Decimal | None = None,
    new_due_on: date | None = None,
    on: date | None = None,
    reason: str = "",
    comment: str = "",
    at: datetime | None = None,
) -> Loan:
    """Makes one move of TRANSITIONS, or refuses it with a message naming the field; `actor=None` is the system.
    `on` is the day of the move (today by default): when the loan was arranged, repaid, rolled over, or went
    overdue."""
    values = _checked(
        {
            "amount": lambda: None if amount is None else bounds.check_decimal(amount, **AMOUNT),
            "new_due_on": lambda: None if new_due_on is None else bounds.check_date(new_due_on, future=True),
            "on": lambda: None if on is None else bounds.check_date(on),
            "reason": lambda: bounds.check_text(reason, max_length=300, multiline=True),
            "comment": lambda: bounds.check_text(comment, max_length=bounds.TEXT_MAX, multiline=True),
        }
    )
    day = values["on"] or timezone.localdate()

    def apply(loan: Loan, _move) -> dict:
        if day < loan.declared_on:
            raise ValidationError({"on": [_("The date is before the loan was declared.")]})
        if action == "arrange":
            return _arrange(loan, arrangement, values["amount"], values["new_due_on"], day)
        if action == "decline":
            text = cases.text(reason or comment)
            if not text:
                raise ValidationError({"reason": [_("Give the reason for declining.")]})
            loan.declined_reason = text[:300]
        elif action in ("repay", "roll_over", "overdue"):
            if action == "overdue" and day <= loan.effective_due_on:
                raise ValidationError(
                    {"on": [_("Not overdue before its due date %(day)s.") % {"day": loan.effective_due_on}]}
                )
            loan.outcome_on = day
            return {"on": day.isoformat()}
        return {}

    return TRANSITIONS.move(loan, action=action, actor=actor, comment=comment or reason, apply=apply, at=at)


def _arrange(loan: Loan, arrangement: str, amount: Decimal | None, new_due_on: date | None, day: date) -> dict:
    errors: dict[str, list[str]] = {}
    if arrangement not in Arrangement.values:
        errors["arrangement"] = [_("Choose the arrangement: renewal, bridge or extension.")]
    elif arrangement == Arrangement.BRIDGE and loan.guarantor_id is None:
        errors["arrangement"] = [_("A bridge needs a guarantee institution; the enterprise did not ask for one.")]
    if amount is None or amount <= 0:
        errors["amount"] = [_("Give the amount arranged, in 10,000 yuan.")]
    elif amount > loan.amount:
        errors["amount"] = [_("More than the loan of %(n)s (10,000 yuan).") % {"n": loan.amount}]
    if new_due_on is None:
        errors["new_due_on"] = [_("Give the new due date.")]
    elif new_due_on <= loan.due_on:
        errors["new_due_on"] = [_("The new due date must be after the due date %(day)s.") % {"day": loan.due_on}]
    if errors:
        raise ValidationError(errors)
    loan.arranged = arrangement
    loan.arranged_amount = amount
    loan.new_due_on = new_due_on
    loan.arranged_on = day
    return {"arrangement": arrangement, "amount": str(amount), "new_due_on": str(new_due_on)}


CASE = CaseType(TRANSITIONS, access.access_loan, loan_move)


def follow_enterprises(*, ids) -> int:
    """Open loans follow their enterprise to its new area; settled ones stay where they were."""
    return cases.follow_enterprises(Loan.objects.filter(state__in=OPEN_STATES | {State.OVERDUE}), ids)


def on_enterprises_moved(sender, *, ids, **kwargs) -> None:  # noqa: ARG001 - a signal receiver
    follow_enterprises(ids=ids)


# --- Guarantee funds -----------------------------------------------------------------------------------------


@transaction.atomic
def fund_create(
    *,
    actor: User | None = None,
    name: str,
    league,
    amount: Decimal,
    leverage: Decimal,
    banks: list[Bank],
    scale: str = Scale.ANY,
    established_on: date,
) -> GuaranteeFund:
    values = _checked(
        {
            "name": lambda: bounds.check_text(name, max_length=100, name=True),
            "amount": lambda: _amount(amount),
            "leverage": lambda: bounds.check_decimal(
                leverage, max_digits=4, decimal_places=1, min_value=1, max_value=50
            ),
            "established_on": lambda: bounds.check_date(established_on),
        }
    )
    if scale not in Scale.values:
        raise ValidationError({"scale": [_("Unknown scale “%(code)s”.") % {"code": scale}]})
    if actor is not None:
        leagues = access.fund_leagues(actor)
        if leagues is None or (league is None and not access.can_see_all_funds(actor)):
            raise ValidationError({"league": [_("You cannot set up a fund for this area.")]})
        if league is not None and not leagues.filter(pk=league.pk).exists():
            raise ValidationError({"league": [_("You cannot set up a fund for this area.")]})
    if not banks:
        raise ValidationError({"banks": [_("Choose at least one partner bank.")]})
    if GuaranteeFund.objects.filter(name=clean(values["name"])).exists():
        raise ValidationError({"name": [_("A fund of this name exists already.")]})
    if not clean(values["name"]):
        raise ValidationError({"name": [_("Name the fund.")]})
    fund = GuaranteeFund.objects.create(
        name=clean(values["name"]),
        league=league,
        amount=values["amount"],
        leverage=values["leverage"],
        scale=scale,
        established_on=values["established_on"],
    )
    fund.banks.set(banks)
    return fund


def ineligibility(fund: GuaranteeFund, enterprise: Enterprise) -> str | None:
    """Why the enterprise may not borrow against the fund; None when it may."""
    if fund.league_id is not None and enterprise.league_id != fund.league_id:
        return _("The enterprise is not in the fund's league.")
    if enterprise.size_class not in SME_CLASSES:
        return _("Only small and medium enterprises may borrow against the fund.")
    if fund.scale == Scale.ABOVE and not enterprise.above_scale:
        return _("The fund lends to above-scale enterprises only.")
    if fund.scale == Scale.BELOW and enterprise.above_scale:
        return _("The fund lends to enterprises below scale only.")
    if Loan.objects.filter(enterprise=enterprise, state=State.OVERDUE).exists():
        return _("The enterprise has a loan in default.")
    return None


SME_CLASSES = ("medium", "small", "micro")


@transaction.atomic
def fund_loan_grant(
    *,
    actor: User | None,
    fund: GuaranteeFund,
    enterprise: Enterprise,
    bank: Bank,
    amount: Decimal,
    rate: Decimal,
    term_months: int,
    granted_on: date | None = None,
) -> tuple[FundLoan, bool]:
    """A loan granted against the fund by one of its partner banks, within the fund's capacity; (loan, created).
    The same loan sent again changes nothing."""
    values = _checked(
        {
            "amount": lambda: _amount(amount),
            "rate": lambda: bounds.check_decimal(rate, max_digits=5, decimal_places=2, max_value=36),
            "term_months": lambda: bounds.check_int(term_months, min_value=1, max_value=360),
            "granted_on": lambda: bounds.check_date(granted_on or timezone.localdate()),
        }
    )
    # The lock on the fund serializes its loans: the capacity left, and the same loan sent twice at once.
    fund = GuaranteeFund.objects.select_for_update().get(pk=fund.pk)
    existing = fund.loans.filter(enterprise=enterprise, bank=bank, granted_on=values["granted_on"]).first()
    if existing is not None:
        if (existing.amount, existing.rate, existing.term_months) != (
            values["amount"],
            values["rate"],
            values["term_months"],
        ):
            raise ValidationError(
                {
                    "granted_on": [
                        _("A loan of this bank to this enterprise is already recorded against the fund on this day.")
                    ]
                },
                code="duplicate",
            )
        return existing, False
    errors: dict[str, list[str]] = {}
    if actor is not None and not access.can_grant_fund_loan(actor, fund):
        errors["fund"] = [_("You cannot record loans against this fund.")]
    if not fund.banks.filter(pk=bank.pk).exists():
        errors["bank"] = [_("%(bank)s is not a partner bank of the fund.") % {"bank": bank.name}]
    elif actor is not None and access.is_bank(actor) and actor.bank_id != bank.pk:
        errors["bank"] = [_("A bank records its own loans only.")]
    if actor is not None and not access.is_bank(actor) and not access.can_declare_loan(actor, enterprise):
        errors["enterprise"] = [_("The enterprise is not in your area.")]
    why = ineligibility(fund, enterprise)
    if why:
        errors["enterprise"] = [why]
    if values["granted_on"] < fund.established_on:
        errors["granted_on"] = [_("The fund was established on %(day)s.") % {"day": fund.established_on}]
    granted = sum(fund.loans.values_list("amount", flat=True), Decimal(0))
    if granted + values["amount"] > fund.capacity:
        errors["amount"] = [
            _("Beyond the fund's capacity: %(left)s (10,000 yuan) left.") % {"left": fund.capacity - granted}
        ]
    if errors:
        raise ValidationError(errors)
    loan = FundLoan.objects.create(
        fund=fund,
        enterprise=enterprise,
        league_id=enterprise.league_id,
        county_id=enterprise.county_id,
        bank=bank,
        amount=values["amount"],
        rate=values["rate"],
        term_months=values["term_months"],
        granted_on=values["granted_on"],
        created_by=actor,
    )
    return loan, True
