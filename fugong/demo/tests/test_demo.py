import hashlib
from collections import Counter
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from config.testing import credit_code, make_enterprise
from fugong.accounts.models import Role, User, WorkGroup
from fugong.areas.models import Area, Park
from fugong.demo import build as demo
from fugong.demo import data, steps
from fugong.demo.plan import FAKE_PHONE_PREFIX, apportion, calibrate, load_geography, make_plan
from fugong.enterprises import services
from fugong.enterprises.credit_code import check
from fugong.enterprises.models import Enterprise, Industry, KeyProject

SMALL = 0.05


@pytest.fixture(autouse=True)
def english():
    # The bulk service's messages are asserted in English.
    with translation.override("en"):
        yield


def digest(rows) -> str:
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def plan_digest(plan) -> str:
    return digest(
        [(e.credit_code, e.name, e.county, e.industry, e.employees, e.normal_output, sorted(e.tags), e.contact_name)
         for e in plan.enterprises]
        + [(p.name, p.county, p.total_investment, p.planned_start, p.owner) for p in plan.projects]
    )  # fmt: skip


def db_digest() -> str:
    return digest(
        Enterprise.objects.order_by("credit_code").values_list(
            "credit_code", "name", "county_id", "park__name", "industry_id", "employees", "normal_output"
        )
    )


@pytest.fixture(scope="module")
def full_plan():
    return make_plan(seed=demo.DEFAULT_SEED)


@pytest.fixture
def small_demo(db):
    return demo.build(scale=SMALL)


# The plan, at full size and without a database.


def test_the_same_seed_gives_the_same_plan(full_plan):
    assert plan_digest(make_plan(seed=demo.DEFAULT_SEED)) == plan_digest(full_plan)
    assert plan_digest(make_plan(seed=7, scale=SMALL)) != plan_digest(make_plan(seed=8, scale=SMALL))


def test_the_full_plan_matches_the_seed_document(full_plan):
    above = full_plan.above_scale
    assert len(above) == 2757
    assert sum(e.employees for e in above) == 1_065_116
    others = [e for e in full_plan.enterprises if not e.above_scale]
    daily = [e for e in others if e.tags & {"leading", "backbone"}]
    assert len(daily) == 120
    assert all("key_industry" in e.tags and e.industry in data.KEY_INDUSTRIES for e in daily)
    park_smes = [e for e in others if e not in daily]
    assert len(park_smes) == 500
    assert all(e.park and e.size_class in ("small", "micro") for e in park_smes)
    assert len(full_plan.projects) == 300


def test_every_credit_code_and_name_is_valid_and_unique(full_plan):
    codes = [e.credit_code for e in full_plan.enterprises]
    assert all(check(code) == code for code in codes)
    assert all(e.credit_code[2:8] == e.county for e in full_plan.enterprises)
    assert len(set(codes)) == len(codes)
    names = [e.name for e in full_plan.enterprises]
    assert len(set(names)) == len(names)
    assert all(name.endswith(("有限公司", "有限责任公司")) for name in names)


def test_sizes_employees_and_output_agree(full_plan):
    for e in full_plan.enterprises:
        low, high = data.SIZE_BOUNDS[e.size_class]
        assert low <= e.employees <= high or (not e.above_scale and e.size_class == "micro" and e.employees >= 3), e
        assert e.normal_output > 0
        if e.above_scale:
            assert e.normal_output >= data.ABOVE_SCALE_MIN_MONTHLY_OUTPUT
        else:
            assert e.normal_output < Decimal(2000) / 12  # below the above-scale revenue line
    sizes = Counter(e.size_class for e in full_plan.above_scale)
    assert sizes["small"] > sizes["medium"] > sizes["large"] > 100


def test_parks_belong_to_the_enterprise_league(full_plan):
    geo = load_geography()
    placed = [e for e in full_plan.enterprises if e.park]
    assert all(geo.parks[e.park].league == geo.counties[e.county].league == e.league for e in placed)
    share = sum(e.park is not None for e in full_plan.above_scale) / len(full_plan.above_scale)
    assert 0.55 <= share <= 0.65
    for project in full_plan.projects:
        assert project.park is None or geo.parks[project.park].league == geo.counties[project.county].league


