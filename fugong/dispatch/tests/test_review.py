from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils.translation import gettext as _

from fugong.accounts.models import Role
from fugong.dispatch import services
from fugong.dispatch.models import PeriodLock, PeriodLockEvent
from fugong.dispatch.tests.scenario import DAY, FIGURES, MONDAY, TODAY, build, file

pytestmark = pytest.mark.django_db
PERIOD = {"date": DAY.isoformat(), "league": "150200", "period_type": "daily"}


@pytest.fixture
def scenario(baotou_enterprise, ordos_enterprise):
    return build(baotou_enterprise, ordos_enterprise)


def save(enterprise, day=DAY, **overrides):
    return services.report_save(
        actor=None,
        kind=services.DAILY,
        subject=enterprise,
        period=day,
        values={**FIGURES, **overrides},
        source="api",
        today=TODAY,
    )


def last_message(response):
    """The level and the text of the newest message; the text as translated for the request."""
    message = list(response.wsgi_request._messages)[-1]
    return message.level_tag, str(message)


def test_it_lists_reports_with_warnings_first(client, scenario, users):
    # Filed after the clean one, so only the ordering can put it first.
    flagged = file(services.DAILY, scenario["b_missing"], DAY, capacity_pct=Decimal("150"))
    assert flagged.warnings
    client.force_login(users[Role.LEAGUE])
    response = client.get("/dispatch/review/", {"date": DAY.isoformat(), "period_type": "daily"})
    assert response.status_code == 200
    page = response.text
    order = [r.enterprise.name for r in response.context["page"]]
    assert order[0] == "包头未报有限公司" and len(order) == 3
    assert page.index(scenario["b_missing"].credit_code) < page.index(scenario["baotou"].credit_code)
    assert 'data-testid="warning"' in page
    assert response.context["flagged"] == 1


def test_a_league_official_is_fixed_to_their_league(client, scenario, users):
    client.force_login(users[Role.LEAGUE])
    response = client.get("/dispatch/review/", {"date": DAY.isoformat(), "league": "150600"})
    assert response.context["league"].code == "150200"
    assert scenario["ordos"].name not in response.text


def test_the_region_chooses_a_league_and_sees_weekly_project_reports(client, scenario, users):
    client.force_login(users[Role.REGION])
    response = client.get(
        "/dispatch/review/", {"date": MONDAY.isoformat(), "period_type": "weekly", "league": "150200"}
    )
    assert [r.enterprise.name for r in response.context["page"]] == ["包头园区周报企业"]
    assert [r.project.name for r in response.context["projects"]] == ["包头稀土新材料项目"]
    assert client.get("/dispatch/review/").status_code == 200
    assert client.get("/dispatch/review/", {"league": "999999"}).status_code == 404
    assert client.get("/dispatch/review/", {"league": "150203"}).status_code == 404


@pytest.mark.parametrize("role", [Role.COUNTY, Role.WORKGROUP, Role.ENTERPRISE, Role.BANK])
def test_others_cannot_review_or_lock(client, users, role):
    client.force_login(users[role])
    assert client.get("/dispatch/review/").status_code == 404
    assert client.post("/dispatch/review/lock/", PERIOD).status_code == 404
    assert not PeriodLock.objects.exists()


def test_a_lock_blocks_saves_and_an_unlock_with_a_reason_reopens(client, scenario, users):
    bob = users[Role.LEAGUE]
    client.force_login(bob)
    response = client.post("/dispatch/review/lock/", PERIOD)
    assert response.status_code == 302
    assert response["Location"].startswith("/dispatch/review/?")
    lock = PeriodLock.objects.get(league_id="150200", period_type="daily", period=DAY)
    assert lock.locked
    event = lock.events.get()
    assert (event.action, event.user, event.reason) == ("lock", bob, "")
    assert event.at is not None

    refused = save(scenario["b_missing"])
    assert refused.result == "refused" and "date" in refused.errors
    assert save(scenario["ordos"], on_duty=71).result == "updated"  # another league is not locked
    assert save(scenario["b_missing"], day=DAY - timedelta(days=1)).result == "created"  # nor another day

    response = client.post("/dispatch/review/unlock/", {**PERIOD, "reason": "  "})
    assert response.status_code == 302
    assert last_message(response) == ("error", _("Say why the period is reopened."))
    assert PeriodLock.objects.get(pk=lock.pk).locked
    assert lock.events.count() == 1

    response = client.post("/dispatch/review/unlock/", {**PERIOD, "reason": "企业更正返岗人数"})
    assert response.status_code == 302
    lock.refresh_from_db()
    assert not lock.locked
    unlock = lock.events.filter(action="unlock").get()
    assert (unlock.user, unlock.reason) == (bob, "企业更正返岗人数")
    assert save(scenario["b_missing"]).result == "created"

    page = client.get(response["Location"]).text
    assert page.count('data-testid="lock-event"') == 2 and "企业更正返岗人数" in page


def test_unlocking_an_open_period_changes_nothing(client, scenario, users):
    client.force_login(users[Role.REGION])
    response = client.post("/dispatch/review/unlock/", {**PERIOD, "reason": "更正"})
    assert response.status_code == 302
    assert last_message(response) == ("error", _("This period is not locked."))
    assert not PeriodLockEvent.objects.exists()


def test_locking_twice_records_one_event(client, users):
    client.force_login(users[Role.REGION])
    client.post("/dispatch/review/lock/", PERIOD)
    response = client.post("/dispatch/review/lock/", PERIOD)
    assert response.status_code == 302
    assert PeriodLockEvent.objects.count() == 1


def test_a_league_official_cannot_lock_another_league(client, users):
    client.force_login(users[Role.LEAGUE])
    assert client.post("/dispatch/review/lock/", {**PERIOD, "league": "150600"}).status_code == 404
    assert client.post("/dispatch/review/unlock/", {**PERIOD, "league": "150600", "reason": "x"}).status_code == 404
    assert not PeriodLock.objects.exists()


def test_the_region_may_lock_any_league_but_not_a_made_up_one(client, users):
    client.force_login(users[Role.REGION])
    assert client.post("/dispatch/review/lock/", {**PERIOD, "league": "150600"}).status_code == 302
    assert PeriodLock.objects.filter(league_id="150600", locked=True).exists()
    assert client.post("/dispatch/review/lock/", {**PERIOD, "league": "150203"}).status_code == 404


def test_a_weekly_lock_takes_the_monday_and_bad_input_changes_nothing(client, users):
    client.force_login(users[Role.REGION])
    client.post("/dispatch/review/lock/", {**PERIOD, "period_type": "weekly", "date": (MONDAY + timedelta(days=2))})
    assert PeriodLock.objects.get().period == MONDAY
    response = client.post("/dispatch/review/lock/", {**PERIOD, "date": "2020-02-31"})
    assert response.status_code == 302 and PeriodLock.objects.count() == 1
    assert client.get("/dispatch/review/lock/").status_code == 405


def test_the_page_runs_a_bounded_number_of_queries(client, scenario, users, django_assert_max_num_queries):
    client.force_login(users[Role.REGION])
    client.post("/dispatch/review/lock/", PERIOD)
    with django_assert_max_num_queries(16):
        response = client.get("/dispatch/review/", PERIOD)
    assert len(response.context["page"]) == 2
    with django_assert_max_num_queries(16):
        client.get("/dispatch/review/", {**PERIOD, "period_type": "weekly", "date": MONDAY.isoformat()})
