import base64
import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from config.testing import make_enterprise
from fugong.accounts import services as account_services
from fugong.accounts.models import Role
from fugong.problems import services as problems
from fugong.problems.models import Problem, Source
from fugong.workgroups import selectors
from fugong.workgroups.models import Photo, Visit
from fugong.workgroups.tests.factories import PNG, key, make_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def dave(users):
    return users[Role.WORKGROUP]


@pytest.fixture
def group(dave):
    return dave.work_group


@pytest.fixture
def api(client):
    def call(user, method, url, body=None, **headers):
        kwargs = {
            "HTTP_AUTHORIZATION": f"Bearer {account_services.token_create(user=user, name='t')[1]}",
            "HTTP_ACCEPT_LANGUAGE": "en",
            **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()},
        }
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(client, method)(url, **kwargs)

    return call


def body(enterprise, **values):
    data = {
        "credit_code": enterprise.credit_code,
        "visited_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "status": "work_resumed",
        "employees": 120,
        "on_duty": 80,
        "capacity_pct": "45.5",
        "met": "王厂长",
        "guidance": "指导分批返岗",
    }
    data.update(values)
    return data


def test_it_records_a_visit_through_the_api(api, dave, baotou_enterprise):
    r = api(dave, "post", "/api/v1/visits", body(baotou_enterprise), **{"Idempotency-Key": key()})
    assert r.status_code == 201, r.content
    visit = Visit.objects.get()
    assert (visit.enterprise, visit.on_duty, visit.league_id, visit.recorded_by) == (
        baotou_enterprise,
        80,
        "150200",
        dave,
    )
    assert r.json()["credit_code"] == baotou_enterprise.credit_code


def test_it_stores_a_visit_sent_twice_once_with_its_photo_once(api, dave, baotou_enterprise, private_media):
    photo = {"name": "site.png", "data": base64.b64encode(PNG).decode()}
    k = key()
    first = api(dave, "post", "/api/v1/visits", body(baotou_enterprise), **{"Idempotency-Key": k})
    # The answer was lost with the network: the phone sends the visit again, now with the photo that had not gone.
    again = api(dave, "post", "/api/v1/visits", body(baotou_enterprise, photos=[photo]), **{"Idempotency-Key": k})
    third = api(dave, "post", "/api/v1/visits", body(baotou_enterprise, photos=[photo]), **{"Idempotency-Key": k})
    assert (first.status_code, again.status_code, third.status_code) == (201, 200, 200)
    assert Visit.objects.count() == 1
    assert Photo.objects.count() == 1
    assert len(list(private_media.rglob("*.png"))) == 1
    assert third.json()["photos"] == [Photo.objects.get().sha256]


def test_it_refuses_a_key_used_for_another_visit(api, dave, baotou_enterprise):
    k = key()
    api(dave, "post", "/api/v1/visits", body(baotou_enterprise), **{"Idempotency-Key": k})
    r = api(dave, "post", "/api/v1/visits", body(baotou_enterprise, visited_on="2020-02-20"), **{"Idempotency-Key": k})
    assert r.status_code == 422 and "Idempotency-Key" in r.json()["error"]
    assert Visit.objects.count() == 1


def test_it_needs_a_key(api, dave, baotou_enterprise):
    r = api(dave, "post", "/api/v1/visits", body(baotou_enterprise))
    assert r.status_code == 400 and "Idempotency-Key" in r.json()["error"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"visited_on": (date.today() + timedelta(days=3)).isoformat()}, "visited_on"),  # noqa: DTZ011
        ({"on_duty": 121}, "on_duty"),
        ({"status": "dancing"}, "status"),
        ({"capacity_pct": "250"}, "capacity_pct"),
        ({"photos": [{"name": "a.png", "data": base64.b64encode(b"MZ\x90\x00 a program").decode()}]}, "photos"),
        ({"photos": [{"name": "a.png", "data": base64.b64encode(b"just some text").decode()}]}, "photos"),
        ({"photos": [{"name": "a.png", "data": "not base64!"}]}, "photos.0.data"),
        ({"problems": [{"category": "nonsense", "description": "x"}]}, "problems.0.category"),
    ],
)
def test_it_refuses_bad_input_naming_the_field(api, dave, baotou_enterprise, values, field):
    r = api(dave, "post", "/api/v1/visits", body(baotou_enterprise, **values), **{"Idempotency-Key": key()})
    assert r.status_code in (400, 422), r.content
    assert field in json.dumps(r.json()["error"]), r.json()
    assert Visit.objects.count() == 0 and Problem.objects.count() == 0


def test_it_refuses_a_photo_too_big(api, dave, baotou_enterprise, settings):
    settings.VISIT_PHOTO_MAX_BYTES = 1024
    photo = {"name": "big.png", "data": base64.b64encode(PNG + b"\x00" * 2000).decode()}
    r = api(dave, "post", "/api/v1/visits", body(baotou_enterprise, photos=[photo]), **{"Idempotency-Key": key()})
    assert r.status_code == 400 and "photos" in r.json()["error"]


def test_it_refuses_an_enterprise_outside_the_groups_areas(api, dave, ordos_enterprise):
    r = api(dave, "post", "/api/v1/visits", body(ordos_enterprise), **{"Idempotency-Key": key()})
    assert r.status_code == 400 and "credit_code" in r.json()["error"]
    assert Visit.objects.count() == 0


