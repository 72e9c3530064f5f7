"""The visit plans list, its page and its API, reads in a fixed number of statements however many plans it shows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.testing import make_enterprise
from fugong.accounts.models import Role
from fugong.workgroups import services
from fugong.workgroups.tests.factories import make_visit

pytestmark = pytest.mark.django_db

# Measured on SQLite and PostgreSQL alike (12 plans: 44 statements before, 3 a plan): the session, the user, the
# plans, the groups the user plans with, the user's area, the plans' items, the groups' last visits, the menu; the
# API's session is saved on every request (3 statements). A GET writes no audit entry, so no advisory lock.
PAGE_BUDGET = 11
API_BUDGET = 10


def _plans(group, actor, count):
    today = timezone.localdate()
    enterprises = [make_enterprise(county="150203") for _ in range(3)]
    for n in range(count):
        plan = services.plan_create(
            actor=actor, group=group, name=f"走访计划{n}", starts_on=today - timedelta(days=10), ends_on=today
        )
        for e in enterprises:
            services.plan_add_enterprise(actor=actor, plan=plan, enterprise=e, day=today - timedelta(days=5))
    make_visit(group, enterprises[0], actor=actor, days_ago=2)


def _count(client, url, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


@pytest.mark.parametrize("role", [Role.WORKGROUP, Role.REGION, Role.LEAGUE])
def test_the_plans_list_reads_in_a_fixed_number_of_statements(client, users, role, django_assert_max_num_queries):
    dave = users[Role.WORKGROUP]
    client.force_login(users[role])
    _plans(dave.work_group, dave, 2)
    few, _ = _count(client, "/workgroups/plans/", django_assert_max_num_queries, PAGE_BUDGET)
    _plans(dave.work_group, dave, 10)
    many, page = _count(client, "/workgroups/plans/", django_assert_max_num_queries, PAGE_BUDGET)
    assert many == few, (few, many)
    rows = page.context["plans"]
    assert len(rows) == 12 and {(n, done, left) for _p, n, done, left in rows} == {(3, 1, 2)}


def test_the_plans_api_reads_in_a_fixed_number_of_statements(client, users, django_assert_max_num_queries):
    dave = users[Role.WORKGROUP]
    client.force_login(dave)
    _plans(dave.work_group, dave, 2)
    few, _ = _count(client, "/api/v1/visit-plans", django_assert_max_num_queries, API_BUDGET)
    _plans(dave.work_group, dave, 10)
    many, response = _count(client, "/api/v1/visit-plans", django_assert_max_num_queries, API_BUDGET)
    items = response.json()["items"]
    assert many == few and len(items) == 12
    assert {(p["planned"], p["done"], p["left"]) for p in items} == {(3, 1, 2)}
