"""The demo's free IT products (seed §5): ~60 providers, exactly 247 published products in the 4 categories,
a few more in review, returned or rejected, and claims from a few hundred enterprises over February and March 2020
with deliveries and ratings. The provider login works for the first provider; the platform login reads the feed.

Products and claims are bulk-written (with their timeline events): the step must stay fast.
"""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fugong.accounts.models import User
from fugong.catalogue import services
from fugong.catalogue.models import (
    NUMBER_PREFIX,
    Call,
    Claim,
    ClaimEvent,
    ClaimState,
    Product,
    ProductEvent,
    ProductState,
    Provider,
    ProviderMember,
)
from fugong.core.text import pinyin_keys
from fugong.demo.vouchers import build_vouchers, wipe_vouchers
from fugong.enterprises.credit_code import make

SHANGHAI = ZoneInfo("Asia/Shanghai")
PROVIDERS = 60
# The 247 products of the seed, by category.
PUBLISHED = {"epidemic": 71, "collaboration": 78, "security": 43, "production": 55}
CLAIMING_ENTERPRISES = 380  # at full scale
FIRST_DAY, LAST_DAY = date(2020, 2, 3), date(2020, 3, 31)

PLACES = ["内蒙古", "呼和浩特", "包头", "鄂尔多斯", "赤峰", "北京", "深圳", "杭州", "上海", "西安", "成都",
          "南京"]  # fmt: skip
BRANDS = ["云智", "数联", "信安", "智造", "蒙科", "草原云", "北疆", "天网", "汇通", "博众", "启航", "中科", "华信",
          "金盾", "易联", "普惠", "鼎新", "卓越", "恒信", "绿洲"]  # fmt: skip
SUFFIXES = ["科技有限公司", "信息技术有限公司", "网络科技股份有限公司", "软件有限公司", "数据服务有限公司"]
KINDS = {
    "epidemic": ["疫情防控登记系统", "红外测温通行系统", "健康码核验平台", "员工健康打卡小程序", "防疫物资管理系统",
                 "远程问诊平台", "复工人员排查系统", "园区出入管理系统", "疫情信息上报平台", "智能消杀调度系统"],
    "collaboration": ["远程办公套件", "视频会议系统", "在线文档协作平台", "移动审批系统", "企业即时通讯", "云盘",
                      "在线培训平台", "远程桌面服务", "电子签章服务", "项目协同管理"],
    "security": ["终端安全防护", "远程接入VPN", "网站安全监测", "数据备份与恢复服务", "邮件安全网关",
                 "漏洞扫描服务", "零信任访问平台", "勒索病毒防护"],
    "production": ["生产执行系统MES", "设备远程运维平台", "供应链协同平台", "智能排产系统", "仓储管理系统WMS",
                   "能耗监测平台", "质量追溯系统", "工业互联网平台", "ERP云服务", "产销对接平台"],
}  # fmt: skip
FEATURES = ["支持手机和电脑", "7×24小时服务", "一周内上线"]
FREE_TERMS = ["基础版全部功能免费", "标准版免费使用", "免费开通企业账号", "免费部署及培训", "免费提供云端资源"]
LIMITS = ["", "每户企业不超过300人", "每户企业限开通1套", "存储空间100G以内", "限内蒙古自治区内企业"]
NEEDS = ["复工后员工居家办公", "员工返岗健康管理", "厂区出入人员管控", "远程召开生产调度会", "保障生产系统安全",
         "恢复生产排程", "对接上下游订单", "在线培训新员工"]  # fmt: skip
COMMENTS = ["部署快，很实用", "服务响应及时", "基本满足需要", "功能较全，操作简单", "", "", "希望延长免费期"]
INDUSTRY_SETS = ["", "", "13,14,15", "25,26,28", "30,31,32", "33,34,35,36,38,39", "06,07,08,09", "44"]


def _at(day: date, hour: int = 10, n: int = 0) -> datetime:
    # Each product gets its own microsecond: the feed pages by its change time without ties.
    return datetime.combine(day, time(hour, 0), SHANGHAI) + timedelta(microseconds=n)


