"""Reads of the arrears ledger; every one starts from the access module. The figures come from one function,
`arrears_figures`, which the figures page, its export, the API, the brief and the dashboard panel all read."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from fugong import access
from fugong.accounts.models import User
from fugong.arrears.models import DebtorType, Repayment, State
from fugong.problems.selectors import in_scope, league_names


@dataclass
class ArrearsFilters:
    state: str = ""
    debtor_type: str = ""
    league: str = ""
    past_due: str = ""  # "1": past the legal due date today and not cleared
    pay_when_paid: str = ""  # "1": contracts with a pay-when-paid clause
    q: str = ""

    @classmethod
    def from_query(cls, params) -> "ArrearsFilters":
        return cls(**{name: (params.get(name) or "").strip()[:100] for name in cls.__dataclass_fields__})


def arrears_list(*, user: User, filters: ArrearsFilters | None = None, today: date | None = None) -> QuerySet:
    f = filters or ArrearsFilters()
    qs = access.visible_arrears(user).select_related("enterprise", "league", "debtor_area")
    if f.state in State.values:
        qs = qs.filter(state=f.state)
    if f.debtor_type in DebtorType.values:
        qs = qs.filter(debtor_type=f.debtor_type)
    if f.league:
        qs = qs.filter(Q(league_id=f.league) | Q(county_id=f.league))
    if f.past_due == "1":
        qs = qs.filter(due_on__lt=today or timezone.localdate()).exclude(state=State.CLEARED)
    if f.pay_when_paid == "1":
        qs = qs.filter(pay_when_paid=True)
    if f.q:
        qs = qs.filter(
            Q(enterprise__name__icontains=f.q)
            | Q(enterprise__credit_code=f.q.upper())
            | Q(debtor__icontains=f.q)
            | Q(contract__icontains=f.q)
        )
    return qs.order_by("due_on", "pk")


# --- Figures ------------------------------------------------------------------------------------------------


def percent(part: Decimal, whole: Decimal) -> Decimal:
    """A share in per cent to one decimal, half up; 0 when there is nothing to divide by."""
    if not whole:
        return Decimal(0)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Tally:
    key: str
    label: str
    items: int = 0
    owed: Decimal = Decimal(0)  # everything recorded by the day
    verified: Decimal = Decimal(0)  # confirmed by the league (cleared items included)
    verified_items: int = 0
    disputed_items: int = 0
    repaid: Decimal = Decimal(0)  # repayments made by the day
    cleared: int = 0  # items cleared by the day
    open_items: int = 0
    outstanding: Decimal = Decimal(0)  # still owed on the day, over every item not cleared by then

    @property
    def cleared_share(self) -> Decimal:
        """清偿率: what was repaid of what the league verified."""
        return percent(self.repaid, self.verified)


@dataclass(frozen=True)
class OpenItem:
    pk: int
    enterprise: str
    league: str
    debtor: str
    debtor_type: str
    amount: Decimal
    outstanding: Decimal
    due_on: date
    days_past_due: int
    pay_when_paid: bool


@dataclass
class ArrearsFigures:
    as_of: date
    total: Tally
    by_league: list[Tally] = field(default_factory=list)
    by_debtor_type: list[Tally] = field(default_factory=list)
    oldest: list[OpenItem] = field(default_factory=list)
    largest: list[OpenItem] = field(default_factory=list)
    pay_when_paid: int = 0  # open items whose contract makes payment wait on the debtor's own payment


TOP_ROWS = 10


def arrears_figures(*, user: User, as_of: date, scope=None, top: int = TOP_ROWS) -> ArrearsFigures:
    """The ledger as of a day: items recorded by then, repayments made by then; verification as recorded now."""
    qs = in_scope(access.visible_arrears(user).filter(reported_on__lte=as_of), scope)
    rows = list(
        qs.values_list(
            "pk", "enterprise__name", "league_id", "league__name", "debtor", "debtor_type", "state", "amount",
            "due_on", "cleared_on", "pay_when_paid",
        )
    )  # fmt: skip
    paid: dict[int, Decimal] = defaultdict(Decimal)
    for item_id, amount in Repayment.objects.filter(item__in=qs, paid_on__lte=as_of).values_list("item_id", "amount"):
        paid[item_id] += amount
    total = Tally("", "")
    leagues: dict[str, Tally] = {}
    types = {value: Tally(value, str(label)) for value, label in DebtorType.choices}
    open_items: list[OpenItem] = []
    for pk, name, league, league_name, debtor, debtor_type, state, amount, due_on, cleared_on, pww in rows:
        repaid = paid.get(pk, Decimal(0))
        is_cleared = cleared_on is not None and cleared_on <= as_of
        for t in (total, leagues.setdefault(league, Tally(league, league_name)), types[debtor_type]):
            t.items += 1
            t.owed += amount
            t.repaid += repaid
            if state in (State.CONFIRMED, State.CLEARED):
                t.verified += amount
                t.verified_items += 1
            elif state == State.DISPUTED:
                t.disputed_items += 1
            if is_cleared:
                t.cleared += 1
            else:
                t.open_items += 1
                t.outstanding += amount - repaid
        if not is_cleared:
            open_items.append(
                OpenItem(
                    pk, name, league_name, debtor, str(DebtorType(debtor_type).label), amount, amount - repaid,
                    due_on, max(0, (as_of - due_on).days), pww,
                )
            )  # fmt: skip
    league_names(leagues.values())
    return ArrearsFigures(
        as_of=as_of,
        total=total,
        by_league=sorted(leagues.values(), key=lambda t: t.key),
        by_debtor_type=list(types.values()),
        oldest=sorted(open_items, key=lambda i: (-i.days_past_due, i.pk))[:top],
        largest=sorted(open_items, key=lambda i: (-i.outstanding, i.pk))[:top],
        pay_when_paid=sum(1 for i in open_items if i.pay_when_paid),
    )


def rate_text(value: Decimal) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def brief_lines(*, user: User, as_of: date, scope=None) -> list[str]:
    """The brief's sentence, in the department's style: 清偿拖欠中小企业账款N万元（已清偿N笔，清偿率N%）。"""
    from fugong.analytics.brief import money_text

    f = arrears_figures(user=user, as_of=as_of, scope=scope, top=0)
    t = f.total
    if not t.items:
        return []
    line = f"登记拖欠中小企业账款{t.items}笔、金额{money_text(t.owed)}，经核实{money_text(t.verified)}；"
    line += f"清偿拖欠中小企业账款{money_text(t.repaid)}（已清偿{t.cleared}笔，清偿率{rate_text(t.cleared_share)}%）。"
    return [line]


def brief_section(ctx):
    """The brief's section on arrears clearing (registered with analytics.brief by ArrearsConfig.ready)."""
    from fugong.analytics.brief import Section

    lines = brief_lines(user=ctx.user, as_of=ctx.as_of, scope=ctx.scope)
    return Section("arrears", "清欠工作", "".join(lines)) if lines else None


def dashboard_panel(ctx):
    """The dashboard's panel on arrears clearing (registered with analytics.sections by ArrearsConfig.ready)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _
    from django.utils.translation import pgettext

    from fugong.analytics.sections import Panel

    if not access.can_see_arrears_figures(ctx.user):
        return None
    t = arrears_figures(user=ctx.user, as_of=ctx.as_of, scope=ctx.scope, top=0).total
    if not t.items:
        return None
    amount = _("%(amount)s (10k yuan)")
    figures = [
        (_("Owed"), amount % {"amount": f"{t.owed:,.0f}"}),
        (_("Verified"), amount % {"amount": f"{t.verified:,.0f}"}),
        (pgettext("arrears", "Repaid"), amount % {"amount": f"{t.repaid:,.0f}"}),
        (_("Cleared share"), f"{rate_text(t.cleared_share)}%"),
    ]
    return Panel("arrears", _("Arrears clearing"), figures, link=reverse("arrears:figures"))