def test_leagues_and_industries_look_like_inner_mongolia(full_plan):
    leagues = Counter(e.league for e in full_plan.above_scale)
    assert leagues == Counter(data.LEAGUE_QUOTAS)
    assert {code for code, _ in leagues.most_common(5)} == {"150600", "150200", "150400", "150100", "150500"}
    industries = Counter(e.industry for e in full_plan.above_scale)
    assert {code for code, _ in industries.most_common(5)} >= {"06", "44", "26"}
    wuhai = Counter(e.industry for e in full_plan.above_scale if e.league == "150300")
    assert wuhai["26"] + wuhai["25"] + wuhai["06"] > len(list(wuhai.elements())) / 2
    baotou = Counter(e.industry for e in full_plan.above_scale if e.league == "150200")
    assert baotou["31"] + baotou["32"] > baotou["06"]
    counties = Counter(e.county for e in full_plan.above_scale)
    assert counties["150622"] > counties["150625"]  # Jungar Banner over Hanggin Banner
    assert counties["150203"] > counties["150206"]  # Kundulun over Bayan Obo


def test_tags_follow_the_brief(full_plan):
    above = Counter(tag for e in full_plan.above_scale for tag in e.tags)
    assert above["leading"] == 60
    assert above["backbone"] == 150
    assert above["epidemic_supply"] == 40
    assert above["key_industry"] == sum(e.industry in data.KEY_INDUSTRIES for e in full_plan.above_scale)
    assert Counter(tag for e in full_plan.enterprises for tag in e.tags)["specialised"] == 80
    supply = [e for e in full_plan.enterprises if "epidemic_supply" in e.tags]
    assert all(e.industry in data.EPIDEMIC_SUPPLY_INDUSTRIES for e in supply)


def test_contacts_are_plainly_fake(full_plan):
    phones = [e.contact_phone for e in full_plan.enterprises]
    assert all(p.startswith(FAKE_PHONE_PREFIX) and len(p) == 11 for p in phones)
    assert len(set(phones)) == len(phones)
    assert all(e.contact_name for e in full_plan.enterprises)


def test_projects_are_plausible(full_plan):
    owners = {e.credit_code: e for e in full_plan.enterprises}
    geo = load_geography()
    owned = [p for p in full_plan.projects if p.owner]
    assert len(owned) > 0.7 * len(full_plan.projects)
    for project in full_plan.projects:
        assert project.name.endswith("项目")
        assert 5_000 <= project.total_investment <= 2_000_000
        assert date(2020, 2, 1) <= project.planned_start <= date(2020, 4, 30)
        if project.owner:
            assert owners[project.owner].league == geo.counties[project.county].league
    assert len({p.name for p in full_plan.projects}) == len(full_plan.projects)


def test_apportion_and_calibrate_hit_their_totals():
    assert apportion(10, {"a": 1, "b": 1, "c": 1}) == {"a": 4, "b": 3, "c": 3}
    values = [1000, 500, 100]
    calibrate(values, [(1000, 5000), (300, 999), (20, 299)], [0, 1], 3001)
    assert sum(values) == 3001
    assert values[2] == 100
    with pytest.raises(ValueError):
        calibrate([10, 10], [(5, 20), (5, 20)], [0, 1], 100)


# Writing, at a small scale.


def test_it_writes_the_plan_through_the_services(small_demo):
    plan = make_plan(seed=demo.DEFAULT_SEED, scale=SMALL)
    assert Enterprise.objects.count() == len(plan.enterprises) == small_demo.counts["enterprises"]
    assert Enterprise.objects.filter(above_scale=True).count() == round(2757 * SMALL)
    assert KeyProject.objects.count() == len(plan.projects) == 15
    assert Enterprise.history.filter(history_change_reason="demo").count() == Enterprise.objects.count()
    for enterprise in Enterprise.objects.select_related("park", "county"):
        assert check(enterprise.credit_code) == enterprise.credit_code
        assert enterprise.league_id == enterprise.county.parent_id
        assert enterprise.park is None or enterprise.park.league_id == enterprise.league_id


def test_the_demo_holds_baotou_steel_with_its_tags_and_history(small_demo):
    baogang = Enterprise.objects.get(name_initials__startswith="btgt")
    assert baogang.name == "包头钢铁（集团）有限责任公司"
    assert baogang.county_id == "150203"
    assert set(baogang.tags.values_list("code", flat=True)) == {"leading", "key_industry"}
    first = baogang.history.earliest("history_date")
    assert set(first.tags.values_list("tag_id", flat=True)) == {"leading", "key_industry"}