def _providers(rng: random.Random) -> list[Provider]:
    names: list[str] = []
    while len(names) < PROVIDERS:
        name = f"{rng.choice(PLACES)}{rng.choice(BRANDS)}{rng.choice(SUFFIXES)}"
        if name not in names:
            names.append(name)
    providers = []
    for n, name in enumerate(names, start=1):
        pinyin, initials = pinyin_keys(name)
        providers.append(
            Provider(
                name=name,
                name_pinyin=pinyin[:400],
                name_initials=initials[:100],
                credit_code=make(area_code="150102" if n % 3 else "110108", org_body=f"MA{n:06d}"),
                contact_name=rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(["经理", "工", "主任"]),
                contact_phone=f"1390471{n:04d}",
            )
        )
    return Provider.objects.bulk_create(providers)


def _product(rng, provider, category, name, call, n) -> Product:
    pinyin, initials = pinyin_keys(name)
    delivery = rng.choices(["saas", "download", "onsite"], weights=[6, 2, 2])[0]
    return Product(
        provider=provider,
        call=call,
        name=name,
        name_pinyin=pinyin[:400],
        name_initials=initials[:100],
        category=category,
        description=f"{name}：帮助企业在疫情期间{rng.choice(NEEDS)}，{rng.choice(FEATURES)}。",
        free_terms=rng.choice(FREE_TERMS),
        free_months=rng.choice([None, 3, 3, 6, 12]),
        limits=rng.choice(LIMITS),
        delivery=delivery,
        link=f"https://demo.example.com/p{n:03d}" if delivery != "onsite" else "",
        industry_codes=rng.choice(INDUSTRY_SETS) if category == "production" else "",
        contact_name=provider.contact_name,
        contact_phone=provider.contact_phone,
    )


