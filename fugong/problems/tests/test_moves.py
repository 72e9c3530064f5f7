from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from config.testing import make_user
from fugong.accounts.models import Department, Role
from fugong.problems import services
from fugong.problems.models import State, TimelineEntry
from fugong.problems.tests.factories import make_problem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def problem(baotou_enterprise, users):
    return services.problem_raise(
        actor=users[Role.ENTERPRISE], enterprise=baotou_enterprise, category="transport", description="卡口限行"
    )


def move(problem, user, action, **kw):
    return services.problem_move(actor=user, problem=problem, action=action, **kw)


def test_it_routes_by_category_with_a_deadline_and_a_timeline_entry(problem, users):
    assert problem.department.name == "交通运输厅"
    assert problem.state == State.SUBMITTED
    assert problem.league_id == "150200" and problem.county_id == "150203"
    entry = problem.timeline.get()
    assert (entry.action, entry.actor, entry.to_state) == ("raise", users[Role.ENTERPRISE], State.SUBMITTED)


def test_the_full_path_handler_resolves_enterprise_confirms(problem, users):
    handler, enterprise = users[Role.HANDLER], users[Role.ENTERPRISE]
    problem = move(problem, handler, "accept")
    assert problem.state == State.ACCEPTED and problem.handler == handler
    problem = move(problem, handler, "start")
    problem = move(problem, handler, "resolve", comment="协调交通运输厅开具通行证", on=date(2020, 2, 12))
    assert (problem.state, problem.resolved_on, problem.resolution) == (
        State.RESOLVED, date(2020, 2, 12), "协调交通运输厅开具通行证"
    )  # fmt: skip
    problem = move(problem, enterprise, "confirm", on=date(2020, 2, 13))
    assert (problem.state, problem.satisfied, problem.closed_on) == (State.CONFIRMED, True, date(2020, 2, 13))
    actions = list(problem.timeline.values_list("action", "actor__username", "from_state", "to_state"))
    assert actions == [
        ("raise", "frank_enterprise", "", "submitted"),
        ("accept", "erin_handler", "submitted", "accepted"),
        ("start", "erin_handler", "accepted", "in_progress"),
        ("resolve", "erin_handler", "in_progress", "resolved"),
        ("confirm", "frank_enterprise", "resolved", "confirmed"),
    ]


def test_unsatisfied_reopens(problem, users):
    move(problem, users[Role.HANDLER], "accept")
    move(problem, users[Role.HANDLER], "resolve", comment="已协调")
    problem = move(problem, users[Role.ENTERPRISE], "reopen", comment="通行证只给了三天")
    assert (problem.state, problem.satisfied, problem.resolved_on) == (State.IN_PROGRESS, False, None)


@pytest.mark.parametrize(
    ("state_path", "action", "why"),
    [
        ([], "resolve", "while the problem is Submitted"),
        ([], "confirm", "while the problem is Submitted"),
        (["accept"], "accept", "while the problem is Accepted"),
        (["accept", "decline"], "start", "while the problem is Declined"),
    ],
)
def test_a_move_not_allowed_from_the_state_says_why(problem, users, state_path, action, why):
    for step in state_path:
        move(problem, users[Role.HANDLER], step, comment="原因")
    before = TimelineEntry.objects.count()
    with pytest.raises(ValidationError) as e:
        move(problem, users[Role.HANDLER] if action != "confirm" else users[Role.ENTERPRISE], action, comment="x")
    assert why in " ".join(e.value.message_dict["action"])
    assert TimelineEntry.objects.count() == before


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        (Role.HANDLER, "accept", True),
        (Role.REGION, "accept", True),
        (Role.LEAGUE, "accept", True),
        (Role.COUNTY, "accept", True),
        (Role.ENTERPRISE, "accept", False),
        (Role.WORKGROUP, "accept", False),
        (Role.WORKGROUP, "comment", True),
        (Role.ENTERPRISE, "comment", True),
        (Role.ENTERPRISE, "decline", False),
        (Role.HANDLER, "decline", True),
    ],
)
def test_who_may_make_each_move(problem, users, role, action, allowed):
    if allowed:
        assert move(problem, users[role], action, comment="理由").timeline.last().action == action
    else:
        with pytest.raises(ValidationError, match="Only"):
            move(problem, users[role], action, comment="理由")


def test_only_the_enterprise_confirms_and_another_departments_handler_cannot_touch_it(problem, users):
    move(problem, users[Role.HANDLER], "accept")
    move(problem, users[Role.HANDLER], "resolve", comment="已协调")
    for role in (Role.HANDLER, Role.REGION):
        with pytest.raises(ValidationError, match="Only the enterprise"):
            move(problem, users[role], "confirm")
    other = make_user("ivan_handler", Role.HANDLER, department=Department.objects.get_or_create(name="商务厅")[0])
    with pytest.raises(ValidationError):
        move(problem, other, "comment", comment="我来看看")


def test_comments_and_reasons_are_required_where_the_move_needs_them(problem, users):
    move(problem, users[Role.HANDLER], "accept")
    for action in ("resolve", "decline", "reroute"):
        with pytest.raises(ValidationError) as e:
            move(problem, users[Role.HANDLER], action)
        assert "comment" in e.value.message_dict


def test_reroute_names_another_department_with_a_reason(problem, users):
    labour = Department.objects.get_or_create(name="人力资源和社会保障厅")[0]
    with pytest.raises(ValidationError):
        move(problem, users[Role.REGION], "reroute", comment="错了", department=problem.department)
    problem = move(problem, users[Role.REGION], "reroute", comment="属于用工问题", department=labour)
    assert problem.department == labour and problem.state == State.SUBMITTED
    assert problem.timeline.last().detail == {"from": "交通运输厅", "to": "人力资源和社会保障厅"}
    # The first department no longer sees it.
    assert not services.relations(users[Role.HANDLER], problem)


def test_assign_takes_a_handler_of_the_department(problem, users):
    with pytest.raises(ValidationError):
        move(problem, users[Role.REGION], "assign", handler=users[Role.ENTERPRISE])
    problem = move(problem, users[Role.REGION], "assign", handler=users[Role.HANDLER])
    assert problem.handler == users[Role.HANDLER]


def test_mail_goes_out_only_after_commit(baotou_enterprise, users, django_capture_on_commit_callbacks):
    users[Role.HANDLER].email = "erin@example.org"
    users[Role.HANDLER].save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_problem(baotou_enterprise)
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert mail.outbox[0].to == ["erin@example.org"]


def test_raising_checks_its_input_and_scope(baotou_enterprise, ordos_enterprise, users):
    with pytest.raises(ValidationError) as e:
        services.problem_raise(actor=users[Role.LEAGUE], enterprise=baotou_enterprise, category="nope", description="")
    assert set(e.value.message_dict) == {"category", "description"}
    with pytest.raises(ValidationError) as e:
        services.problem_raise(
            actor=users[Role.LEAGUE], enterprise=ordos_enterprise, category="labour", description="x"
        )
    assert "enterprise" in e.value.message_dict
    with pytest.raises(ValidationError):
        services.problem_raise(
            actor=users[Role.HANDLER], enterprise=baotou_enterprise, category="labour", description="x"
        )
