from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from python_calamine import CalamineWorkbook

from config.testing import make_enterprise
from fugong.accounts.models import Role
from fugong.areas.models import Park
from fugong.workgroups import services
from fugong.workgroups.models import PlanItem
from fugong.workgroups.tests.factories import make_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def park_enterprises():
    park = Park.objects.get(name="包头铝业产业园区")
    return park, [make_enterprise(county="150203", park=park, above_scale=False) for _ in range(5)]


def test_every_enterprise_of_a_park_in_one_action_and_done_and_left(client, users, park_enterprises, ordos_enterprise):
    dave = users[Role.WORKGROUP]
    park, enterprises = park_enterprises
    client.force_login(dave)
    today = timezone.localdate()
    r = client.post(
        "/workgroups/plans/new/",
        {
            "group": dave.work_group_id,
            "name": "铝业园区走访",
            "starts_on": (today - timedelta(days=7)).isoformat(),
            "ends_on": today.isoformat(),
        },
    )
    plan = dave.work_group.visit_plans.get()
    assert r.status_code == 302
    r = client.post(
        f"/workgroups/plans/{plan.pk}/add/", {"park": park.pk, "day": (today - timedelta(days=3)).isoformat()}
    )
    assert r.status_code == 302
    assert set(PlanItem.objects.values_list("enterprise_id", flat=True)) == {e.pk for e in enterprises}
    # Adding the park again adds nothing: each enterprise is once in a plan.
    assert services.plan_add_park(actor=dave, plan=plan, park=park, day=today) == 0
    for e in enterprises[:2]:
        make_visit(dave.work_group, e, actor=dave)
    page = client.get(f"/workgroups/plans/{plan.pk}/")
    assert 'data-done="2"' in page.text
    api = client.get(f"/api/v1/visit-plans/{plan.pk}").json()
    assert (api["planned"], api["done"], api["left"]) == (5, 2, 3)
    export = client.get(f"/workgroups/plans/{plan.pk}/export.xlsx")
    assert (
        export.status_code == 200
        and "走访计划表" in export["Content-Disposition"]
        or "%E8%B5%B0" in export["Content-Disposition"]
    )
    sheet = (
        CalamineWorkbook.from_filelike(__import__("io").BytesIO(b"".join(export.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert len(sheet) == 2 + 5 and sum(1 for row in sheet[2:] if row[7] == "✓") == 2
    with pytest.raises(ValidationError) as outside:
        services.plan_add_enterprise(actor=dave, plan=plan, enterprise=ordos_enterprise, day=today)
    assert "enterprise" in outside.value.message_dict
    with pytest.raises(ValidationError) as late:
        services.plan_add_enterprise(actor=dave, plan=plan, enterprise=enterprises[0], day=today + timedelta(days=1))
    assert "day" in late.value.message_dict


def test_a_plan_ending_before_it_starts_is_refused(users):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as e:
        services.plan_create(
            actor=users[Role.WORKGROUP],
            group=users[Role.WORKGROUP].work_group,
            name="x",
            starts_on=today,
            ends_on=today - timedelta(days=1),
        )
    assert "ends_on" in e.value.message_dict


def test_the_weekly_group_report(client, users, park_enterprises):
    import io

    from docx import Document

    from fugong.problems.models import Problem

    dave = users[Role.WORKGROUP]
    park, enterprises = park_enterprises
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday() + 7)
    for n, e in enumerate(enterprises[:3]):
        make_visit(
            dave.work_group,
            e,
            days_ago=(today - monday).days - n,
            problems=[services.FoundProblem("labour", "缺工")] if n == 0 else [],
        )
    client.force_login(users[Role.LEAGUE])
    r = client.get(f"/workgroups/groups/{dave.work_group_id}/weekly.docx?week={monday.isoformat()}")
    assert r.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "第一工作组工作周报" in text
    assert "走访园区1个、企业3户，现场发现问题1个，已协调解决0个" in text
    assert "用工1个" in text and Problem.objects.count() == 1
