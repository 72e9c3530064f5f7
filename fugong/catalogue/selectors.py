"""Reads of the catalogue, its claims and its figures; every one starts from the access module."""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from fugong import access
from fugong.accounts.models import User
from fugong.catalogue.models import Category, Claim, ClaimState, Delivery, Product, ProductState, Provider
from fugong.core.text import clean
from fugong.enterprises.models import Industry
from fugong.problems.selectors import in_scope, league_names


@dataclass
class ProductFilters:
    q: str = ""
    category: str = ""
    industry: str = ""
    delivery: str = ""
    state: str = ""

    @classmethod
    def from_query(cls, params) -> "ProductFilters":
        return cls(**{name: clean(params.get(name) or "")[:100] for name in cls.__dataclass_fields__})


def search_q(text: str) -> Q:
    """A product's or its provider's name, in characters (simplified or traditional), full pinyin or initials."""
    term = clean(text).replace(" ", "")
    if not term:
        return Q()
    condition = Q(name__icontains=term) | Q(provider__name__icontains=term) | Q(number__iexact=term)
    key = term.lower()
    if key.isascii() and key.isalnum():
        for prefix in ("", "provider__"):
            condition |= Q(**{f"{prefix}name_initials__startswith": key}) | Q(
                **{f"{prefix}name_pinyin__startswith": key}
            )
            if len(key) >= 3:
                condition |= Q(**{f"{prefix}name_pinyin__contains": key}) | Q(
                    **{f"{prefix}name_initials__contains": key}
                )
    return condition


def product_list(*, user: User, filters: ProductFilters | None = None, listed: bool = True) -> QuerySet[Product]:
    """The catalogue (listed=True) or every product the user may see (a provider's own, the reviewer's all)."""
    f = filters or ProductFilters()
    qs = access.visible_products(user)
    if listed:
        qs = qs.filter(pk__in=access.listed_products().values("pk"))
    qs = qs.select_related("provider")
    if f.category in Category.values:
        qs = qs.filter(category=f.category)
    if f.delivery in Delivery.values:
        qs = qs.filter(delivery=f.delivery)
    if f.industry and f.industry.isdigit() and len(f.industry) == 2:
        # Codes are two digits between commas, so a code matches only itself; empty suits every industry.
        qs = qs.filter(Q(industry_codes="") | Q(industry_codes__contains=f.industry))
    if f.state in ProductState.values:
        qs = qs.filter(state=f.state)
    if f.q:
        qs = qs.filter(search_q(f.q))
    return qs.order_by("category", "number", "pk")


def review_queue(*, user: User) -> QuerySet[Product]:
    if not access.can_review_products(user):
        return Product.objects.none()
    return (
        Product.objects.filter(state=ProductState.SUBMITTED).select_related("provider", "call").order_by("updated_at")
    )


def own_products(*, user: User) -> QuerySet[Product]:
    provider = access.provider_of(user)
    if provider is None:
        return Product.objects.none()
    return Product.objects.filter(provider=provider).select_related("call").order_by("-updated_at")


def provider_list() -> QuerySet[Provider]:
    """Providers with their products counted: the reviewer's register."""
    return Provider.objects.annotate(
        product_count=Count("products", filter=Q(products__published_at__isnull=False), distinct=True),
        member_count=Count("members", distinct=True),
    ).order_by("name")


def industry_names(codes: list[str]) -> list[str]:
    names = dict(Industry.objects.filter(code__in=codes).values_list("code", "name"))
    return [names.get(c, c) for c in codes]


def claim_list(*, user: User, state: str = "") -> QuerySet[Claim]:
    qs = access.visible_claims(user).select_related("product", "enterprise", "provider", "league")
    if state in ClaimState.values:
        qs = qs.filter(state=state)
    return qs


# --- The feed ---------------------------------------------------------------------------------------------


def feed(*, user: User, updated_since: datetime | None = None) -> QuerySet[Product]:
    """Every product ever published, oldest change first: a reader pages through and keeps the last
    `updated_at` it saw for its next `updated_since`. Withdrawn products stay, marked."""
    qs = access.feed_products(user).select_related("provider")
    if updated_since is not None:
        qs = qs.filter(feed_updated_at__gt=updated_since)
    return qs.order_by("feed_updated_at", "pk")


# --- Figures ----------------------------------------------------------------------------------------------


@dataclass
class Tally:
    key: str
    label: str
    products: int = 0
    claims: int = 0
    delivered: int = 0
    declined: int = 0
    rated: int = 0
    rating_sum: int = 0
    enterprises: set = field(default_factory=set)

    @property
    def enterprise_count(self) -> int:
        return len(self.enterprises)

    @property
    def average_rating(self) -> float | None:
        return round(self.rating_sum / self.rated, 1) if self.rated else None


