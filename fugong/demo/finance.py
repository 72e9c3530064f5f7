"""The demo's financing referrals: exactly 126 enterprises referred by 2020-02-22 (seed §2), with bank outcomes.

At full size the region refers 126 enterprises to the People's Bank platform in three batches by the 21st;
after the 22nd the platform's matches go on to named banks, whose users record contact, approval,
disbursement or refusal. A smaller demo refers the same share.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from fugong.accounts.models import Bank, Role, User
from fugong.finance import services
from fugong.finance.models import FinancingNeed, Referral, ReferralBatch, Target

REFERRED_BY_HEADLINE = 126
HEADLINE_DAY = date(2020, 2, 22)
PLATFORM_BATCHES = [(date(2020, 2, 12), 0.3), (date(2020, 2, 17), 0.35), (date(2020, 2, 21), 0.35)]
BANK_DAYS = [date(2020, 2, 24), date(2020, 2, 26)]
LAST_DAY = date(2020, 2, 29)
UNREFERRED_NEEDS = 30
SHANGHAI = ZoneInfo("Asia/Shanghai")

PURPOSES = ["购买原材料", "支付员工工资", "防疫物资生产线改造", "偿还到期贷款", "补充流动资金", "设备采购"]
COLLATERALS = ["应收账款质押", "厂房抵押", "信用", "担保公司担保", "设备抵押", "存货质押"]


@dataclass(frozen=True)
class PlannedNeed:
    credit_code: str
    league: str
    amount: Decimal
    purpose: str
    term_months: int
    collateral: str
    urgency: str
    raised_on: date


@dataclass(frozen=True)
class ReferralPlan:
    platform: list[list[PlannedNeed]]  # one list per platform batch
    unreferred: list[PlannedNeed]

    @property
    def referred(self) -> list[PlannedNeed]:
        return [n for batch in self.platform for n in batch]


def plan_referrals(enterprises, *, seed: int, scale: float) -> ReferralPlan:
    rng = random.Random(f"{seed}:referrals")  # noqa: S311  demo data, not secrets
    # Small and medium enterprises in difficulty, plus some large ones: those with a financing need.
    pool = sorted((e for e in enterprises if e.size_class != "large"), key=lambda e: e.credit_code)
    total = REFERRED_BY_HEADLINE if scale >= 1 else max(len(PLATFORM_BATCHES), round(REFERRED_BY_HEADLINE * scale))
    extra = round(UNREFERRED_NEEDS * min(scale, 1.0))
    chosen = rng.sample(pool, total + extra)

    def need(e, last_day: date) -> PlannedNeed:
        return PlannedNeed(
            credit_code=e.credit_code,
            league=e.league,
            amount=Decimal(rng.choice([50, 100, 200, 300, 500, 800, 1000, 2000, 3000])),
            purpose=rng.choice(PURPOSES),
            term_months=rng.choice([6, 12, 12, 24, 36]),
            collateral=rng.choice(COLLATERALS),
            urgency="urgent" if rng.random() < 0.3 else "normal",
            raised_on=last_day - timedelta(days=rng.randint(1, 8)),
        )

    batches, start = [], 0
    for i, (day, share) in enumerate(PLATFORM_BATCHES):
        size = total - start if i == len(PLATFORM_BATCHES) - 1 else round(total * share)
        batches.append([need(e, day) for e in chosen[start : start + size]])
        start += size
    return ReferralPlan(platform=batches, unreferred=[need(e, LAST_DAY) for e in chosen[total:]])


def _at(day: date) -> datetime:
    return datetime.combine(day, time(15, 0), SHANGHAI)


def build_referrals(ctx) -> dict[str, int]:
    plan = plan_referrals(ctx.plan.enterprises, seed=ctx.seed, scale=ctx.scale)
    rng = random.Random(f"{ctx.seed}:referrals:outcomes")  # noqa: S311  demo data, not secrets
    region = User.objects.filter(role=Role.REGION).first()
    bank_users = {u.bank_id: u for u in User.objects.filter(role=Role.BANK)}
    banks = list(Bank.objects.order_by("name"))

    def create_need(n: PlannedNeed) -> FinancingNeed:
        return services.need_create(
            actor=None,
            enterprise=ctx.enterprises[n.credit_code],
            amount=n.amount,
            purpose=n.purpose,
            term_months=n.term_months,
            collateral=n.collateral,
            urgency=n.urgency,
            raised_on=n.raised_on,
        )

    platform_referrals: list[Referral] = []
    for i, ((day, _share), needs) in enumerate(zip(PLATFORM_BATCHES, plan.platform, strict=True), start=1):
        batch = services.batch_create(
            actor=None,
            target=Target.ZHONGZHENG,
            needs=[create_need(n) for n in needs],
            name=f"第{i}批 向工信部推荐人民银行融资平台企业",
            referred_on=day,
            at=_at(day),
        )
        ReferralBatch.objects.filter(pk=batch.pk).update(created_by=region)
        platform_referrals += list(batch.referrals.select_related("need"))
    for n in plan.unreferred:
        create_need(n)
    # The platform's matches go on to named banks; each bank's user records what happened.
    matched = [r for r in platform_referrals if rng.random() < 0.6]
    by_bank: dict[int, list[Referral]] = {}
    for r in matched:
        by_bank.setdefault(rng.choice(banks).pk, []).append(r)
    bank_referrals = []
    for bank in banks:
        items = by_bank.get(bank.pk, [])
        if not items:
            continue
        day = rng.choice(BANK_DAYS)
        batch = services.batch_create(
            actor=None, target=Target.BANK, bank=bank, needs=[r.need for r in items],
            name=f"{bank.name} 对接企业", referred_on=day, at=_at(day),
        )  # fmt: skip
        bank_referrals += [(r, bank_users.get(bank.pk)) for r in batch.referrals.select_related("need")]
    for r, actor in bank_referrals:
        _outcome(r, actor, rng)
    for r in platform_referrals:
        if r.pk not in {m.pk for m in matched} and rng.random() < 0.5:
            services.referral_move(actor=None, referral=r, action="contact", on=r.referred_on + timedelta(days=2))
    referred_by_headline = (
        Referral.objects.filter(referred_on__lte=HEADLINE_DAY).values("enterprise_id").distinct().count()
    )
    return {
        "financing needs": FinancingNeed.objects.count(),
        "referrals": Referral.objects.count(),
        "enterprises referred by 2020-02-22": referred_by_headline,
        "referrals disbursed": Referral.objects.filter(state="disbursed").count(),
    }


def _outcome(r: Referral, actor, rng: random.Random) -> None:
    roll = rng.random()
    day = r.referred_on + timedelta(days=1)
    if roll < 0.15:
        return
    services.referral_move(actor=actor, referral=r, action="contact", on=day, at=_at(day))
    if roll < 0.35:
        return
    if roll < 0.5:
        services.referral_move(actor=actor, referral=r, action="decline", reason=rng.choice(
            ["企业负债率过高", "抵押物不足", "不符合授信条件"]), on=day, at=_at(day))  # fmt: skip
        return
    approved = (r.need.amount * Decimal(rng.choice([0.6, 0.8, 1.0]))).quantize(Decimal("1"))
    services.referral_move(actor=actor, referral=r, action="approve", amount=approved, on=day, at=_at(day))
    if roll < 0.7:
        return
    paid = min(LAST_DAY, day + timedelta(days=rng.randint(1, 3)))
    services.referral_move(actor=actor, referral=r, action="disburse", amount=approved, on=paid, at=_at(paid))


def wipe_referrals() -> None:
    from fugong.finance.models import ReferralEvent

    ReferralEvent.objects.all().delete()
    Referral.objects.all().delete()
    ReferralBatch.objects.all().delete()
    FinancingNeed.objects.all().delete()
