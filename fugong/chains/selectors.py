"""Reads of needs and offers, pairings and chains; every one starts from the access module. The figures come
from one function, `chain_figures`, read by the figures page, the API, the brief and the dashboard panel."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from fugong import access
from fugong.accounts.models import User
from fugong.chains.models import ChainLink, ChainPost, LinkRole, Pairing, PairingState, PostState, Side
from fugong.dispatch.models import DailyReport, Status, WeeklyReport
from fugong.dispatch.models import week_start as _week_start
from fugong.enterprises.models import Enterprise
from fugong.problems.selectors import in_scope


@dataclass
class PostFilters:
    side: str = ""
    category: str = ""
    state: str = ""  # "open", "closed" or "expired"
    league: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, params) -> "PostFilters":
        return cls(**{name: (params.get(name) or "").strip()[:100] for name in cls.__dataclass_fields__})


def post_list(*, user: User, filters: PostFilters | None = None, today: date | None = None) -> QuerySet[ChainPost]:
    f = filters or PostFilters()
    today = today or timezone.localdate()
    qs = access.visible_chain_posts(user).select_related("enterprise", "league", "industry")
    if f.side in Side.values:
        qs = qs.filter(side=f.side)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.state == "open":
        qs = qs.filter(state=PostState.OPEN, expires_on__gte=today)
    elif f.state == "expired":
        qs = qs.filter(state=PostState.OPEN, expires_on__lt=today)
    elif f.state == "closed":
        qs = qs.filter(state=PostState.CLOSED)
    if f.league:
        qs = qs.filter(Q(league_id=f.league) | Q(county_id=f.league))
    if f.q:
        qs = qs.filter(Q(product__icontains=f.q) | Q(enterprise__name__icontains=f.q))
    return qs


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} if len(text) > 1 else {text}


@dataclass(frozen=True)
class Match:
    post: ChainPost
    same_league: bool
    same_product: bool
    same_industry: bool


MATCHES = 10


def suggest_matches(*, user: User, post: ChainPost, today: date | None = None, limit: int = MATCHES) -> list[Match]:
    """Listed posts of the other side that the user sees, sharing a product word (two characters in common, or one
    name inside the other) or the industry; the post's own league first, then product before industry."""
    today = today or timezone.localdate()
    other = Side.OFFER if post.side == Side.NEED else Side.NEED
    candidates = (
        access.visible_chain_posts(user)
        .filter(side=other, state=PostState.OPEN, expires_on__gte=today)
        .exclude(enterprise_id=post.enterprise_id)
        .select_related("enterprise", "league")
    )
    key, grams = post.product_key, _bigrams(post.product_key)
    found = []
    for c in candidates:
        same_product = key in c.product_key or c.product_key in key or bool(grams & _bigrams(c.product_key))
        same_industry = c.industry_id == post.industry_id
        if same_product or same_industry:
            found.append(Match(c, c.league_id == post.league_id, same_product, same_industry))
    found.sort(key=lambda m: (not m.same_league, not m.same_product, not m.same_industry, -m.post.pk))
    return found[:limit]


def pairing_list(*, user: User, state: str = "") -> QuerySet[Pairing]:
    qs = access.visible_pairings(user).select_related("enterprise", "supplier", "need", "offer", "league")
    return qs.filter(state=state) if state in PairingState.values else qs


# --- Chains and their resumption ------------------------------------------------------------------------------

NOT_REPORTED = "not_reported"


def status_on(ids, day: date) -> dict[int, str]:
    """Each enterprise's status as the figures count it on the day: its latest daily report on or before the day,
    else its latest weekly one; never reported counts as not resumed (NOT_REPORTED, shown as such)."""
    daily = DailyReport.objects.filter(enterprise=OuterRef("pk"), date__lte=day).order_by("-date")
    weekly = WeeklyReport.objects.filter(enterprise=OuterRef("pk"), week__lte=_week_start(day)).order_by("-week")
    rows = Enterprise.objects.filter(pk__in=list(ids)).annotate(
        daily=Subquery(daily.values("status")[:1]), weekly=Subquery(weekly.values("status")[:1])
    )
    return {pk: d or w or NOT_REPORTED for pk, d, w in rows.values_list("pk", "daily", "weekly")}


def held_back(status: str) -> bool:
    return status in (Status.NOT_RESUMED, NOT_REPORTED)


@dataclass
class LinkRow:
    link: ChainLink
    status: str

    @property
    def held_back(self) -> bool:
        return held_back(self.status)


@dataclass
class Chain:
    leader: Enterprise
    status: str
    suppliers: list[LinkRow] = field(default_factory=list)
    customers: list[LinkRow] = field(default_factory=list)

    @property
    def blocking(self) -> list[LinkRow]:
        return [row for row in self.suppliers if row.held_back]


