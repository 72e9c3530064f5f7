from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from fugong.accounts.models import Role
from fugong.problems import services
from fugong.problems.models import Escalation, Problem, State
from fugong.problems.tests.factories import make_problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(baotou_enterprise):
    # Urgent transport: 1 working day; raised Monday 10 February 2020, due Tuesday the 11th.
    return make_problem(baotou_enterprise, urgency="urgent", raised_on=date(2020, 2, 10))


def test_an_overdue_problem_goes_to_the_league_then_the_region(overdue, users):
    assert overdue.due_on == date(2020, 2, 11)
    assert services.problems_sweep(as_of=date(2020, 2, 11)).escalated_league == 0  # due today is not late
    result = services.problems_sweep(as_of=date(2020, 2, 12))
    assert (result.escalated_league, result.escalated_region) == (1, 0)
    overdue.refresh_from_db()
    assert (overdue.escalation, overdue.escalated_on) == (Escalation.LEAGUE, date(2020, 2, 12))
    # Twice on one day, or before three more working days: nothing more.
    assert services.problems_sweep(as_of=date(2020, 2, 12)).as_json() == {
        "auto_confirmed": 0, "escalated_league": 0, "escalated_region": 0
    }  # fmt: skip
    assert services.problems_sweep(as_of=date(2020, 2, 14)).escalated_region == 0
    assert services.problems_sweep(as_of=date(2020, 2, 17)).escalated_region == 1
    overdue.refresh_from_db()
    assert overdue.escalation == Escalation.REGION
    assert list(overdue.timeline.filter(action="escalate").values_list("detail__level", flat=True)) == [
        "league", "region"
    ]  # fmt: skip


def test_escalation_mails_the_league_then_the_region(overdue, users, django_capture_on_commit_callbacks):
    for role, address in ((Role.LEAGUE, "bob@example.org"), (Role.REGION, "alice@example.org")):
        users[role].email = address
        users[role].save()
    with django_capture_on_commit_callbacks(execute=True):
        services.problems_sweep(as_of=date(2020, 2, 12))
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    with django_capture_on_commit_callbacks(execute=True):
        services.problems_sweep(as_of=date(2020, 2, 17))
    assert mail.outbox[-1].to == ["alice@example.org"]


def test_a_resolved_problem_is_confirmed_after_five_working_days(baotou_enterprise, users):
    problem = make_problem(baotou_enterprise, raised_on=date(2020, 1, 20))
    services.problem_move(actor=users[Role.HANDLER], problem=problem, action="accept")
    services.problem_move(
        actor=users[Role.HANDLER], problem=problem, action="resolve", comment="已办", on=date(2020, 1, 23)
    )
    # Five working days after Thursday 23 January 2020 are only reached on 7 February.
    assert services.problems_sweep(as_of=date(2020, 2, 6)).auto_confirmed == 0
    assert services.problems_sweep(as_of=date(2020, 2, 7)).auto_confirmed == 1
    problem.refresh_from_db()
    assert (problem.state, problem.satisfied, problem.closed_on) == (State.CONFIRMED, None, date(2020, 2, 7))
    assert problem.timeline.last().action == "auto_confirm" and problem.timeline.last().actor is None


def test_closed_problems_are_never_escalated(overdue, users):
    services.problem_move(actor=users[Role.HANDLER], problem=overdue, action="decline", comment="不属于本部门职责")
    assert services.problems_sweep(as_of=date(2020, 3, 1)).escalated_league == 0


def test_the_command_runs_the_task(overdue):
    out = StringIO()
    call_command("problems_sweep", "--date", "2020-02-12", stdout=out)
    assert "'escalated_league': 1" in out.getvalue()
    assert Problem.objects.get().escalation == Escalation.LEAGUE
    call_command("problems_sweep", "--date", "2020-02-12", "--here", stdout=out)
    assert out.getvalue().count("'escalated_league': 1") == 1
