"""Small things that cost users time (issue 10, §6), through the test client."""

import pytest

from fugong.accounts.models import Role
from fugong.problems.models import State
from fugong.problems.tests.factories import make_problem, make_referral

PHONE = "13947201234"


@pytest.fixture
def case(users, baotou_enterprise, ordos_enterprise):
    for e in (baotou_enterprise, ordos_enterprise):
        e.contact_name, e.contact_phone = "王强", PHONE
        e.save()
    # The Ordos enterprise is outside Baotou: the handler and the bank act on its problem and referral.
    problem = make_problem(ordos_enterprise, category="transport", description="运输车辆进出旗县卡口受阻")
    referral = make_referral(ordos_enterprise)
    return {"problem": problem, "referral": referral}


def test_the_problem_form_and_the_reroute_picker_start_on_please_choose(client, users, case):
    client.force_login(users[Role.ENTERPRISE])
    form = client.get("/problems/new/").text
    assert '<option value="" selected>请选择</option>' in form
    response = client.post("/problems/new/", {"urgency": "normal", "description": "没有选分类"})
    assert response.status_code == 200 and response.context["form"].errors["category"]
    client.force_login(users[Role.REGION])
    detail = client.get(f"/problems/{case['problem'].pk}/").text
    assert 'data-testid="reroute-department"' in detail
    picker = detail.split('data-testid="reroute-department">')[1]
    assert picker.startswith('<option value="">请选择</option>')


def test_the_handler_queue_shows_the_description_and_the_state_on_a_phone(client, users, case):
    client.force_login(users[Role.HANDLER])
    page = client.get("/problems/queue/").text
    assert "运输车辆进出旗县卡口受阻" in page
    assert 'data-testid="state-phone"' in page and "待受理" in page


def test_the_handler_and_the_bank_see_the_phone_of_their_cases_others_masked(client, users, case):
    client.force_login(users[Role.HANDLER])
    assert PHONE in client.get(f"/problems/{case['problem'].pk}/").text
    client.force_login(users[Role.BANK])
    assert PHONE in client.get(f"/finance/referrals/{case['referral'].pk}/").text
    # A league official outside Ordos sees neither in full (nor the cases at all).
    client.force_login(users[Role.LEAGUE])
    assert client.get(f"/problems/{case['problem'].pk}/").status_code == 404
    from fugong import access

    ordos = case["problem"].enterprise
    assert not access.can_call_about(users[Role.LEAGUE], ordos, problem=case["problem"])
    assert not access.can_call_about(users[Role.HANDLER], ordos, referral=case["referral"])
    assert not access.can_call_about(users[Role.BANK], ordos, problem=case["problem"])


def test_an_answer_says_what_happened(client, users, case):
    problem = case["problem"]
    client.force_login(users[Role.HANDLER])
    response = client.post(f"/problems/{problem.pk}/moves/", {"action": "accept"}, follow=True)
    problem.refresh_from_db()
    assert problem.state == State.ACCEPTED
    due = f"{problem.due_on.month}月{problem.due_on.day}日"
    assert f"已受理（交通运输厅），办理时限{due}。" in response.text and "已保存" not in response.text
    client.force_login(users[Role.BANK])
    response = client.post(f"/finance/referrals/{case['referral'].pk}/moves/", {"action": "contact"}, follow=True)
    assert "推介状态已更新为：已对接。" in response.text


def test_the_bank_statistics_agree_with_its_table(client, users, baotou_enterprise, case):
    make_referral(baotou_enterprise)
    client.force_login(users[Role.BANK])
    page = client.get("/finance/stats/?as_of=2020-03-01").text
    assert 'data-testid="outcome-total">2<' in page
    assert 'data-testid="total">2<' in page and 'data-testid="referred">2<' in page
    listed = client.get("/finance/").context["page"].paginator.count
    assert listed == 2
