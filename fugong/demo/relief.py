"""The demo's loans falling due and guarantee funds (issue 13, §1 and §2).

A few hundred small and medium enterprises declare a loan falling due between 3 February and 31 March 2020, a week
to a month ahead, and ask their bank for a renewal without repayment, an extension, or a bridge from a guarantee
institution. The banks (and, for bridges, the institutions) review, arrange or decline; at the due date an
arranged loan rolls over, and the others are repaid or go overdue. Each league has a guarantee fund with partner
banks, used in part. Every write goes through the relief services, with the day each move was made.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from fugong.accounts.models import Bank, Role, User
from fugong.areas.models import Area
from fugong.relief import services
from fugong.relief.models import FundLoan, GuaranteeFund, GuaranteeInstitution, Loan, LoanEvent

LOANS_AT_FULL_SCALE = 320
FIRST_DUE, LAST_DUE = date(2020, 2, 5), date(2020, 3, 31)
FIRST_DAY = date(2020, 2, 3)
SHANGHAI = ZoneInfo("Asia/Shanghai")

# The region's institution, and one for each of the larger leagues; bridges elsewhere go to the region's.
INSTITUTIONS = [
    ("内蒙古自治区融资担保有限责任公司", None),
    ("包头市中小企业融资担保有限公司", "150200"),
    ("呼和浩特市中小企业信用担保有限公司", "150100"),
    ("鄂尔多斯市融资担保有限公司", "150600"),
    ("赤峰市融资担保中心", "150400"),
]
GUARANTOR_LOGIN = "guarantor"  # of the Baotou institution (fugong.demo.data.LOGINS)
AMOUNTS = [50, 100, 100, 150, 200, 300, 300, 500, 500, 800, 1000, 1500, 2000, 3000]
PURPOSES = ["流动资金周转", "购买原材料", "设备购置", "支付货款", "厂房建设", "技术改造"]
DECLINED = ["企业征信存在不良记录", "抵押物价值不足", "经营持续亏损，不符合续贷条件", "担保方代偿能力不足"]


def _at(day: date) -> datetime:
    return datetime.combine(day, time(16, 0), SHANGHAI)


def build_relief(ctx) -> dict[str, int]:
    rng = random.Random(f"{ctx.seed}:relief")  # noqa: S311  demo data, not secrets
    banks = list(Bank.objects.order_by("name"))
    bank_users = {u.bank_id: u for u in User.objects.filter(role=Role.BANK)}
    institutions = _institutions()
    loans = _loans(ctx, rng, banks, bank_users, institutions)
    funds, granted = _funds(ctx, rng, banks)
    return {
        "guarantee institutions": len(institutions),
        "loans falling due": loans,
        "loans arranged": Loan.objects.filter(arranged_on__isnull=False).count(),
        "guarantee funds": funds,
        "guarantee-fund loans": granted,
    }


def _institutions() -> dict[str | None, GuaranteeInstitution]:
    leagues = {code: Area.objects.get(code=code) for _, code in INSTITUTIONS if code}
    made = {
        code: GuaranteeInstitution.objects.create(name=name, league=leagues.get(code) if code else None)
        for name, code in INSTITUTIONS
    }
    login = User.objects.filter(username=GUARANTOR_LOGIN, role=Role.GUARANTOR).first()
    if login is not None:
        made["150200"].members.add(login)
    return made


def _loans(ctx, rng, banks, bank_users, institutions) -> int:
    pool = sorted((e for e in ctx.plan.enterprises if e.size_class != "large"), key=lambda e: e.credit_code)
    total = max(12, round(LOANS_AT_FULL_SCALE * min(ctx.scale, 1.0)))
    chosen = rng.sample(pool, min(total, len(pool)))
    # The big four and the local banks hold most SME loans.
    weights = [3 if ("工商" in b.name or "农业银行" in b.name or "建设" in b.name or b.name == "内蒙古银行") else 1
               for b in banks]  # fmt: skip
    span = (LAST_DUE - FIRST_DUE).days
    for row in chosen:
        bank = rng.choices(banks, weights)[0]
        due = FIRST_DUE + timedelta(days=rng.randint(0, span))
        declared = max(FIRST_DAY, due - timedelta(days=rng.randint(5, 30)))
        requested = rng.choices(["renewal", "extension", "bridge"], [5, 3, 2])[0]
        loan, _created = services.loan_declare(
            actor=None,
            enterprise=ctx.enterprises[row.credit_code],
            bank=bank,
            amount=Decimal(rng.choice(AMOUNTS)),
            granted_on=due - timedelta(days=rng.choice([180, 365, 365, 730])),
            due_on=due,
            requested=requested,
            purpose=rng.choice(PURPOSES),
            guarantor=(institutions.get(row.league) or institutions[None]) if requested == "bridge" else None,
            declared_on=declared,
        )
        LoanEvent.objects.filter(loan=loan).update(at=_at(declared))
        lender = bank_users.get(bank.pk)
        if requested == "bridge" and rng.random() < 0.5:
            members = list(loan.guarantor.members.all()) if loan.guarantor else []
            lender = members[0] if members else lender
        _story(loan, lender, rng)
    return len(chosen)


def _story(loan: Loan, lender, rng: random.Random) -> None:
    """What the bank did and what happened at the due date, each move on its own day."""

    def move(action: str, day: date, **values) -> None:
        services.loan_move(actor=lender, loan=loan, action=action, on=day, at=_at(day), **values)

    due, declared = loan.due_on, loan.declared_on
    roll = rng.random()
    if roll < 0.08:  # nobody acted: at the due date the enterprise repays from its own funds, or cannot
        _at_due(loan, lender, rng, repay_share=0.6)
        return
    review = min(due - timedelta(days=1), declared + timedelta(days=rng.randint(0, 3)))
    review = max(review, declared)
    move("review", review)
    if roll < 0.72:
        arranged = min(due - timedelta(days=1), review + timedelta(days=rng.randint(1, 12)))
        arranged = max(arranged, review)
        kind = loan.requested if rng.random() < 0.9 or loan.requested == "bridge" else "extension"
        share = Decimal(rng.choice(["1", "1", "1", "0.8", "0.6"]))
        months = {"renewal": 365, "extension": rng.choice([90, 180]), "bridge": 365}[kind]
        move("arrange", arranged, arrangement=kind, amount=(loan.amount * share).quantize(Decimal(1)),
             new_due_on=due + timedelta(days=months))  # fmt: skip
        services.loan_move(actor=lender, loan=loan, action="roll_over", on=due, at=_at(due))
        return
    if roll < 0.9:
        move("decline", min(due, review + timedelta(days=rng.randint(0, 4))), reason=rng.choice(DECLINED))
        _at_due(loan, lender, rng, repay_share=0.7)
        return
    _at_due(loan, lender, rng, repay_share=0.6)  # still under review at the due date


def _at_due(loan: Loan, actor, rng: random.Random, *, repay_share: float) -> None:
    loan.refresh_from_db()
    if rng.random() < repay_share:
        services.loan_move(actor=actor, loan=loan, action="repay", on=loan.due_on, at=_at(loan.due_on))
    else:
        late = loan.due_on + timedelta(days=rng.randint(1, 3))
        services.loan_move(actor=actor, loan=loan, action="overdue", on=late, at=_at(late))


def _funds(ctx, rng, banks) -> tuple[int, int]:
    leagues = list(Area.objects.filter(level=Area.Level.LEAGUE).order_by("code"))
    by_league: dict[str, list] = {}
    for row in sorted(ctx.plan.enterprises, key=lambda e: e.credit_code):
        if row.size_class != "large":
            by_league.setdefault(row.league, []).append(row)
    defaulted = set(Loan.objects.filter(state="overdue").values_list("enterprise__credit_code", flat=True))
    granted = 0
    for league in leagues:
        established = date(2020, 2, rng.randint(5, 12))
        fund = services.fund_create(
            name=f"{league.name}中小企业助保金",
            league=league,
            amount=Decimal(rng.choice([300, 500, 800, 1000, 1500])),
            leverage=Decimal(rng.choice([5, 5, 8, 10])),
            banks=rng.sample(banks, rng.randint(2, 4)),
            established_on=established,
        )
        partners = list(fund.banks.order_by("name"))
        target = fund.capacity * Decimal(rng.uniform(0.2, 0.75))
        candidates = [r for r in by_league.get(league.code, []) if r.credit_code not in defaulted]
        rng.shuffle(candidates)
        lent = Decimal(0)
        for row in candidates:
            amount = Decimal(rng.choice([100, 200, 300, 500, 800]))
            if lent + amount > target:
                break
            day = established + timedelta(days=rng.randint(3, 45))
            services.fund_loan_grant(
                actor=None, fund=fund, enterprise=ctx.enterprises[row.credit_code], bank=rng.choice(partners),
                amount=amount, rate=Decimal(rng.choice(["4.35", "4.75", "5.00", "5.22", "5.66"])),
                term_months=rng.choice([6, 12, 12, 24]), granted_on=min(day, date(2020, 3, 31)),
            )  # fmt: skip
            lent += amount
            granted += 1
    return len(leagues), granted


def wipe_relief() -> None:
    LoanEvent.objects.all().delete()
    Loan.objects.all().delete()
    FundLoan.objects.all().delete()
    GuaranteeFund.objects.all().delete()
    GuaranteeInstitution.objects.all().delete()
