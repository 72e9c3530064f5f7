"""An enterprise that thinks a measure's answer wrong raises it as a problem, linked to the measure."""

import pytest

from config.testing import make_user
from fugong.accounts.models import Role
from fugong.policies.models import MeasureProblem
from fugong.policies.tests.factories import make_measure
from fugong.problems.models import Problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure(db):
    return make_measure(
        title="专精特新中小企业专项资金",
        rule={"all": [{"fact": "tags", "op": "any", "value": ["specialised"], "article": "第二条"}]},
    )


def test_it_raises_the_answer_as_a_problem_prefilled_with_the_measure(client, users, baotou_enterprise, measure):
    client.force_login(users[Role.ENTERPRISE])
    mine = client.get("/policies/mine/").content.decode()
    page = client.get(f"/policies/measures/{measure.pk}/").content.decode()
    assert f"/policies/measures/{measure.pk}/problem/" in page
    form = client.get(f"/policies/measures/{measure.pk}/problem/").content.decode()
    assert "专精特新中小企业专项资金" in form and "第二条" in form  # the measure and the criterion not met
    assert f"/policies/measures/{measure.pk}/problem/" in mine  # from the explanation of a narrowly missed measure
    response = client.post(
        f"/policies/measures/{measure.pk}/problem/",
        {"urgency": "normal", "description": "我企业已于2019年认定为专精特新企业，登记信息未更新。"},
    )
    problem = Problem.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/problems/{problem.pk}/"
    assert (problem.category, problem.enterprise, problem.raised_by) == (
        "policy", baotou_enterprise, users[Role.ENTERPRISE]
    )  # fmt: skip
    assert problem.department.name == "工信厅中小企业局"
    link = MeasureProblem.objects.get()
    assert (link.measure, link.problem, link.verdict) == (measure, problem, "not_eligible")
    # The measure's page lists it, for the enterprise and for the officials of its area.
    for role in (Role.ENTERPRISE, Role.LEAGUE, Role.REGION):
        client.force_login(users[role])
        assert f'href="/problems/{problem.pk}/"' in client.get(f"/policies/measures/{measure.pk}/").content.decode()


def test_the_problems_shown_on_a_measure_are_scoped(client, users, ordos_enterprise, measure):
    other = make_user("olga_ordos", Role.ENTERPRISE, enterprise=ordos_enterprise)
    client.force_login(other)
    client.post(f"/policies/measures/{measure.pk}/problem/", {"urgency": "normal", "description": "信息有误"})
    problem = Problem.objects.get()
    assert problem.measure_link.measure == measure
    page = client.get(f"/policies/measures/{measure.pk}/").content.decode()
    assert f'href="/problems/{problem.pk}/"' in page
    for role in (Role.ENTERPRISE, Role.LEAGUE, Role.COUNTY, Role.HANDLER):  # Baotou's, or another department
        client.force_login(users[role])
        assert f'href="/problems/{problem.pk}/"' not in client.get(f"/policies/measures/{measure.pk}/").content.decode()
    client.force_login(users[Role.REGION])
    assert f'href="/problems/{problem.pk}/"' in client.get(f"/policies/measures/{measure.pk}/").content.decode()


def test_only_an_enterprise_raises_a_measure_problem_and_bad_input_changes_nothing(client, users, measure):
    for role in (Role.LEAGUE, Role.REGION, Role.HANDLER, Role.BANK):
        client.force_login(users[role])
        assert client.get(f"/policies/measures/{measure.pk}/problem/").status_code == 404
        assert client.post(f"/policies/measures/{measure.pk}/problem/", {"description": "x"}).status_code == 404
    client.force_login(users[Role.ENTERPRISE])
    assert client.get("/policies/measures/999999/problem/").status_code == 404
    response = client.post(f"/policies/measures/{measure.pk}/problem/", {"urgency": "normal", "description": "  "})
    assert response.status_code == 200 and not Problem.objects.exists() and not MeasureProblem.objects.exists()
    response = client.post(f"/policies/measures/{measure.pk}/problem/", {"urgency": "soon", "description": "x"})
    assert response.status_code == 200 and not Problem.objects.exists()
