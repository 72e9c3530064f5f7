import json
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fugong import access
from fugong.accounts.models import User
from fugong.areas.models import Area
from fugong.core.crypto import normalise_phone
from fugong.core.fields import PhoneIndexField, phone_filter
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


# What an enterprise may see and export of what the platform holds about it (PIPL art. 45; issue 17 §4): its
# registry record and every row of every table that names it, whichever app keeps it. Found by walking the models,
# so that a table added later is included without this code knowing it. Secrets and internal keys are left out.
# Pinyin keys are derived from the name, for searching: nothing more about the enterprise.
HELD_LEFT_OUT = {"password", "secret", "digest", "body_digest", "client_key", "path", "sha256", "key"} | {
    "name_pinyin",
    "name_initials",
}
HELD_ROWS_MAX = 10_000


@dataclass
class HeldTable:
    label: str
    name: str
    count: int
    columns: list[str]
    rows: list[list[str]]


def _held_value(obj, f, *, names: bool = False) -> str:
    """As exported: ids for links, ISO dates; `names` (the record on the page): linked objects named, dates local."""
    if f.choices:
        return str(getattr(obj, f"get_{f.name}_display")())
    if names and f.is_relation:
        return str(getattr(obj, f.name) or "")
    value = getattr(obj, f.attname)
    if value is None:
        return ""
    if names and isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if names and isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _held_fields(model) -> list:
    return [
        f for f in model._meta.concrete_fields if f.name not in HELD_LEFT_OUT and not isinstance(f, PhoneIndexField)
    ]


def held_record(enterprise: Enterprise, *, names: bool = False) -> list[tuple[str, str]]:
    """(field, value) of the registry record, contacts opened, tags named."""
    facts = [(str(f.verbose_name), _held_value(enterprise, f, names=names)) for f in _held_fields(Enterprise)]
    facts.append(
        (str(Enterprise._meta.get_field("tags").verbose_name), ", ".join(str(t) for t in enterprise.tags.all()))
    )
    return facts


def held_tables(enterprise: Enterprise, *, with_rows: bool) -> list[HeldTable]:
    tables = []
    for model in apps.get_models():
        # The record itself, and its tags' change history (counted with the record's changes below).
        if model is Enterprise or model._meta.label_lower.startswith("enterprises.historicalenterprise_"):
            continue
        links = [
            f.name
            for f in model._meta.concrete_fields
            if f.is_relation and f.many_to_one and f.related_model is Enterprise
        ]
        if not links:
            continue
        condition = Q()
        for name in links:
            condition |= Q(**{name: enterprise.pk})
        qs = model._default_manager.filter(condition)
        count = qs.count()
        if not count:
            continue
        fields = _held_fields(model)
        rows = []
        if with_rows:
            rows = [[_held_value(obj, f) for f in fields] for obj in qs.order_by("pk")[:HELD_ROWS_MAX]]
        tables.append(
            HeldTable(
                model._meta.label_lower, str(model._meta.verbose_name_plural), count, [f.name for f in fields], rows
            )
        )
    history = enterprise.history.count()
    if history:
        fields = _held_fields(enterprise.history.model)
        rows = (
            [[_held_value(h, f) for f in fields] for h in enterprise.history.order_by("history_id")]
            if with_rows
            else []
        )
        tables.append(
            HeldTable(
                "enterprises.historicalenterprise",
                str(_("changes to the registry record")),
                history,
                [f.name for f in fields],
                rows,
            )
        )
    return sorted(tables, key=lambda t: t.label)
