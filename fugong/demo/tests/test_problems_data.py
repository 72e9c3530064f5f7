"""The problems and referrals of the demo, built from the seed without the (slow) reports step."""

from collections import Counter
from datetime import date

import pytest

from fugong.accounts.models import Role, User
from fugong.demo import build as demo
from fugong.demo import steps
from fugong.demo.finance import plan_referrals
from fugong.demo.plan import make_plan
from fugong.demo.problems import plan_problems
from fugong.finance.models import Referral, Target
from fugong.problems.models import Category, Escalation, Problem, State

SMALL = 0.05


@pytest.fixture(scope="module")
def full_plan():
    return make_plan(seed=demo.DEFAULT_SEED)


def test_the_full_demo_refers_exactly_126_enterprises_by_22_february(full_plan):
    plan = plan_referrals(full_plan.enterprises, seed=demo.DEFAULT_SEED, scale=1.0)
    codes = [n.credit_code for n in plan.referred]
    assert len(codes) == len(set(codes)) == 126
    assert all(n.raised_on < date(2020, 2, 22) for n in plan.referred)
    assert not set(codes) & {n.credit_code for n in plan.unreferred}
    again = plan_referrals(full_plan.enterprises, seed=demo.DEFAULT_SEED, scale=1.0)
    assert [n.credit_code for n in again.referred] == codes


def test_the_full_demo_plans_problems_of_every_category_mostly_in_february(full_plan):
    planned = plan_problems(full_plan.enterprises, seed=demo.DEFAULT_SEED, scale=1.0)
    assert set(Counter(p.category for p in planned)) == set(Category.values)
    february = sum(p.raised_on.month == 2 for p in planned)
    assert february / len(planned) > 0.8
    actions = Counter(a for p in planned for _, a, _ in p.moves)
    assert {"accept", "start", "resolve", "confirm", "reopen", "decline", "reroute"} <= set(actions)


@pytest.fixture
def small(db):
    """The demo's steps up to the logins, then problems and referrals: the reports, and the steps after these
    (work groups' visits add problems of their own; chains read the reports), are not needed here."""
    plan = make_plan(seed=demo.DEFAULT_SEED, scale=SMALL)
    ctx = steps.Context(seed=demo.DEFAULT_SEED, scale=SMALL, plan=plan)
    counts = {}
    for step in steps.STEPS:
        if step.name in ("organisation", "enterprises", "projects", "logins", "problems", "referrals"):
            counts.update(step.build(ctx))
    return counts


def test_the_small_demo_has_every_category_and_state_and_escalations(small):
    assert set(Problem.objects.values_list("category", flat=True)) == set(Category.values)
    assert set(Problem.objects.values_list("state", flat=True)) == set(State.values)
    assert Problem.objects.filter(escalation=Escalation.LEAGUE).exists()
    assert Problem.objects.filter(escalation=Escalation.REGION).exists()
    assert Problem.objects.filter(raised_on__month=2).count() > Problem.objects.count() * 0.7
    overdue = Problem.objects.filter(state__in=["submitted", "accepted", "in_progress"], due_on__lt=date(2020, 2, 22))
    assert overdue.exists()
    assert small["problems"] == Problem.objects.count()
    # Every problem's timeline starts with its raising and ends in its current state.
    for p in Problem.objects.prefetch_related("timeline"):
        entries = list(p.timeline.all())
        assert entries[0].action == "raise" and entries[-1].to_state == p.state


def test_the_small_demo_refers_its_share_with_bank_outcomes(small):
    referred = Referral.objects.filter(referred_on__lte=date(2020, 2, 22))
    assert referred.values("enterprise_id").distinct().count() == round(126 * SMALL)
    assert set(referred.values_list("target", flat=True)) == {Target.ZHONGZHENG}
    assert small["enterprises referred by 2020-02-22"] == round(126 * SMALL)
    banked = Referral.objects.filter(target=Target.BANK)
    assert banked.exists() and banked.exclude(state="referred").exists()


def test_the_demo_is_the_same_from_the_same_seed(small):
    first = list(Problem.objects.order_by("pk").values_list("enterprise__credit_code", "category", "state", "due_on"))
    demo.wipe()
    assert Problem.objects.count() == 0 and Referral.objects.count() == 0
    plan = make_plan(seed=demo.DEFAULT_SEED, scale=SMALL)
    ctx = steps.Context(seed=demo.DEFAULT_SEED, scale=SMALL, plan=plan)
    for step in steps.STEPS:
        if step.name in ("organisation", "enterprises", "projects", "logins", "problems", "referrals"):
            step.build(ctx)
    again = list(Problem.objects.order_by("pk").values_list("enterprise__credit_code", "category", "state", "due_on"))
    assert again == first


def test_demo_logins_include_a_handler_and_a_bank(small):
    assert User.objects.filter(role=Role.HANDLER, department__name="交通运输厅").exists()
    assert User.objects.filter(role=Role.BANK).exists()