def chains(*, user: User, day: date, scope=None, leader_id: int | None = None) -> list[Chain]:
    """The chains the user sees on a day, each link with its partner's status; largest leaders first."""
    links = in_scope(access.visible_chain_links(user), scope).select_related("leader", "partner", "partner__league")
    if leader_id is not None:
        links = links.filter(leader_id=leader_id)
    links = list(links)
    ids = {link.leader_id for link in links} | {link.partner_id for link in links}
    status = status_on(ids, day)
    found: dict[int, Chain] = {}
    for link in links:
        chain = found.setdefault(link.leader_id, Chain(link.leader, status.get(link.leader_id, NOT_REPORTED)))
        row = LinkRow(link, status.get(link.partner_id, NOT_REPORTED))
        (chain.suppliers if link.relation == LinkRole.SUPPLIER else chain.customers).append(row)
    return sorted(found.values(), key=lambda c: (-c.leader.normal_output, c.leader.name))


def bottlenecks(*, user: User, day: date, scope=None) -> list[Chain]:
    """The leading enterprises held back by a supplier that has not resumed on the day: the list to act on."""
    return [c for c in chains(user=user, day=day, scope=scope) if c.blocking]


# --- Figures ----------------------------------------------------------------------------------------------------


@dataclass
class ChainFigures:
    as_of: date
    needs: int = 0  # listed on the day
    offers: int = 0
    pairings: int = 0  # made by the day
    pairings_done: int = 0
    pairings_failed: int = 0
    pairings_open: int = 0
    leaders: int = 0  # leading enterprises with a chain
    links: int = 0
    bottleneck_leaders: int = 0
    blocking_suppliers: int = 0  # distinct suppliers not resumed that hold a leader back


def chain_figures(*, user: User, as_of: date, scope=None) -> ChainFigures:
    f = ChainFigures(as_of=as_of)
    posts = in_scope(access.visible_chain_posts(user), scope).filter(posted_on__lte=as_of)
    for side, state, expires in posts.values_list("side", "state", "expires_on"):
        if state == PostState.OPEN and expires >= as_of:
            if side == Side.NEED:
                f.needs += 1
            else:
                f.offers += 1
    pairings = in_scope(access.visible_pairings(user), scope).filter(paired_on__lte=as_of)
    for state in pairings.values_list("state", flat=True):
        f.pairings += 1
        f.pairings_done += state == PairingState.DONE
        f.pairings_failed += state == PairingState.FAILED
        f.pairings_open += state in (PairingState.PROPOSED, PairingState.IN_PROGRESS)
    found = chains(user=user, day=as_of, scope=scope)
    f.leaders = len(found)
    f.links = sum(len(c.suppliers) + len(c.customers) for c in found)
    blocked = [c for c in found if c.blocking]
    f.bottleneck_leaders = len(blocked)
    f.blocking_suppliers = len({row.link.partner_id for c in blocked for row in c.blocking})
    return f


def brief_lines(*, user: User, as_of: date, scope=None) -> list[str]:
    """产业链协同 in the brief's style: counts in 条, 对 and 户, full-width punctuation."""
    f = chain_figures(user=user, as_of=as_of, scope=scope)
    if not (f.needs or f.offers or f.pairings or f.leaders):
        return []
    line = f"发布产业链配套需求{f.needs}条、供给{f.offers}条，撮合对接{f.pairings}对，已达成{f.pairings_done}对"
    if f.leaders:
        line += f"；梳理{f.leaders}户龙头企业上下游配套企业{f.links}户"
        if f.bottleneck_leaders:
            line += f"，其中{f.bottleneck_leaders}户龙头企业因{f.blocking_suppliers}户配套企业未复工受到制约"
    return [line + "。"]


def brief_section(ctx):
    """The brief's section on industrial-chain coordination (registered by ChainsConfig.ready)."""
    from fugong.analytics.brief import Section

    lines = brief_lines(user=ctx.user, as_of=ctx.as_of, scope=ctx.scope)
    return Section("chains", "产业链协同", "".join(lines)) if lines else None


def dashboard_panel(ctx):
    """The dashboard's panel on industrial-chain coordination (registered with analytics.sections)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from fugong.analytics.sections import Panel

    if not access.can_see_chain_figures(ctx.user):
        return None
    f = chain_figures(user=ctx.user, as_of=ctx.as_of, scope=ctx.scope)
    if not (f.needs or f.offers or f.pairings or f.leaders):
        return None
    figures = [
        (_("Needs listed"), f"{f.needs:,}"),
        (_("Offers listed"), f"{f.offers:,}"),
        (_("Pairings done"), f"{f.pairings_done:,} / {f.pairings:,}"),
        (_("Leading enterprises held back"), f"{f.bottleneck_leaders:,}"),
    ]
    return Panel("chains", _("Industrial-chain coordination"), figures, link=reverse("chains:figures"))
