import io
from datetime import timedelta
from decimal import Decimal

import pytest
import python_calamine
from django.db import connection

from config.testing import make_user
from fugong import access
from fugong.accounts.models import Role
from fugong.areas.models import Area
from fugong.dispatch import selectors, services
from fugong.dispatch.tests.scenario import DAY, MONDAY, build, file

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(baotou_enterprise, ordos_enterprise):
    return build(baotou_enterprise, ordos_enterprise)


def rows(figures):
    return {r.code: (r.due, r.filed, r.filed_late, r.missing) for r in figures.by_league}


def test_it_counts_due_filed_late_and_missing_for_the_region(scenario, users):
    figures = selectors.completeness(user=users[Role.REGION], period_type="daily", period=DAY)
    assert (figures.due, figures.filed, figures.filed_late, figures.missing) == (6, 4, 1, 2)
    assert figures.rate == Decimal("66.7")
    by_league = rows(figures)
    assert by_league["150200"] == (3, 2, 1, 1)
    assert by_league["150600"] == (1, 1, 0, 0)
    # Manzhouli counts in Hulunbuir, and again on its own row, flagged.
    assert by_league["150700"] == (2, 1, 0, 1)
    assert by_league["150781"] == (1, 1, 0, 0)
    assert by_league["152501"] == (0, 0, 0, 0)
    listed = [r.code for r in figures.by_league if r.separately_listed]
    assert listed == ["150781", "152501"]
    assert len(figures.by_league) == 14
    assert figures.projects is None


def test_it_counts_only_what_the_user_sees(scenario, users):
    for role in (Role.LEAGUE, Role.COUNTY, Role.WORKGROUP):
        figures = selectors.completeness(user=users[role], period_type="daily", period=DAY)
        assert (figures.due, figures.filed, figures.filed_late, figures.missing) == (3, 2, 1, 1), role
        assert rows(figures) == {"150200": (3, 2, 1, 1)}, role


def test_it_filters_by_league_and_county(scenario, users):
    region = users[Role.REGION]
    hulunbuir = selectors.completeness(user=region, period_type="daily", period=DAY, league="150700")
    assert (hulunbuir.due, hulunbuir.missing) == (2, 1)
    assert rows(hulunbuir) == {"150700": (2, 1, 0, 1), "150781": (1, 1, 0, 0)}
    manzhouli = selectors.completeness(user=region, period_type="daily", period=DAY, county="150781")
    assert (manzhouli.due, manzhouli.filed) == (1, 1)


def test_weekly_counts_park_enterprises_and_key_projects(scenario, users):
    # Any day of the week stands for its Monday.
    figures = selectors.completeness(user=users[Role.REGION], period_type="weekly", period=MONDAY + timedelta(days=3))
    assert figures.period == MONDAY
    assert (figures.due, figures.filed, figures.missing) == (2, 1, 1)
    assert rows(figures)["150781"] == (1, 0, 0, 1)
    projects = figures.projects
    assert (projects.due, projects.filed, projects.filed_late, projects.missing) == (2, 1, 1, 1)
    assert projects.rate == Decimal("50.0")


def test_the_rate_is_about_the_day_alone(scenario, users):
    # Hailar's enterprise filed the day before: that carries forward for figures, not for the reporting rate.
    missing = selectors.missing_enterprises(user=users[Role.REGION], period_type="daily", period=DAY)
    assert {e.name for e in missing} == {"包头未报有限公司", "海拉尔未报有限公司"}
    hailar = next(e for e in missing if e.county_id == "150702")
    assert hailar.last_filed == DAY - timedelta(days=1)


def test_the_series_has_a_point_per_day_in_a_few_queries(scenario, users, django_assert_max_num_queries):
    file(services.DAILY, scenario["b_missing"], DAY - timedelta(days=3))
    user = users[Role.REGION]
    with django_assert_max_num_queries(2):
        series = selectors.reporting_rate_series(user=user, start=DAY - timedelta(days=29), end=DAY)
    assert len(series) == 30
    assert [(p.day, p.due, p.filed) for p in series[-4:]] == [
        (DAY - timedelta(days=3), 6, 1),
        (DAY - timedelta(days=2), 6, 0),
        (DAY - timedelta(days=1), 6, 1),
        (DAY, 6, 4),
    ]
    assert series[-1].rate == Decimal("66.7") and series[0].rate == Decimal("0.0")
    league = selectors.reporting_rate_series(user=user, start=DAY, end=DAY, league="150200")
    assert [(p.due, p.filed) for p in league] == [(3, 2)]


def test_it_masks_phones_except_to_officials_of_the_league():
    hulunbuir = make_user("ivy_hulunbuir", Role.LEAGUE, area=Area.objects.get(code="150700"))
    manzhouli = make_user("jack_manzhouli", Role.COUNTY, area=Area.objects.get(code="150781"))
    assert access.can_see_phones_in_league(hulunbuir, "150700")
    assert access.can_see_phones_in_league(manzhouli, "150700")
    assert not access.can_see_phones_in_league(hulunbuir, "150200")


