"""Eligibility against a brute-force evaluation, over random registries and random rules (property-based).

Each example draws a small registry (industries, sizes, scale, tags, leagues, headcounts, the moment each entered
the registry, a few daily reports or none) and a rule tree over every fact and operator, dated thresholds
included, then a day. The evaluation written out here, fact by fact in three values (met, not met, unknown), is
the reference: the database filter (`eligible`) must find exactly the enterprises it calls met, and the
explanation (`evaluate`) must give the same answer, the same value for each criterion, and as "what would
change the answer" exactly the criteria each of which, alone met, makes the rule met. Runs on SQLite and on
PostgreSQL (DATABASE_URL); EXAMPLES keeps it to seconds.
"""

import os
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.testing import make_enterprise
from fugong.areas.models import Area
from fugong.dispatch.models import DailyReport
from fugong.enterprises.models import Enterprise, Tag
from fugong.policies.eligibility import check_rule, eligible, evaluate

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("ELIGIBILITY_EXAMPLES", "30"))
DAY = date(2020, 2, 20)
SHANGHAI = ZoneInfo("Asia/Shanghai")
INDUSTRIES = ["06", "13", "31", "44"]
SIZES = ["large", "medium", "small", "micro"]
COUNTIES = {"150203": "150200", "150622": "150600", "150102": "150100"}
TAGS = ["leading", "backbone", "specialised", "epidemic_supply"]
STATUSES = ["not_resumed", "work_resumed", "production_resumed"]
EMPLOYEES = [0, 19, 20, 50, 300, 301]
# Registration moments around the thresholds below, late evenings included: 23:30 in Shanghai is the day
# before in UTC, so a comparison made on the wrong day shows.
REGISTERED = [
    datetime.combine(DAY + timedelta(days=d), time(h, m), SHANGHAI)
    for d in (-10, -1, 0)
    for h, m in ((0, 10), (23, 30))
]


@st.composite
def enterprises(draw):
    return {
        "county": draw(st.sampled_from(sorted(COUNTIES))),
        "industry": draw(st.sampled_from(INDUSTRIES)),
        "size_class": draw(st.sampled_from(SIZES)),
        "above_scale": draw(st.booleans()),
        "employees": draw(st.sampled_from(EMPLOYEES)),
        "tags": draw(st.lists(st.sampled_from(TAGS), max_size=3, unique=True)),
        "registered": draw(st.sampled_from(REGISTERED)),
        # Days before DAY on which it reported, with the status: none at all is "unknown" for resumption.
        "reports": draw(st.dictionaries(st.integers(-3, 6), st.sampled_from(STATUSES), max_size=3)),
    }


def _list(options, max_size=3):
    return st.lists(st.sampled_from(options), min_size=1, max_size=max_size, unique=True)


def _article():
    return st.sampled_from(["第一条", "第三条", "第六条"])


def _dated(values):
    """A threshold that changes on dates around DAY: the last value from on or before the day holds."""
    starts = st.lists(st.integers(-4, 6), min_size=1, max_size=3, unique=True).map(sorted)
    return starts.flatmap(
        lambda s: st.lists(values, min_size=len(s), max_size=len(s)).map(
            lambda vs: [{"from": (DAY + timedelta(days=d)).isoformat(), "value": v} for d, v in zip(s, vs, strict=True)]
        )
    )


def _leaf(fact, ops, values):
    def build(op, article, dated, value, schedule):
        c = {"fact": fact, "op": op, "article": article}
        if dated:
            c["values"] = schedule
        else:
            c["value"] = value
        return c

    return st.builds(build, st.sampled_from(ops), _article(), st.booleans(), values, _dated(values))


LEAVES = st.one_of(
    _leaf("industry", ["in"], _list(INDUSTRIES)),
    _leaf("size_class", ["in"], _list(SIZES)),
    _leaf("above_scale", ["is"], st.booleans()),
    _leaf("tags", ["any", "all"], _list(TAGS, 2)),
    _leaf("league", ["in"], _list(sorted(set(COUNTIES.values())))),
    _leaf("employees", ["gte", "lte"], st.sampled_from([0, 20, 50, 300])),
    _leaf("registered_before", ["before"], st.sampled_from([DAY - timedelta(days=1), DAY]).map(date.isoformat)),
    _leaf("resumption", ["in"], _list(STATUSES, 2)),
)
RULES = st.recursive(
    LEAVES,
    lambda children: st.one_of(
        st.lists(children, max_size=3).map(lambda parts: {"all": parts}),
        st.lists(children, max_size=3).map(lambda parts: {"any": parts}),
    ),
    max_leaves=7,
).map(lambda rule: rule if "all" in rule or "any" in rule else {"all": [rule]})


# --- The reference: the rule evaluated by hand, fact by fact -------------------------------------------------


