"""An enterprise moves to another league: its open cases and its reports follow it, closed cases stay."""

from datetime import date
from decimal import Decimal

import pytest

from config.testing import make_user
from fugong import access
from fugong.accounts import services as account_services
from fugong.accounts.models import Role
from fugong.areas.models import Area
from fugong.dispatch import selectors as dispatch_selectors
from fugong.dispatch import services as dispatch
from fugong.dispatch.models import Source
from fugong.enterprises import services as registry
from fugong.finance import services as finance
from fugong.finance.models import FinancingNeed
from fugong.problems import services as problems
from fugong.problems.tests.factories import make_problem, make_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(users, baotou_enterprise):
    """Baotou Steel's open and closed problems and referrals, a need not referred yet and a daily report."""
    open_problem = make_problem(baotou_enterprise)
    closed_problem = make_problem(baotou_enterprise, category="labour", description="缺工")
    problems.problem_move(actor=None, problem=closed_problem, action="decline", comment="不属于本部门")
    open_referral = make_referral(baotou_enterprise)
    closed_referral = make_referral(baotou_enterprise, bank_name="中国工商银行内蒙古分行")
    finance.referral_move(actor=None, referral=closed_referral, action="decline", reason="抵押不足")
    need = finance.need_create(
        actor=None, enterprise=baotou_enterprise, amount=Decimal(50), purpose="发工资", term_months=6
    )
    outcome = dispatch.report_save(
        actor=None,
        kind=dispatch.DAILY,
        subject=baotou_enterprise,
        period=date(2020, 2, 20),
        values={"status": "work_resumed", "employees": 100, "on_duty": 40, "capacity_pct": Decimal(30), "note": ""},
        source=Source.DEMO,
    )
    assert outcome.ok
    return {
        "open_problem": open_problem,
        "closed_problem": closed_problem,
        "open_referral": open_referral,
        "closed_referral": closed_referral,
        "need": need,
    }


def _move_to_ordos(client, region, enterprise):
    token = account_services.token_create(user=region, name="t")[1]
    response = client.patch(
        f"/api/v1/enterprises/{enterprise.credit_code}",
        {"county": "150602"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content


def test_open_cases_and_reports_follow_the_enterprise_to_its_new_league(client, users, baotou_enterprise, cases):
    old_league, old_county = users[Role.LEAGUE], users[Role.COUNTY]
    new_league = make_user("olga_league", Role.LEAGUE, area=Area.objects.get(code="150600"))
    _move_to_ordos(client, users[Role.REGION], baotou_enterprise)

    problem, referral = cases["open_problem"], cases["open_referral"]
    for user, status in ((old_league, 404), (old_county, 404), (new_league, 200)):
        client.force_login(user)
        assert client.get(f"/problems/{problem.pk}/").status_code == status, user
        assert client.get(f"/finance/referrals/{referral.pk}/").status_code == status, user
        assert (problem.pk in {p.pk for p in access.visible_problems(user)}) == (status == 200)
    client.force_login(new_league)
    assert baotou_enterprise.name in client.get("/finance/needs/").text
    assert client.post(f"/problems/{problem.pk}/moves/", {"action": "accept"}).status_code == 302
    problem.refresh_from_db()
    assert (problem.league_id, problem.county_id, problem.state) == ("150600", "150602", "accepted")

    # Settled cases stay with the area that handled them.
    client.force_login(old_league)
    assert client.get(f"/problems/{cases['closed_problem'].pk}/").status_code == 200
    assert client.get(f"/finance/referrals/{cases['closed_referral'].pk}/").status_code == 200
    client.force_login(new_league)
    assert client.get(f"/problems/{cases['closed_problem'].pk}/").status_code == 404

    # The reports go with the enterprise, as its figures do.
    assert dispatch_selectors.daily_reports(user=old_league).count() == 0
    assert [r.enterprise_id for r in dispatch_selectors.daily_reports(user=new_league)] == [baotou_enterprise.pk]
    # The handler and the bank are not bound to an area: they still see theirs.
    assert access.can_see_problem(users[Role.HANDLER], problem)
    assert client.get("/finance/").status_code == 200
    client.force_login(users[Role.BANK])
    assert client.get(f"/finance/referrals/{referral.pk}/").status_code == 200


def test_a_change_within_the_county_moves_nothing(users, baotou_enterprise, cases):
    data = registry.enterprise_data_from(baotou_enterprise, employees=123)
    registry.enterprise_update(actor=users[Role.COUNTY], enterprise=baotou_enterprise, data=data, source="form")
    assert set(FinancingNeed.objects.values_list("county_id", flat=True)) == {"150203"}


def test_a_need_follows_unless_all_its_referrals_are_settled(users, baotou_enterprise, cases):
    settled_need = cases["closed_referral"].need
    data = registry.enterprise_data_from(baotou_enterprise, county=Area.objects.get(code="150602"))
    registry.enterprise_update(actor=None, enterprise=baotou_enterprise, data=data, source="command")
    leagues = dict(FinancingNeed.objects.values_list("pk", "league_id"))
    assert leagues == {cases["need"].pk: "150600", cases["open_referral"].need_id: "150600", settled_need.pk: "150200"}
