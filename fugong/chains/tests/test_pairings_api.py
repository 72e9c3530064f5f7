"""The pairings through the API (`/api/v1/chain-pairings`) and their Excel export."""

import io
import json
from urllib.parse import unquote

import openpyxl
import pytest
from django.utils import timezone

from config.testing import make_enterprise
from fugong.accounts.models import Role
from fugong.accounts.services import token_create
from fugong.chains import services
from fugong.chains.models import ChainPost, Pairing, PairingState, PostState
from fugong.chains.tests.factories import make_post

pytestmark = pytest.mark.django_db
URL = "/api/v1/chain-pairings"


def api(client, user, method, url, body=None):
    token = token_create(user=user, name="t")[1]
    return getattr(client, method)(
        url, json.dumps(body) if body is not None else None, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip


@pytest.fixture
def posts(baotou_enterprise):
    today = timezone.localdate()
    supplier = make_enterprise(county="150203", name="包头市焦化有限公司")
    return {
        "need": make_post(baotou_enterprise, product="冶金焦炭", posted_on=today),
        "offer": make_post(supplier, side="offer", product="焦炭", posted_on=today),
    }


def pair(need, offer):
    return services.pairing_create(actor=None, need=need, offer=offer)


def test_the_list_is_scoped_like_the_web_list_and_paged(client, users, posts, ordos_enterprise):
    today = timezone.localdate()
    mine = pair(posts["need"], posts["offer"])
    far_need = make_post(ordos_enterprise, product="甲醇", posted_on=today)
    far_offer = make_post(make_enterprise(county="150602"), side="offer", product="甲醇", posted_on=today)
    theirs = pair(far_need, far_offer)
    # A pairing between two other Baotou enterprises: the league sees it, the enterprise user does not.
    other_need = make_post(make_enterprise(county="150203"), product="钢材", posted_on=today)
    neighbours = pair(other_need, make_post(make_enterprise(county="150203"), side="offer", posted_on=today))

    def ids(role, query=""):
        response = api(client, users[role], "get", f"{URL}{query}")
        assert response.status_code == 200, (role, response.content)
        return {item["id"] for item in response.json()["items"]}

    assert ids(Role.REGION) == {mine.pk, theirs.pk, neighbours.pk}
    assert ids(Role.LEAGUE) == ids(Role.WORKGROUP) == {mine.pk, neighbours.pk}
    assert ids(Role.ENTERPRISE) == {mine.pk}
    for role in (Role.BANK, Role.PROVIDER, Role.HANDLER, Role.GUARANTOR):
        assert api(client, users[role], "get", URL).status_code == 404, role
    page = api(client, users[Role.REGION], "get", f"{URL}?limit=1&offset=1").json()
    assert page["count"] == 3 and len(page["items"]) == 1
    services.pairing_move(actor=users[Role.REGION], pairing=theirs, action="contact")
    assert ids(Role.REGION, "?state=in_progress") == {theirs.pk}
    item = next(i for i in api(client, users[Role.LEAGUE], "get", URL).json()["items"] if i["id"] == mine.pk)
    assert item["credit_code"] == posts["need"].enterprise.credit_code
    assert (item["need_product"], item["offer_product"], item["supplier"]) == ("冶金焦炭", "焦炭", "包头市焦化有限公司")
    assert item["state"] == "proposed" and item["allowed_actions"] == ["contact", "done", "fail", "comment"]


def test_an_official_pairs_through_the_api_and_reads_the_timeline(client, users, posts):
    response = api(client, users[Role.LEAGUE], "post", URL, {"need": posts["need"].pk, "offer": posts["offer"].pk})
    assert response.status_code == 201, response.content
    body = response.json()
    pairing = Pairing.objects.get()
    assert (body["id"], body["need"], body["offer"]) == (pairing.pk, posts["need"].pk, posts["offer"].pk)
    assert (pairing.created_by, pairing.league_id) == (users[Role.LEAGUE], "150200")
    detail = api(client, users[Role.ENTERPRISE], "get", f"{URL}/{pairing.pk}").json()
    assert [(e["action"], e["actor"], e["to_state"]) for e in detail["timeline"]] == [
        ("pair", users[Role.LEAGUE].username, "proposed")
    ]
    # Twice: refused naming the field, nothing added.
    again = api(client, users[Role.LEAGUE], "post", URL, {"need": posts["need"].pk, "offer": posts["offer"].pk})
    assert again.status_code == 400 and "offer" in again.json()["error"]
    assert Pairing.objects.count() == 1


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.WORKGROUP, Role.BANK])
def test_only_officials_pair(client, users, posts, role):
    response = api(client, users[role], "post", URL, {"need": posts["need"].pk, "offer": posts["offer"].pk})
    assert response.status_code == 404
    assert not Pairing.objects.exists()


