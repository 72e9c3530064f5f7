import json

import pytest

from fugong.accounts import services as account_services
from fugong.accounts.models import Role
from fugong.problems.models import Problem, State
from fugong.problems.tests.factories import make_problem

pytestmark = pytest.mark.django_db


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {account_services.token_create(user=user, name='t')[1]}"}


def post(client, url, body, user):
    return client.post(url, json.dumps(body), content_type="application/json", **bearer(user))


def test_an_enterprise_token_creates_a_problem_and_gets_its_id(client, users, baotou_enterprise):
    response = post(
        client,
        "/api/v1/problems",
        {"category": "financing", "urgency": "urgent", "description": "流动资金紧张"},
        users[Role.ENTERPRISE],
    )
    assert response.status_code == 201
    body = response.json()
    problem = Problem.objects.get(pk=body["id"])
    assert (problem.enterprise, problem.category, problem.source) == (baotou_enterprise, "financing", "api")
    assert body["credit_code"] == baotou_enterprise.credit_code and body["state"] == "submitted"
    assert body["department"] == "地方金融监督管理局" and body["timeline"][0]["action"] == "raise"
    got = client.get(f"/api/v1/problems/{problem.pk}", **bearer(users[Role.ENTERPRISE])).json()
    assert got["id"] == problem.pk and got["allowed_actions"] == ["comment"]


def test_officials_name_the_enterprise_and_bad_input_names_the_field(
    client, users, baotou_enterprise, ordos_enterprise
):
    league = users[Role.LEAGUE]
    missing = post(client, "/api/v1/problems", {"category": "labour", "description": "缺工"}, league)
    assert missing.status_code == 400 and "credit_code" in missing.json()["error"]
    outside = post(
        client,
        "/api/v1/problems",
        {"category": "labour", "description": "缺工", "credit_code": ordos_enterprise.credit_code},
        league,
    )
    assert outside.status_code == 404 and "error" in outside.json()
    wrong = post(
        client,
        "/api/v1/problems",
        {"category": "weather", "description": "", "credit_code": baotou_enterprise.credit_code},
        league,
    )
    assert wrong.status_code == 400 and set(wrong.json()["error"]) == {"category", "description"}
    assert Problem.objects.count() == 0
    handler = post(client, "/api/v1/problems", {"category": "labour", "description": "缺工"}, users[Role.HANDLER])
    assert handler.status_code == 404


def test_moves_through_the_api(client, users, baotou_enterprise):
    problem = make_problem(baotou_enterprise)
    url = f"/api/v1/problems/{problem.pk}/moves"
    refused = post(client, url, {"action": "resolve", "comment": "已办"}, users[Role.HANDLER])
    assert refused.status_code == 400 and "action" in refused.json()["error"]
    assert post(client, url, {"action": "accept"}, users[Role.HANDLER]).json()["state"] == State.ACCEPTED
    done = post(client, url, {"action": "resolve", "comment": "已办"}, users[Role.HANDLER]).json()
    assert done["state"] == State.RESOLVED and done["resolution"] == "已办"
    assert post(client, url, {"action": "confirm"}, users[Role.ENTERPRISE]).json()["state"] == State.CONFIRMED
    unknown = post(client, url, {"action": "fly"}, users[Role.REGION])
    assert unknown.status_code == 400
    reroute = post(client, url, {"action": "reroute", "comment": "x", "department": "不存在的部门"}, users[Role.REGION])
    assert reroute.status_code == 400 and "department" in reroute.json()["error"]


def test_lists_are_scoped(client, users, baotou_enterprise, ordos_enterprise):
    mine, theirs = make_problem(baotou_enterprise), make_problem(ordos_enterprise)
    expectations = {
        Role.LEAGUE: {mine.pk},
        Role.REGION: {mine.pk, theirs.pk},
        Role.BANK: set(),
        Role.ENTERPRISE: {mine.pk},
        Role.WORKGROUP: {mine.pk},
        Role.HANDLER: {mine.pk, theirs.pk},  # both are transport problems, routed to 交通运输厅
    }
    for role, expected in expectations.items():
        items = client.get("/api/v1/problems", **bearer(users[role])).json()["items"]
        assert {i["id"] for i in items} == expected, role
    assert client.get(f"/api/v1/problems/{theirs.pk}", **bearer(users[Role.LEAGUE])).status_code == 404


def test_the_list_checks_moves_without_a_query_per_row(client, users, baotou_enterprise, django_assert_max_num_queries):
    for _ in range(6):
        make_problem(baotou_enterprise)
    headers = bearer(users[Role.WORKGROUP])
    with django_assert_max_num_queries(8):
        items = client.get("/api/v1/problems", **headers).json()["items"]
    assert len(items) == 6 and all(i["allowed_actions"] == ["comment"] for i in items)


def test_row_checks_agree_with_the_querysets(users, baotou_enterprise, ordos_enterprise):
    from fugong import access
    from fugong.problems.models import Problem

    for category in ("transport", "labour"):
        make_problem(baotou_enterprise, category=category)
        make_problem(ordos_enterprise, category=category)
    for user in users.values():
        visible = set(access.visible_problems(user).values_list("pk", flat=True))
        assert {p.pk for p in Problem.objects.all() if access.can_see_problem(user, p)} == visible, user.role
