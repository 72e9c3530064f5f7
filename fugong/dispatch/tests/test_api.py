import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from config.testing import make_enterprise
from fugong.accounts import services as account_services
from fugong.accounts.models import Role
from fugong.areas.models import Park
from fugong.dispatch.models import DailyReport, ProjectReport, ReportVersion, WeeklyReport, week_start
from fugong.dispatch.tests.scenario import project

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def call(user, method, url, body=None, **headers):
        token = account_services.token_create(user=user, name="test")[1]
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}", **{f"HTTP_{k}": v for k, v in headers.items()}}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(client, method)(url, **kwargs)

    return call


def yesterday():
    return (timezone.localdate() - timedelta(days=1)).isoformat()


BODY = {"status": "production_resumed", "employees": 100, "on_duty": 64, "capacity_pct": 55.5, "note": "正常"}


def test_put_creates_then_is_idempotent(api, users, baotou_enterprise):
    url = f"/api/v1/reports/daily/{baotou_enterprise.credit_code}/{yesterday()}"
    first = api(users[Role.ENTERPRISE], "put", url, BODY)
    assert first.status_code == 201, first.content
    assert first.json()["version"] == 1 and first.json()["on_behalf"] is False
    again = api(users[Role.ENTERPRISE], "put", url, BODY)
    assert again.status_code == 200 and again.json()["version"] == 1
    assert DailyReport.objects.count() == 1


def test_put_with_a_stale_version_is_409_with_the_current_values(api, users, baotou_enterprise):
    url = f"/api/v1/reports/daily/{baotou_enterprise.credit_code}/{yesterday()}"
    api(users[Role.ENTERPRISE], "put", url, BODY)
    api(users[Role.LEAGUE], "put", url, {**BODY, "on_duty": 70, "version": 1})
    stale = api(users[Role.ENTERPRISE], "put", url, {**BODY, "on_duty": 80, "version": 1})
    assert stale.status_code == 409
    assert stale.json()["current"]["on_duty"] == 70
    assert DailyReport.objects.get().on_duty == 70


def test_put_refuses_bad_figures_naming_the_field(api, users, baotou_enterprise):
    url = f"/api/v1/reports/daily/{baotou_enterprise.credit_code}/{yesterday()}"
    response = api(users[Role.ENTERPRISE], "put", url, {**BODY, "on_duty": 101})
    assert response.status_code == 400
    assert "on_duty" in response.json()["error"]
    assert not DailyReport.objects.exists()


def test_put_out_of_scope_is_404(api, users, ordos_enterprise):
    url = f"/api/v1/reports/daily/{ordos_enterprise.credit_code}/{yesterday()}"
    for role in (Role.ENTERPRISE, Role.LEAGUE, Role.COUNTY, Role.WORKGROUP, Role.BANK):
        assert api(users[role], "put", url, BODY).status_code == 404
    assert api(users[Role.REGION], "put", url, BODY).status_code == 201


def test_bulk_answers_per_item(api, users, baotou_enterprise, ordos_enterprise):
    others = [make_enterprise(county="150202") for _ in range(3)]
    day = yesterday()
    items = [{**BODY, "credit_code": e.credit_code, "date": day} for e in [baotou_enterprise, *others]]
    items.append({**BODY, "credit_code": ordos_enterprise.credit_code, "date": day})
    items.append({**BODY, "credit_code": others[0].credit_code, "date": day, "on_duty": 1000})
    response = api(users[Role.LEAGUE], "post", "/api/v1/reports/daily/bulk", {"items": items})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["result"] for r in body["results"]] == ["created"] * 4 + ["not_found", "refused"]
    assert body["counts"] == {"created": 4, "not_found": 1, "refused": 1}
    assert DailyReport.objects.count() == 4


def test_bulk_refuses_more_than_5000(api, users):
    items = [{**BODY, "credit_code": "X", "date": yesterday()}] * 5001
    response = api(users[Role.REGION], "post", "/api/v1/reports/daily/bulk", {"items": items})
    assert response.status_code == 400


