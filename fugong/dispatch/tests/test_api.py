import json
from datetime import timedelta

import pytest
from django.utils import timezone

from fugong.accounts import services as account_services
from fugong.accounts.models import Role
from fugong.core.testing import make_enterprise
from fugong.dispatch.models import DailyReport, ReportVersion

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