def test_the_service_refuses_outside_areas_and_before_the_period(dave, group, ordos_enterprise, baotou_enterprise):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as outside:
        make_visit(group, ordos_enterprise, actor=dave)
    assert "enterprise" in outside.value.message_dict
    group.starts_on = timezone.localdate() - timedelta(days=5)
    group.save()
    with pytest.raises(ValidationError) as early:
        make_visit(group, baotou_enterprise, actor=dave, days_ago=6)
    assert "visited_on" in early.value.message_dict


def test_it_points_out_a_second_visit_on_the_same_day(api, client, dave, group, baotou_enterprise):
    first = make_visit(group, baotou_enterprise, actor=dave)
    r = api(dave, "post", "/api/v1/visits", body(baotou_enterprise), **{"Idempotency-Key": key()})
    assert r.status_code == 400 and "credit_code" not in r.json()["error"] and "enterprise" in r.json()["error"]
    client.force_login(dave)
    check = client.get(
        f"/workgroups/visits/check/?group={group.pk}&enterprise={baotou_enterprise.pk}&visited_on={first.visited_on}"
    )
    assert [v["id"] for v in check.json()["visits"]] == [first.pk]
    r = api(dave, "post", "/api/v1/visits", body(baotou_enterprise, again=True), **{"Idempotency-Key": key()})
    assert r.status_code == 201 and Visit.objects.count() == 2


def test_a_problem_found_on_a_visit_is_in_the_ledger_and_the_handler_resolves_it(api, dave, users, baotou_enterprise):
    found = {"category": "transport", "description": "原料运输车辆进不了园区", "urgency": "urgent"}
    r = api(dave, "post", "/api/v1/visits", body(baotou_enterprise, problems=[found]), **{"Idempotency-Key": key()})
    assert r.status_code == 201, r.content
    problem = Problem.objects.get()
    visit = Visit.objects.get()
    assert problem.source == Source.VISIT and list(problem.visits.all()) == [visit] and problem.raised_by == dave
    assert r.json()["problems"] == [problem.pk]
    handler = users[Role.HANDLER]
    assert problem.department == handler.department
    as_of = timezone.localdate()
    before = selectors.coverage(user=users[Role.REGION], as_of=as_of).total
    assert (before.problems_found, before.problems_resolved) == (1, 0)
    for action, comment in (("accept", ""), ("resolve", "协调交通部门开通绿色通道")):
        problems.problem_move(actor=handler, problem=problem, action=action, comment=comment)
    after = selectors.coverage(user=users[Role.REGION], as_of=as_of).total
    assert (after.problems_found, after.problems_resolved) == (1, 1)
    # The visit's page links the problem; the problem's page is the ledger's.
    api_problem = api(dave, "get", f"/api/v1/problems/{problem.pk}")
    assert api_problem.status_code == 200


def test_the_phone_form_answers_json_and_stores_a_key_once(client, dave, group, baotou_enterprise, private_media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(dave)
    k = key()

    def post():
        return client.post(
            "/workgroups/visits/new/",
            {
                "client_key": k,
                "group": group.pk,
                "enterprise": baotou_enterprise.pk,
                "visited_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
                "status": "production_resumed",
                "employees": 50,
                "on_duty": 40,
                "capacity_pct": "70",
                "problem_category": "labour",
                "problem_description": "缺少一线工人",
                "photos": [SimpleUploadedFile("a.png", PNG, content_type="image/png")],
            },
            HTTP_ACCEPT="application/json",
        )

    first, second = post(), post()
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Visit.objects.count() == 1 and Photo.objects.count() == 1 and Problem.objects.count() == 1
    page = client.get(first.json()["url"])
    assert page.status_code == 200 and baotou_enterprise.name in page.text
    assert client.get(f"/workgroups/photos/{Photo.objects.get().pk}/").status_code == 200


def test_the_phone_form_refuses_with_the_field(client, dave, group, baotou_enterprise):
    client.force_login(dave)
    r = client.post(
        "/workgroups/visits/new/",
        {
            "client_key": key(),
            "group": group.pk,
            "enterprise": baotou_enterprise.pk,
            "visited_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "status": "production_resumed",
            "employees": 50,
            "on_duty": 51,
            "capacity_pct": "70",
        },
        HTTP_ACCEPT="application/json",
    )
    assert r.status_code == 400 and "on_duty" in r.json()["error"]
    assert client.get("/workgroups/visits/new/").status_code == 200


def test_the_visit_page_shows_the_report_beside_what_was_seen(client, users, group, baotou_enterprise):
    from fugong.dispatch import services as dispatch

    visit = make_visit(group, baotou_enterprise, on_duty=20, capacity_pct=20, status="work_resumed")
    dispatch.report_save(
        actor=None,
        kind=dispatch.DAILY,
        subject=baotou_enterprise,
        period=visit.visited_on,
        values={"status": "production_resumed", "employees": 100, "on_duty": 90, "capacity_pct": 85},
        source="api",
    )
    client.force_login(users[Role.LEAGUE])
    page = client.get(f"/workgroups/visits/{visit.pk}/")
    assert "data-differs" in page.text
    c = selectors.coverage(user=users[Role.REGION], as_of=timezone.localdate())
    assert c.total.differing == 1
    assert c.differences[0].fields == ["status", "on_duty", "capacity_pct"]
    make_enterprise  # noqa: B018  (imported for other tests)
