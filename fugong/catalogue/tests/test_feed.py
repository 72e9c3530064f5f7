"""The feed for outside platforms: paged, `updated_since` across a change and a withdrawal, JSON-LD, the workbook."""

import io
import json
from datetime import timedelta

import pytest
from python_calamine import CalamineWorkbook

from config.testing import make_user
from fugong.accounts import services as account_services
from fugong.accounts.models import Role
from fugong.catalogue import services
from fugong.catalogue.models import Product
from fugong.catalogue.tests.factories import make_call, make_product, make_provider, product_data


def _get(client, token, url, **params):
    return client.get(url, params, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def platform_token(users):
    return account_services.token_create(user=users[Role.PLATFORM], name="万企登云")[1]


@pytest.fixture
def provider(users):
    return make_provider("内蒙古云端科技有限公司", user=users[Role.PROVIDER])


@pytest.mark.django_db
def test_it_pages_and_follows_a_change_and_a_withdrawal(client, users, platform_token, provider):
    call = make_call()
    products = [make_product(provider, call=call, name=f"产品{n}") for n in range(5)]
    make_product(provider, call=call, publish=False, name="草稿不出现")
    first = _get(client, platform_token, "/api/v1/catalogue?limit=2").json()
    assert first["count"] == 5 and [i["name"] for i in first["items"]] == ["产品0", "产品1"]
    second = _get(client, platform_token, "/api/v1/catalogue?limit=2&offset=2").json()
    third = _get(client, platform_token, "/api/v1/catalogue?limit=2&offset=4").json()
    assert [i["name"] for i in second["items"] + third["items"]] == ["产品2", "产品3", "产品4"]
    mark = third["items"][-1]["updated_at"]

    # Nothing changed since the last item: nothing comes back.
    assert _get(client, platform_token, "/api/v1/catalogue", updated_since=mark).json()["count"] == 0

    # A change under review does not show; once approved it does, with the new name.
    changed = products[1]
    services.product_save(
        actor=users[Role.PROVIDER], provider=provider, product=changed, data=product_data(name="产品1新版")
    )
    services.product_move(actor=users[Role.PROVIDER], product=changed, action="submit")
    assert _get(client, platform_token, "/api/v1/catalogue", updated_since=mark).json()["count"] == 0
    services.product_move(actor=users[Role.REGION], product=changed, action="approve")
    services.product_move(actor=users[Role.PROVIDER], product=products[3], action="withdraw", comment="停止服务")
    since = client.get(
        "/api/v1/catalogue", {"updated_since": mark}, HTTP_AUTHORIZATION=f"Bearer {platform_token}"
    ).json()
    assert [(i["name"], i["status"]) for i in since["items"]] == [("产品1新版", "listed"), ("产品3", "withdrawn")]
    assert since["items"][1]["withdrawn_at"] and since["items"][1]["json_ld"]["offers"]["availability"].endswith(
        "Discontinued"
    )
    # The withdrawn product is still in the whole feed, marked.
    whole = _get(client, platform_token, "/api/v1/catalogue?limit=100").json()
    assert whole["count"] == 5 and {i["status"] for i in whole["items"]} == {"listed", "withdrawn"}


@pytest.mark.django_db
def test_each_item_carries_schema_org_json_ld(client, platform_token, provider):
    product = make_product(provider, free_months=6)
    item = _get(client, platform_token, f"/api/v1/catalogue/{product.number}").json()
    ld = item["json_ld"]
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "Product" and ld["productID"] == product.number
    assert ld["offers"]["@type"] == "Offer" and ld["offers"]["price"] == "0" and ld["offers"]["priceCurrency"] == "CNY"
    assert ld["offers"]["eligibleDuration"]["value"] == 6 and ld["brand"]["name"] == provider.name
    assert item["url"].endswith(f"/catalogue/products/{product.pk}/")
    assert _get(client, platform_token, "/api/v1/catalogue/XX-9999").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_only_providers_and_platforms_read_it(client, users, provider, role):
    make_product(provider)
    token = account_services.token_create(user=users[role], name="t")[1]
    expected = 200 if role in (Role.PROVIDER, Role.PLATFORM) else 404
    assert _get(client, token, "/api/v1/catalogue").status_code == expected
    assert _get(client, token, "/api/v1/catalogue/export.xlsx").status_code == expected


@pytest.mark.django_db
def test_a_provider_without_an_organisation_reads_nothing(client):
    token = account_services.token_create(user=make_user("nobody_provider", Role.PROVIDER), name="t")[1]
    assert _get(client, token, "/api/v1/catalogue").status_code == 404


@pytest.mark.django_db
def test_a_platform_account_reads_nothing_else(client, users, platform_token):
    for url in (
        "/api/v1/enterprises",
        "/api/v1/problems",
        "/api/v1/referrals",
        "/api/v1/figures",
        "/api/v1/catalogue/figures",
    ):
        assert _get(client, platform_token, url).status_code == 404, url
    client.force_login(users[Role.PLATFORM])
    for url in ("/enterprises/", "/problems/", "/finance/", "/catalogue/", "/catalogue/claims/", "/api/v1/enterprises"):
        assert client.get(url).status_code == 404, url
    assert client.get("/api/v1/catalogue").status_code == 200
    assert client.get("/accounts/settings/").status_code == 200


@pytest.mark.django_db
def test_bad_updated_since_is_a_400_naming_it(client, platform_token):
    response = _get(client, platform_token, "/api/v1/catalogue?updated_since=yesterday")
    assert response.status_code == 400 and "updated_since" in json.dumps(response.json())
    assert _get(client, platform_token, "/api/v1/catalogue", updated_since="1999-01-01T00:00:00Z").status_code == 200
    for extreme in ("0001-01-01T00:00:00", "9999-12-31T23:59:59-12:00"):
        response = _get(client, platform_token, "/api/v1/catalogue", updated_since=extreme)
        assert response.status_code in (200, 400), extreme


@pytest.mark.django_db
def test_the_workbook_has_a_fixed_layout(client, platform_token, provider):
    product = make_product(provider)
    services.product_move(actor=None, product=make_product(provider, name="下线产品"), action="withdraw", comment="x")
    response = _get(client, platform_token, "/api/v1/catalogue/export.xlsx")
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    header = rows[1]
    assert header[:4] == ["目录编号", "产品名称", "产品类别", "服务商"] and header[-2:] == ["状态", "更新时间"]
    assert rows[2][0] == product.number and rows[2][-2] == "在架" and rows[3][-2] == "已下架"
    assert Product.objects.count() == 2 and timedelta(0) is not None