def build_catalogue(ctx) -> dict[str, int]:
    rng = random.Random(f"{ctx.seed}:catalogue")  # noqa: S311  demo data, not secrets
    region = User.objects.filter(username="region").first()
    calls = Call.objects.bulk_create(
        [
            Call(name="第一批疫情防控和复工复产信息技术产品征集", opens_on=date(2020, 2, 3),
                 closes_on=date(2020, 2, 12), categories=list(PUBLISHED), created_by=region),
            Call(name="第二批信息技术产品征集", opens_on=date(2020, 2, 13), closes_on=date(2020, 3, 15),
                 categories=list(PUBLISHED), created_by=region),
        ]
    )  # fmt: skip
    providers = _providers(rng)
    # The first provider gets a share of every category, so that the provider login has work in each.
    owners = [providers[0]] * 12 + [p for p in providers[1:] for _ in range(rng.randint(2, 6))]
    products: list[Product] = []
    counters = dict.fromkeys(PUBLISHED, 0)
    n = 0
    for category, count in PUBLISHED.items():
        for _ in range(count):
            n += 1
            counters[category] += 1
            provider = owners[(n * 7) % len(owners)] if n > 12 else providers[0]
            name = f"{rng.choice(BRANDS)}{rng.choice(KINDS[category])}"
            day = FIRST_DAY + timedelta(days=2 + (n * 17) % 18)  # published between 5 and 22 February
            p = _product(rng, provider, category, name, calls[0] if day <= calls[0].closes_on else calls[1], n)
            p.state = ProductState.PUBLISHED
            p.number = f"{NUMBER_PREFIX[category]}-{counters[category]:04d}"
            p.published_at = p.feed_updated_at = _at(day, 16, n)
            products.append(p)
    # Beyond the 247: new products in review, returned or rejected, and drafts.
    extra_states = [ProductState.SUBMITTED] * 6 + [ProductState.RETURNED] * 4 + [ProductState.REJECTED] * 3
    extra_states += [ProductState.DRAFT] * 2
    for i, state in enumerate(extra_states):
        n += 1
        category = list(PUBLISHED)[i % 4]
        provider = providers[0] if i in (0, 6) else providers[1 + (i * 5) % (PROVIDERS - 1)]
        p = _product(rng, provider, category, f"{rng.choice(BRANDS)}{rng.choice(KINDS[category])}", calls[1], n)
        p.state = state
        products.append(p)
    Product.objects.bulk_create(products)
    products = list(Product.objects.order_by("pk"))
    events = []
    reasons: dict[str, str] = {
        "returned": "请补充免费期限和服务范围说明",
        "rejected": "与企业复工复产需求关联不大",
    }
    for p in products:
        created = _at(p.published_at.date() - timedelta(days=2) if p.published_at else date(2020, 2, 20), 9)
        events.append(ProductEvent(product=p, at=created, actor=None, action="create", to_state="draft"))
        if p.state == ProductState.DRAFT:
            continue
        submitted = created + timedelta(hours=2)
        events.append(ProductEvent(product=p, at=submitted, action="submit", from_state="draft", to_state="submitted"))
        if p.state == ProductState.SUBMITTED:
            continue
        target = p.state
        events.append(
            ProductEvent(product=p, at=p.published_at or submitted + timedelta(days=1), actor=region,
                         action={"published": "approve", "returned": "return", "rejected": "reject"}[target],
                         from_state="submitted", to_state=target, comment=reasons.get(target, ""),
                         detail={"number": p.number} if p.number else {})
        )  # fmt: skip
    ProductEvent.objects.bulk_create(events)
    published = [p for p in products if p.state == ProductState.PUBLISHED]
    _changes_under_review(published[:2] + [p for p in published if p.provider_id == providers[0].pk][:1])
    claims = _claims(ctx, rng, published, providers[0])
    provider_user = User.objects.filter(username="provider").first()
    if provider_user is not None:
        services.provider_member_add(actor=None, provider=providers[0], user=provider_user)
    # Cloud-service vouchers, redeemed against the claims just made (fugong/demo/vouchers.py).
    voucher_counts = build_vouchers(ctx, random.Random(f"{ctx.seed}:vouchers"), providers[0].pk)  # noqa: S311
    return {
        "providers": len(providers),
        "published products": Product.objects.filter(published_at__isnull=False).count(),
        "products in review, returned, rejected or draft": len(extra_states),
        "product claims": claims,
        **voucher_counts,
    }


def _changes_under_review(products: list[Product]) -> None:
    """A few published products with a change waiting for review: the published version stays listed."""
    for p in products:
        content = services.content_of(p)
        content["free_months"] = 12
        content["limits"] = "免费期延长至12个月"
        Product.objects.filter(pk=p.pk).update(pending=content, state=ProductState.SUBMITTED)
        at = _at(date(2020, 2, 21), 11)
        ProductEvent.objects.bulk_create(
            [
                ProductEvent(product=p, at=at, action="edit", from_state="published", to_state="published",
                             detail={"pending": True}),
                ProductEvent(product=p, at=at + timedelta(minutes=5), action="submit", from_state="published",
                             to_state="submitted"),
            ]
        )  # fmt: skip


