import random
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.testing import make_enterprise
from fugong.dispatch import services as dispatch
from fugong.enterprises.models import Enterprise
from fugong.policies import eligibility
from fugong.policies.eligibility import check_rule, eligible, evaluate

pytestmark = pytest.mark.django_db
DAY = date(2020, 2, 20)


def crit(fact, op, value=None, article="第一条", **kw):
    c = {"fact": fact, "op": op, "article": article, **kw}
    if value is not None:
        c["value"] = value
    return c


def report(enterprise, day, status):
    working = status != "not_resumed"
    figures = {"status": status, "employees": enterprise.employees, "on_duty": 1 if working else 0}
    figures["capacity_pct"] = 50 if working else 0
    outcome = dispatch.report_save(
        actor=None, kind=dispatch.DAILY, subject=enterprise, period=day, values=figures, source="api", today=day
    )
    assert outcome.ok, outcome.errors


def test_it_combines_all_and_any_with_three_values(baotou_enterprise):
    e = baotou_enterprise  # industry 31, medium, above scale, tagged leading and key_industry, 100 employees
    small = crit("size_class", "in", ["small", "micro"])
    leading = crit("tags", "any", ["leading"])
    resumed = crit("resumption", "in", ["production_resumed"], article="第四条")
    assert evaluate(check_rule({"all": [leading]}), e, DAY).eligible
    assert not evaluate(check_rule({"all": [leading, small]}), e, DAY).eligible
    assert evaluate(check_rule({"any": [small, leading]}), e, DAY).eligible
    # No daily report: the resumption criterion is unknown, so `all` is unknown and `any` with a met part is met.
    verdict = evaluate(check_rule({"all": [leading, resumed]}), e, DAY)
    assert (verdict.eligible, verdict.state) == (False, None)
    assert [c.met for c in verdict.criteria] == [True, None]
    assert evaluate(check_rule({"any": [resumed, leading]}), e, DAY).state is True
    assert evaluate(check_rule({"all": [small, resumed]}), e, DAY).state is False
    nested = {
        "all": [crit("above_scale", "is", True), {"any": [small, {"all": [leading, crit("industry", "in", ["31"])]}]}]
    }
    assert evaluate(check_rule(nested), e, DAY).eligible
    report(e, DAY - timedelta(days=1), "production_resumed")
    assert evaluate(check_rule({"all": [leading, resumed]}), e, DAY).eligible


def test_a_dated_threshold_holds_from_its_date_and_keeps_what_held_before(baotou_enterprise):
    rule = check_rule(
        {
            "all": [
                crit(
                    "employees",
                    "lte",
                    values=[{"from": "2020-02-01", "value": 50}, {"from": "2020-03-01", "value": 300}],
                )
            ]
        }
    )
    assert not evaluate(rule, baotou_enterprise, date(2020, 1, 31)).eligible  # not in force yet
    assert "2020-02-01" in evaluate(rule, baotou_enterprise, date(2020, 1, 31)).criteria[0].actual
    assert not evaluate(rule, baotou_enterprise, date(2020, 2, 29)).eligible  # 100 > 50
    assert evaluate(rule, baotou_enterprise, date(2020, 3, 1)).eligible  # 100 <= 300
    assert eligible(Enterprise.objects.all(), rule, date(2020, 2, 29)).count() == 0
    assert eligible(Enterprise.objects.all(), rule, date(2020, 3, 1)).count() == 1


def test_it_says_what_would_change_the_answer(baotou_enterprise):
    rule = check_rule({"all": [crit("tags", "any", ["leading"]), crit("employees", "gte", 500, article="第二条")]})
    verdict = evaluate(rule, baotou_enterprise, DAY)
    assert not verdict.eligible
    assert [(c.fact, c.article) for c in verdict.near] == [("employees", "第二条")]


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ({"all": [crit("industry", "in", ["99"])]}, "99"),
        ({"all": [crit("tags", "any", ["golden"])]}, "golden"),
        ({"all": [crit("colour", "in", ["red"])]}, "colour"),
        ({"all": [{"fact": "size_class", "op": "in", "value": ["small"]}]}, "article"),
        ({"all": [crit("employees", "gte", "many")]}, "employees"),
        ({"all": [crit("industry", "in", 31)]}, "list"),
        (
            {
                "all": [
                    crit(
                        "employees",
                        "gte",
                        values=[{"from": "2020-03-01", "value": 1}, {"from": "2020-02-01", "value": 2}],
                    )
                ]
            },
            "order",
        ),
        ({"all": "x"}, "list"),
    ],
)
def test_a_rule_naming_something_unknown_is_refused_naming_the_criterion(rule, words):
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as e:
        check_rule(rule)
    assert words in " ".join(e.value.message_dict["rule"])
    assert "rule.all[0]" in " ".join(e.value.message_dict["rule"]) or words == "list"


