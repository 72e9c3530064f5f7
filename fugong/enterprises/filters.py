"""The registry's filters (league, county, park, industry, tag, above scale): read from a query string and applied
to a queryset here only, by the registry list, the figures' scope and the dispatch pages alike."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from fugong.core import bounds

M = TypeVar("M", bound=Model)

# ?above_scale=: yes, no, or all; anything else means the page's default.
SCALE_WORDS: dict[str, bool | None] = {"1": True, "true": True, "0": False, "false": False, "all": None}


def query_text(params: Mapping[str, Any], key: str) -> str:
    """One text filter of a query string (a QueryDict or a dict): trimmed, '' when absent."""
    return str(params.get(key) or "").strip()


def read_filters(params: Mapping[str, Any], *, above_scale: bool | None = None) -> dict[str, Any]:
    """The filters of a query string as keyword arguments; `above_scale` is the default when it says nothing."""
    return {
        "league": query_text(params, "league"),
        "county": query_text(params, "county"),
        "park": query_text(params, "park"),
        "industry": query_text(params, "industry"),
        "tag": query_text(params, "tag"),
        "above_scale": SCALE_WORDS.get(query_text(params, "above_scale").lower(), above_scale),
    }


@dataclass(frozen=True)
class RegistryFilters:
    """Empty text and None mean "any"."""

    league: str = ""
    county: str = ""
    park: str = ""
    industry: str = ""
    tag: str = ""
    above_scale: bool | None = None

    def narrow(self, qs: QuerySet[M]) -> QuerySet[M]:
        """Enterprises (or reports and key projects, by the area filters: what they carry) matching the filters."""
        if self.league:
            qs = qs.filter(league_id=self.league)
        if self.county:
            qs = qs.filter(county_id=self.county)
        if self.park:
            qs = qs.filter(park_id=bounds.id_param(self.park, "park"))
        if self.industry:
            qs = qs.filter(industry_id=self.industry)
        if self.tag:
            qs = qs.filter(tags__code=self.tag)
        if self.above_scale is not None:
            qs = qs.filter(above_scale=self.above_scale)
        return qs
