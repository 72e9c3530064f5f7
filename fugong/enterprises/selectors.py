from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from fugong import access
from fugong.accounts.models import User
from fugong.areas.models import Area
from fugong.core.crypto import normalise_phone
from fugong.core.fields import phone_filter
from fugong.core.text import clean
from fugong.enterprises.credit_code import normalise
from fugong.enterprises.filters import RegistryFilters, query_text, read_filters
from fugong.enterprises.models import Enterprise, KeyProject


@dataclass(frozen=True, kw_only=True)
class EnterpriseFilters(RegistryFilters):
    size_class: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, params) -> "EnterpriseFilters":
        return cls(**read_filters(params), size_class=query_text(params, "size_class"), q=query_text(params, "q"))


def search_q(text: str) -> Q:
    """Match a name (simplified or traditional), full pinyin, pinyin initials, a credit code, or the contact's phone
    exactly (through its keyed hash: the column itself is encrypted)."""
    term = clean(text)
    if not term:
        return Q()
    key = term.lower().replace(" ", "")
    condition = Q(name__icontains=term.replace(" ", ""))
    if key.isascii() and key.isalnum():
        condition |= Q(name_initials__startswith=key) | Q(name_pinyin__startswith=key)
        if len(key) >= 3:
            condition |= Q(name_pinyin__contains=key) | Q(name_initials__contains=key)
        condition |= Q(credit_code__startswith=normalise(term))
    if 7 <= len(normalise_phone(term)) <= 20 and not any(c.isalpha() for c in term):
        condition |= phone_filter("contact_phone", term)
    return condition


def enterprise_list(*, user: User, filters: EnterpriseFilters) -> QuerySet[Enterprise]:
    qs = filters.narrow(access.visible_enterprises(user))
    if filters.size_class:
        qs = qs.filter(size_class=filters.size_class)
    if filters.q:
        qs = qs.filter(search_q(filters.q))
    return (
        qs.select_related("league", "county", "park", "industry")
        .prefetch_related("tags")
        .order_by("league_id", "county_id", "name")
    )


def key_project_list(*, user: User, league: str = "", county: str = "", q: str = "") -> QuerySet[KeyProject]:
    qs = RegistryFilters(league=league, county=county).narrow(access.visible_key_projects(user))
    if q:
        qs = qs.filter(name__icontains=clean(q))
    return qs.select_related("league", "county", "park", "owner").order_by("league_id", "name")


@dataclass(frozen=True)
class LeagueRow:
    code: str
    name: str
    enterprises: int
    above_scale: int
    employees: int


@dataclass(frozen=True)
class RegistrySummary:
    enterprises: int
    above_scale: int
    employees: int
    key_projects: int
    by_league: list[LeagueRow]


def registry_summary(*, user: User) -> RegistrySummary:
    qs = access.visible_enterprises(user)
    rows = (
        qs.values("league_id")
        .annotate(n=Count("id"), above=Count("id", filter=Q(above_scale=True)), staff=Sum("employees"))
        .order_by("league_id")
    )
    names = {a.code: a.display_name for a in Area.objects.filter(level=Area.Level.LEAGUE)}
    by_league = [
        LeagueRow(r["league_id"], names.get(r["league_id"], r["league_id"]), r["n"], r["above"], r["staff"] or 0)
        for r in rows
    ]
    return RegistrySummary(
        enterprises=sum(r.enterprises for r in by_league),
        above_scale=sum(r.above_scale for r in by_league),
        employees=sum(r.employees for r in by_league),
        key_projects=access.visible_key_projects(user).count(),
        by_league=by_league,
    )
