import json

import pytest

from config.testing import credit_code, make_enterprise
from fugong.accounts import services as account_services
from fugong.accounts.models import Role
from fugong.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def call(user, method, url, body=None):
        token = account_services.token_create(user=user, name="test")[1]
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(client, method)(url, **kwargs)

    return call


def new_payload(**overrides):
    payload = {
        "credit_code": credit_code("150202"),
        "name": "包头新能源装备有限公司",
        "county": "150202",
        "industry": "38",
        "size_class": "medium",
        "employees": 320,
        "normal_output": "2500.5",
        "above_scale": True,
        "tags": ["specialised"],
        "park": "包头铝业产业园区",
    }
    payload.update(overrides)
    return payload


def test_it_lists_with_count_and_items(api, users, baotou_enterprise, ordos_enterprise):
    body = api(users[Role.REGION], "get", "/api/v1/enterprises").json()
    assert body["count"] == 2
    item = next(i for i in body["items"] if i["credit_code"] == baotou_enterprise.credit_code)
    assert item["league"] == "150200" and item["county"] == "150203"
    assert item["industry"] == "31" and item["above_scale"] is True
    assert item["tags"] == ["key_industry", "leading"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("league=150200", {"baotou"}),
        ("county=150622", {"ordos"}),
        ("industry=06", {"ordos"}),
        ("tag=leading", {"baotou"}),
        ("q=btgt", {"baotou"}),
        ("q=包頭", {"baotou"}),
        ("above_scale=false", set()),
        ("above_scale=true&league=150600", {"ordos"}),
        ("q=" + "91", {"baotou", "ordos"}),
    ],
)
def test_it_filters(api, users, baotou_enterprise, ordos_enterprise, params, expected):
    names = {baotou_enterprise.credit_code: "baotou", ordos_enterprise.credit_code: "ordos"}
    body = api(users[Role.REGION], "get", f"/api/v1/enterprises?{params}").json()
    assert {names[i["credit_code"]] for i in body["items"]} == expected


def test_it_filters_by_park(api, users, baotou_enterprise):
    from fugong.areas.models import Park

    park = Park.objects.get(name="包头铝业产业园区")
    inside = make_enterprise(county="150202", park=park)
    body = api(users[Role.REGION], "get", f"/api/v1/enterprises?park={park.pk}").json()
    assert [i["credit_code"] for i in body["items"]] == [inside.credit_code]


def test_it_pages(api, users):
    for _ in range(5):
        make_enterprise(county="150202")
    body = api(users[Role.LEAGUE], "get", "/api/v1/enterprises?county=150202&limit=2&offset=2").json()
    assert body["count"] == 5
    assert len(body["items"]) == 2


def test_the_list_query_count_does_not_grow_with_rows(api, users, django_assert_max_num_queries):
    for _ in range(20):
        make_enterprise(county="150202")
    token = account_services.token_create(user=users[Role.REGION], name="q")[1]
    from django.test import Client

    with django_assert_max_num_queries(8):
        response = Client().get("/api/v1/enterprises?county=150202&limit=100", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.json()["count"] == 20


def test_detail_in_and_out_of_scope(api, users, baotou_enterprise, ordos_enterprise):
    league = users[Role.LEAGUE]
    assert api(league, "get", f"/api/v1/enterprises/{baotou_enterprise.credit_code}").status_code == 200
    response = api(league, "get", f"/api/v1/enterprises/{ordos_enterprise.credit_code}")
    assert response.status_code == 404
    assert "error" in response.json()


def test_it_refuses_without_a_token(client, baotou_enterprise):
    response = client.get("/api/v1/enterprises")
    assert response.status_code == 401
    response = client.get("/api/v1/enterprises", HTTP_AUTHORIZATION="Bearer fg_not-a-token")
    assert response.status_code == 401


def test_an_official_creates(api, users):
    payload = new_payload()
    response = api(users[Role.LEAGUE], "post", "/api/v1/enterprises", payload)
    assert response.status_code == 201, response.content
    assert response.json()["park"] == "包头铝业产业园区"
    enterprise = Enterprise.objects.get(credit_code=payload["credit_code"])
    assert enterprise.league_id == "150200"
    assert enterprise.history.first().history_change_reason == "api"


def test_a_retried_create_does_not_duplicate(api, users):
    payload = new_payload()
    assert api(users[Role.LEAGUE], "post", "/api/v1/enterprises", payload).status_code == 201
    again = api(users[Role.LEAGUE], "post", "/api/v1/enterprises", payload)
    assert again.status_code == 400
    assert "credit_code" in again.json()["error"]
    assert Enterprise.objects.filter(credit_code=payload["credit_code"]).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"county": "999999"}, "county"),
        ({"county": "150622", "park": None}, "county"),
        ({"industry": "99"}, "industry"),
        ({"park": "没有这个园区"}, "park"),
        ({"park": "准格尔经济开发区"}, "park"),
        ({"employees": -1}, "employees"),
        ({"tags": ["famous"]}, "tags"),
        ({"credit_code": "911502001141248050"}, "credit_code"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(api, users, overrides, field):
    response = api(users[Role.LEAGUE], "post", "/api/v1/enterprises", new_payload(**overrides))
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]
    assert not Enterprise.objects.exclude(pk=users[Role.ENTERPRISE].enterprise_id).exists()


def test_a_malformed_body_is_422_naming_the_field(api, users):
    response = api(users[Role.LEAGUE], "post", "/api/v1/enterprises", new_payload(employees="many"))
    assert response.status_code == 422
    assert "employees" in response.json()["error"]


def test_patch_changes_only_what_is_sent(api, users, baotou_enterprise):
    response = api(
        users[Role.COUNTY],
        "patch",
        f"/api/v1/enterprises/{baotou_enterprise.credit_code}",
        {"employees": 28000, "tags": ["leading", "backbone", "key_industry"]},
    )
    assert response.status_code == 200, response.content
    baotou_enterprise.refresh_from_db()
    assert baotou_enterprise.employees == 28000
    assert baotou_enterprise.name == "包头钢铁（集团）有限责任公司"
    assert response.json()["tags"] == ["backbone", "key_industry", "leading"]


def test_patch_cannot_move_an_enterprise_out_of_scope(api, users, baotou_enterprise):
    response = api(
        users[Role.COUNTY], "patch", f"/api/v1/enterprises/{baotou_enterprise.credit_code}", {"county": "150202"}
    )
    assert response.status_code == 400
    baotou_enterprise.refresh_from_db()
    assert baotou_enterprise.county_id == "150203"


def test_readers_cannot_write(api, users, baotou_enterprise):
    for role in (Role.WORKGROUP, Role.ENTERPRISE, Role.BANK):
        response = api(users[role], "patch", f"/api/v1/enterprises/{baotou_enterprise.credit_code}", {"employees": 1})
        assert response.status_code == 404
        assert api(users[role], "post", "/api/v1/enterprises", new_payload()).status_code == 404
    baotou_enterprise.refresh_from_db()
    assert baotou_enterprise.employees == 100


def test_openapi_describes_the_endpoints(client, users):
    client.force_login(users[Role.REGION])  # the description is for signed-in users only
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/enterprises" in schema["paths"]
    assert "/api/v1/enterprises/{credit_code}" in schema["paths"]
