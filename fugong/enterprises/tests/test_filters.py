import pytest
from django.http import QueryDict

from config.testing import make_enterprise
from fugong.analytics.figures import Scope
from fugong.enterprises.filters import RegistryFilters, read_filters
from fugong.enterprises.models import Enterprise
from fugong.enterprises.selectors import EnterpriseFilters


def test_it_reads_every_filter_trimmed():
    query = QueryDict("league=%20150200%20&county=150203&park=7&industry=06&tag=leading&above_scale=0")
    assert read_filters(query) == {
        "league": "150200",
        "county": "150203",
        "park": "7",
        "industry": "06",
        "tag": "leading",
        "above_scale": False,
    }


@pytest.mark.parametrize(
    ("raw", "default", "want"),
    [("", None, None), ("", True, True), ("all", True, None), ("1", None, True), (" TRUE ", None, True),
     ("false", True, False), ("maybe", True, True), ("maybe", None, None)],
)  # fmt: skip
def test_above_scale_reads_yes_no_all_and_falls_back_to_the_default(raw, default, want):
    assert read_filters({"above_scale": raw}, above_scale=default)["above_scale"] is want


def test_the_registry_list_and_the_figures_read_one_query_alike():
    query = QueryDict("league=150200&county=&tag=leading&above_scale=all&q=钢铁&duty=weekly")
    listed, scope = EnterpriseFilters.from_query(query), Scope.from_query(query)
    assert (listed.league, listed.county, listed.tag, listed.above_scale, listed.q) == (
        "150200",
        "",
        "leading",
        None,
        "钢铁",
    )
    assert (scope.league, scope.county, scope.tag, scope.above_scale, scope.duty) == (
        "150200",
        "",
        "leading",
        None,
        "weekly",
    )
    # Only the defaults differ: the figures count above-scale enterprises unless told otherwise, the list all.
    assert Scope.from_query(QueryDict("")).above_scale is True
    assert EnterpriseFilters.from_query(QueryDict("")).above_scale is None


def test_it_narrows_enterprises_by_each_filter(db):
    baotou = make_enterprise(county="150203", tags=["leading", "key_industry"])
    ordos = make_enterprise(county="150622", industry="06", above_scale=False)
    everyone = Enterprise.objects.all()
    assert set(RegistryFilters().narrow(everyone)) == {baotou, ordos}
    assert list(RegistryFilters(league="150200").narrow(everyone)) == [baotou]
    assert list(RegistryFilters(county="150622").narrow(everyone)) == [ordos]
    assert list(RegistryFilters(industry="06").narrow(everyone)) == [ordos]
    assert list(RegistryFilters(tag="leading").narrow(everyone)) == [baotou]
    assert list(RegistryFilters(above_scale=False).narrow(everyone)) == [ordos]
    assert list(RegistryFilters(league="150200", industry="06").narrow(everyone)) == []
