"""Reads of loans falling due and guarantee funds; every one starts from the access module."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from fugong import access
from fugong.accounts.models import User
from fugong.enterprises.models import Enterprise
from fugong.problems.selectors import in_scope, league_names, scope_code
from fugong.relief.models import Arrangement, FundLoan, GuaranteeFund, Loan, Scale, State
from fugong.relief.services import SME_CLASSES

WATCH_DAYS = 30


@dataclass
class LoanFilters:
    state: str = ""
    requested: str = ""
    arranged: str = ""
    league: str = ""
    bank: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, params) -> "LoanFilters":
        return cls(**{name: (params.get(name) or "").strip() for name in cls.__dataclass_fields__})


def loan_list(*, user: User, filters: LoanFilters | None = None) -> QuerySet[Loan]:
    from fugong.core import bounds

    f = filters or LoanFilters()
    qs = access.visible_loans(user).select_related("enterprise", "league", "bank", "guarantor")
    if f.state:
        if f.state not in State.values:
            raise bounds.BadParameter("state")
        qs = qs.filter(state=f.state)
    if f.requested:
        if f.requested not in Arrangement.values:
            raise bounds.BadParameter("requested")
        qs = qs.filter(requested=f.requested)
    if f.arranged:
        if f.arranged not in Arrangement.values:
            raise bounds.BadParameter("arranged")
        qs = qs.filter(arranged=f.arranged)
    if f.league:
        qs = qs.filter(league_id=f.league)
    bank = bounds.id_param(f.bank, "bank")
    if bank is not None:
        qs = qs.filter(bank_id=bank)
    if f.q:
        qs = qs.filter(Q(enterprise__name__icontains=f.q) | Q(enterprise__credit_code=f.q.upper()))
    return qs


# --- Where a loan stands on a day ---------------------------------------------------------------------------

OPEN, ARRANGED, SETTLED, OVERDUE = "open", "arranged", "settled", "overdue"


def standing(
    *, day: date, state: str, due_on: date, arranged_on, new_due_on, outcome_on, declared_on: date
) -> str | None:
    """Where a loan stood on `day`, from its dates: None (not declared yet), open (no arrangement, not yet due),
    arranged, settled (repaid or rolled over), or overdue (past its due date, or the arranged one, unsettled)."""
    if declared_on > day:
        return None
    if state in (State.REPAID, State.ROLLED_OVER) and outcome_on is not None and outcome_on <= day:
        return SETTLED
    if state == State.OVERDUE and outcome_on is not None and outcome_on <= day:
        return OVERDUE
    if arranged_on is not None and arranged_on <= day:
        return OVERDUE if new_due_on is not None and new_due_on < day else ARRANGED
    return OVERDUE if due_on < day else OPEN


STANDING_FIELDS = ("state", "due_on", "arranged_on", "new_due_on", "outcome_on", "declared_on")


def standing_of(loan: Loan, day: date) -> str | None:
    return standing(day=day, **{name: getattr(loan, name) for name in STANDING_FIELDS})


@dataclass
class WatchGroup:
    key: str
    label: str
    count: int = 0
    amount: Decimal = Decimal(0)
    overdue: int = 0


@dataclass
class Watch:
    as_of: date
    rows: list  # loans, with .days_left and .overdue_flag
    by_league: list[WatchGroup]
    by_bank: list[WatchGroup]

    @property
    def amount(self) -> Decimal:
        return sum((r.amount for r in self.rows), Decimal(0))

    @property
    def overdue(self) -> int:
        return sum(r.overdue_flag for r in self.rows)


def maturity_watch(*, user: User, as_of: date, scope=None, league: str = "", bank: int | None = None) -> Watch:
    """Loans falling due within 30 days of `as_of` with no arrangement, and those already overdue (flagged);
    highest amounts first."""
    qs = in_scope(access.visible_loans(user), scope).filter(
        declared_on__lte=as_of, due_on__lte=as_of + timedelta(days=WATCH_DAYS)
    )
    if league:
        qs = qs.filter(league_id=league)
    if bank:
        qs = qs.filter(bank_id=bank)
    # Settled or arranged (and not yet past the new due date) on the day: never on the watch. standing() decides
    # the rest; this only keeps the history of past months out of the loop.
    recorded_overdue = Q(state=State.OVERDUE, outcome_on__lte=as_of)
    qs = qs.exclude(state__in=[State.REPAID, State.ROLLED_OVER], outcome_on__lte=as_of).exclude(
        Q(arranged_on__lte=as_of, new_due_on__gte=as_of) & ~recorded_overdue
    )
    rows = []
    for loan in qs.select_related("enterprise", "league", "bank").order_by("-amount", "due_on", "pk"):
        where = standing_of(loan, as_of)
        if where not in (OPEN, OVERDUE):
            continue
        loan.overdue_flag = where == OVERDUE
        arranged_by_then = loan.arranged_on is not None and loan.arranged_on <= as_of
        loan.due_then = loan.new_due_on if arranged_by_then and loan.new_due_on else loan.due_on
        loan.days_left = (loan.due_then - as_of).days
        rows.append(loan)
    leagues: dict[str, WatchGroup] = {}
    banks: dict[str, WatchGroup] = {}
    for loan in rows:
        for group in (
            leagues.setdefault(loan.league_id, WatchGroup(loan.league_id, loan.league.name)),
            banks.setdefault(str(loan.bank_id), WatchGroup(str(loan.bank_id), loan.bank.name)),
        ):
            group.count += 1
            group.amount += loan.amount
            group.overdue += loan.overdue_flag
    league_names(leagues.values())
    return Watch(
        as_of=as_of,
        rows=rows,
        by_league=sorted(leagues.values(), key=lambda g: (-g.amount, g.key)),
        by_bank=sorted(banks.values(), key=lambda g: (-g.amount, g.key)),
    )


# --- Figures -------------------------------------------------------------------------------------------------


@dataclass
class LoanTally:
    key: str
    label: str
    declared: int = 0
    amount: Decimal = Decimal(0)
    arranged: int = 0
    arranged_amount: Decimal = Decimal(0)
    fell_due: int = 0
    avoided: int = 0
    defaults: int = 0

    @property
    def arranged_share(self) -> Decimal | None:
        return None if not self.declared else Decimal(self.arranged * 100) / self.declared


@dataclass
class LoanFigures:
    """The figures of loans falling due for a scope and a day: the page, the export, the API and the brief."""

    as_of: date
    total: LoanTally
    enterprises: int = 0  # declaring
    arranged_enterprises: int = 0
    by_type: list[tuple[str, str, int, Decimal]] = field(default_factory=list)  # (type, label, count, amount)
    by_league: list[LoanTally] = field(default_factory=list)
    by_state: list[tuple[str, str, int]] = field(default_factory=list)


def loan_figures(*, user: User, as_of: date, scope=None) -> LoanFigures:
    """Declared by the day; arranged by the day; of the loans whose due date came by the day, those kept out of
    default (arranged or settled) and those in default (overdue on the day)."""
    qs = in_scope(access.visible_loans(user).filter(declared_on__lte=as_of), scope)
    rows = qs.values_list(
        "enterprise_id", "league_id", "league__name", "amount", "arranged", "arranged_amount", *STANDING_FIELDS
    )
    total = LoanTally("", "")
    leagues: dict[str, LoanTally] = {}
    type_count: dict[str, int] = defaultdict(int)
    type_amount: dict[str, Decimal] = defaultdict(Decimal)
    states: dict[str, int] = defaultdict(int)
    declaring, arranging = set(), set()
    for enterprise, league, league_name, amount, arranged, arranged_amount, *facts in rows:
        dates = dict(zip(STANDING_FIELDS, facts, strict=True))
        where = standing(day=as_of, **dates)
        was_arranged = dates["arranged_on"] is not None and dates["arranged_on"] <= as_of
        fell_due = dates["due_on"] <= as_of
        states[dates["state"]] += 1
        declaring.add(enterprise)
        if was_arranged:
            arranging.add(enterprise)
            type_count[arranged] += 1
            type_amount[arranged] += arranged_amount
        for tally in (total, leagues.setdefault(league, LoanTally(league, league_name))):
            tally.declared += 1
            tally.amount += amount
            if was_arranged:
                tally.arranged += 1
                tally.arranged_amount += arranged_amount
            if fell_due:
                tally.fell_due += 1
                tally.avoided += where in (ARRANGED, SETTLED)
            tally.defaults += where == OVERDUE
    league_names(leagues.values())
    return LoanFigures(
        as_of=as_of,
        total=total,
        enterprises=len(declaring),
        arranged_enterprises=len(arranging),
        by_type=[(v, str(label), type_count[v], type_amount[v]) for v, label in Arrangement.choices],
        by_league=sorted(leagues.values(), key=lambda t: t.key),
        by_state=[(v, str(label), states[v]) for v, label in State.choices],
    )


# --- Guarantee funds -----------------------------------------------------------------------------------------


@dataclass
class FundRow:
    fund: GuaranteeFund
    granted: Decimal
    loans: int
    banks: list[str]

    @property
    def capacity(self) -> Decimal:
        return self.fund.capacity

    @property
    def utilisation(self) -> Decimal | None:
        return None if not self.capacity else self.granted * 100 / self.capacity


def _funds_in_scope(user: User, scope) -> QuerySet[GuaranteeFund]:
    qs = access.visible_guarantee_funds(user)
    code = scope_code(scope)
    if code and code != "150000":
        from fugong.areas.models import Area

        area = Area.objects.filter(code=code).first()
        league = area.league_code if area is not None else code
        qs = qs.filter(Q(league_id=league) | Q(league__isnull=True))
    return qs


def fund_rows(*, user: User, as_of: date, scope=None) -> list[FundRow]:
    """Each fund in sight with what was lent against it by the day (the loans the user may see)."""
    funds = list(_funds_in_scope(user, scope).select_related("league").prefetch_related("banks"))
    lent = (
        access.visible_fund_loans(user)
        .filter(fund__in=funds, granted_on__lte=as_of)
        .values("fund_id")
        .annotate(total=Sum("amount"), n=Count("pk"))
    )
    by_fund = {row["fund_id"]: row for row in lent}
    return [
        FundRow(
            fund=f,
            granted=(by_fund.get(f.pk) or {}).get("total") or Decimal(0),
            loans=(by_fund.get(f.pk) or {}).get("n") or 0,
            banks=[b.name for b in f.banks.all()],
        )
        for f in funds
    ]


@dataclass
class FundFigures:
    as_of: date
    funds: int
    amount: Decimal
    capacity: Decimal
    granted: Decimal
    loans: int
    enterprises: int

    @property
    def utilisation(self) -> Decimal | None:
        return None if not self.capacity else self.granted * 100 / self.capacity


def fund_figures(*, user: User, as_of: date, scope=None) -> FundFigures:
    rows = fund_rows(user=user, as_of=as_of, scope=scope)
    fund_loans = in_scope(access.visible_fund_loans(user).filter(granted_on__lte=as_of), scope)
    return FundFigures(
        as_of=as_of,
        funds=len(rows),
        amount=sum((r.fund.amount for r in rows), Decimal(0)),
        capacity=sum((r.capacity for r in rows), Decimal(0)),
        granted=sum((r.granted for r in rows), Decimal(0)),
        loans=sum(r.loans for r in rows),
        enterprises=fund_loans.values("enterprise_id").distinct().count(),
    )


def fund_loan_list(*, user: User, fund: GuaranteeFund) -> QuerySet[FundLoan]:
    return access.visible_fund_loans(user).filter(fund=fund).select_related("enterprise", "league", "bank")


def eligible_not_applied(*, user: User, fund: GuaranteeFund) -> QuerySet[Enterprise]:
    """Small and medium enterprises of the fund's area and scale, in the user's sight, not in default, that have
    not borrowed against the fund."""
    qs = access.visible_enterprises(user).filter(size_class__in=SME_CLASSES)
    if fund.league_id:
        qs = qs.filter(league_id=fund.league_id)
    if fund.scale == Scale.ABOVE:
        qs = qs.filter(above_scale=True)
    elif fund.scale == Scale.BELOW:
        qs = qs.filter(above_scale=False)
    in_default = Loan.objects.filter(enterprise=OuterRef("pk"), state=State.OVERDUE)
    borrowed = FundLoan.objects.filter(enterprise=OuterRef("pk"), fund=fund)
    return (
        qs.exclude(Exists(in_default))
        .exclude(Exists(borrowed))
        .select_related("league", "county", "industry")
        .order_by("league_id", "county_id", "name")
    )


# --- The brief and the dashboard -----------------------------------------------------------------------------


def brief_lines(*, user: User, as_of: date, scope=None) -> list[str]:
    """The brief's sentences in the department's style: 协调金融机构为N户中小企业办理转贷、续贷、展期N笔、金额N亿元。"""
    from fugong.analytics.brief import money_text, rate_text

    figures = loan_figures(user=user, as_of=as_of, scope=scope)
    funds = fund_figures(user=user, as_of=as_of, scope=scope)
    lines = []
    t = figures.total
    if t.declared:
        line = (
            f"协调金融机构为{figures.arranged_enterprises}户中小企业办理转贷、续贷、展期{t.arranged}笔、"
            f"金额{money_text(t.arranged_amount)}"
        )
        if t.fell_due:
            line += f"；到期贷款{t.fell_due}笔中，已续贷、展期或归还{t.avoided}笔，逾期{t.defaults}笔"
        lines.append(line + "。")
    if funds.loans:
        lines.append(
            f"发放助保金贷款{funds.loans}笔、金额{money_text(funds.granted)}，"
            f"占可担保额度的{rate_text(funds.utilisation)}%。"
        )
    return lines


def brief_section(ctx):
    """The brief's section on loans falling due and guarantee-fund loans (registered by ReliefConfig.ready)."""
    from fugong.analytics.brief import Section

    lines = brief_lines(user=ctx.user, as_of=ctx.as_of, scope=ctx.scope)
    return Section("loans", "中小企业转贷续贷情况", "".join(lines)) if lines else None


