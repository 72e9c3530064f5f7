"""A programme's review after the league (issue 14 §3): region review, experts on the programme's score sheet,
shortlist, public notice (公示) with objections, award after the period, disbursement; the 免申即享 list through
the same public notice; the guide and payment clocks; the stage exports."""

import io
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from openpyxl import load_workbook

from config.testing import make_enterprise, make_user
from fugong.accounts.models import Department, Role
from fugong.policies import selectors, services
from fugong.policies.models import Benefit, Objection, PublicNotice, State
from fugong.policies.tests.factories import (
    make_application,
    make_measure,
    make_policy,
    make_programme,
    score_all,
    to_scoring,
)

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date) -> datetime:
    return datetime.combine(day, time(10), SHANGHAI)


def move(user, application, action, **kw):
    return services.application_move(actor=user, application=application, action=action, **kw)


@pytest.fixture
def experts():
    panel = Department.objects.get_or_create(name="评审专家库")[0]
    return [make_user(name, Role.HANDLER, department=panel) for name in ("expert_wang", "expert_li")]


@pytest.fixture
def programme(experts):
    programme = make_programme(make_measure(title="专精特新中小企业专项资金", amount="100"), materials=())
    for e in experts:
        services.expert_add(actor=None, programme=programme, expert=e)
    return programme


@pytest.fixture
def scoring(users, baotou_enterprise, programme):
    application = make_application(baotou_enterprise, programme.measure, programme=programme, amount="80")
    return to_scoring(application, league_user=users[Role.LEAGUE], region_user=users[Role.REGION])


def test_it_goes_through_every_stage_to_disbursement(users, scoring, experts, django_capture_on_commit_callbacks):
    region = users[Role.REGION]
    assert scoring.state == State.SCORING
    score_all(scoring, experts, points=(30, 20))
    summary = services.score_summary(scoring.assignments.all())
    # 30+30+30 = 90 and 20+20+20 = 60: average 75, spread 30, standard deviation 15.
    assert (summary.count, summary.average, summary.spread, summary.stdev) == (2, Decimal(75), Decimal(30), Decimal(15))
    move(region, scoring, "shortlist")
    notice = services.notice_publish_shortlist(actor=region, programme=scoring.programme, published_on=date(2020, 3, 2))
    scoring.refresh_from_db()
    assert scoring.state == State.NOTICE and notice.ends_on == date(2020, 3, 9)
    entry = notice.entries.get()
    assert (entry.amount, entry.score) == (Decimal(80), Decimal(75))
    with pytest.raises(ValidationError) as e:
        move(region, scoring, "award", amount=Decimal(60), at=at(date(2020, 3, 9)))
    assert "2020-03-09" in e.value.message_dict["action"][0]
    awarded = move(region, scoring, "award", amount=Decimal(60), at=at(date(2020, 3, 10)))
    assert (awarded.state, awarded.awarded_on) == (State.AWARDED, date(2020, 3, 10))
    notice.refresh_from_db()
    assert notice.status == PublicNotice.Status.AWARDED
    with django_capture_on_commit_callbacks(execute=True):
        paid = move(region, awarded, "disburse", amount=Decimal(60), on=date(2020, 3, 20))
    assert (paid.state, paid.disbursed_on, paid.disbursed_amount) == (State.DISBURSED, date(2020, 3, 20), Decimal(60))
    benefit = Benefit.objects.get(application=paid)
    assert (benefit.amount, benefit.on) == (Decimal(60), date(2020, 3, 20))
    actions = [e.action for e in paid.events.order_by("pk")]
    assert actions == [
        "create", "submit", "pass", "region_pass", "assign", "score", "assign", "score",
        "shortlist", "publish", "award", "disburse",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("action", "kw"),
    [
        ("region_pass", {}),
        ("not_shortlisted", {"reason": "得分靠后"}),
        ("shortlist", {}),
    ],
)
def test_only_the_region_moves_the_stages_after_the_league(users, baotou_enterprise, programme, experts, action, kw):
    application = make_application(baotou_enterprise, programme.measure, programme=programme)
    move(users[Role.ENTERPRISE], application, "submit")
    move(users[Role.LEAGUE], application, "pass")
    if action != "region_pass":
        move(users[Role.REGION], application, "region_pass")
        score_all(application, experts[:1])
    for role in Role.values:
        if role == Role.REGION:
            continue
        with pytest.raises(ValidationError) as e:
            move(users[role], application, action, **kw)
        assert "action" in e.value.message_dict, role
    assert move(users[Role.REGION], application, action, **kw).state != State.PASSED