def missing_phones(client, user, **params):
    client.force_login(user)
    response = client.get("/dispatch/completeness/", {"date": DAY.isoformat(), "period_type": "daily", **params})
    assert response.status_code == 200
    return {row.enterprise.name: row.phone for row in response.context["rows"]}


def test_the_page_shows_phones_in_full_to_officials_and_masked_to_the_work_group(client, scenario, users):
    assert missing_phones(client, users[Role.REGION]) == {
        "包头未报有限公司": "13812341234",
        "海拉尔未报有限公司": "13900001111",
    }
    for role in (Role.LEAGUE, Role.COUNTY):
        assert missing_phones(client, users[role]) == {"包头未报有限公司": "13812341234"}, role
    assert missing_phones(client, users[Role.WORKGROUP]) == {"包头未报有限公司": "138****1234"}
    page = client.get("/dispatch/completeness/", {"date": DAY.isoformat()}).text
    assert "138****1234" in page and "13812341234" not in page


def test_the_page_shows_the_counts_and_the_league_table(client, scenario, users):
    client.force_login(users[Role.REGION])
    response = client.get("/dispatch/completeness/", {"date": DAY.isoformat(), "period_type": "daily"})
    page = response.text
    assert 'data-testid="due">6<' in page and 'data-testid="missing">2<' in page
    assert 'data-testid="rate">66.7%<' in page
    assert page.count('data-testid="league-row"') == 14
    assert page.count('data-testid="missing-row"') == 2
    assert page.count('data-testid="series-point"') == 14
    weekly = client.get("/dispatch/completeness/", {"date": MONDAY.isoformat(), "period_type": "weekly"}).text
    assert 'data-testid="projects"' in weekly


def test_the_page_query_count_does_not_grow_with_the_missing_list(
    client, scenario, users, django_assert_max_num_queries
):
    client.force_login(users[Role.REGION])
    # +2: the audit entry of the unmasked phones (the chain's head read and one INSERT, fugong/security);
    # +1 on PostgreSQL, the chain's advisory lock.
    with django_assert_max_num_queries(18 + (connection.vendor == "postgresql")):
        client.get("/dispatch/completeness/", {"date": DAY.isoformat()})


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.HANDLER, Role.BANK, Role.PROVIDER])
def test_others_get_404(client, users, role):
    client.force_login(users[role])
    assert client.get("/dispatch/completeness/").status_code == 404


def test_the_missing_list_exports_to_excel_masked_as_on_the_page(client, scenario, users):
    client.force_login(users[Role.WORKGROUP])
    response = client.get("/dispatch/completeness/", {"date": DAY.isoformat(), "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    cells = book.get_sheet_by_index(0).to_python()
    assert any("138****1234" in row for row in cells)
    assert not any("13812341234" in row for row in cells)
    assert not any("海拉尔未报有限公司" in row for row in cells)


def test_a_league_official_reads_it_by_park(client, scenario, users):
    from config.testing import make_enterprise
    from fugong.areas.models import Park

    park = Park.objects.get(name="包头铝业产业园区")
    in_park = [make_enterprise(county="150203", name=f"园区企业{i}", park=park) for i in range(3)]
    file(services.DAILY, in_park[0], DAY)
    figures = selectors.completeness(user=users[Role.LEAGUE], period_type="daily", period=DAY)
    by_park = {r.code: (r.due, r.filed, r.missing) for r in figures.by_park}
    assert by_park == {str(park.pk): (3, 1, 2), "": (3, 2, 1)}
    assert figures.by_park[0].name == "包头铝业产业园区"
    assert sum(r.due for r in figures.by_park) == figures.due
    client.force_login(users[Role.LEAGUE])
    page = client.get("/dispatch/completeness/", {"date": DAY.isoformat()}).text
    assert 'data-testid="by-county"' in page and 'data-testid="by-park"' in page
    assert page.count('data-testid="park-row"') == 2
    # The region reads by league; parks are a league's breakdown.
    client.force_login(users[Role.REGION])
    assert 'data-testid="by-park"' not in client.get("/dispatch/completeness/", {"date": DAY.isoformat()}).text


def test_the_missing_list_export_is_named_in_chinese_for_its_area(client, scenario, users):
    from urllib.parse import quote

    cases = [
        (Role.LEAGUE, {}, "包头市_未填报企业_2020-02-20.xlsx"),
        (Role.REGION, {}, "内蒙古自治区_未填报企业_2020-02-20.xlsx"),
        (Role.REGION, {"league": "150700"}, "呼伦贝尔市_未填报企业_2020-02-20.xlsx"),
        (Role.LEAGUE, {"period_type": "weekly", "date": MONDAY.isoformat()}, "包头市_周报未填报企业_2020-02-17.xlsx"),
    ]
    for role, extra, name in cases:
        client.force_login(users[role])
        response = client.get("/dispatch/completeness/", {"date": DAY.isoformat(), "format": "xlsx", **extra})
        assert f"filename*=utf-8''{quote(name)}" in response["Content-Disposition"], (role, extra)
