"""Reads of the cloud-service vouchers and their figures; every one starts from the access module."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet, Sum

from fugong import access
from fugong.accounts.models import User
from fugong.catalogue.models import Category, Voucher, VoucherProgramme, VoucherState
from fugong.problems.selectors import in_scope, league_names

VS = VoucherState
# Waiting on the department: a payment request to review, an approval to pay.
REVIEW_STATES = (VS.REQUESTED, VS.APPROVED)


def voucher_list(*, user: User, state: str = "", programme: int | None = None, league: str = "") -> QuerySet[Voucher]:
    qs = access.visible_vouchers(user).select_related("programme", "enterprise", "provider", "claim__product", "league")
    if state in VoucherState.values:
        qs = qs.filter(state=state)
    if programme:
        qs = qs.filter(programme_id=programme)
    if league:
        qs = in_scope(qs, league)
    return qs.order_by("-issued_on", "number")


def review_queue(*, user: User) -> QuerySet[Voucher]:
    """The department's queue: payment requests to review, then approvals to pay, oldest first."""
    if not access.can_manage_vouchers(user):
        return Voucher.objects.none()
    return (
        Voucher.objects.filter(state__in=REVIEW_STATES)
        .select_related("programme", "enterprise", "provider", "claim__product", "league")
        .order_by("state", "requested_on", "pk")
    )


def programme_list() -> list:
    """Every programme with what its vouchers hold of the budget (one query)."""
    from django.db.models import Count, Q

    rows = list(
        VoucherProgramme.objects.select_related("carry_over_to")
        .prefetch_related("leagues")
        .annotate(
            issued_count=Count("vouchers"),
            held=Sum("vouchers__face_value", filter=~Q(vouchers__state__in=[VS.EXPIRED, VS.CARRIED_OVER])),
            paid=Sum("vouchers__paid_amount"),
        )
    )
    for p in rows:
        p.held = p.held or Decimal(0)
        p.left = p.budget - p.held  # type: ignore[attr-defined]
    return rows


@dataclass
class VoucherTally:
    key: str
    label: str
    issued: int = 0
    issued_amount: Decimal = Decimal(0)
    redeemed: int = 0
    redeemed_amount: Decimal = Decimal(0)
    in_review: int = 0
    paid: int = 0
    paid_amount: Decimal = Decimal(0)
    expired: int = 0

    def add(self, row: "_Row") -> None:
        if row.issued:
            self.issued += 1
            self.issued_amount += row.face_value
        if row.redeemed:
            self.redeemed += 1
            self.redeemed_amount += row.face_value
        if row.in_review:
            self.in_review += 1
        if row.paid:
            self.paid += 1
            self.paid_amount += row.paid_amount
        if row.expired:
            self.expired += 1


@dataclass
class _Row:
    face_value: Decimal
    paid_amount: Decimal
    issued: bool
    redeemed: bool
    in_review: bool
    paid: bool
    expired: bool


@dataclass
class VoucherFigures:
    as_of: date
    budget: Decimal
    budget_used: Decimal
    total: VoucherTally
    by_league: list[VoucherTally] = field(default_factory=list)
    by_category: list[VoucherTally] = field(default_factory=list)


def voucher_figures(*, user: User, as_of: date, scope=None) -> VoucherFigures:
    """The vouchers as of a day. The budget is the region's (programmes begun by then); budget used is what the
    vouchers issued by then hold of it (expired and carried-over ones release theirs); issued, redeemed and paid
    count by their own days, in the user's scope; in review is the state recorded now of those asked by then.
    By league (the enterprise's) and by category (the product it was redeemed against)."""
    budget = VoucherProgramme.objects.filter(valid_from__lte=as_of).aggregate(s=Sum("budget"))["s"] or Decimal(0)
    rows = in_scope(access.visible_vouchers(user).filter(issued_on__lte=as_of), scope).values_list(
        "league_id", "claim__product__category", "state", "face_value", "paid_amount", "redeemed_on",
        "requested_on", "paid_on",
    )  # fmt: skip
    labels = dict(Category.choices)
    total = VoucherTally("", "")
    leagues: dict[str, VoucherTally] = {}
    categories = {c: VoucherTally(c, str(labels[c])) for c in Category.values}
    used = Decimal(0)
    for league_id, category, state, face_value, paid_amount, redeemed_on, requested_on, paid_on in rows:
        released = state in (VS.EXPIRED, VS.CARRIED_OVER)
        row = _Row(
            face_value=face_value,
            paid_amount=paid_amount or Decimal(0),
            issued=True,
            redeemed=redeemed_on is not None and redeemed_on <= as_of,
            in_review=state in REVIEW_STATES and requested_on is not None and requested_on <= as_of,
            paid=paid_on is not None and paid_on <= as_of,
            expired=released,
        )
        if not released:
            used += face_value
        total.add(row)
        leagues.setdefault(league_id, VoucherTally(league_id, league_id)).add(row)
        if category and row.redeemed:
            categories[category].add(row)
    league_names(leagues.values())
    return VoucherFigures(
        as_of=as_of,
        budget=budget,
        budget_used=used,
        total=total,
        by_league=sorted(leagues.values(), key=lambda t: t.key),
        by_category=list(categories.values()),
    )


def brief_line(figures: VoucherFigures) -> str:
    """发放云服务券N张、N万元，企业已使用N张，已兑付N张、N万元。 (empty when none was issued)"""
    from fugong.catalogue.vouchers import wan

    t = figures.total
    if not t.issued:
        return ""
    line = f"发放云服务券{t.issued}张、{wan(t.issued_amount)}万元"
    if t.redeemed:
        line += f"，企业已使用{t.redeemed}张"
    if t.in_review:
        line += f"，兑付审核中{t.in_review}张"
    if t.paid:
        line += f"，已兑付{t.paid}张、{wan(t.paid_amount)}万元"
    return line + "。"
