"""Each role lands on the work it does (issue 10, §2): the home page, role by role, through the test client."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.testing import make_enterprise
from fugong.accounts.models import Role
from fugong.dispatch import services
from fugong.dispatch.models import Source
from fugong.dispatch.reminders import last_closed_period
from fugong.problems.models import State
from fugong.problems.tests.factories import make_problem, make_referral


@pytest.fixture
def day():
    return last_closed_period("daily")


def file_daily(enterprise, day, *, actor=None):
    values = {"status": "production_resumed", "employees": 100, "on_duty": 80, "capacity_pct": "70.0", "note": ""}
    outcome = services.report_save(
        actor=actor, kind=services.DAILY, subject=enterprise, period=day, values=values, source=Source.API
    )
    assert outcome.ok, outcome.errors
    return outcome.report


def home(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response


def test_it_shows_the_enterprise_todays_report_not_filed_then_filed(client, users, baotou_enterprise):
    response = home(client, users[Role.ENTERPRISE])
    own = response.context["own"]
    assert own.period == timezone.localdate() and own.report is None
    assert 'data-testid="own-state"' in response.text and "/dispatch/report/" in response.text
    assert response.context["own"].deadline == own.deadline  # the deadline is shown
    assert own.deadline.strftime("%Y-%m-%d %H:%M") in response.text

    file_daily(baotou_enterprise, timezone.localdate())
    response = home(client, users[Role.ENTERPRISE])
    assert response.context["own"].report is not None
    assert 'data-state="filed"' in response.text


def test_it_lists_the_enterprise_open_problems_and_financing(client, users, baotou_enterprise, ordos_enterprise):
    mine = make_problem(baotou_enterprise, description="运输受阻的描述")
    make_problem(ordos_enterprise, description="别家的问题")
    referral = make_referral(baotou_enterprise)
    response = home(client, users[Role.ENTERPRISE])
    text = response.text
    assert "运输受阻的描述" in text and "别家的问题" not in text
    assert f"/problems/{mine.pk}/" in text and f"/finance/referrals/{referral.pk}/" in text
    assert 'data-state="referred"' in text


def test_it_gives_the_handler_counts_to_accept_due_soon_and_overdue(client, users, baotou_enterprise):
    today = timezone.localdate()
    fresh = make_problem(baotou_enterprise, description="新的待受理问题")
    late = make_problem(baotou_enterprise, description="已逾期的问题")
    type(late).objects.filter(pk=late.pk).update(
        state=State.ACCEPTED, raised_on=today - timedelta(days=30), due_on=today - timedelta(days=3)
    )
    response = home(client, users[Role.HANDLER])
    groups = {g.key: g for g in response.context["groups"]}
    assert groups["to_accept"].count == 1 and groups["to_accept"].rows == [fresh]
    assert groups["overdue"].count == 1 and groups["overdue"].rows[0].pk == late.pk
    assert "新的待受理问题" in response.text and "已逾期的问题" in response.text  # descriptions, not just numbers


def test_it_gives_the_bank_the_referrals_waiting_on_it_by_state(client, users, baotou_enterprise, ordos_enterprise):
    referral = make_referral(baotou_enterprise)
    make_referral(ordos_enterprise, bank_name="中国工商银行内蒙古分行")
    response = home(client, users[Role.BANK])
    groups = {g.state: g for g in response.context["referral_groups"]}
    assert groups["referred"].count == 1 and groups["referred"].rows == [referral]
    assert groups["contacted"].count == 0 and groups["approved"].count == 0
    assert baotou_enterprise.name in response.text and "鄂尔多斯" not in response.text


@pytest.mark.parametrize("role", [Role.REGION, Role.LEAGUE, Role.COUNTY, Role.WORKGROUP])
def test_it_gives_officials_the_days_completeness_missing_enterprises_and_open_problems(
    client, users, baotou_enterprise, ordos_enterprise, day, role
):
    silent = make_enterprise(county="150203", name="包头未报企业有限公司")
    file_daily(baotou_enterprise, day)
    make_problem(silent, description="包头的问题")
    response = home(client, users[role])
    assert response.context["day"] == day
    counts = response.context["completeness"]
    missing = {e.name for e in response.context["missing"]}
    assert "包头未报企业有限公司" in missing and baotou_enterprise.name not in missing
    if role == Role.REGION:
        assert (counts.due, counts.filed) == (3, 1) and "鄂尔多斯准格尔煤业有限公司" in missing
    else:
        assert (counts.due, counts.filed) == (2, 1) and "鄂尔多斯准格尔煤业有限公司" not in missing
    assert "包头的问题" in response.text
    assert 'data-testid="open-dashboard"' in response.text
    file_links = 'data-testid="file-on-behalf"' in response.text
    assert file_links == (role != Role.WORKGROUP)  # work groups do not file reports
    assert ('data-testid="role-purpose"' in response.text) == (role == Role.WORKGROUP)


def test_the_provider_is_told_plainly_what_the_role_is_for(client, users):
    response = home(client, users[Role.PROVIDER])
    assert 'data-testid="role-purpose"' in response.text
    assert 'data-testid="provider-home"' not in response.text  # not bound to a provider yet: nothing to do


def test_the_provider_home_lists_its_products_and_the_claims_waiting(client, users, baotou_enterprise):
    from fugong.catalogue.tests.factories import make_claim, make_product, make_provider

    product = make_product(make_provider("内蒙古云端科技有限公司", user=users[Role.PROVIDER]), name="云会议")
    make_claim(product, baotou_enterprise, need="居家办公")
    response = home(client, users[Role.PROVIDER])
    assert 'data-testid="provider-home"' in response.text and baotou_enterprise.name in response.text


def test_the_platform_account_is_told_it_reads_the_feed(client, users):
    response = home(client, users[Role.PLATFORM])
    assert 'data-testid="role-purpose"' in response.text and "/api/v1/catalogue" in response.text


def test_the_home_opens_on_the_day_chosen_on_the_dashboard(client, users, baotou_enterprise, day):
    client.force_login(users[Role.LEAGUE])
    chosen = day - timedelta(days=5)
    assert client.get(f"/analytics/?as_of={chosen.isoformat()}").status_code == 200
    assert client.get("/").context["day"] == chosen
    # A bare menu link opens the same day and the same area.
    response = client.get("/analytics/")
    assert response.status_code == 302 and f"as_of={chosen.isoformat()}" in response.url
