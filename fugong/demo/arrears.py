"""The demo's arrears ledger (清欠台账): a few hundred items owed to small and medium enterprises by public
bodies, state-owned and large private enterprises, verified by the leagues and part cleared by 2020-02-22.

Written in bulk (items, repayments and their timeline events) to keep the demo build fast; the states,
amounts and dates obey the same rules as the services (a repayment never above what is owed, the last one
clears the item).
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from fugong.areas.models import Area
from fugong.arrears import services
from fugong.arrears.models import ArrearsEvent, ArrearsItem, DebtorType, Repayment, Source, State

ITEMS = 320
SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADLINE_DAY = date(2020, 2, 22)

GOVERNMENT = [
    "住房和城乡建设局",
    "交通运输局",
    "教育局",
    "卫生健康委员会",
    "水务局",
    "城市管理综合执法局",
    "人民医院",
    "开发区管委会",
]
STATE_OWNED = [
    "城市投资发展集团有限公司",
    "热力有限责任公司",
    "公交集团有限公司",
    "水务集团有限公司",
    "能源投资有限公司",
]
PRIVATE = ["伊泰集团", "鄂尔多斯投资控股集团", "伊利实业集团", "蒙牛乳业", "包头东方希望铝业", "亿利资源集团"]
CONTRACTS = ["供货合同", "工程施工合同", "设备采购合同", "运输服务合同", "维修改造合同", "技术服务合同"]


def _at(day: date) -> datetime:
    return datetime.combine(day, time(16, 0), SHANGHAI)


def _debtor(rng: random.Random, league_name: str, county_name: str) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.45:
        return f"{rng.choice([league_name, county_name])}{rng.choice(GOVERNMENT)}", DebtorType.GOVERNMENT
    if roll < 0.8:
        return f"{league_name}{rng.choice(STATE_OWNED)}", DebtorType.STATE_OWNED
    return rng.choice(PRIVATE), DebtorType.LARGE_PRIVATE


def build_arrears(ctx) -> dict[str, int]:
    rng = random.Random(f"{ctx.seed}:arrears")  # noqa: S311  demo data, not secrets
    pool = sorted((r for r in ctx.plan.enterprises if r.size_class != "large"), key=lambda r: r.credit_code)
    total = max(12, round(ITEMS * min(ctx.scale, 1.0)))
    areas = {a.code: a for a in Area.objects.all()}
    items: list[services.ItemData] = []
    reported: list[date] = []
    for n in range(total):
        row = rng.choice(pool)
        debtor, kind = _debtor(rng, areas[row.league].name, areas[row.county].name)
        accepted = date(2019, 3, 1) + timedelta(days=rng.randint(0, 300))
        items.append(
            services.ItemData(
                enterprise=ctx.enterprises[row.credit_code],
                debtor=debtor,
                debtor_type=kind,
                debtor_area=areas[row.league if kind != DebtorType.GOVERNMENT else row.county],
                contract=f"{rng.choice(CONTRACTS)}〔2019〕{n + 1:03d}号",
                amount=Decimal(round(rng.lognormvariate(4.0, 1.0), 1)).quantize(Decimal("0.1")) + Decimal(1),
                accepted_on=accepted,
                agreed_days=60 if rng.random() < 0.2 else 30,
                pay_when_paid=rng.random() < 0.12,
            )
        )
        reported.append(date(2020, 2, 5) + timedelta(days=rng.randint(0, 16)))
    created = []
    for day in sorted(set(reported)):
        batch = [data for data, on in zip(items, reported, strict=True) if on == day]
        created += services.item_bulk_create(actor=None, items=batch, source=Source.DEMO, reported_on=day, at=_at(day))
    _verify_and_repay(created, rng)
    cleared_by = ArrearsItem.objects.filter(cleared_on__lte=HEADLINE_DAY).count()
    return {
        "arrears items": len(created),
        "arrears confirmed or cleared": ArrearsItem.objects.filter(state__in=[State.CONFIRMED, State.CLEARED]).count(),
        "arrears cleared by 2020-02-22": cleared_by,
    }


def _verify_and_repay(items: list[ArrearsItem], rng: random.Random) -> None:
    events: list[ArrearsEvent] = []
    repayments: list[Repayment] = []
    for item in items:
        roll = rng.random()
        if roll < 0.15:
            continue  # awaiting verification
        day = item.reported_on + timedelta(days=rng.randint(1, 4))
        if roll < 0.25:
            item.state, item.dispute_reason = State.DISPUTED, rng.choice(
                ["金额与结算单不一致", "尚未完成竣工结算", "合同主体有争议"]
            )  # fmt: skip
            events.append(ArrearsEvent.for_case(item, actor=None, action="dispute", from_state=State.REPORTED,
                                                comment=item.dispute_reason, at=_at(day)))  # fmt: skip
            continue
        item.state = State.CONFIRMED
        events.append(ArrearsEvent.for_case(item, actor=None, action="confirm", from_state=State.REPORTED, at=_at(day)))
        if rng.random() < 0.3:
            continue  # confirmed, nothing repaid yet
        paid_on = min(day + timedelta(days=rng.randint(1, 10)), HEADLINE_DAY + timedelta(days=rng.randint(-3, 6)))
        whole = rng.random() < 0.6
        amount = item.amount if whole else (item.amount * Decimal(rng.choice(["0.3", "0.5"]))).quantize(Decimal("0.01"))
        repayments.append(Repayment(item=item, paid_on=paid_on, amount=amount))
        item.repaid = amount
        if whole:
            item.state, item.cleared_on = State.CLEARED, paid_on
        events.append(
            ArrearsEvent.for_case(item, actor=None, action="repay", from_state=State.CONFIRMED,
                                  detail={"amount": str(amount), "on": paid_on.isoformat()}, at=_at(paid_on))
        )  # fmt: skip
    ArrearsItem.objects.bulk_update(items, ["state", "dispute_reason", "repaid", "cleared_on"], batch_size=500)
    Repayment.objects.bulk_create(repayments, batch_size=500)
    ArrearsEvent.objects.bulk_create(events, batch_size=500)


def wipe_arrears() -> None:
    ArrearsEvent.objects.all().delete()
    Repayment.objects.all().delete()
    ArrearsItem.objects.all().delete()
