import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from config.testing import PASSWORD
from fugong.accounts.models import ApiToken, Role
from fugong.accounts.services import token_create
from fugong.security.models import UserSession
from fugong.security.passwords import repeated_pattern

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password", ["Abcabcabcabc", "Aa1!Aa1!Aa1!", "Passs-wooooord1", "Xy-1111-zZ-9", "ab-AB-ab-AB-"]
)
def test_repeated_patterns_and_runs_are_refused(password):
    assert repeated_pattern(password)
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["Yellow-Kettle-482", "Xq7-plumb-Lantern", "ABCdef123456", PASSWORD])
def test_ordinary_strong_passwords_pass(password):
    assert not repeated_pattern(password)
    validate_password(password)


def test_a_password_containing_the_username_is_refused(users):
    with pytest.raises(ValidationError, match="username|用户名"):
        validate_password("Zz-bob_league-42", users[Role.LEAGUE])


def test_a_password_change_revokes_tokens_and_other_sessions(client, users):
    official = users[Role.LEAGUE]
    token, _raw = token_create(user=official, name="数据平台")
    elsewhere = client.__class__()
    elsewhere.post(reverse("accounts:login"), {"username": official.username, "password": PASSWORD})
    assert elsewhere.get(reverse("home")).status_code == 200
    client.post(reverse("accounts:login"), {"username": official.username, "password": PASSWORD})

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Yellow-Kettle-482", "new_password2": "Yellow-Kettle-482"},
    )
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert elsewhere.get(reverse("home")).status_code == 302, "the other browser is signed out"
    assert client.get(reverse("home")).status_code == 200, "the browser that changed it stays signed in"
    assert UserSession.objects.filter(user=official, ended_at__isnull=True).count() == 1


def test_an_official_lists_and_ends_their_other_sessions(client, users):
    official = users[Role.COUNTY]
    other = client.__class__()
    other.post(reverse("accounts:login"), {"username": official.username, "password": PASSWORD}, REMOTE_ADDR="10.7.7.7")
    client.post(reverse("accounts:login"), {"username": official.username, "password": PASSWORD})
    page = client.get(reverse("security:sessions"))
    assert page.text.count('data-testid="session-row"') == 2
    assert "10.7.7.7" in page.text
    theirs = UserSession.objects.get(user=official, ip="10.7.7.7")
    assert client.post(reverse("security:session_end", args=[theirs.pk])).status_code == 302
    assert other.get(reverse("home")).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_spraying_many_usernames_from_one_address_locks_the_address(client, users, settings):
    settings.LOGIN_SPRAY_LIMIT = 4
    address = "10.66.0.1"
    names = ["alice_region", "bob_league", "carol_county", "dave_group"]
    for name in names:
        response = client.post(
            reverse("accounts:login"), {"username": name, "password": "Wrong-1"}, REMOTE_ADDR=address
        )
        assert response.status_code == 200
    # Even the right password of yet another user is refused from that address now; elsewhere it works.
    blocked = client.post(
        reverse("accounts:login"), {"username": "erin_handler", "password": PASSWORD}, REMOTE_ADDR=address
    )
    assert blocked.status_code == 429 and blocked["Retry-After"]
    fine = client.post(
        reverse("accounts:login"), {"username": "erin_handler", "password": PASSWORD}, REMOTE_ADDR="10.66.0.2"
    )
    assert fine.status_code == 302


@pytest.mark.rate_limits
def test_the_api_answers_429_with_retry_after_per_token(client, users, settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_PER_TOKEN = 3
    _token, raw = token_create(user=users[Role.LEAGUE], name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    codes = [client.get("/api/v1/enterprises", **headers).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/v1/enterprises", **headers)
    assert 0 < int(limited["Retry-After"]) <= 60
    # Another token from the same address is not held back by the first one's limit.
    _other, raw2 = token_create(user=users[Role.COUNTY], name="t2")
    assert client.get("/api/v1/enterprises", HTTP_AUTHORIZATION=f"Bearer {raw2}").status_code == 200


@pytest.mark.rate_limits
def test_the_api_answers_429_per_address(client, users, settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_PER_ADDRESS = 2
    client.force_login(users[Role.LEAGUE])
    codes = [client.get("/api/v1/enterprises", REMOTE_ADDR="10.5.5.5").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