def test_bad_input_is_refused_naming_the_field(client, users, posts, ordos_enterprise):
    league = users[Role.LEAGUE]
    need, offer = posts["need"].pk, posts["offer"].pk
    two_needs = api(client, league, "post", URL, {"need": need, "offer": need})
    assert two_needs.json() == {"error": {"offer": ["A pairing joins a need with an offer."]}}
    missing = api(client, league, "post", URL, {"need": need})
    assert missing.status_code in (400, 422) and "offer" in json.dumps(missing.json())
    for bad in ("x", -1, 0, 10**30):
        response = api(client, league, "post", URL, {"need": bad, "offer": offer})
        assert response.status_code in (400, 404, 422) and response.status_code != 500, bad
        if response.status_code != 404:
            assert "need" in json.dumps(response.json()), bad
    far = make_post(ordos_enterprise, side="offer", posted_on=timezone.localdate())  # out of the league's sight
    assert api(client, league, "post", URL, {"need": need, "offer": far.pk}).status_code == 404
    assert api(client, league, "get", f"{URL}/{10**12}").status_code == 404
    assert not Pairing.objects.exists()


def test_moves_through_the_api_and_who_may_make_them(client, users, posts):
    pairing = pair(posts["need"], posts["offer"])
    moves = f"{URL}/{pairing.pk}/moves"
    # The enterprise paired may comment but not close the pairing; the work group may do neither.
    refused = api(client, users[Role.ENTERPRISE], "post", moves, {"action": "done"})
    assert refused.status_code == 400 and "action" in refused.json()["error"]
    assert api(client, users[Role.WORKGROUP], "post", moves, {"action": "comment", "comment": "看"}).status_code == 404
    commented = api(client, users[Role.ENTERPRISE], "post", moves, {"action": "comment", "comment": "已联系"})
    assert commented.status_code == 200 and commented.json()["state"] == "proposed"
    # Failing needs its reason; the reason is kept.
    no_reason = api(client, users[Role.COUNTY], "post", moves, {"action": "fail"})
    assert no_reason.status_code == 400 and "comment" in no_reason.json()["error"]
    unknown = api(client, users[Role.COUNTY], "post", moves, {"action": "nonsense"})
    assert unknown.status_code == 400 and "action" in unknown.json()["error"]
    contact = api(client, users[Role.COUNTY], "post", moves, {"action": "contact"})
    assert contact.status_code == 200 and contact.json()["state"] == "in_progress"
    done = api(client, users[Role.LEAGUE], "post", moves, {"action": "done"})
    assert done.status_code == 200
    body = done.json()
    assert body["state"] == PairingState.DONE and body["allowed_actions"] == ["comment"]
    assert [e["action"] for e in body["timeline"]] == ["pair", "comment", "contact", "done"]
    assert ChainPost.objects.get(pk=posts["need"].pk).state == PostState.CLOSED
    again = api(client, users[Role.LEAGUE], "post", moves, {"action": "fail", "comment": "晚了"})
    assert again.status_code == 400 and Pairing.objects.get().state == PairingState.DONE


def test_the_api_is_documented_with_operation_ids(client, users):
    client.force_login(users[Role.REGION])
    paths = client.get("/api/openapi.json").json()["paths"]
    ids = {method: op["operationId"] for method, op in paths["/api/v1/chain-pairings"].items()}
    assert ids == {"get": "list_chain_pairings", "post": "create_chain_pairing"}
    assert paths["/api/v1/chain-pairings/{pairing_id}"]["get"]["operationId"] == "get_chain_pairing"
    assert paths["/api/v1/chain-pairings/{case_id}/moves"]["post"]["operationId"] == "move_chain_pairing"


def test_the_export_has_the_pairings_in_sight(client, users, posts, ordos_enterprise):
    today = timezone.localdate()
    mine = pair(posts["need"], posts["offer"])
    services.pairing_move(actor=users[Role.LEAGUE], pairing=mine, action="fail", comment="价格谈不拢")
    far = make_enterprise(county="150602", name="鄂尔多斯供给有限公司")
    pair(make_post(ordos_enterprise, product="甲醇", posted_on=today), make_post(far, side="offer", posted_on=today))
    client.force_login(users[Role.LEAGUE])
    assert 'href="/chains/pairings/export.xlsx?state=failed"' in client.get("/chains/pairings/?state=failed").text
    response = client.get("/chains/pairings/export.xlsx", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert unquote(response["Content-Disposition"]).endswith(f"产业链供需对接-{today.isoformat()}.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [c.value for c in ws[2]] == [
        "撮合日期", "盟市", "需求企业", "统一社会信用代码", "需求", "供给企业", "供给企业统一社会信用代码", "供给",
        "状态", "未成功原因",
    ]  # fmt: skip
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    need = posts["need"]
    assert len(rows) == 1
    assert rows[0][2:] == [
        need.enterprise.name, need.enterprise.credit_code, "冶金焦炭", "包头市焦化有限公司",
        posts["offer"].enterprise.credit_code, "焦炭", "未成功", "价格谈不拢",
    ]  # fmt: skip
    client.force_login(users[Role.REGION])
    everything = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get("/chains/pairings/export.xlsx").streaming_content))
    )
    assert everything.active.max_row == 4
    only_open = client.get("/chains/pairings/export.xlsx?state=proposed")
    assert openpyxl.load_workbook(io.BytesIO(b"".join(only_open.streaming_content))).active.max_row == 3
    client.force_login(users[Role.BANK])
    assert client.get("/chains/pairings/export.xlsx").status_code == 404