def test_a_programme_application_is_not_awarded_straight_after_the_league(users, baotou_enterprise, programme):
    application = make_application(baotou_enterprise, programme.measure, programme=programme)
    move(users[Role.ENTERPRISE], application, "submit")
    move(users[Role.LEAGUE], application, "pass")
    with pytest.raises(ValidationError) as e:
        move(users[Role.REGION], application, "award", amount=Decimal(10))
    assert "action" in e.value.message_dict
    # Nor is an application without a programme taken through region review.
    plain = make_application(baotou_enterprise, make_measure(title="贷款贴息"))
    move(users[Role.ENTERPRISE], plain, "submit")
    move(users[Role.LEAGUE], plain, "pass")
    with pytest.raises(ValidationError):
        move(users[Role.REGION], plain, "region_pass")


def test_shortlisting_waits_for_every_expert_assigned(users, scoring, experts):
    with pytest.raises(ValidationError):
        move(users[Role.REGION], scoring, "shortlist")  # nobody assigned yet
    services.expert_assign(actor=users[Role.REGION], application=scoring, expert=experts[0])
    services.expert_assign(actor=users[Role.REGION], application=scoring, expert=experts[0])  # again: nothing new
    assert scoring.assignments.count() == 1
    score_all(scoring, experts[1:])
    with pytest.raises(ValidationError):
        move(users[Role.REGION], scoring, "shortlist")  # expert_wang has not scored
    score_all(scoring, experts[:1])
    assert move(users[Role.REGION], scoring, "shortlist").state == State.SHORTLISTED


def test_publishing_and_removing_are_not_moves_of_their_own(users, scoring):
    for action in ("publish", "remove"):
        with pytest.raises(ValidationError):
            move(users[Role.REGION], scoring, action, comment="x")
        assert action not in services.allowed_actions(users[Role.REGION], scoring)


