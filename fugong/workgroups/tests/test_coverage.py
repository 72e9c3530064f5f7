"""Coverage counts against a brute-force count over the same rows."""

import random
from datetime import date, timedelta

import pytest
from django.utils import timezone

from config.testing import make_enterprise, make_user
from fugong.accounts.models import Role, WorkGroup
from fugong.areas.models import Area, Park
from fugong.enterprises.models import Enterprise
from fugong.problems import services as problems
from fugong.problems.models import Problem
from fugong.workgroups import selectors, services
from fugong.workgroups.models import Visit
from fugong.workgroups.tests.factories import make_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(users):
    """Two groups, parks in Baotou and Ordos, visits on random days, some finding problems, some resolved."""
    rng = random.Random(12)  # noqa: S311
    first = users[Role.WORKGROUP].work_group
    second = WorkGroup.objects.create(name="第三工作组")
    second.leagues.add(Area.objects.get(code="150600"))
    parks = [Park.objects.get(name="包头铝业产业园区"), Park.objects.get(name="准格尔经济开发区")]
    enterprises = []
    for park, county in ((parks[0], "150203"), (parks[1], "150622")):
        for _i in range(4):
            enterprises.append(make_enterprise(county=county, park=park, above_scale=False))
    enterprises.append(make_enterprise(county="150203"))  # not in a park
    today = timezone.localdate()
    plan = services.plan_create(
        actor=None, group=first, name="二月计划", starts_on=today - timedelta(days=20), ends_on=today
    )
    services.plan_add_park(actor=None, plan=plan, park=parks[0], day=today - timedelta(days=10))
    for e in enterprises:
        group = first if e.league_id == "150200" else second
        for _n in range(rng.choice([0, 1, 2])):
            visit = make_visit(group, e, days_ago=rng.randint(1, 15), again=True)
            if rng.random() < 0.5:
                problem = problems.problem_raise(
                    actor=None, enterprise=e, category="transport", description="运输受阻", raised_on=visit.visited_on
                )
                visit.problems.add(problem)
                if rng.random() < 0.5:
                    problems.problem_move(actor=None, problem=problem, action="accept")
                    problems.problem_move(actor=None, problem=problem, action="resolve", comment="已解决")
    # Every enterprise of the Baotou park visited at least once, so at least one park is fully visited.
    for e in enterprises[:4]:
        if not Visit.objects.filter(enterprise=e).exists():
            make_visit(first, e, days_ago=2)
    return {"first": first, "second": second, "parks": parks}


def brute(visits, as_of, enterprises):
    visits = [v for v in visits if v.visited_on <= as_of]
    visited = {v.enterprise_id for v in visits}
    parks = {}
    for e in enterprises:
        if e.park_id:
            parks.setdefault(e.park_id, set()).add(e.pk)
    parks_visited = {p for p, members in parks.items() if members & visited}
    problems_found = {p.pk: p for v in visits for p in v.problems.all()}
    resolved = [p for p in problems_found.values() if p.state in ("resolved", "confirmed") and p.resolved_on <= as_of]
    return {
        "visits": len(visits),
        "enterprises_visited": len(visited),
        "parks_visited": len(parks_visited),
        "parks_fully_visited": sum(1 for p in parks_visited if parks[p] <= visited),
        "problems_found": len(problems_found),
        "problems_resolved": len(resolved),
    }


def tally_dict(t):
    return {
        k: getattr(t, k)
        for k in (
            "visits",
            "enterprises_visited",
            "parks_visited",
            "parks_fully_visited",
            "problems_found",
            "problems_resolved",
        )
    }


@pytest.mark.parametrize("days_back", [0, 5, 9])
def test_coverage_counts_match_a_brute_force_count(world, users, days_back):
    as_of = timezone.localdate() - timedelta(days=days_back)
    region = users[Role.REGION]
    c = selectors.coverage(user=region, as_of=as_of)
    assert tally_dict(c.total) == brute(list(Visit.objects.all()), as_of, list(Enterprise.objects.all()))
    # Each group's row counts its own visits.
    for row in c.groups:
        mine = list(Visit.objects.filter(group=row.group))
        expected = brute(mine, as_of, list(Enterprise.objects.all()))
        got = tally_dict(row.tally)
        # A park is fully visited when all of its enterprises were visited, by whichever group.
        got.pop("parks_fully_visited"), expected.pop("parks_fully_visited")
        assert got == expected
    # The league official of Baotou counts Baotou only.
    league = selectors.coverage(user=users[Role.LEAGUE], as_of=as_of)
    baotou = [e for e in Enterprise.objects.all() if e.league_id == "150200"]
    assert tally_dict(league.total) == brute(list(Visit.objects.filter(league_id="150200")), as_of, baotou)


def test_planned_counts_the_parks_enterprises(world, users):
    c = selectors.coverage(user=users[Role.REGION], as_of=timezone.localdate())
    assert c.total.planned == 4
    row = next(r for r in c.areas if r.code == "150200")
    assert row.tally.planned == 4 and row.groups == ["第一工作组"]


def test_uncovered_leagues_are_flagged(world, users):
    c = selectors.coverage(user=users[Role.REGION], as_of=timezone.localdate())
    uncovered = {r.code for r in c.uncovered}
    assert "150200" not in uncovered and "150600" not in uncovered
    assert "150100" in uncovered and "150781" in uncovered  # Hohhot and Manzhouli: no group sent
    g = world["second"]
    g.cities.add(Area.objects.get(code="150781"))
    c = selectors.coverage(user=users[Role.REGION], as_of=timezone.localdate())
    assert "150781" not in {r.code for r in c.uncovered}


def test_the_coverage_page_and_api_agree(client, world, users):
    region = users[Role.REGION]
    client.force_login(region)
    page = client.get("/workgroups/")
    assert page.status_code == 200 and "data-uncovered" in page.text
    api = client.get("/api/v1/workgroups/coverage").json()
    c = selectors.coverage(user=region, as_of=timezone.localdate())
    assert api["total"]["enterprises_visited"] == c.total.enterprises_visited
    assert f'data-figure="enterprises_visited">{c.total.enterprises_visited}<' in page.text
    assert any(r["uncovered"] for r in api["by_league"])


def test_the_brief_paragraph(world, users):
    from fugong.analytics.brief import BriefContext
    from fugong.analytics.figures import Scope, figures

    region = users[Role.REGION]
    as_of = timezone.localdate()
    lines = selectors.brief_lines(user=region, as_of=as_of)
    c = selectors.coverage(user=region, as_of=as_of)
    assert lines[0].startswith(f"截至{as_of.month}月{as_of.day}日，2个工作组深入2个盟市，")
    assert f"走访园区{c.total.parks_visited}个、企业{c.total.enterprises_visited}户" in lines[0]
    assert f"现场发现问题{c.total.problems_found}个，已协调解决{c.total.problems_resolved}个。" in lines[0]
    f = figures(user=region, as_of=as_of, scope=Scope())
    section = selectors.brief_section(BriefContext(region, as_of, Scope(), "全区", f, f))
    assert section.heading == "工作组驻点服务情况"
    # Nothing visited yet: no paragraph.
    assert selectors.brief_lines(user=region, as_of=date(2020, 1, 1)) == []
    make_user  # noqa: B018
    Problem  # noqa: B018