@dataclass
class CatalogueFigures:
    as_of: date
    total: Tally
    by_category: list[Tally]
    by_provider: list[Tally]
    by_league: list[Tally]
    by_product: list[Tally]
    unclaimed: list[Product]

    @property
    def products(self) -> int:
        return self.total.products


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def catalogue_figures(*, user: User, as_of: date, scope=None) -> CatalogueFigures:
    """The catalogue's uptake as of a day: products listed then (region-wide: the catalogue is one for all), and
    the claims in the user's scope made by then; deliveries and their ratings by their day, refusals as recorded
    now."""
    end = _end_of(as_of)
    products = list(
        Product.objects.filter(published_at__lte=end)
        .exclude(withdrawn_at__lte=end)
        .select_related("provider")
        .order_by("number")
    )
    claims = in_scope(access.visible_claims(user).filter(claimed_on__lte=as_of), scope).values_list(
        "product_id", "enterprise_id", "league_id", "state", "rating", "delivered_on"
    )
    labels = dict(Category.choices)
    total = Tally("", "")
    categories = {c: Tally(c, str(labels[c])) for c in Category.values}
    providers: dict[int, Tally] = {}
    by_product: dict[int, Tally] = {}
    for p in products:
        total.products += 1
        categories[p.category].products += 1
        providers.setdefault(p.provider_id, Tally(str(p.provider_id), p.provider.name)).products += 1
        by_product[p.pk] = Tally(p.number or "", p.name, products=1)
    product_of = {p.pk: p for p in products}
    leagues: dict[str, Tally] = {}
    for product_id, enterprise_id, league_id, state, rating, delivered_on in claims:
        # A delivery (and its rating) counts from its day; a claim delivered later was still open then.
        delivered = state == ClaimState.DELIVERED and delivered_on is not None and delivered_on <= as_of
        product = product_of.get(product_id)
        rows = [total, leagues.setdefault(league_id, Tally(league_id, league_id))]
        if product is not None:
            rows += [categories[product.category], providers[product.provider_id], by_product[product_id]]
        for t in rows:
            t.claims += 1
            t.enterprises.add(enterprise_id)
            if delivered:
                t.delivered += 1
            elif state == ClaimState.DECLINED:
                t.declined += 1
            if rating and delivered:
                t.rated += 1
                t.rating_sum += rating
    league_names(leagues.values())
    return CatalogueFigures(
        as_of=as_of,
        total=total,
        by_category=list(categories.values()),
        by_provider=sorted(providers.values(), key=lambda t: (-t.claims, t.label)),
        by_league=sorted(leagues.values(), key=lambda t: t.key),
        by_product=sorted(by_product.values(), key=lambda t: (-t.claims, t.key)),
        unclaimed=[p for p in products if by_product[p.pk].claims == 0],
    )


def brief_lines(*, user: User, as_of: date, scope=None) -> list[str]:
    """征集发布……4类信息技术产品247项，免费提供企业使用，已有N户企业申请使用N项次。"""
    figures = catalogue_figures(user=user, as_of=as_of, scope=scope)
    if not figures.products:
        return []
    kinds = [t for t in figures.by_category if t.products]
    names = "、".join(t.label for t in kinds)
    line = f"征集发布{names}{len(kinds)}类信息技术产品{figures.products}项，免费提供企业使用"
    t = figures.total
    if t.claims:
        line += f"，已有{t.enterprise_count}户企业申请使用{t.claims}项次"
        if t.delivered:
            line += f"，已交付{t.delivered}项次"
        if t.average_rating is not None:
            line += f"，企业评价平均{t.average_rating:g}分"
    lines = [line + "。"]
    # Cloud-service vouchers: 发放云服务券N张、N万元……
    from fugong.catalogue.voucher_selectors import brief_line, voucher_figures

    vouchers = brief_line(voucher_figures(user=user, as_of=as_of, scope=scope))
    return lines + [vouchers] if vouchers else lines


def brief_section(ctx):
    """The brief's section on the IT products (registered with analytics.brief by CatalogueConfig.ready)."""
    from django.utils import translation

    from fugong.analytics.brief import Section

    # The category names are the department's own words: the brief is written in Chinese whatever the reader's
    # language.
    with translation.override("zh-hans"):
        lines = brief_lines(user=ctx.user, as_of=ctx.as_of, scope=ctx.scope)
    return Section("catalogue", "信息技术产品推广情况", "".join(lines)) if lines else None


def dashboard_panel(ctx):
    """The dashboard's panel on the IT products (registered with analytics.sections by CatalogueConfig.ready)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from fugong.analytics.sections import Panel

    f = catalogue_figures(user=ctx.user, as_of=ctx.as_of, scope=ctx.scope)
    if not f.products:
        return None
    t = f.total
    figures = [
        (_("Products listed"), f"{f.products:,}"),
        (_("Enterprises that claimed"), f"{t.enterprise_count:,}"),
        (_("Claims"), f"{t.claims:,}"),
        (_("Delivered"), f"{t.delivered:,}"),
        (_("Average rating"), f"{t.average_rating:g}" if t.average_rating is not None else "—"),
    ]
    # Cloud-service vouchers, when a programme has issued any in this scope.
    from fugong.catalogue.voucher_selectors import voucher_figures
    from fugong.catalogue.vouchers import wan

    v = voucher_figures(user=ctx.user, as_of=ctx.as_of, scope=ctx.scope).total
    if v.issued:
        figures += [
            (_("Vouchers issued"), f"{v.issued:,} · {wan(v.issued_amount)}"),
            (_("Vouchers redeemed"), f"{v.redeemed:,}"),
            (_("Vouchers paid (10k yuan)"), wan(v.paid_amount)),
        ]
    return Panel(
        "catalogue",
        _("Free IT products"),
        figures,
        link=reverse("catalogue:figures"),
        note=_("Products are counted region-wide; claims in this scope."),
    )


def provider_home(*, user: User) -> dict:
    """A provider's home: its products by state, and the claims waiting on it (oldest first)."""
    provider = access.provider_of(user)
    if provider is None:
        return {}
    counts = dict(Product.objects.filter(provider=provider).values_list("state").annotate(n=Count("pk")))
    waiting = (
        access.visible_claims(user)
        .filter(state__in=[ClaimState.CLAIMED, ClaimState.CONTACTED])
        .select_related("enterprise", "product")
        .order_by("claimed_on", "pk")
    )
    return {
        "products": [(str(label), counts[value]) for value, label in ProductState.choices if counts.get(value)],
        "waiting": list(waiting[:10]),
    }