def value_in_force(leaf: dict, day: date):
    if "value" in leaf:
        return leaf["value"]
    held = None
    for item in sorted(leaf["values"], key=lambda v: v["from"]):
        if date.fromisoformat(item["from"]) <= day:
            held = item["value"]
    return held


def leaf_by_hand(leaf: dict, e: dict, day: date) -> bool | None:
    value = value_in_force(leaf, day)
    if value is None:
        return False  # not in force yet on the day
    fact, op = leaf["fact"], leaf["op"]
    if fact == "industry":
        return e["industry"] in value
    if fact == "size_class":
        return e["size_class"] in value
    if fact == "above_scale":
        return e["above_scale"] == value
    if fact == "league":
        return COUNTIES[e["county"]] in value
    if fact == "employees":
        return e["employees"] >= value if op == "gte" else e["employees"] <= value
    if fact == "tags":
        return any(t in e["tags"] for t in value) if op == "any" else all(t in e["tags"] for t in value)
    if fact == "registered_before":
        return e["registered"].astimezone(SHANGHAI).date() < date.fromisoformat(value)
    # resumption: the latest status on or before the day, unknown when there is none
    filed = [d for d in e["reports"] if DAY + timedelta(days=-d) <= day]
    if not filed:
        return None
    latest = min(filed)  # the fewest days before DAY: the latest date
    return e["reports"][latest] in value


def by_hand(rule: dict, e: dict, day: date, forced: int | None = None, counter=None) -> bool | None:
    """The rule in three values; `forced` names a leaf (in reading order) taken as met."""
    counter = counter if counter is not None else [0]
    if "all" in rule or "any" in rule:
        parts = [by_hand(p, e, day, forced, counter) for p in rule.get("all", rule.get("any"))]
        if "all" in rule:
            return False if any(p is False for p in parts) else None if any(p is None for p in parts) else True
        return True if any(p is True for p in parts) else None if any(p is None for p in parts) else False
    index = counter[0]
    counter[0] += 1
    return True if index == forced else leaf_by_hand(rule, e, day)


def leaves_in_order(rule: dict) -> list[dict]:
    if "all" in rule or "any" in rule:
        return [leaf for p in rule.get("all", rule.get("any")) for leaf in leaves_in_order(p)]
    return [rule]


# --- The registry in the database ----------------------------------------------------------------------------


def build(specs: list[dict]) -> list[tuple[Enterprise, dict]]:
    made = []
    tags = {t.code: t for t in Tag.objects.all()}
    for spec in specs:
        e = make_enterprise(
            county=spec["county"],
            industry=spec["industry"],
            size_class=spec["size_class"],
            above_scale=spec["above_scale"],
            employees=spec["employees"],
        )
        e.tags.set([tags[t] for t in spec["tags"]])
        Enterprise.objects.filter(pk=e.pk).update(created_at=spec["registered"])
        e.refresh_from_db()
        league = Area.objects.get(code=COUNTIES[spec["county"]])
        DailyReport.objects.bulk_create(
            DailyReport(
                enterprise=e,
                league=league,
                county_id=spec["county"],
                date=DAY - timedelta(days=d),
                status=status,
                employees=e.employees,
                on_duty=0,
                capacity_pct=0,
                source="api",
                filed_at=datetime.combine(DAY - timedelta(days=d), time(18), SHANGHAI),
            )  # fmt: skip
            for d, status in spec["reports"].items()
        )
        made.append((e, spec))
    return made


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("FUZZ_SEED") is None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(specs=st.lists(enterprises(), min_size=1, max_size=6), rule=RULES, offset=st.integers(-3, 6))
def test_the_filter_and_the_explanation_agree_with_a_brute_force_evaluation(db, specs, rule, offset):
    rule = check_rule(rule)
    day = DAY + timedelta(days=offset)
    with transaction.atomic():
        made = build(specs)
        expected = {e.pk: by_hand(rule, spec, day) for e, spec in made}
        ids = [e.pk for e, _spec in made]
        by_database = set(eligible(Enterprise.objects.filter(pk__in=ids), rule, day).values_list("pk", flat=True))
        assert by_database == {pk for pk, state in expected.items() if state is True}
        leaves = leaves_in_order(rule)
        for e, spec in made:
            verdict = evaluate(rule, e, day)
            assert (verdict.state, verdict.eligible) == (expected[e.pk], expected[e.pk] is True), spec
            assert [c.met for c in verdict.criteria] == [leaf_by_hand(leaf, spec, day) for leaf in leaves], spec
            near = {
                i for i, leaf in enumerate(leaves)
                if expected[e.pk] is not True and leaf_by_hand(leaf, spec, day) is not True
                and by_hand(rule, spec, day, forced=i) is True
            }  # fmt: skip
            assert {i for i, c in enumerate(verdict.criteria) if any(c is n for n in verdict.near)} == near, spec
        transaction.set_rollback(True)  # each example starts from an empty registry