def test_idempotency_key_replays_and_refuses_another_body(api, users, baotou_enterprise):
    items = [{**BODY, "credit_code": baotou_enterprise.credit_code, "date": yesterday()}]
    first = api(users[Role.LEAGUE], "post", "/api/v1/reports/daily/bulk", {"items": items}, IDEMPOTENCY_KEY="k1")
    again = api(users[Role.LEAGUE], "post", "/api/v1/reports/daily/bulk", {"items": items}, IDEMPOTENCY_KEY="k1")
    assert first.json() == again.json()
    assert again.json()["results"][0]["result"] == "created"
    assert ReportVersion.objects.count() == 1
    other = api(
        users[Role.LEAGUE],
        "post",
        "/api/v1/reports/daily/bulk",
        {"items": [{**items[0], "on_duty": 50}]},
        IDEMPOTENCY_KEY="k1",
    )
    assert other.status_code == 422


def test_list_is_scoped_and_filtered(api, users, baotou_enterprise, ordos_enterprise):
    day = yesterday()
    api(
        users[Role.REGION],
        "post",
        "/api/v1/reports/daily/bulk",
        {"items": [{**BODY, "credit_code": e.credit_code, "date": day} for e in (baotou_enterprise, ordos_enterprise)]},
    )
    league = api(users[Role.LEAGUE], "get", f"/api/v1/reports/daily?date={day}").json()
    assert league["count"] == 1
    item = league["items"][0]
    assert item["credit_code"] == baotou_enterprise.credit_code
    assert {"date", "status", "employees", "on_duty", "capacity_pct", "version"} <= item.keys()
    region = api(users[Role.REGION], "get", f"/api/v1/reports/daily?date={day}&league=150600").json()
    assert [i["credit_code"] for i in region["items"]] == [ordos_enterprise.credit_code]
    mine = api(users[Role.ENTERPRISE], "get", "/api/v1/reports/daily").json()
    assert mine["count"] == 1


def monday():
    return week_start(timezone.localdate() - timedelta(days=7)).isoformat()


@pytest.fixture
def park_enterprise(db):
    park = Park.objects.get(name="包头铝业产业园区")
    return make_enterprise(county="150202", name="包头园区周报企业", above_scale=False, park=park, size_class="small")


@pytest.fixture
def key_project(baotou_enterprise):
    return project("包头稀土新材料项目", "150203", owner=baotou_enterprise)


PROJECT_BODY = {"status": "started", "workers_on_site": 30, "investment_week": "120.50", "note": ""}


def test_put_weekly_creates_then_is_idempotent_and_needs_a_monday(api, users, park_enterprise):
    url = f"/api/v1/reports/weekly/{park_enterprise.credit_code}/{monday()}"
    first = api(users[Role.LEAGUE], "put", url, BODY)
    assert first.status_code == 201, first.content
    assert first.json()["week"] == monday() and first.json()["on_behalf"] is True
    assert api(users[Role.LEAGUE], "put", url, BODY).json()["version"] == 1
    tuesday = (date.fromisoformat(monday()) + timedelta(days=1)).isoformat()
    refused = api(users[Role.LEAGUE], "put", f"/api/v1/reports/weekly/{park_enterprise.credit_code}/{tuesday}", BODY)
    assert refused.status_code == 400 and "week" in refused.json()["error"]
    assert WeeklyReport.objects.count() == 1 and ReportVersion.objects.filter(kind="weekly").count() == 1


def test_put_weekly_for_an_enterprise_under_daily_dispatch_is_refused(api, users, baotou_enterprise):
    url = f"/api/v1/reports/weekly/{baotou_enterprise.credit_code}/{monday()}"
    response = api(users[Role.LEAGUE], "put", url, BODY)
    assert response.status_code == 400 and "__all__" in response.json()["error"]
    assert not WeeklyReport.objects.exists()


