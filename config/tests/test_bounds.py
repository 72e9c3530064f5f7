"""Every input bounded: one regression test per case a hostile user found answering 500 or storing nonsense."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from config.testing import credit_code, make_enterprise
from fugong.accounts import services as account_services
from fugong.accounts.models import Role
from fugong.core import bounds
from fugong.core.excel import parse_date
from fugong.dispatch.models import DailyReport, ProjectReport, WeeklyReport
from fugong.enterprises.models import Enterprise, KeyProject
from fugong.finance.models import State
from fugong.problems.models import Problem
from fugong.problems.tests.factories import make_problem, make_referral

pytestmark = pytest.mark.django_db

DAILY = {"status": "production_resumed", "employees": 100, "on_duty": 64, "capacity_pct": 55.5, "note": ""}
PROJECT = {"status": "started", "workers_on_site": 30, "investment_week": "120.50", "note": ""}
FAR_DAYS = ["0001-01-01", "0001-01-02", "9999-12-27", "9999-12-31", "1900-01-01"]


@pytest.fixture
def api(client):
    tokens = {}

    def call(user, method, url, body=None, raw=None):
        if user.pk not in tokens:
            tokens[user.pk] = account_services.token_create(user=user, name="test")[1]
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {tokens[user.pk]}"}
        if body is not None or raw is not None:
            kwargs.update(data=raw if raw is not None else json.dumps(body), content_type="application/json")
        return getattr(client, method)(url, **kwargs)

    return call


@pytest.fixture
def referral(baotou_enterprise):
    return make_referral(baotou_enterprise)


@pytest.fixture
def key_project(baotou_enterprise):
    return KeyProject.objects.create(
        name="包头稀土新材料项目", league_id="150200", county_id="150203", total_investment=50000,
        planned_start=date(2020, 3, 1), owner=baotou_enterprise,
    )  # fmt: skip


# The referral that 1e30 broke for good on SQLite


@pytest.mark.parametrize("amount", ["1e30", "1E+13", "10000000000", "12.345", "-5", "NaN", "Infinity"])
def test_an_amount_the_column_cannot_hold_changes_nothing(api, users, referral, amount):
    response = api(
        users[Role.BANK], "post", f"/api/v1/referrals/{referral.pk}/moves", {"action": "approve", "amount": amount}
    )
    assert response.status_code == (422 if amount in ("NaN", "Infinity") else 400), response.content  # no number: 422
    assert "amount" in response.json()["error"]
    referral.refresh_from_db()
    assert (referral.state, referral.approved_amount) == (State.REFERRED, None)
    assert referral.events.count() == 1  # only "refer"
    assert api(users[Role.BANK], "get", "/api/v1/referrals").status_code == 200


def test_the_largest_amount_the_column_holds_is_accepted(api, users, referral):
    response = api(users[Role.BANK], "post", f"/api/v1/referrals/{referral.pk}/moves",
                   {"action": "approve", "amount": "9999999999.99"})  # fmt: skip
    assert response.status_code == 200 and response.json()["approved_amount"] == "9999999999.99"


@pytest.mark.parametrize(("field", "value"), [("on", "1900-01-01"), ("on", "9999-12-31"), ("comment", "x" * 5_000_000)])
def test_a_referral_move_with_a_date_or_comment_out_of_bounds_is_refused(api, users, referral, field, value):
    response = api(
        users[Role.BANK], "post", f"/api/v1/referrals/{referral.pk}/moves", {"action": "contact", field: value}
    )
    assert response.status_code == 400 and field in response.json()["error"]
    referral.refresh_from_db()
    assert referral.state == State.REFERRED


@pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite stores a value its column cannot hold")
def test_a_bad_value_stored_by_an_earlier_version_takes_no_page_down(client, api, users, referral):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE finance_referral SET approved_amount = 1e30, state = 'approved' WHERE id = %s", [referral.pk]
        )
    for role in (Role.BANK, Role.REGION):
        assert api(users[role], "get", "/api/v1/referrals").status_code == 200
        assert api(users[role], "get", f"/api/v1/referrals/{referral.pk}").status_code == 200
        client.force_login(users[role])
        assert client.get("/finance/").status_code == 200
        assert client.get(f"/finance/referrals/{referral.pk}/").status_code == 200
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 bad value"):
        call_command("find_bad_values", app="finance", stdout=out)
    assert f"finance.Referral pk={referral.pk} approved_amount" in out.getvalue()


def test_find_bad_values_finds_nothing_in_good_data(referral):
    out = io.StringIO()
    call_command("find_bad_values", stdout=out)
    assert out.getvalue().startswith("0 bad value(s)")


# Dates near year 1 or 9999, and before the platform's window


@pytest.mark.parametrize("day", FAR_DAYS)
def test_report_puts_refuse_a_day_outside_the_window(api, users, baotou_enterprise, key_project, day):
    code, user = baotou_enterprise.credit_code, users[Role.REGION]
    for url, body in (
        (f"/api/v1/reports/daily/{code}/{day}", DAILY),
        (f"/api/v1/reports/weekly/{code}/{day}", DAILY),
        (f"/api/v1/reports/projects/{key_project.pk}/{day}", PROJECT),
    ):
        response = api(user, "put", url, body)
        assert response.status_code in (400, 404), (url, response.content)
    assert not (DailyReport.objects.exists() or WeeklyReport.objects.exists() or ProjectReport.objects.exists())


def test_one_item_outside_the_window_does_not_fail_a_batch(api, users, baotou_enterprise, key_project):
    code, user = baotou_enterprise.credit_code, users[Role.REGION]
    items = [{**DAILY, "credit_code": code, "date": d} for d in ("2020-02-20", "0001-01-01", "9999-12-31")]
    response = api(user, "post", "/api/v1/reports/daily/bulk", {"items": items})
    assert response.status_code == 200
    assert [r["result"] for r in response.json()["results"]] == ["created", "refused", "refused"]
    assert "date" in response.json()["results"][1]["errors"]
    items = [{**PROJECT, "project": key_project.pk, "week": w} for w in ("2020-02-17", "9999-12-27")]
    response = api(user, "post", "/api/v1/reports/projects/bulk", {"items": items})
    assert [r["result"] for r in response.json()["results"]] == ["created", "refused"]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_pages_with_a_day_outside_the_window_answer_400(client, users, baotou_enterprise, day):
    client.force_login(users[Role.REGION])
    for url in (
        f"/dispatch/grid/?date={day}", f"/dispatch/completeness/?date={day}",
        f"/dispatch/review/?date={day}", f"/analytics/?as_of={day}", f"/analytics/drill/?as_of={day}",
        f"/analytics/brief/?as_of={day}", f"/problems/stats/?as_of={day}", f"/finance/stats/?as_of={day}",
        f"/dispatch/excel/template.xlsx?date={day}",
    ):  # fmt: skip
        assert client.get(url).status_code == 400, url
    response = client.post(f"/dispatch/grid/{baotou_enterprise.credit_code}/{day}/", {**DAILY, "version": ""})
    assert response.status_code == 400
    client.force_login(users[Role.ENTERPRISE])
    assert client.get(f"/dispatch/report/?date={day}").status_code == 400
    for url in (f"/api/v1/figures?as_of={day}", f"/api/v1/brief?as_of={day}"):
        response = client.get(url)
        assert response.status_code == 400 and "as_of" in response.json()["error"], url


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1900-01-01", 2958465, date(1, 1, 1)])
def test_the_excel_intake_refuses_a_date_outside_the_window_as_a_row_error(value):
    with pytest.raises(ValueError, match="2000-01-01"):
        parse_date(value)
    assert parse_date("2020-02-22") == date(2020, 2, 22)


# The registry


def new_enterprise(**overrides):
    payload = {
        "credit_code": credit_code("150202"), "name": "包头新能源装备有限公司", "county": "150202", "industry": "38",
        "size_class": "medium", "employees": 320, "normal_output": "2500.5",
    }  # fmt: skip
    return payload | overrides


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "名" * 1_000_000),
        ("name", "包头\x00钢铁有限公司"),
        ("name", "包头\u202e钢铁有限公司"),
        ("name", "包头\u200b钢铁有限公司"),
        ("name", "包头\x07钢铁有限公司"),
        ("contact_name", "张" * 1000),
        ("contact_phone", "1" * 1000),
        ("employees", 2**31),
        ("employees", 10**19),
        ("normal_output", "1e30"),
        ("normal_output", 1e30),
        ("normal_output", "12.345"),
    ],
)
def test_the_registry_refuses_what_it_cannot_hold(api, users, field, value):
    response = api(users[Role.LEAGUE], "post", "/api/v1/enterprises", new_enterprise(**{field: value}))
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]
    assert not Enterprise.objects.filter(name__contains="新能源").exists()


@pytest.mark.parametrize("field", ["tags", "above_scale", "name", "employees", "normal_output", "county"])
def test_patching_a_field_to_null_names_the_field(api, users, baotou_enterprise, field):
    response = api(users[Role.LEAGUE], "patch", f"/api/v1/enterprises/{baotou_enterprise.credit_code}", {field: None})
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]) == [field]


def test_an_enterprise_outside_the_area_is_refused_like_any_code_of_another_area(api, users, ordos_enterprise):
    league = users[Role.LEAGUE]  # Baotou
    unknown_code = credit_code("150622")
    existing = api(league, "post", "/api/v1/enterprises", new_enterprise(credit_code=ordos_enterprise.credit_code))
    unknown = api(league, "post", "/api/v1/enterprises", new_enterprise(credit_code=unknown_code))
    assert existing.status_code == unknown.status_code == 400
    said = existing.json()["error"]["credit_code"][0].replace(ordos_enterprise.credit_code, "CODE")
    assert said == unknown.json()["error"]["credit_code"][0].replace(unknown_code, "CODE")
    assert "已存在" not in said and not Enterprise.objects.filter(credit_code=unknown_code).exists()
    # Inside the area a duplicate is still said to be one.
    duplicate = api(
        league, "post", "/api/v1/enterprises", new_enterprise(credit_code=make_enterprise(county="150202").credit_code)
    )
    assert "已存在" in duplicate.json()["error"]["credit_code"][0]


# Filters, offsets and bodies


@pytest.mark.parametrize("param", ["q", "league", "county", "industry", "tag", "park"])
def test_a_nul_in_a_filter_is_400_naming_it(api, client, users, param):
    response = api(users[Role.REGION], "get", f"/api/v1/enterprises?{param}=a%00b")
    assert response.status_code == 400 and param in response.json()["error"]
    client.force_login(users[Role.REGION])
    assert client.get(f"/enterprises/?{param}=a%00b").status_code == 400


@pytest.mark.parametrize(
    "url",
    ["/api/v1/enterprises", "/api/v1/reports/daily", "/api/v1/reports/weekly", "/api/v1/reports/projects",
     "/api/v1/problems", "/api/v1/referrals"],
)  # fmt: skip
def test_every_paged_list_bounds_its_offset(api, users, url):
    for query in ("offset=100000000000000000000", "offset=-1", "limit=100000000000000000000", "limit=0"):
        response = api(users[Role.REGION], "get", f"{url}?{query}")
        assert response.status_code == 400, (url, query)
    assert api(users[Role.REGION], "get", f"{url}?offset=10000000").status_code == 200


def test_malformed_identifiers_in_filters_are_400_naming_them(api, client, users):
    assert api(users[Role.REGION], "get", "/api/v1/enterprises?park=abc").json() == {
        "error": {"park": ["请填写数字。"]}
    }
    client.force_login(users[Role.REGION])
    for url, param in (("/enterprises/?park=abc", "park"), ("/finance/?batch=abc", "batch"),
                       ("/problems/?department=²", "department"), ("/analytics/?park=abc", "park")):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 400 and param in response.content.decode(), url


def test_a_number_no_table_holds_in_a_path_is_404(api, client, users):
    assert api(users[Role.REGION], "get", "/api/v1/problems/99999999999999999999").status_code == 404
    client.force_login(users[Role.REGION])
    assert client.get("/problems/99999999999999999999/").status_code == 404
    assert client.get("/finance/referrals/99999999999999999999/").status_code == 404


def test_a_body_over_the_limit_is_413(api, client, users, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api(users[Role.REGION], "post", "/api/v1/problems", raw=json.dumps({"description": "x" * 2000}))
    assert response.status_code == 413 and "error" in response.json()
    client.force_login(users[Role.REGION])
    assert client.post("/problems/new/", {"description": "x" * 2000}).status_code == 413


def test_a_23_mb_json_body_is_413(api, users):
    response = api(
        users[Role.REGION], "post", "/api/v1/reports/daily/bulk", raw='{"items": [' + " " * 23_000_000 + "]}"
    )
    assert response.status_code == 413


@pytest.mark.parametrize("text", ["道路\x00卡口", "x" * 2001, "道路\u202e卡口"])
def test_free_text_is_bounded_on_every_path(api, users, baotou_enterprise, referral, text):
    region = users[Role.REGION]
    problem = make_problem(baotou_enterprise)
    code = baotou_enterprise.credit_code
    calls = [
        (
            "post",
            "/api/v1/problems",
            {"category": "transport", "description": text, "credit_code": code},
            "description",
        ),
        ("post", f"/api/v1/problems/{problem.pk}/moves", {"action": "comment", "comment": text}, "comment"),
        ("post", f"/api/v1/referrals/{referral.pk}/moves", {"action": "contact", "comment": text}, "comment"),
        ("put", f"/api/v1/reports/daily/{code}/2020-02-20", {**DAILY, "note": text}, "note"),
    ]
    for method, url, body, field in calls:
        response = api(region, method, url, body)
        assert response.status_code == 400 and field in response.json()["error"], (url, response.content)
    assert Problem.objects.count() == 1 and problem.timeline.count() == 1
    assert not DailyReport.objects.exists()


def test_the_web_forms_share_the_limits(client, users, baotou_enterprise):
    client.force_login(users[Role.ENTERPRISE])
    response = client.post(
        "/problems/new/", {"category": "transport", "urgency": "normal", "description": "道路\x00卡口"}
    )
    assert response.status_code == 200 and not Problem.objects.exists()


# The API's documentation


def test_the_api_docs_are_our_own_files_for_signed_in_users_only(client, users):
    assert client.get("/api/docs").status_code == 302
    assert client.get("/api/openapi.json").status_code == 302
    client.force_login(users[Role.ENTERPRISE])
    page = client.get("/api/docs")
    html = page.content.decode()
    assert page.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    assert "<script>" not in html  # every script is a file, or data, under the nonce
    assert "script-src 'self' 'nonce-" in page["Content-Security-Policy"]
    schema = client.get("/api/openapi.json").json()
    moves = schema["components"]["schemas"]["MoveIn"]["properties"]
    assert moves["action"]["maxLength"] == 20


def test_the_limits_are_one_rule():
    assert bounds.check_text("a\tb\nc", max_length=10, multiline=True) == "a\tb\nc"
    for bad in ("a\x00", "a\x1b", "a\u2066", "a\x85"):
        with pytest.raises(ValidationError) as refused:
            bounds.check_text(bad, max_length=10)
        assert refused.value.code == "characters"
    with pytest.raises(ValidationError):
        bounds.check_text("a\ufeffb", max_length=10, name=True)
    assert bounds.check_text("a\ufeffb", max_length=10) == "a\ufeffb"
    assert bounds.check_decimal("9999999999.99", max_digits=12, decimal_places=2) == Decimal("9999999999.99")
    assert bounds.safe_shift(date.max, 1) == date.max
