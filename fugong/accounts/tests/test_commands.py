from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from fugong.accounts.models import ApiToken, Bank, Department, Role, User, WorkGroup

pytestmark = pytest.mark.django_db

STRONG = "Grassland-wind-88"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def createuser(*args) -> str:
    out = StringIO()
    call_command("createuser", *args, stdout=out)
    return out.getvalue()


def test_it_creates_a_region_official(db):
    out = createuser("alice", "--role", "region", "--area", "150000", "--password", STRONG)
    user = User.objects.get(username="alice")
    assert (user.role, user.area_id) == (Role.REGION, "150000")
    assert user.check_password(STRONG)
    assert out.startswith("Created alice (region, ")


def test_it_creates_a_league_official(db):
    createuser("bob", "--role", "league", "--area", "150200", "--password", STRONG)
    assert User.objects.get(username="bob").area_id == "150200"


def test_a_separately_listed_city_may_have_league_officials(db):
    createuser("mzl", "--role", "league", "--area", "150781", "--password", STRONG)
    assert User.objects.get(username="mzl").area_id == "150781"


def test_it_creates_a_county_official(db):
    createuser("carol", "--role", "county", "--area", "150203", "--password", STRONG)
    assert User.objects.get(username="carol").area_id == "150203"


def test_it_refuses_an_area_of_the_wrong_level(db):
    with pytest.raises(CommandError, match="does not fit the role"):
        createuser("carol", "--role", "county", "--area", "150200", "--password", STRONG)
    assert not User.objects.filter(username="carol").exists()


def test_it_creates_a_work_group_member(db):
    group = WorkGroup.objects.create(name="第二工作组")
    createuser("dave", "--role", "workgroup", "--group", "第二工作组", "--password", STRONG)
    assert User.objects.get(username="dave").work_group == group


def test_it_creates_a_handler_and_the_department(db):
    createuser("erin", "--role", "handler", "--department", "交通运输厅", "--password", STRONG)
    assert User.objects.get(username="erin").department == Department.objects.get(name="交通运输厅")


def test_it_creates_an_enterprise_user_by_credit_code(db, baotou_enterprise):
    # Credit codes are accepted in lower case and full width, as people type them.
    createuser(
        "frank", "--role", "enterprise", "--enterprise", baotou_enterprise.credit_code.lower(), "--password", STRONG
    )
    assert User.objects.get(username="frank").enterprise == baotou_enterprise


def test_it_creates_a_provider_bound_to_nothing(db):
    createuser("grace", "--role", "provider", "--password", STRONG)
    assert User.objects.get(username="grace").binding == ""


def test_it_creates_a_bank_user_and_the_bank(db):
    createuser("heidi", "--role", "bank", "--bank", "中国银行内蒙古分行", "--password", STRONG)
    assert User.objects.get(username="heidi").bank == Bank.objects.get(name="中国银行内蒙古分行")


@pytest.mark.parametrize(
    ("role", "option"),
    [
        ("region", "--area CODE"),
        ("league", "--area CODE"),
        ("county", "--area CODE"),
        ("workgroup", "--group NAME"),
        ("handler", "--department NAME"),
        ("enterprise", "--enterprise CREDIT_CODE"),
        ("bank", "--bank NAME"),
    ],
)
def test_a_missing_binding_is_named(db, role, option):
    with pytest.raises(CommandError, match=f"The role “{role}” needs {option}"):
        createuser("someone", "--role", role, "--password", STRONG)
    assert not User.objects.filter(username="someone").exists()


def test_a_binding_the_role_does_not_take_is_refused(db):
    with pytest.raises(CommandError, match="The role “league” takes no --bank"):
        createuser("bob", "--role", "league", "--area", "150200", "--bank", "某银行", "--password", STRONG)
    assert not Bank.objects.exists()


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--area", "159999", "No area with code 159999"),
        ("--enterprise", "91150203MA0000000X", "No enterprise with credit code 91150203MA0000000X"),
        ("--group", "无此工作组", "No work group named 无此工作组"),
    ],
)
def test_an_unknown_binding_is_named(db, option, value, expected):
    role = {"--area": "league", "--enterprise": "enterprise", "--group": "workgroup"}[option]
    with pytest.raises(CommandError, match=expected):
        createuser("someone", "--role", role, option, value, "--password", STRONG)


def test_an_unknown_role_is_refused(db):
    with pytest.raises(CommandError, match="invalid choice"):
        createuser("someone", "--role", "admin", "--password", STRONG)


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Short-1", "This password is too short. It must contain at least 10 characters."),
        ("onlylowercaseletters", "The password must mix at least 3 of"),
        ("Grace_provider1", "The password is too similar to the username."),
    ],
)
def test_a_weak_password_is_refused_with_the_rule(db, password, expected):
    with pytest.raises(CommandError, match=expected):
        createuser("grace_provider", "--role", "provider", "--password", password)
    assert not User.objects.exists()


def test_a_refused_user_leaves_no_department_behind(db):
    with pytest.raises(CommandError, match="too short"):
        createuser("erin", "--role", "handler", "--department", "新部门", "--password", "Short-1")
    assert not Department.objects.filter(name="新部门").exists()


def test_a_taken_username_is_refused(db):
    createuser("grace", "--role", "provider", "--password", STRONG)
    with pytest.raises(CommandError, match="The username “grace” is taken"):
        createuser("grace", "--role", "provider", "--password", STRONG)


def test_it_asks_for_the_password_when_none_is_given(db):
    with mock.patch("getpass.getpass", side_effect=[STRONG, STRONG]) as ask:
        createuser("grace", "--role", "provider")
    assert ask.call_count == 2
    assert User.objects.get(username="grace").check_password(STRONG)


def test_it_refuses_two_different_passwords(db):
    with mock.patch("getpass.getpass", side_effect=[STRONG, STRONG + "x"]), pytest.raises(CommandError, match="differ"):
        createuser("grace", "--role", "provider")
    assert not User.objects.exists()


def test_an_asked_password_follows_the_rules_too(db):
    with mock.patch("getpass.getpass", side_effect=["Short-1", "Short-1"]), pytest.raises(CommandError, match="short"):
        createuser("grace", "--role", "provider")


def test_apitoken_prints_a_token_that_works(client, users, baotou_enterprise):
    out = StringIO()
    call_command("apitoken", "bob_league", stdout=out)
    raw = out.getvalue().strip()

    token = ApiToken.objects.get(user=users[Role.LEAGUE])
    assert token.digest == ApiToken.digest_of(raw)
    assert token.name == "manage.py apitoken"
    response = client.get("/api/v1/enterprises", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert [e["credit_code"] for e in response.json()["items"]] == [baotou_enterprise.credit_code]


def test_apitoken_takes_a_name(users):
    call_command("apitoken", "bob_league", "--name", "盟市平台", stdout=StringIO())
    assert ApiToken.objects.get().name == "盟市平台"


def test_apitoken_refuses_an_unknown_or_inactive_user(users):
    with pytest.raises(CommandError, match="No active user nobody"):
        call_command("apitoken", "nobody", stdout=StringIO())
    User.objects.filter(username="bob_league").update(is_active=False)
    with pytest.raises(CommandError, match="No active user bob_league"):
        call_command("apitoken", "bob_league", stdout=StringIO())
    assert not ApiToken.objects.exists()