def test_a_score_outside_its_range_is_refused_naming_the_item(users, scoring, experts, client):
    assignment = services.expert_assign(actor=users[Role.REGION], application=scoring, expert=experts[0])
    with translation.override("en"), pytest.raises(ValidationError) as e:
        services.scores_save(
            actor=experts[0], assignment=assignment, points={"技术创新能力": 41, "市场前景": 20, "财务状况": 20}
        )
    assert "技术创新能力: a score from 0 to 40." in e.value.message_dict["scores"]
    with pytest.raises(ValidationError) as e:
        services.scores_save(actor=experts[0], assignment=assignment, points={"技术创新能力": 10, "市场前景": 20})
    assert any("财务状况" in m for m in e.value.message_dict["scores"])
    with pytest.raises(ValidationError) as e:
        services.scores_save(
            actor=experts[0], assignment=assignment, points={"技术创新能力": 1, "市场前景": 1, "财务状况": 1, "颜值": 5}
        )
    assert any("颜值" in m for m in e.value.message_dict["scores"])
    assignment.refresh_from_db()
    assert assignment.total is None
    # Through the API: 400 naming the item; the page says it too.
    from fugong.accounts.services import token_create

    token = token_create(user=experts[0], name="t")[1]
    response = client.put(
        f"/api/v1/applications/{scoring.pk}/scores",
        {"scores": {"技术创新能力": 10, "市场前景": 31, "财务状况": 10}},
        content_type="application/json",
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400 and "市场前景" in response.json()["error"]["scores"][0]
    client.force_login(experts[0])
    response = client.post(
        f"/policies/applications/{scoring.pk}/score/", {"item-0": "50", "item-1": "1", "item-2": "1"}, follow=True
    )
    assert "技术创新能力" in response.text and assignment.scores == {}


def test_an_expert_never_gets_nor_sees_an_application_declared_in_conflict(users, scoring, experts, client):
    wang, li = experts
    services.expert_assign(actor=users[Role.REGION], application=scoring, expert=wang)
    client.force_login(wang)
    assert client.get(f"/policies/applications/{scoring.pk}/score/").status_code == 200
    assert client.get(f"/policies/applications/{scoring.pk}/").status_code == 200
    services.conflict_declare(
        actor=wang, programme=scoring.programme, enterprise=scoring.enterprise, reason="曾在该企业任职"
    )
    assert not scoring.assignments.filter(expert=wang).exists()
    for url in (f"/policies/applications/{scoring.pk}/score/", f"/policies/applications/{scoring.pk}/"):
        assert client.get(url).status_code == 404
    page = client.get("/policies/reviews/").text
    assert 'data-testid="assigned"' not in page
    from fugong.accounts.services import token_create

    token = token_create(user=wang, name="t")[1]
    auth = {"authorization": f"Bearer {token}"}
    assert client.get("/api/v1/applications", headers=auth).json()["items"] == []
    assert client.get(f"/api/v1/applications/{scoring.pk}", headers=auth).status_code == 404
    with pytest.raises(ValidationError) as e:
        services.expert_assign(actor=users[Role.REGION], application=scoring, expert=wang)
    assert "expert" in e.value.message_dict
    # The region's page no longer offers the conflicted expert; the other one still gets it and sees only it.
    client.force_login(users[Role.REGION])
    panel = client.get(f"/policies/applications/{scoring.pk}/").context["panel"]
    assert panel == [li]
    other = make_enterprise(county="150203", tags=["specialised"])
    second = to_scoring(make_application(other, scoring.measure, programme=scoring.programme))
    services.expert_assign(actor=None, application=second, expert=li)
    client.force_login(li)
    assert client.get(f"/policies/applications/{scoring.pk}/").status_code == 404
    assert client.get(f"/policies/applications/{second.pk}/").status_code == 200


def test_an_expert_outside_the_panel_or_an_official_is_not_assigned(users, scoring):
    stranger = make_user("expert_zhao", Role.HANDLER, department=Department.objects.get_or_create(name="专家")[0])
    with pytest.raises(ValidationError):
        services.expert_assign(actor=users[Role.REGION], application=scoring, expert=stranger)
    with pytest.raises(ValidationError):
        services.expert_add(actor=users[Role.REGION], programme=scoring.programme, expert=users[Role.LEAGUE])
    with pytest.raises(ValidationError):
        services.expert_add(actor=users[Role.LEAGUE], programme=scoring.programme, expert=stranger)


@pytest.mark.parametrize(
    ("published", "ends", "inside", "after"),
    [
        # Spring Festival 2020, extended to 2 February: 23 January, then 3 to 6 February.
        (date(2020, 1, 22), date(2020, 2, 6), date(2020, 2, 1), date(2020, 2, 7)),
        # May Day 2020, 1 to 5 May, Saturday 9 May a working day: 6, 7, 8, 9 and 11 May.
        (date(2020, 4, 30), date(2020, 5, 11), date(2020, 5, 10), date(2020, 5, 12)),
    ],
)
def test_the_public_notice_counts_working_days_across_a_holiday(
    users, scoring, experts, published, ends, inside, after
):
    region = users[Role.REGION]
    score_all(scoring, experts)
    move(region, scoring, "shortlist")
    notice = services.notice_publish_shortlist(actor=region, programme=scoring.programme, published_on=published)
    assert notice.ends_on == ends
    entry = notice.entries.get()
    # An objection in the period, even on a holiday, is recorded; one after it is refused.
    objection = services.objection_record(
        actor=users[Role.LEAGUE], entry=entry, objector="包头某公司", text="申报数据不实", at=at(inside)
    )
    with pytest.raises(ValidationError):
        services.objection_record(actor=users[Role.LEAGUE], entry=entry, objector="某人", text="迟到", at=at(after))
    # The award waits for the objection to be handled and for the period to end.
    services.objection_handle(actor=region, objection=objection, outcome="dismissed", reason="经核实数据属实")
    with pytest.raises(ValidationError):
        move(region, scoring, "award", amount=Decimal(50), at=at(ends))
    assert move(region, scoring, "award", amount=Decimal(50), at=at(after)).state == State.AWARDED


def test_an_upheld_objection_removes_the_entry_and_declines_with_the_reason(users, scoring, experts):
    region = users[Role.REGION]
    score_all(scoring, experts)
    move(region, scoring, "shortlist")
    notice = services.notice_publish_shortlist(actor=region, programme=scoring.programme)
    entry = notice.entries.get()
    objection = services.objection_record(actor=region, entry=entry, objector="举报人", text="已被列入失信名单")
    assert (objection.objector, objection.recorded_by, objection.outcome) == ("举报人", region, "pending")
    with pytest.raises(ValidationError) as e:
        services.objection_handle(actor=region, objection=objection, outcome="upheld", reason="")
    assert "reason" in e.value.message_dict
    with pytest.raises(ValidationError):
        services.objection_handle(actor=users[Role.LEAGUE], objection=objection, outcome="upheld", reason="属实")
    services.objection_handle(actor=region, objection=objection, outcome="upheld", reason="经核实列入失信名单")
    entry.refresh_from_db()
    scoring.refresh_from_db()
    assert entry.removed_reason == "经核实列入失信名单"
    assert (scoring.state, scoring.declined_reason) == (State.DECLINED, "经核实列入失信名单")
    assert scoring.events.last().action == "remove"
    with pytest.raises(ValidationError):
        services.objection_handle(actor=region, objection=objection, outcome="dismissed", reason="改判")


def test_an_automatic_measure_is_listed_noticed_and_awarded(users, baotou_enterprise, ordos_enterprise):
    region = users[Role.REGION]
    small = make_enterprise(county="150203", size_class="small")
    measure = make_measure(
        title="小微企业稳岗补贴",
        delivery="automatic",
        amount="3",
        rule={"all": [{"fact": "size_class", "op": "in", "value": ["medium", "small"], "article": "第三条"}]},
    )
    measure.payment_days = 10
    measure.save()
    baotou_enterprise.size_class = "large"
    baotou_enterprise.save()
    with pytest.raises(ValidationError):
        services.notice_propose_automatic(actor=users[Role.LEAGUE], measure=measure)
    notice = services.notice_propose_automatic(actor=region, measure=measure, day=date(2020, 1, 22), days=5)
    listed = set(notice.entries.values_list("enterprise_id", flat=True))
    assert listed == {small.pk, ordos_enterprise.pk} and notice.ends_on == date(2020, 2, 6)
    # Listing again leaves out those already on an open list.
    with pytest.raises(ValidationError):
        services.notice_propose_automatic(actor=region, measure=measure, day=date(2020, 1, 22))
    entry = notice.entries.get(enterprise=ordos_enterprise)
    objection = services.objection_record(
        actor=region, entry=entry, objector="准格尔旗工信局", text="已于1月停产", at=at(date(2020, 2, 3))
    )
    with pytest.raises(ValidationError):
        services.notice_award(actor=region, notice=notice, day=date(2020, 2, 7))  # the objection is pending
    services.objection_handle(actor=region, objection=objection, outcome="upheld", reason="停产属实")
    with pytest.raises(ValidationError):
        services.notice_award(actor=region, notice=notice, day=date(2020, 2, 6))
    assert services.notice_award(actor=region, notice=notice, day=date(2020, 2, 7)) == 1
    benefit = Benefit.objects.get()
    assert (benefit.enterprise, benefit.amount, benefit.source, benefit.on) == (
        small, Decimal(3), "automatic", date(2020, 2, 7)
    )  # fmt: skip
    with pytest.raises(ValidationError):
        services.notice_award(actor=region, notice=notice, day=date(2020, 2, 8))
    assert Benefit.objects.count() == 1
    # Its payment clock ran from the end of the notice: due ten working days later, met.
    clock = next(c for c in selectors.payment_clocks(user=region, day=date(2020, 3, 1)) if c.kind == "payment")
    assert (clock.start, clock.due, clock.done_on, clock.overrun) == (
        date(2020, 2, 6), date(2020, 2, 20), date(2020, 2, 7), 0
    )  # fmt: skip
    assert Objection.objects.get().outcome == "upheld"


def test_the_clocks_show_due_days_left_and_overrun(users, scoring, experts, client):
    region = users[Role.REGION]
    policy = make_policy(
        title="关于做好中小企业复工复产工作的通知", number="内工信中小字〔2020〕28号", issued_on=date(2020, 2, 10)
    )
    policy.guide_required = True
    policy.save()
    late = selectors.policy_guide_clock(user=region, policy=policy, day=date(2020, 2, 24))
    # Due seven working days after 10 February: 19 February; on the 24th, three working days over.
    assert (late.due, late.done_on, late.overrun, late.days_left) == (date(2020, 2, 19), None, 3, 0)
    early = selectors.policy_guide_clock(user=region, policy=policy, day=date(2020, 2, 14))
    assert (early.overrun, early.days_left) == (0, 3)
    make_programme(make_measure(policy, title="专项资金"), materials=())  # published today, long after the due date
    done = selectors.policy_guide_clock(user=region, policy=policy, day=date(2026, 12, 31))
    assert done.done_on is not None and done.overrun > 0
    # A payment clock: the measure pays within 5 working days of the award.
    measure = scoring.measure
    measure.payment_days = 5
    measure.save()
    score_all(scoring, experts)
    move(region, scoring, "shortlist")
    services.notice_publish_shortlist(actor=region, programme=scoring.programme, published_on=date(2020, 3, 2))
    move(region, scoring, "award", amount=Decimal(60), at=at(date(2020, 3, 10)))
    scoring.refresh_from_db()
    clock = selectors.application_payment_clock(scoring, date(2020, 3, 20))
    assert (clock.due, clock.overrun) == (date(2020, 3, 17), 3)
    client.force_login(region)
    page = client.get("/policies/clocks/?as_of=2020-03-20")
    assert [c.label for c in page.context["overrun"]] == [policy.number, scoring.enterprise.name]
    assert 'data-testid="overrun"' in page.text
    assert 'data-testid="clock"' in client.get(f"/policies/applications/{scoring.pk}/").text
    client.force_login(users[Role.LEAGUE])
    assert client.get("/policies/clocks/").status_code == 404


def test_each_stage_list_exports_in_the_form_the_department_files(users, scoring, experts, client):
    score_all(scoring, experts, points=(30, 20))
    client.force_login(users[Role.LEAGUE])
    page = client.get(f"/policies/programmes/{scoring.programme_id}/stages/scoring/")
    assert page.status_code == 200 and [a.pk for a in page.context["rows"]] == [scoring.pk]
    response = client.get(f"/policies/programmes/{scoring.programme_id}/stages/scoring.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert "专精特新" in rows[0][0] and "专家评审" in rows[0][0]
    assert rows[1][:4] == ["序号", "企业名称", "统一社会信用代码", "盟市"]
    assert rows[2][0] == 1 and rows[2][1] == scoring.enterprise.name and rows[2][3] == "包头市"
    assert rows[2][-2:] == [75, 30]  # average, spread
    assert rows[-1][0].startswith("负责人（签字）") and "日期" in rows[-1][0]
    # The enterprise does not get the stage lists.
    client.force_login(users[Role.ENTERPRISE])
    assert client.get(f"/policies/programmes/{scoring.programme_id}/stages/scoring.xlsx").status_code == 404
    client.force_login(users[Role.LEAGUE])
    assert client.get(f"/policies/programmes/{scoring.programme_id}/stages/nonsense/").status_code == 404


def test_the_api_makes_the_new_moves_scoped(users, scoring, experts, client):
    from fugong.accounts.services import token_create

    def call(user, url, body, method="post"):
        token = token_create(user=user, name="t")[1]
        return getattr(client, method)(
            url, body, content_type="application/json", headers={"authorization": f"Bearer {token}"}
        )

    base = f"/api/v1/applications/{scoring.pk}"
    assert call(users[Role.LEAGUE], f"{base}/experts", {"expert": "expert_wang"}).status_code == 404
    assert call(users[Role.REGION], f"{base}/experts", {"expert": "nobody"}).status_code == 400
    for e in experts:
        assert call(users[Role.REGION], f"{base}/experts", {"expert": e.username}).status_code == 200
    body = {"scores": {"技术创新能力": 30, "市场前景": 25, "财务状况": 20}}
    assert call(experts[0], f"{base}/scores", body, "put").json()["total"] == "75.0"
    assert call(experts[1], f"{base}/scores", body, "put").status_code == 200
    assert call(users[Role.LEAGUE], f"{base}/moves", {"action": "shortlist"}).status_code == 400
    assert call(experts[0], f"{base}/moves", {"action": "comment", "comment": "x"}).status_code == 404
    answer = call(users[Role.REGION], f"{base}/moves", {"action": "shortlist"}).json()
    assert answer["state"] == "shortlisted" and answer["scores"]["average"] == "75.00"
    assert call(users[Role.REGION], f"{base}/moves", {"action": "publish"}).status_code == 400
