"""The demo's industrial-chain coordination: the main suppliers and customers of the leading enterprises (a few
held back on 2020-02-22 by a supplier that has not resumed, as the day's reports say), and needs and offers
posted by small and medium enterprises, some paired by officials and followed to done or failed."""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from fugong.chains import selectors, services
from fugong.chains.models import ChainLink, ChainPost, Pairing, PairingEvent

HEADLINE_DAY = date(2020, 2, 22)
CHAINS = 24  # leading enterprises whose chain is entered
HELD_BACK = 5  # of them, held back on the day by a supplier not resumed
NEEDS, OFFERS, PAIRINGS = 120, 100, 36
SHANGHAI = ZoneInfo("Asia/Shanghai")

PRODUCTS = {
    "raw_material": ["焦炭", "铁矿石", "电解铝锭", "PVC树脂", "纯碱", "原煤", "生鲜乳", "玉米淀粉", "硅铁"],
    "part": ["轴承", "液压阀", "电机", "包装箱", "标准件", "耐火材料", "滤芯", "输送带"],
    "service": ["危化品运输", "设备检修", "冷链物流", "检验检测", "防疫消杀"],
    "labour": ["焊工", "电工", "普工", "叉车司机", "化验员"],
}


SUPPLIES = PRODUCTS["raw_material"] + PRODUCTS["part"]


def _at(day: date) -> datetime:
    return datetime.combine(day, time(11, 0), SHANGHAI)


def build_chains(ctx) -> dict[str, int]:
    rng = random.Random(f"{ctx.seed}:chains")  # noqa: S311  demo data, not secrets
    rows = sorted(ctx.plan.enterprises, key=lambda r: r.credit_code)
    leaders = [r for r in rows if "leading" in r.tags and r.above_scale]
    leaders = sorted(leaders, key=lambda r: -r.normal_output)[: max(2, round(CHAINS * min(ctx.scale, 1.0)))]
    partners = [r for r in rows if "leading" not in r.tags and r.above_scale]
    status = selectors.status_on([ctx.enterprises[r.credit_code].pk for r in partners], HEADLINE_DAY)
    stopped = [r for r in partners if selectors.held_back(status[ctx.enterprises[r.credit_code].pk])]
    running = [r for r in partners if not selectors.held_back(status[ctx.enterprises[r.credit_code].pk])]
    held = max(1, round(HELD_BACK * min(ctx.scale, 1.0)))
    links = 0
    for n, leader in enumerate(leaders):
        near = [r for r in running if r.league == leader.league] or running
        suppliers = rng.sample(near, min(len(near), rng.randint(3, 5)))
        if n % max(1, len(leaders) // held) == 0 and stopped and n // max(1, len(leaders) // held) < held:
            suppliers.append(rng.choice([r for r in stopped if r.league == leader.league] or stopped))
        customers = rng.sample(running, 2)
        for relation, group in (("supplier", suppliers), ("customer", customers)):
            for partner in group:
                if partner.credit_code == leader.credit_code:
                    continue
                try:
                    services.link_create(
                        actor=None, leader=ctx.enterprises[leader.credit_code],
                        partner=ctx.enterprises[partner.credit_code], relation=relation,
                        product=rng.choice(SUPPLIES) if relation == "supplier" else "",
                    )  # fmt: skip
                    links += 1
                except ValidationError:  # the same partner drawn twice for one leader: skip it
                    continue
    posts = _posts(ctx, rng, rows)
    pairings = _pairings(rng, posts)
    held_back = len(selectors.bottlenecks(user=_region(), day=HEADLINE_DAY))
    return {
        "chain links": links,
        "leading enterprises held back on 2020-02-22": held_back,
        "needs and offers": len(posts),
        "pairings": pairings,
    }


def _region():
    from fugong.accounts.models import Role, User

    return User.objects.filter(role=Role.REGION, area_id="150000").first()


def _posts(ctx, rng: random.Random, rows) -> list[ChainPost]:
    small = [r for r in rows if r.size_class != "large"]
    posts = []
    for side, count in (("need", round(NEEDS * min(ctx.scale, 1.0))), ("offer", round(OFFERS * min(ctx.scale, 1.0)))):
        for _ in range(max(2, count)):
            row = rng.choice(small)
            category = rng.choice(list(PRODUCTS))
            posted = date(2020, 2, 8) + timedelta(days=rng.randint(0, 14))
            try:
                posts.append(
                    services.post_create(
                        actor=None, enterprise=ctx.enterprises[row.credit_code], side=side, category=category,
                        product=rng.choice(PRODUCTS[category]),
                        quantity=f"{rng.randint(1, 50) * 10}{'人' if category == 'labour' else '吨'}",
                        on=posted + timedelta(days=rng.randint(5, 30)), posted_on=posted,
                    )
                )  # fmt: skip
            except ValidationError:  # the same product drawn twice for one enterprise: skip it
                continue
    return posts


def _pairings(rng: random.Random, posts: list[ChainPost]) -> int:
    needs = [p for p in posts if p.side == "need"]
    offers = [p for p in posts if p.side == "offer"]
    made = 0
    for need in rng.sample(needs, len(needs)):
        if made >= PAIRINGS:
            break
        fits = [o for o in offers if o.product == need.product and o.enterprise_id != need.enterprise_id]
        if not fits:
            continue
        offer = min(fits, key=lambda o: (o.league_id != need.league_id, o.pk))
        day = max(need.posted_on, offer.posted_on) + timedelta(days=1)
        if day > HEADLINE_DAY:
            continue
        pairing = services.pairing_create(actor=None, need=need, offer=offer, on=day, at=_at(day))
        made += 1
        roll = rng.random()
        later = min(HEADLINE_DAY, day + timedelta(days=rng.randint(1, 4)))
        if roll < 0.3:
            continue
        services.pairing_move(actor=None, pairing=pairing, action="contact", at=_at(later))
        if roll < 0.55:
            continue
        if roll < 0.9:
            services.pairing_move(actor=None, pairing=pairing, action="done", at=_at(later))
        else:
            services.pairing_move(actor=None, pairing=pairing, action="fail", comment="价格和运距谈不拢", at=_at(later))
    return made


def wipe_chains() -> None:
    PairingEvent.objects.all().delete()
    Pairing.objects.all().delete()
    ChainPost.objects.all().delete()
    ChainLink.objects.all().delete()
