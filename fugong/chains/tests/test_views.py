import json
from datetime import timedelta

import pytest
from django.utils import timezone

from config.testing import make_enterprise
from fugong.accounts.models import Role
from fugong.accounts.services import token_create
from fugong.chains.models import ChainLink, ChainPost, Pairing
from fugong.chains.tests.factories import make_post

pytestmark = pytest.mark.django_db


def api(client, user, method, url, body=None):
    token = token_create(user=user, name="t")[1]
    return getattr(client, method)(
        url, json.dumps(body) if body is not None else None, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )  # fmt: skip


def test_an_enterprise_posts_a_need_and_the_league_pairs_it_with_a_suggested_offer(client, users, baotou_enterprise):
    today = timezone.localdate()
    client.force_login(users[Role.ENTERPRISE])
    response = client.post(
        "/chains/new/",
        {"side": "need", "category": "raw_material", "product": "冶金焦炭", "quantity": "500吨",
         "on": (today + timedelta(days=10)).isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    need = ChainPost.objects.get()
    offer = make_post(make_enterprise(county="150203", name="包头市焦化有限公司"), side="offer", product="焦炭",
                      posted_on=today)  # fmt: skip
    assert 'data-testid="matches"' not in client.get(f"/chains/{need.pk}/").content.decode()  # enterprises do not
    client.force_login(users[Role.LEAGUE])
    page = client.get(f"/chains/{need.pk}/").content.decode()
    assert f'data-testid="match" data-id="{offer.pk}"' in page
    response = client.post("/chains/pair/", {"need": need.pk, "offer": offer.pk})
    pairing = Pairing.objects.get()
    assert response["Location"] == f"/chains/pairings/{pairing.pk}/"
    client.post(f"/chains/pairings/{pairing.pk}/moves/", {"action": "done"})
    assert Pairing.objects.get().state == "done" and ChainPost.objects.get(pk=need.pk).state == "closed"


def test_the_chain_page_adds_a_supplier_and_shows_the_bottleneck(client, users, baotou_enterprise):
    supplier = make_enterprise(county="150602", name="鄂尔多斯配套有限公司")
    client.force_login(users[Role.LEAGUE])
    url = f"/chains/links/{baotou_enterprise.credit_code}/"
    response = client.post(url, {"partner": supplier.credit_code, "relation": "supplier", "product": "焦炭"})
    assert response.status_code == 302
    assert ChainLink.objects.get().partner == supplier
    page = client.get("/chains/links/").content.decode()
    assert f'data-testid="bottleneck" data-leader="{baotou_enterprise.credit_code}"' in page
    client.force_login(users[Role.WORKGROUP])  # reads, does not edit
    assert client.post(url, {"partner": supplier.credit_code, "relation": "customer"}).status_code == 404
    assert client.get(url).status_code == 200


def test_the_api(client, users, baotou_enterprise, ordos_enterprise):
    body = {"side": "offer", "category": "service", "product": "冷链物流", "on": "2020-03-01"}
    created = api(client, users[Role.ENTERPRISE], "post", "/api/v1/chain-needs", body)
    assert created.status_code == 201 and created.json()["credit_code"] == baotou_enterprise.credit_code
    again = api(client, users[Role.ENTERPRISE], "post", "/api/v1/chain-needs", body)
    assert again.status_code == 400 and "product" in again.json()["error"]
    bad = api(client, users[Role.ENTERPRISE], "post", "/api/v1/chain-needs", {**body, "category": "money"})
    assert bad.status_code == 400 and "category" in bad.json()["error"]
    make_post(ordos_enterprise)
    assert api(client, users[Role.ENTERPRISE], "get", "/api/v1/chain-needs").json()["count"] == 1
    assert api(client, users[Role.BANK], "get", "/api/v1/chain-needs").json()["count"] == 0
    body = {"leader": baotou_enterprise.credit_code, "partner": ordos_enterprise.credit_code, "relation": "supplier"}
    link = api(client, users[Role.LEAGUE], "post", "/api/v1/chain-links", body)
    assert link.status_code == 201 and link.json()["status"] == "not_reported" and link.json()["held_back"]
    listed = api(client, users[Role.COUNTY], "get", "/api/v1/chain-links?as_of=2020-02-22").json()
    assert [i["partner"] for i in listed["items"]] == [ordos_enterprise.credit_code]
    assert api(client, users[Role.BANK], "get", "/api/v1/chain-links").json()["count"] == 0


def test_chain_links_are_imported_whole_from_a_sheet(client, users, baotou_enterprise, ordos_enterprise):
    import io

    import openpyxl

    from fugong.core.models import ImportBatch

    supplier = make_enterprise(county="150203", name="包头市配套甲有限公司")

    def sheet(rows):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["包头市龙头企业产业链配套清单"])
        ws.merge_cells("A1:F1")
        ws.append(
            [
                "龙头企业名称",
                "龙头企业统一社会信用代码",
                "上下游",
                "配套企业名称",
                "配套企业统一社会信用代码",
                "配套产品",
            ]
        )
        for row in rows:
            ws.append(row)
        out = io.BytesIO()
        wb.save(out)
        out.seek(0)
        out.name = "产业链.xlsx"
        return out

    b, s, o = baotou_enterprise.credit_code, supplier.credit_code, ordos_enterprise.credit_code
    client.force_login(users[Role.LEAGUE])
    bad = client.post("/chains/links/import/", {"file": sheet([
        ["包钢", b, "上游", "甲", s, "焦炭"], ["包钢", b, "上游", "甲", s, "焦炭"], ["包钢", b, "旁边", "乙", o, ""],
        ["甲", s, "上游", "包钢", b, ""],
    ])})  # fmt: skip
    assert bad.status_code == 302
    issues = {(i["row"], i["column"]) for i in ImportBatch.objects.get().issues}
    assert issues == {(4, "partner"), (5, "relation"), (6, "leader")}
    client.post(bad["Location"], {"action": "commit"})
    assert not ChainLink.objects.exists()
    good = client.post(
        "/chains/links/import/",
        {"file": sheet([["包钢", b, "上游", "甲", s, "焦炭"], ["包钢", b, "下游", "乙", o, ""]])},
    )
    client.post(good["Location"], {"action": "commit"})
    assert sorted(ChainLink.objects.values_list("partner__credit_code", "relation")) == sorted(
        [(s, "supplier"), (o, "customer")]
    )
