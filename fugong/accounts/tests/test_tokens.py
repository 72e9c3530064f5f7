import hashlib
import re

import pytest
from django.conf import settings
from django.urls import reverse

from fugong.accounts.models import ApiToken, Role

pytestmark = pytest.mark.django_db

API = "/api/v1/enterprises"


def create_token(client, name="盟市数据平台") -> str:
    response = client.post(reverse("accounts:token_create"), {"name": name})
    assert response.status_code == 200
    match = re.search(r'data-testid="new-token">([^<]+)<', response.text)
    assert match, "the new token is shown on the page"
    return match.group(1)


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_it_creates_a_token_and_stores_only_its_hash(client, users):
    user = users[Role.LEAGUE]
    client.force_login(user)
    raw = create_token(client)

    token = ApiToken.objects.get(user=user)
    assert token.name == "盟市数据平台"
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:8]
    stored = [str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert raw not in stored


def test_the_page_with_the_new_token_is_not_cached(client, users):
    client.force_login(users[Role.LEAGUE])
    response = client.post(reverse("accounts:token_create"), {"name": "x"})
    assert "no-store" in response["Cache-Control"]


def test_the_token_is_shown_only_once(client, users):
    client.force_login(users[Role.LEAGUE])
    raw = create_token(client)

    response = client.get(reverse("accounts:settings"))
    assert response.status_code == 200
    assert "盟市数据平台" in response.text
    assert raw[:8] in response.text
    assert raw not in response.text


def test_the_token_authenticates_the_api_as_its_user(client, users, baotou_enterprise, ordos_enterprise):
    client.force_login(users[Role.LEAGUE])
    raw = create_token(client)
    client.logout()

    response = client.get(API, **bearer(raw))
    assert response.status_code == 200
    codes = [row["credit_code"] for row in response.json()["items"]]
    # The token acts as its user: a Baotou official sees Baotou, not Ordos.
    assert codes == [baotou_enterprise.credit_code]
    assert ApiToken.objects.get().last_used_at is not None


def test_the_api_refuses_no_token_and_a_wrong_one(client, users):
    assert client.get(API).status_code == 401
    assert client.get(API, **bearer("fg_not-a-token")).status_code == 401


def test_a_revoked_token_is_refused(client, users):
    client.force_login(users[Role.LEAGUE])
    raw = create_token(client)
    token = ApiToken.objects.get()
    assert client.get(API, **bearer(raw)).status_code == 200

    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert response.url == reverse("accounts:settings")
    token.refresh_from_db()
    assert token.revoked_at is not None

    client.logout()
    response = client.get(API, **bearer(raw))
    assert response.status_code == 401
    assert "error" in response.json()


def test_the_settings_page_shows_a_revoked_token_as_revoked(client, users):
    client.force_login(users[Role.LEAGUE])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    create_token(client)
    client.post(reverse("accounts:token_revoke", args=[ApiToken.objects.get().pk]))

    response = client.get(reverse("accounts:settings"))
    assert "is revoked" in response.text
    assert ">Revoked<" in response.text


def test_a_user_cannot_revoke_another_users_token(client, users):
    client.force_login(users[Role.LEAGUE])
    raw = create_token(client)
    token = ApiToken.objects.get()

    client.force_login(users[Role.COUNTY])
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.get(API, **bearer(raw)).status_code == 200


def test_a_user_sees_only_own_tokens(client, users):
    client.force_login(users[Role.LEAGUE])
    create_token(client, name="league system")

    client.force_login(users[Role.COUNTY])
    response = client.get(reverse("accounts:settings"))
    assert "league system" not in response.text


def test_a_token_without_a_name_is_refused(client, users):
    client.force_login(users[Role.LEAGUE])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("accounts:token_create"), {"name": "   "}, follow=True)
    assert "Give the token a name" in response.text
    assert 'data-testid="new-token"' not in response.text
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("url_name", ["token_create", "token_revoke"])
def test_token_changes_are_post_only(client, users, url_name):
    client.force_login(users[Role.LEAGUE])
    args = [1] if url_name == "token_revoke" else []
    assert client.get(reverse(f"accounts:{url_name}", args=args)).status_code == 405


def test_token_pages_need_a_login(client):
    response = client.get(reverse("accounts:settings"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert client.post(reverse("accounts:token_create"), {"name": "x"}).status_code == 302
    assert not ApiToken.objects.exists()


def test_an_inactive_users_token_is_refused(client, users):
    user = users[Role.LEAGUE]
    client.force_login(user)
    raw = create_token(client)
    user.is_active = False
    user.save()
    client.logout()
    assert client.get(API, **bearer(raw)).status_code == 401