def test_put_project_by_its_owner_and_on_behalf(api, users, key_project):
    url = f"/api/v1/reports/projects/{key_project.pk}/{monday()}"
    first = api(users[Role.ENTERPRISE], "put", url, PROJECT_BODY)
    assert first.status_code == 201, first.content
    assert first.json()["on_behalf"] is False and first.json()["investment_week"] == "120.50"
    second = api(users[Role.LEAGUE], "put", url, {**PROJECT_BODY, "workers_on_site": 35, "version": 1})
    assert second.status_code == 200 and second.json()["version"] == 2 and second.json()["on_behalf"] is True
    stale = api(users[Role.ENTERPRISE], "put", url, {**PROJECT_BODY, "workers_on_site": 40, "version": 1})
    assert stale.status_code == 409 and stale.json()["current"]["workers_on_site"] == 35
    assert ProjectReport.objects.get().workers_on_site == 35


def test_the_weekly_and_project_lists_are_scoped_with_versions(api, users, park_enterprise, key_project):
    ordos_project = project("准格尔煤制烯烃项目", "150622")
    week = monday()
    api(users[Role.LEAGUE], "put", f"/api/v1/reports/weekly/{park_enterprise.credit_code}/{week}", BODY)
    for p in (key_project, ordos_project):
        api(users[Role.REGION], "put", f"/api/v1/reports/projects/{p.pk}/{week}", PROJECT_BODY)
    weekly = api(users[Role.LEAGUE], "get", f"/api/v1/reports/weekly?week={week}").json()
    assert weekly["count"] == 1
    assert {"credit_code", "week", "status", "employees", "on_duty", "capacity_pct", "version"} <= weekly["items"][
        0
    ].keys()
    league = api(users[Role.LEAGUE], "get", f"/api/v1/reports/projects?week={week}").json()
    assert [i["project"] for i in league["items"]] == [key_project.pk]
    assert {"week", "status", "workers_on_site", "investment_week", "version"} <= league["items"][0].keys()
    region = api(users[Role.REGION], "get", "/api/v1/reports/projects?league=150600").json()
    assert [i["project"] for i in region["items"]] == [ordos_project.pk]
    assert api(users[Role.BANK], "get", "/api/v1/reports/projects").json()["count"] == 0


def test_the_list_pages_with_limit_and_offset(api, users, baotou_enterprise):
    days = [(timezone.localdate() - timedelta(days=n)).isoformat() for n in range(1, 6)]
    items = [{**BODY, "credit_code": baotou_enterprise.credit_code, "date": d} for d in days]
    api(users[Role.LEAGUE], "post", "/api/v1/reports/daily/bulk", {"items": items})
    page = api(users[Role.LEAGUE], "get", "/api/v1/reports/daily?limit=2&offset=1").json()
    assert page["count"] == 5 and [i["date"] for i in page["items"]] == days[1:3]


def test_bulk_projects_answers_per_item_and_honours_the_key(api, users, key_project):
    ordos_project = project("准格尔煤制烯烃项目", "150622")
    week = monday()
    items = [
        {**PROJECT_BODY, "project": key_project.pk, "week": week},
        {**PROJECT_BODY, "project": ordos_project.pk, "week": week},
        {**PROJECT_BODY, "project": key_project.pk, "week": week, "status": "not_started"},
    ]
    url = "/api/v1/reports/projects/bulk"
    response = api(users[Role.LEAGUE], "post", url, {"items": items}, IDEMPOTENCY_KEY="p1")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["result"] for r in body["results"]] == ["created", "not_found", "refused"]
    assert body["results"][0] == {**body["results"][0], "project": key_project.pk, "week": week, "version": 1}
    assert "project" in body["results"][1]["errors"]
    again = api(users[Role.LEAGUE], "post", url, {"items": items}, IDEMPOTENCY_KEY="p1")
    assert again.json() == body
    other = api(users[Role.LEAGUE], "post", url, {"items": items[:1]}, IDEMPOTENCY_KEY="p1")
    assert other.status_code == 422 and "Idempotency-Key" in other.json()["error"]
    assert ProjectReport.objects.count() == 1 and ReportVersion.objects.filter(kind="project").count() == 1