# --- The database filter against the explanation, over a random registry and random rules ---------------------

INDUSTRIES = ["06", "13", "26", "31", "44"]
LEAGUES_COUNTIES = [("150200", "150203"), ("150600", "150622"), ("150100", "150102")]
TAGS = ["leading", "backbone", "specialised", "epidemic_supply"]
STATUSES = ["not_resumed", "work_resumed", "production_resumed"]


@pytest.fixture
def registry(db):
    rng = random.Random(14)
    made = []
    for _ in range(36):
        _league, county = rng.choice(LEAGUES_COUNTIES)
        e = make_enterprise(
            county=county,
            industry=rng.choice(INDUSTRIES),
            size_class=rng.choice(["large", "medium", "small", "micro"]),
            above_scale=rng.random() < 0.6,
            employees=rng.choice([5, 20, 80, 150, 300, 1200]),
            tags=rng.sample(TAGS, rng.randint(0, 2)),
        )
        days = sorted(rng.sample([DAY - timedelta(days=d) for d in range(0, 10)], rng.randint(0, 3)))
        for day in days if e.above_scale else []:  # only those under daily dispatch report
            report(e, day, rng.choice(STATUSES))
        made.append(e)
    return made


def leaf_strategy():
    return st.one_of(
        st.builds(lambda v: crit("industry", "in", v), st.lists(st.sampled_from(INDUSTRIES), min_size=1, max_size=3)),
        st.builds(
            lambda v: crit("size_class", "in", v),
            st.lists(st.sampled_from(["large", "medium", "small", "micro"]), min_size=1, max_size=2),
        ),
        st.builds(lambda v: crit("above_scale", "is", v), st.booleans()),
        st.builds(
            lambda op, v: crit("tags", op, v),
            st.sampled_from(["any", "all"]),
            st.lists(st.sampled_from(TAGS), min_size=1, max_size=2, unique=True),
        ),
        st.builds(
            lambda v: crit("league", "in", v),
            st.lists(st.sampled_from([lc[0] for lc in LEAGUES_COUNTIES]), min_size=1, max_size=2),
        ),
        st.builds(
            lambda op, v: crit("employees", op, v),
            st.sampled_from(["gte", "lte"]),
            st.sampled_from([10, 100, 250, 1000]),
        ),
        st.builds(
            lambda a, b, offset: crit(
                "employees",
                "lte",
                values=[
                    {"from": (DAY - timedelta(days=offset)).isoformat(), "value": a},
                    {"from": (DAY - timedelta(days=offset) + timedelta(days=5)).isoformat(), "value": b},
                ],
            ),
            st.sampled_from([20, 150]),
            st.sampled_from([80, 1200]),
            st.integers(min_value=-3, max_value=8),
        ),
        st.builds(lambda v: crit("resumption", "in", v), st.lists(st.sampled_from(STATUSES), min_size=1, max_size=2)),
        st.builds(
            lambda d: crit("registered_before", "before", d.isoformat()),
            st.sampled_from([date(2000, 1, 1), timezone.localdate() + timedelta(days=1)]),
        ),
    )


rules = st.recursive(
    leaf_strategy(),
    lambda children: st.one_of(
        st.builds(lambda parts: {"all": parts}, st.lists(children, max_size=3)),
        st.builds(lambda parts: {"any": parts}, st.lists(children, max_size=3)),
    ),
    max_leaves=6,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rule=rules, offset=st.integers(min_value=-2, max_value=10))
def test_the_database_filter_agrees_with_the_per_enterprise_evaluation(registry, rule, offset):
    rule = check_rule(rule)
    day = DAY - timedelta(days=offset)
    by_database = set(eligible(Enterprise.objects.all(), rule, day).values_list("pk", flat=True))
    by_hand = {e.pk for e in Enterprise.objects.all() if evaluate(rule, e, day).eligible}
    assert by_database == by_hand


def test_the_whole_registry_is_matched_in_one_query(registry, django_assert_num_queries):
    rule = check_rule(
        {"any": [crit("resumption", "in", ["production_resumed"]), crit("tags", "all", ["leading", "backbone"])]}
    )
    with django_assert_num_queries(1):
        n = eligible(Enterprise.objects.all(), rule, DAY).count()
    assert n == sum(evaluate(rule, e, DAY).eligible for e in Enterprise.objects.all())
    assert eligibility.describe("employees", "gte", 10)
