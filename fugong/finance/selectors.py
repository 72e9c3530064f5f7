"""Reads of financing needs and referrals; every one starts from the access module."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet

from fugong import access
from fugong.accounts.models import User
from fugong.core import bounds
from fugong.finance.models import FinancingNeed, Referral, State, Target
from fugong.problems.selectors import in_scope, league_names


@dataclass
class ReferralFilters:
    state: str = ""
    target: str = ""
    league: str = ""
    batch: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, params) -> "ReferralFilters":
        return cls(**{name: (params.get(name) or "").strip() for name in cls.__dataclass_fields__})


def referral_list(*, user: User, filters: ReferralFilters | None = None) -> QuerySet[Referral]:
    f = filters or ReferralFilters()
    qs = access.visible_referrals(user).select_related("enterprise", "league", "bank", "need", "batch")
    if f.state in State.values:
        qs = qs.filter(state=f.state)
    if f.target in Target.values:
        qs = qs.filter(target=f.target)
    if f.league:
        qs = qs.filter(league_id=f.league)
    if f.batch:
        qs = qs.filter(batch_id=bounds.id_param(f.batch, "batch"))
    if f.q:
        qs = qs.filter(Q(enterprise__name__icontains=f.q) | Q(enterprise__credit_code=f.q.upper()))
    return qs


def need_list(*, user: User, unreferred: bool = False) -> QuerySet[FinancingNeed]:
    qs = access.visible_financing_needs(user).select_related("enterprise", "league")
    return qs.filter(referrals__isnull=True) if unreferred else qs


@dataclass
class Tally:
    key: str
    label: str
    referred: int = 0
    contacted: int = 0
    approved: int = 0
    disbursed: int = 0
    declined: int = 0
    need_amount: Decimal = Decimal(0)
    approved_amount: Decimal = Decimal(0)
    disbursed_amount: Decimal = Decimal(0)

    @property
    def total(self) -> int:
        return self.referred + self.contacted + self.approved + self.disbursed + self.declined

    @property
    def funded(self) -> int:
        return self.approved + self.disbursed


@dataclass
class ReferralStats:
    as_of: date
    total: Tally
    by_league: list[Tally] = field(default_factory=list)
    by_target: list[Tally] = field(default_factory=list)
    by_outcome: list[tuple[str, str, int]] = field(default_factory=list)


def referral_stats(*, user: User, as_of: date, scope=None) -> ReferralStats:
    """Counts and amounts of what was referred by a day; the state is the one recorded now."""
    qs = in_scope(access.visible_referrals(user).filter(referred_on__lte=as_of), scope)
    rows = qs.values_list(
        "league_id",
        "league__name",
        "target",
        "bank__name",
        "state",
        "need__amount",
        "approved_amount",
        "disbursed_amount",
    )
    total = Tally("", "")
    leagues: dict[str, Tally] = {}
    targets: dict[str, Tally] = {}
    labels = dict(Target.choices)
    for league, league_name, target, bank, state, need, approved, disbursed in rows:
        target_key = f"bank:{bank}" if bank else target
        for tally in (
            total,
            leagues.setdefault(league, Tally(league, league_name)),
            targets.setdefault(target_key, Tally(target_key, bank or str(labels[target]))),
        ):
            setattr(tally, state, getattr(tally, state) + 1)
            tally.need_amount += need or 0
            if state in (State.APPROVED, State.DISBURSED):
                tally.approved_amount += approved or 0
            if state == State.DISBURSED:
                tally.disbursed_amount += disbursed or 0
    league_names(leagues.values())
    return ReferralStats(
        as_of=as_of,
        total=total,
        by_league=sorted(leagues.values(), key=lambda t: t.key),
        by_target=sorted(targets.values(), key=lambda t: -t.total),
        by_outcome=[(s, str(label), getattr(total, s)) for s, label in State.choices],
    )


def _amount(value: Decimal) -> str:
    return f"{value:,.0f}" if value < 10000 else f"{value / 10000:.2f}".rstrip("0").rstrip(".") + "亿"


def brief_lines(*, user: User, as_of: date, scope=None) -> list[str]:
    """Sentences for the brief, in its house style: enterprises counted once, in 户; full-width punctuation.

    An enterprise referred to the platform and then to a bank is one enterprise; amounts add up over referrals.
    """
    stats = referral_stats(user=user, as_of=as_of, scope=scope)
    t = stats.total
    if not t.total:
        return []
    qs = in_scope(access.visible_referrals(user).filter(referred_on__lte=as_of), scope)

    def enterprises(q) -> int:
        return q.values("enterprise_id").distinct().count()

    line = f"累计推荐融资企业{enterprises(qs)}户"
    platform = enterprises(qs.filter(target=Target.ZHONGZHENG))
    if platform:
        line += f"，其中推荐至人民银行融资平台{platform}户"
    funded = enterprises(qs.filter(state__in=[State.APPROVED, State.DISBURSED]))
    line += f"；已获批{funded}户、金额{_amount(t.approved_amount)}万元"
    line += f"，已放款{enterprises(qs.filter(state=State.DISBURSED))}户、金额{_amount(t.disbursed_amount)}万元。"
    return [line.replace("亿万元", "亿元")]


def brief_section(ctx):
    """The brief's section on financing referrals (registered with analytics.brief by FinanceConfig.ready)."""
    from fugong.analytics.brief import Section

    lines = brief_lines(user=ctx.user, as_of=ctx.as_of, scope=ctx.scope)
    return Section("financing", "融资对接情况", "".join(lines)) if lines else None


def dashboard_panel(ctx):
    """The dashboard's panel on financing referrals (registered with analytics.sections by FinanceConfig.ready)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from fugong.analytics.sections import Panel

    t = referral_stats(user=ctx.user, as_of=ctx.as_of, scope=ctx.scope).total
    if not t.total:
        return None
    amount = _("%(amount)s (10k yuan)")
    figures = [
        (_("Referrals"), f"{t.total:,}"),
        (_("Approved or disbursed"), f"{t.funded:,}"),
        (_("Amount approved"), amount % {"amount": f"{t.approved_amount:,.0f}"}),
        (_("Amount disbursed"), amount % {"amount": f"{t.disbursed_amount:,.0f}"}),
    ]
    return Panel("financing", _("Financing referrals"), figures, link=reverse("finance:stats"))


# --- Home pages --------------------------------------------------------------------------------------------

HOME_ROWS = 8
# What waits on the bank in each state: contact the enterprise, decide, pay out.
WAITING_ON_BANK = (State.REFERRED, State.CONTACTED, State.APPROVED)


@dataclass
class ReferralGroup:
    state: str
    label: str
    count: int
    rows: list


def referrals_by_state(*, user: User, states=WAITING_ON_BANK) -> list[ReferralGroup]:
    """The user's referrals in each state, oldest first: a bank's work, or an enterprise's requests."""
    qs = access.visible_referrals(user).select_related("enterprise", "league", "bank", "need")
    groups = []
    for state in states:
        in_state = qs.filter(state=state).order_by("referred_on", "pk")
        groups.append(ReferralGroup(state, str(State(state).label), in_state.count(), list(in_state[:HOME_ROWS])))
    return groups
