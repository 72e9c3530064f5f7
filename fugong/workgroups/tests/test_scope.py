"""Who sees what: members their group's areas read-only, league officials the plans in the league, the region all."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from config.testing import make_enterprise, make_user
from fugong import access
from fugong.accounts.models import Role, WorkGroup
from fugong.areas.models import Area, Park
from fugong.problems.tests.factories import make_problem
from fugong.workgroups import services
from fugong.workgroups.tests.factories import make_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(users, baotou_enterprise, ordos_enterprise):
    today = timezone.localdate()
    baotou_group = users[Role.WORKGROUP].work_group
    ordos_group = WorkGroup.objects.create(name="第三工作组")
    ordos_group.leagues.add(Area.objects.get(code="150600"))
    plans = {}
    for group, enterprise in ((baotou_group, baotou_enterprise), (ordos_group, ordos_enterprise)):
        plan = services.plan_create(
            actor=None, group=group, name=f"{group.name}计划", starts_on=today - timedelta(days=9), ends_on=today
        )
        services.plan_add_enterprise(actor=None, plan=plan, enterprise=enterprise, day=today - timedelta(days=2))
        plans[group.pk] = plan
    return {
        "baotou_group": baotou_group,
        "ordos_group": ordos_group,
        "plans": plans,
        "visit_in": make_visit(baotou_group, baotou_enterprise),
        "visit_out": make_visit(ordos_group, ordos_enterprise),
        "problem_in": make_problem(baotou_enterprise),
        "problem_out": make_problem(ordos_enterprise),
    }


def test_a_member_sees_the_groups_areas_read_only_and_nothing_outside(
    client, users, scene, baotou_enterprise, ordos_enterprise
):
    dave = users[Role.WORKGROUP]
    client.force_login(dave)
    assert client.get(f"/enterprises/{baotou_enterprise.credit_code}/").status_code == 200
    assert client.get(f"/enterprises/{ordos_enterprise.credit_code}/").status_code == 404
    assert client.get(f"/enterprises/{baotou_enterprise.credit_code}/edit/").status_code == 404
    assert client.get(f"/problems/{scene['problem_in'].pk}/").status_code == 200
    assert client.get(f"/problems/{scene['problem_out'].pk}/").status_code == 404
    assert client.get(f"/workgroups/visits/{scene['visit_in'].pk}/").status_code == 200
    assert client.get(f"/workgroups/visits/{scene['visit_out'].pk}/").status_code == 404
    assert client.get(f"/workgroups/plans/{scene['plans'][scene['ordos_group'].pk].pk}/").status_code == 404
    assert client.get(f"/workgroups/groups/{scene['ordos_group'].pk}/").status_code == 404
    visits = client.get("/api/v1/visits").json()
    assert [v["id"] for v in visits["items"]] == [scene["visit_in"].pk]
    groups = client.get("/api/v1/workgroups").json()
    assert [g["name"] for g in groups["items"]] == ["第一工作组"]
    assert ordos_enterprise.name not in client.get("/workgroups/").text
    assert ordos_enterprise.name not in client.get("/workgroups/visits/").text


def test_a_league_official_sees_the_plans_in_the_league(client, users, scene):
    bob = users[Role.LEAGUE]
    client.force_login(bob)
    mine, theirs = scene["plans"][scene["baotou_group"].pk], scene["plans"][scene["ordos_group"].pk]
    assert client.get(f"/workgroups/plans/{mine.pk}/").status_code == 200
    assert client.get(f"/workgroups/plans/{theirs.pk}/").status_code == 404
    assert [p["id"] for p in client.get("/api/v1/visit-plans").json()["items"]] == [mine.pk]
    # Reading is not planning: the league official does not add to a group's plan.
    r = client.post(f"/workgroups/plans/{mine.pk}/add/", {"park": "1", "day": mine.starts_on.isoformat()})
    assert r.status_code == 404


def test_the_region_sees_all(client, users, scene):
    client.force_login(users[Role.REGION])
    assert len(client.get("/api/v1/visits").json()["items"]) == 2
    assert len(client.get("/api/v1/visit-plans").json()["items"]) == 2
    assert len(client.get("/api/v1/workgroups").json()["items"]) == 2
    for plan in scene["plans"].values():
        assert client.get(f"/workgroups/plans/{plan.pk}/").status_code == 200


def test_a_group_sent_to_a_separately_listed_city_sees_the_city_only(client, users):
    group = WorkGroup.objects.create(name="满洲里工作组")
    group.cities.add(Area.objects.get(code="150781"))
    member = make_user("mia_city", Role.WORKGROUP, work_group=group)
    city = make_enterprise(county="150781", name="满洲里口岸物流有限公司")
    league = make_enterprise(county="150702", name="海拉尔某乳业有限公司")
    assert set(access.visible_enterprises(member)) == {city}
    assert access.can_see_contacts(member, city) and not access.can_see_contacts(member, league)
    make_visit(group, city)
    with pytest.raises(ValidationError) as outside:
        make_visit(group, league)
    assert "enterprise" in outside.value.message_dict
    client.force_login(member)
    assert client.get(f"/enterprises/{league.credit_code}/").status_code == 404


def test_an_official_who_joins_a_group_records_its_visits(users, ordos_enterprise, baotou_enterprise):
    oscar = make_user("oscar_ordos", Role.LEAGUE, area=Area.objects.get(code="150600"))
    group = users[Role.WORKGROUP].work_group
    assert not access.can_record_visits(oscar)
    group.officials.add(oscar)
    assert access.can_record_visits(oscar)
    visit = make_visit(group, baotou_enterprise, actor=oscar, problems=[services.FoundProblem("labour", "缺工")])
    assert access.visible_visits(oscar).filter(pk=visit.pk).exists()
    assert visit.problems.get().raised_by == oscar
    Park  # noqa: B018


def test_the_lists_take_as_many_queries_for_ten_visits_as_for_one(client, users, scene, baotou_enterprise):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    group = scene["baotou_group"]
    client.force_login(users[Role.REGION])

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = {url: count(url) for url in ("/workgroups/visits/", "/workgroups/", "/api/v1/visits")}
    for n in range(9):
        make_visit(group, make_enterprise(county="150203"), days_ago=n + 1)
    after = {url: count(url) for url in before}
    assert after == before
