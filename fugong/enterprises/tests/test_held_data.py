"""An enterprise sees and exports what the platform holds about it (issue 17 §4)."""

import json

import pytest

from config.testing import make_enterprise
from fugong.accounts.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def ours(users, baotou_enterprise):
    baotou_enterprise.contact_name, baotou_enterprise.contact_phone = "乌兰", "13947205518"
    baotou_enterprise.save()
    return baotou_enterprise


def test_it_shows_the_record_and_what_names_it(client, users, ours):
    client.force_login(users[Role.ENTERPRISE])
    page = client.get("/enterprises/mine/data/")
    assert page.status_code == 200
    assert "13947205518" in page.text and "乌兰" in page.text and ours.credit_code in page.text
    assert any(t.label == "accounts.user" and t.count >= 1 for t in page.context["tables"])
    assert "/enterprises/mine/data/" in client.get(f"/enterprises/{ours.credit_code}/").text


def test_the_export_holds_every_row_and_no_secret(client, users, ours):
    other = make_enterprise(county="150602", contact_phone="13900009999")
    client.force_login(users[Role.ENTERPRISE])
    response = client.get("/enterprises/mine/data.json")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    body = json.loads(response.content)
    assert body["enterprise"] == ours.credit_code
    assert "13947205518" in body["record"].values()
    tables = {t["label"]: t for t in body["tables"]}
    user_rows = tables["accounts.user"]
    assert "password" not in user_rows["columns"] and "username" in user_rows["columns"]
    assert users[Role.ENTERPRISE].username in {r[user_rows["columns"].index("username")] for r in user_rows["rows"]}
    text = response.content.decode()
    assert "contact_phone_hash" not in text and "fe1$" not in text and other.credit_code not in text
    assert "13900009999" not in text


@pytest.mark.parametrize("role", [Role.REGION, Role.LEAGUE, Role.PROVIDER, Role.BANK])
def test_no_one_else_has_the_page(client, users, role):
    client.force_login(users[role])
    assert client.get("/enterprises/mine/data/").status_code == 404
    assert client.get("/enterprises/mine/data.json").status_code == 404