def _claims(ctx, rng: random.Random, published: list[Product], first_provider: Provider) -> int:
    scale = min(ctx.scale, 1.0)
    pool = sorted(ctx.enterprises.values(), key=lambda e: e.credit_code)
    count = min(len(pool), max(20, round(CLAIMING_ENTERPRISES * scale)))
    claimants = rng.sample(pool, count)
    baogang = next((e for e in pool if e.name.startswith("包头钢铁")), None)
    if baogang is not None and baogang not in claimants:
        claimants.append(baogang)
    # Popularity falls off: some products are claimed by many, about one in eight by nobody.
    weights = [0 if i % 8 == 7 else 1 / (1 + (i % 40)) for i in range(len(published))]
    rng.shuffle(weights)
    own = [p for p in published if p.provider_id == first_provider.pk]
    rows: list[Claim] = []
    for e in claimants:
        wanted = {id(p): p for p in rng.choices(published, weights=weights, k=rng.choice([1, 1, 1, 2, 2, 3]))}
        if e is baogang and own:
            wanted[id(own[0])] = own[0]
        for p in wanted.values():
            published_on = p.published_at.date() if p.published_at else FIRST_DAY
            claimed_on = max(published_on, FIRST_DAY) + timedelta(days=rng.randint(0, 30))
            claimed_on = min(claimed_on, LAST_DAY)
            rows.append(_claim(rng, p, e, claimed_on))
    # The provider login finds new claims waiting, and the enterprise login a delivery to rate.
    for c in rows:
        if c.enterprise_id == getattr(baogang, "pk", None) and c.provider_id == first_provider.pk:
            c.state, c.delivered_on, c.rating, c.rating_comment = ClaimState.DELIVERED, c.claimed_on, None, ""
    Claim.objects.bulk_create(rows)
    events = []
    for c in Claim.objects.all():
        at = _at(c.claimed_on, 9)
        events.append(ClaimEvent(claim=c, at=at, action="claim", to_state="claimed", comment=c.need))
        if c.state in (ClaimState.CONTACTED, ClaimState.DELIVERED):
            events.append(ClaimEvent(claim=c, at=at + timedelta(hours=20), action="contact", from_state="claimed",
                                     to_state="contacted"))  # fmt: skip
        if c.state == ClaimState.DELIVERED and c.delivered_on is not None:
            events.append(ClaimEvent(claim=c, at=_at(c.delivered_on, 15), action="deliver", from_state="contacted",
                                     to_state="delivered", detail={"on": c.delivered_on.isoformat()}))  # fmt: skip
            if c.rating:
                events.append(ClaimEvent(claim=c, at=_at(c.delivered_on, 18) + timedelta(days=2), action="rate",
                                         from_state="delivered", to_state="delivered", comment=c.rating_comment,
                                         detail={"rating": c.rating}))  # fmt: skip
        if c.state == ClaimState.DECLINED:
            events.append(ClaimEvent(claim=c, at=at + timedelta(days=1), action="decline", from_state="claimed",
                                     to_state="declined", comment=c.declined_reason))  # fmt: skip
    ClaimEvent.objects.bulk_create(events)
    return len(rows)


def _claim(rng: random.Random, product: Product, enterprise, claimed_on: date) -> Claim:
    # Older claims are further along; the last days' are still waiting.
    age = (LAST_DAY - claimed_on).days
    roll = rng.random()
    state, delivered_on, rating, comment, reason = ClaimState.CLAIMED, None, None, "", ""
    if age > 3 and roll < 0.62:
        state, delivered_on = ClaimState.DELIVERED, min(claimed_on + timedelta(days=rng.randint(1, 6)), LAST_DAY)
        if rng.random() < 0.7:
            rating = rng.choices([5, 4, 3, 2], weights=[50, 35, 11, 4])[0]
            comment = rng.choice(COMMENTS)
    elif age > 1 and roll < 0.8:
        state = ClaimState.CONTACTED
    elif age > 1 and roll < 0.88:
        state, reason = ClaimState.DECLINED, rng.choice(["企业所在地暂不能上门部署", "企业需求超出免费范围"])
    return Claim(
        product=product,
        provider_id=product.provider_id,
        enterprise=enterprise,
        league_id=enterprise.league_id,
        county_id=enterprise.county_id,
        need=rng.choice(NEEDS),
        contact_name=enterprise.contact_name or "联系人",
        contact_phone=enterprise.contact_phone or "13800000000",
        state=state,
        claimed_on=claimed_on,
        delivered_on=delivered_on,
        declined_reason=reason,
        rating=rating,
        rating_comment=comment,
    )


def wipe_catalogue() -> None:
    wipe_vouchers()  # they point at claims
    ClaimEvent.objects.all().delete()
    Claim.objects.all().delete()
    ProductEvent.objects.all().delete()
    Product.objects.all().delete()  # its files' rows go with it
    Call.objects.all().delete()
    ProviderMember.objects.all().delete()
    Provider.objects.all().delete()