def test_there_is_one_login_per_role(small_demo):
    users = User.objects.filter(username__in=[username for _, username, _ in data.LOGINS])
    assert sorted(u.role for u in users) == sorted(Role.values)
    assert all(u.check_password(demo.PASSWORD) for u in users)
    assert users.get(role=Role.ENTERPRISE).enterprise.name.startswith("包头钢铁")
    assert "150200" in users.get(role=Role.WORKGROUP).work_group.leagues.values_list("code", flat=True)
    validate_password(demo.PASSWORD)


def test_the_work_groups_cover_every_league(small_demo):
    covered = WorkGroup.objects.values_list("leagues", flat=True)
    assert WorkGroup.objects.count() == 7
    assert sorted(covered) == sorted(Area.objects.filter(level=Area.Level.LEAGUE).values_list("code", flat=True))


def test_a_rebuild_replaces_the_demo_with_the_same_data(small_demo):
    before = db_digest()
    demo.build(scale=SMALL)
    assert db_digest() == before
    assert Enterprise.history.count() == Enterprise.objects.count()
    assert KeyProject.objects.count() == 15
    assert User.objects.filter(username="baogang").count() == 1


def test_a_rebuild_removes_users_bound_to_the_old_demo(small_demo):
    enterprise = Enterprise.objects.get(name_initials__startswith="btgt")
    User.objects.create(username="someone", role=Role.ENTERPRISE, enterprise=enterprise)
    demo.build(scale=SMALL)
    assert not User.objects.filter(username="someone").exists()


def test_a_wipe_stops_at_rows_a_later_step_should_have_wiped(small_demo):
    # Projects and the enterprise login point at enterprises; wiping those alone would leave them dangling.
    with pytest.raises(RuntimeError, match="still points at enterprises.Enterprise"):
        steps.wipe_enterprises()
    assert Enterprise.objects.count() == small_demo.counts["enterprises"]


def test_demo_if_empty_leaves_existing_enterprises_alone(db):
    make_enterprise()
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert Enterprise.objects.count() == 1
    assert "already" in out.getvalue()


def test_the_demo_command_prints_its_counts(db):
    out = StringIO()
    call_command("demo", "--scale", "0.02", "--seed", "1", stdout=out)
    assert "above-scale" in out.getvalue()
    assert Enterprise.objects.filter(above_scale=True).count() == round(2757 * 0.02)


def test_logins_prints_each_role(small_demo):
    out = StringIO()
    call_command("logins", stdout=out)
    text = out.getvalue()
    for role, username, _ in data.LOGINS:
        assert role in text
        assert username in text
    assert demo.PASSWORD in text
    assert "包头钢铁（集团）有限责任公司" in text


def test_logins_without_a_demo_says_so(db):
    out = StringIO()
    call_command("logins", stdout=out)
    assert "demo" in out.getvalue()


# The bulk service the demo writes with.


def enterprise_data(**fields):
    values = {
        "credit_code": credit_code("150203"),
        "name": "包头测试钢铁有限公司",
        "county": Area.objects.get(code="150203"),
        "industry": Industry.objects.get(code="31"),
        "size_class": "small",
        "employees": 100,
        "normal_output": Decimal("500.00"),
        "above_scale": True,
        "tags": ["key_industry"],
    }
    values.update(fields)
    return services.EnterpriseData(**values)


def test_bulk_create_names_the_row_and_writes_nothing(db):
    first = enterprise_data()
    items = [
        first,
        enterprise_data(credit_code=first.credit_code),
        enterprise_data(park=Park.objects.get(name="乌海经济开发区")),
    ]
    with pytest.raises(ValidationError) as raised:
        services.enterprise_bulk_create(actor=None, items=items, source=services.Source.COMMAND)
    errors = raised.value.message_dict
    assert any(m.startswith("Row 2:") for m in errors["credit_code"])
    assert any(m.startswith("Row 3:") for m in errors["park"])
    assert not Enterprise.objects.exists()


def test_bulk_create_refuses_a_credit_code_already_registered(db):
    existing = make_enterprise()
    with pytest.raises(ValidationError) as raised:
        services.enterprise_bulk_create(
            actor=None, items=[enterprise_data(credit_code=existing.credit_code)], source=services.Source.COMMAND
        )
    assert raised.value.message_dict["credit_code"][0].startswith("Row 1:")
