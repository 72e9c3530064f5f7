from datetime import date
from decimal import Decimal

import pytest

from config.testing import make_enterprise
from fugong.accounts.models import Role
from fugong.analytics.figures import Scope
from fugong.analytics.sections import DashboardContext
from fugong.policies import selectors, services
from fugong.policies.tests.factories import make_application, make_measure, make_programme

pytestmark = pytest.mark.django_db
DAY = date(2020, 2, 22)


@pytest.fixture
def delivered(users, baotou_enterprise, ordos_enterprise):
    fund = make_measure(title="专精特新中小企业专项资金", amount="100")
    relief = make_measure(title="稳岗返还", delivery="automatic", benefit_type="subsidy")
    services.benefits_deliver(
        actor=None, measure=relief, enterprises=[baotou_enterprise, ordos_enterprise], amount=Decimal("12.5"), on=DAY
    )
    services.benefits_deliver(
        actor=None, measure=relief, enterprises=[baotou_enterprise], amount=Decimal(1), on=date(2020, 3, 1)
    )
    programme = make_programme(fund, materials=())
    for enterprise in (baotou_enterprise, make_enterprise(county="150203")):
        a = make_application(enterprise, fund, programme=programme)
        services.application_move(actor=None, application=a, action="submit")
    return fund, relief


def test_the_figures_count_what_was_delivered_by_the_day_within_sight(users, delivered):
    region = selectors.policy_figures(user=users[Role.REGION], as_of=DAY)
    assert (region.reached, region.amount, region.measures) == (2, Decimal("25.00"), 2)
    assert [(t.key, t.enterprises) for t in region.by_league] == [("150200", 1), ("150600", 1)]
    assert [(t.key, t.amount) for t in region.by_type] == [("subsidy", Decimal("25.00"))]
    league = selectors.policy_figures(user=users[Role.LEAGUE], as_of=DAY)
    assert (league.reached, league.amount) == (1, Decimal("12.50"))
    # Applications count on the day they were submitted: today, after the demo's day.
    today = selectors.policy_figures(user=users[Role.REGION], as_of=date.today())
    assert today.programme_applications == 2 and today.amount == Decimal("26.00")


def test_the_brief_paragraph_and_the_panel_read_the_same_figures(client, users, delivered):
    lines = selectors.brief_lines(user=users[Role.REGION], as_of=date.today())
    assert lines == ["落实各级支持政策2项，兑现资金26万元，惠及企业2户；专精特新中小企业专项资金受理申报2户。"]
    client.force_login(users[Role.REGION])
    text = client.get(f"/api/v1/brief?as_of={date.today().isoformat()}").json()["text"]
    assert "落实各级支持政策2项" in text
    panel = selectors.dashboard_panel(DashboardContext(user=users[Role.REGION], as_of=DAY, scope=Scope()))
    assert panel is not None and [value for _label, value in panel.figures] == ["2", "2", "25万元", "0"]
    assert selectors.dashboard_panel(DashboardContext(user=users[Role.PROVIDER], as_of=DAY, scope=Scope())) is None


def test_the_figures_page_opens_for_officials(client, users, delivered, django_assert_max_num_queries):
    client.force_login(users[Role.LEAGUE])
    with django_assert_max_num_queries(20):
        page = client.get(f"/policies/stats/?as_of={DAY.isoformat()}")
    assert page.status_code == 200 and page.context["f"].reached == 1


def test_the_ledger_lists_what_reached_whom_within_sight(client, users, delivered):
    client.force_login(users[Role.ENTERPRISE])
    page = client.get("/policies/benefits/")
    assert [b.amount for b in page.context["page"]] == [Decimal("1.00"), Decimal("12.50")]
    client.force_login(users[Role.REGION])
    assert client.get("/policies/benefits/").context["page"].paginator.count == 3
    assert client.get(f"/policies/benefits/?measure={delivered[0].pk}").context["page"].paginator.count == 0
    assert client.get("/policies/benefits/?measure=x").status_code == 400
    assert client.get("/policies/benefits/export.xlsx").status_code == 200