def dashboard_panel(ctx):
    """The dashboard's panel on loans falling due (registered with analytics.sections by ReliefConfig.ready)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from fugong.analytics.brief import rate_text
    from fugong.analytics.sections import Panel

    f = loan_figures(user=ctx.user, as_of=ctx.as_of, scope=ctx.scope)
    funds = fund_figures(user=ctx.user, as_of=ctx.as_of, scope=ctx.scope)
    t = f.total
    if not t.declared and not funds.funds:
        return None
    amount = _("%(amount)s (10k yuan)")
    figures = [
        (_("Loans declared"), f"{t.declared:,}"),
        (_("Amount"), amount % {"amount": f"{t.amount:,.0f}"}),
        (_("Arranged share"), f"{rate_text(t.arranged_share)}%"),
        (_("Amount arranged"), amount % {"amount": f"{t.arranged_amount:,.0f}"}),
        (_("Defaults avoided"), f"{t.avoided:,}"),
        (_("Defaults"), f"{t.defaults:,}"),
    ]
    if funds.funds:
        figures.append((_("Guarantee-fund loans"), amount % {"amount": f"{funds.granted:,.0f}"}))
        figures.append((_("Utilisation"), f"{rate_text(funds.utilisation)}%"))
    return Panel("loans", _("Loans falling due"), figures, link=reverse("relief:stats"))


# --- Home pages ----------------------------------------------------------------------------------------------

HOME_ROWS = 8
WAITING_ON_LENDER = (State.REQUESTED, State.REVIEWING)
# What an enterprise follows on its home: its asks, and the answers until the due date.
OPEN_FOR_ENTERPRISE = (State.REQUESTED, State.REVIEWING, State.ARRANGED, State.DECLINED)


@dataclass
class LoanGroup:
    state: str
    label: str
    count: int
    rows: list


def loans_by_state(*, user: User, states=WAITING_ON_LENDER) -> list[LoanGroup]:
    """The user's loans in each state, soonest due first: a bank's or a guarantor's work, an enterprise's asks."""
    qs = access.visible_loans(user).select_related("enterprise", "league", "bank")
    groups = []
    for state in states:
        in_state = qs.filter(state=state).order_by("due_on", "pk")
        groups.append(LoanGroup(state, str(State(state).label), in_state.count(), list(in_state[:HOME_ROWS])))
    return groups
