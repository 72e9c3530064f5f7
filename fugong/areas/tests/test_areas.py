"""The area tree loaded from areas.csv and parks.csv by the migrations (facts, not generated)."""

import pytest

from fugong.areas import selectors
from fugong.areas.models import Area, Park

pytestmark = pytest.mark.django_db

LEAGUES = {
    "150100": "呼和浩特市",
    "150200": "包头市",
    "150300": "乌海市",
    "150400": "赤峰市",
    "150500": "通辽市",
    "150600": "鄂尔多斯市",
    "150700": "呼伦贝尔市",
    "150800": "巴彦淖尔市",
    "150900": "乌兰察布市",
    "152200": "兴安盟",
    "152500": "锡林郭勒盟",
    "152900": "阿拉善盟",
}


def test_the_region_has_twelve_leagues_and_103_counties():
    region = Area.objects.get(level=Area.Level.REGION)
    assert (region.code, region.name, region.parent_id) == ("150000", "内蒙古自治区", None)
    assert {a.code: a.name for a in selectors.leagues()} == LEAGUES
    assert set(selectors.leagues().values_list("parent_id", flat=True)) == {"150000"}
    assert selectors.counties().count() == 103
    assert all(c.parent_id in LEAGUES for c in selectors.counties())


def test_codes_follow_gb_t_2260():
    for area in Area.objects.all():
        assert len(area.code) == 6 and area.code.isdigit() and area.code.startswith("15"), area.code
        assert area.name and area.name_en, area.code
    for county in selectors.counties():
        assert county.code[:4] == county.parent_id[:4], county.code
        assert not county.code.endswith("00"), county.code
    assert Area.objects.get(code="150203").name == "昆都仑区"
    assert Area.objects.get(code="150622").name == "准格尔旗"


def test_manzhouli_and_erenhot_are_separately_listed_in_their_leagues():
    listed = {a.code: (a.name, a.parent_id, a.level) for a in selectors.separately_listed()}
    assert listed == {
        "150781": ("满洲里市", "150700", Area.Level.COUNTY),
        "152501": ("二连浩特市", "152500", Area.Level.COUNTY),
    }
    assert Area.objects.get(code="150781").league_code == "150700"


def test_every_park_lies_in_a_county_of_its_league():
    parks = list(Park.objects.select_related("league", "county"))
    assert parks
    for park in parks:
        assert park.league.level == Area.Level.LEAGUE and park.county.parent_id == park.league_id, park.name
    assert set(selectors.parks(league="150200").values_list("league_id", flat=True)) == {"150200"}