def test_bulk_weekly_answers_per_item(api, users, park_enterprise, baotou_enterprise):
    week = monday()
    items = [
        {**BODY, "credit_code": park_enterprise.credit_code, "date": week},
        {**BODY, "credit_code": baotou_enterprise.credit_code, "date": week},
    ]
    body = api(users[Role.LEAGUE], "post", "/api/v1/reports/weekly/bulk", {"items": items}).json()
    assert [r["result"] for r in body["results"]] == ["created", "refused"]
    assert WeeklyReport.objects.get().enterprise == park_enterprise


def test_the_same_key_on_another_endpoint_is_another_request(api, users, baotou_enterprise, park_enterprise):
    daily = [{**BODY, "credit_code": baotou_enterprise.credit_code, "date": yesterday()}]
    weekly = [{**BODY, "credit_code": park_enterprise.credit_code, "date": monday()}]
    a = api(users[Role.LEAGUE], "post", "/api/v1/reports/daily/bulk", {"items": daily}, IDEMPOTENCY_KEY="same")
    b = api(users[Role.LEAGUE], "post", "/api/v1/reports/weekly/bulk", {"items": weekly}, IDEMPOTENCY_KEY="same")
    assert a.status_code == b.status_code == 200
    assert DailyReport.objects.count() == 1 and WeeklyReport.objects.count() == 1


def test_bulk_takes_5000_reports_with_a_result_each(api, users, baotou_enterprise):
    today = timezone.localdate()
    items = [
        {**BODY, "credit_code": baotou_enterprise.credit_code, "date": (today - timedelta(days=n)).isoformat()}
        for n in range(1, 5001)
    ]
    response = api(users[Role.LEAGUE], "post", "/api/v1/reports/daily/bulk", {"items": items})
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 5000 and {r["result"] for r in results} == {"created"}
    assert [r["date"] for r in results[:2]] == [items[0]["date"], items[1]["date"]]
    assert DailyReport.objects.count() == 5000 and ReportVersion.objects.count() == 5000


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**BODY, "employees": "many"}, "employees"),
        ({k: v for k, v in BODY.items() if k != "on_duty"}, "on_duty"),
        ({**BODY, "capacity_pct": "6.87万"}, "capacity_pct"),
    ],
)
def test_a_malformed_body_is_422_naming_the_field(api, users, baotou_enterprise, body, field):
    url = f"/api/v1/reports/daily/{baotou_enterprise.credit_code}/{yesterday()}"
    response = api(users[Role.ENTERPRISE], "put", url, body)
    assert response.status_code == 422
    assert field in json.dumps(response.json()["error"])
    assert not DailyReport.objects.exists()


def test_a_date_that_is_no_date_is_422(api, users, baotou_enterprise):
    response = api(
        users[Role.ENTERPRISE], "put", f"/api/v1/reports/daily/{baotou_enterprise.credit_code}/2020-02-30", BODY
    )
    assert response.status_code == 422 and not DailyReport.objects.exists()


def test_bulk_items_are_checked_one_by_one_not_all_or_nothing(api, users, baotou_enterprise):
    day = yesterday()
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    items = [
        {**BODY, "credit_code": baotou_enterprise.credit_code, "date": future},
        {**BODY, "credit_code": baotou_enterprise.credit_code.lower(), "date": day},
    ]
    body = api(users[Role.ENTERPRISE], "post", "/api/v1/reports/daily/bulk", {"items": items}).json()
    assert [r["result"] for r in body["results"]] == ["refused", "created"]
    assert "date" in body["results"][0]["errors"]
    assert DailyReport.objects.get().date.isoformat() == day


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"employees": 3_000_000_000}, "employees"), ({"capacity_pct": "1E+30"}, "capacity_pct")],
)
def test_an_absurd_figure_is_refused_with_a_reason_not_a_server_error(api, users, baotou_enterprise, overrides, field):
    url = f"/api/v1/reports/daily/{baotou_enterprise.credit_code}/{yesterday()}"
    response = api(users[Role.ENTERPRISE], "put", url, {**BODY, **overrides})
    assert response.status_code == 400 and set(response.json()["error"]) == {field}
    assert not DailyReport.objects.exists()
