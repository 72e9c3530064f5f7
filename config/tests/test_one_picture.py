"""One set of numbers and words, and the clerk's daily loop (issue 10, §3 and §4), through the test client."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.testing import make_enterprise
from config.tests.test_home import file_daily
from fugong.accounts.models import Role
from fugong.analytics import selectors as analytics
from fugong.dispatch.reminders import last_closed_period


@pytest.fixture
def baotou(users, baotou_enterprise):
    """Baotou: above-scale Steel filed; an above-scale one and a below-scale key-industry leader did not."""
    day = last_closed_period("daily")
    file_daily(baotou_enterprise, day)
    make_enterprise(county="150202", name="包头未报规上有限公司")
    make_enterprise(county="150203", name="包头规下龙头有限公司", above_scale=False, tags=["leading", "key_industry"])
    return day


def test_completeness_names_its_scope_and_agrees_with_the_dashboard_for_the_same_scope(client, users, baotou):
    client.force_login(users[Role.LEAGUE])
    page = client.get(f"/dispatch/completeness/?date={baotou.isoformat()}")
    figures = page.context["figures"]
    assert (figures.due, figures.above_scale_due, figures.others_due) == (3, 2, 1)
    assert 'data-testid="count-scope"' in page.text
    # The dashboard's headline counts above-scale enterprises and says so; for all of them it agrees.
    board = client.get(f"/analytics/?as_of={baotou.isoformat()}").context["board"]
    assert board.figures.due == 2 and "规模以上工业企业" in board.label
    everyone = client.get(f"/analytics/?as_of={baotou.isoformat()}&above_scale=all").context["board"]
    assert (everyone.figures.due, everyone.figures.filed) == (figures.due, figures.filed)


def test_a_league_official_reads_completeness_by_county(client, users, baotou):
    client.force_login(users[Role.LEAGUE])
    page = client.get(f"/dispatch/completeness/?date={baotou.isoformat()}")
    rows = {c.code: (c.due, c.missing) for c in page.context["figures"].by_county}
    assert rows == {"150202": (1, 1), "150203": (2, 1)}
    assert 'data-testid="by-county"' in page.text and 'data-testid="by-league"' not in page.text
    assert page.text.count('data-testid="file-on-behalf"') == 2
    assert 'data-testid="why-this-day"' in page.text


def test_the_default_day_is_the_last_whose_deadline_has_passed(client, users, baotou_enterprise):
    today = timezone.localdate()
    # A report for today (the period still open) must not pull the default forward.
    file_daily(baotou_enterprise, today)
    file_daily(baotou_enterprise, last_closed_period("daily"))
    assert analytics.default_as_of(user=users[Role.LEAGUE]) == last_closed_period("daily") < today
    client.force_login(users[Role.LEAGUE])
    assert client.get("/dispatch/completeness/").context["query"].period == last_closed_period("daily")


def test_a_future_date_is_refused_with_a_message(client, users, baotou):
    client.force_login(users[Role.LEAGUE])
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.get(f"/analytics/?as_of={future}")
    assert response.status_code == 200 and response.context["board"].as_of == baotou
    assert "尚未到来" in response.text
    response = client.get(f"/dispatch/completeness/?date={future}")
    assert response.context["query"].period == baotou and "尚未到来" in response.text


def test_the_chosen_day_and_area_follow_the_official_from_page_to_page(client, users, baotou):
    client.force_login(users[Role.REGION])
    chosen = (baotou - timedelta(days=2)).isoformat()
    assert client.get(f"/analytics/?as_of={chosen}&league=150200").status_code == 200
    for url in ("/dispatch/completeness/", "/dispatch/grid/"):
        response = client.get(url)
        assert response.status_code == 302 and f"date={chosen}" in response.url and "league=150200" in response.url
    assert client.get("/analytics/brief/").url.endswith(f"?as_of={chosen}&league=150200")
    # An explicit link still wins, and becomes the new choice.
    other = (baotou - timedelta(days=1)).isoformat()
    assert client.get(f"/dispatch/completeness/?date={other}").status_code == 200
    assert f"as_of={other}" in client.get("/analytics/").url


def test_the_grid_shows_only_the_missing_and_finds_by_name_pinyin_or_code(client, users, baotou):
    client.force_login(users[Role.LEAGUE])
    base = f"/dispatch/grid/?date={baotou.isoformat()}"
    names = lambda response: [row.enterprise.name for row in response.context["rows"]]  # noqa: E731
    assert len(names(client.get(base))) == 3
    assert sorted(names(client.get(base + "&missing=1"))) == ["包头未报规上有限公司", "包头规下龙头有限公司"]
    assert names(client.get(base + "&q=baotouwei")) == ["包头未报规上有限公司"]
    steel = client.get(base + "&q=钢铁")
    assert names(steel) == ["包头钢铁（集团）有限责任公司"]
    code = steel.context["rows"][0].enterprise.credit_code
    assert names(client.get(base + f"&q={code}")) == ["包头钢铁（集团）有限责任公司"]


def test_exported_files_are_named_in_chinese(client, users, baotou):
    from urllib.parse import quote

    client.force_login(users[Role.LEAGUE])
    day = baotou.isoformat()
    drill = client.get(f"/analytics/drill/?as_of={day}&measure=production_resumed&format=xlsx")
    assert quote(f"包头市_已复产_{day}.xlsx") in drill["Content-Disposition"]
    table = client.get(f"/analytics/export/industry.xlsx?as_of={day}")
    assert quote(f"包头市_分行业复工复产情况_{day}.xlsx") in table["Content-Disposition"]
