import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from config.testing import PASSWORD, make_user
from fugong.accounts.models import Role, User

pytestmark = pytest.mark.django_db

PRODUCTION_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


def messages_for(password, user=None) -> list[str]:
    try:
        with translation.override("en"):
            validate_password(password, user)
    except ValidationError as e:
        return e.messages
    return []


@override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS)
def test_it_stores_passwords_with_argon2(client):
    user = make_user("ivan_provider", Role.PROVIDER)
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)
    response = client.post(reverse("accounts:login"), {"username": "ivan_provider", "password": PASSWORD})
    assert response.status_code == 302


@override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS)
def test_an_older_hash_is_upgraded_to_argon2_at_login(client):
    user = make_user("ivan_provider", Role.PROVIDER)
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]):
        user.set_password(PASSWORD)
        user.save()
    assert user.password.startswith("pbkdf2_sha256$")

    client.post(reverse("accounts:login"), {"username": "ivan_provider", "password": PASSWORD})
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Ab1-xyz", "at least 10 characters"),
        ("abcdefghijkl", "at least 3 of: lower-case letters, upper-case letters, digits, symbols"),
        ("abcdefgh1234", "at least 3 of"),
        ("ABCDEFGH!@#$", "at least 3 of"),
        ("Password123", "too common"),
    ],
)
def test_it_refuses_weak_passwords(password, expected):
    assert any(expected in m for m in messages_for(password))


@pytest.mark.parametrize("password", ["Tianjin-2020", "grassland#Wind7", "ABCdef123456", "Ulaanhad.88x"])
def test_it_accepts_long_mixed_passwords(password):
    assert messages_for(password) == []


def test_it_refuses_a_password_like_the_username():
    user = User(username="baotou_steel_admin", role=Role.PROVIDER)
    assert any("too similar to the username" in m for m in messages_for("Baotou_steel_admin1", user))


def test_the_rules_are_the_settings():
    names = [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "CharacterClassValidator",
        # Level 3 (fugong/security/passwords.py).
        "NoUsernameValidator",
        "RepeatedPatternValidator",
    ]


def change(client, old, new, again=None):
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password1": new, "new_password2": again or new},
    )


def test_it_changes_the_password(client, users):
    user = users[Role.COUNTY]
    client.force_login(user)
    assert client.get(reverse("accounts:password_change")).status_code == 200

    response = change(client, PASSWORD, "Grassland-wind-88")
    assert response.status_code == 302
    assert response.url == reverse("accounts:settings")
    user.refresh_from_db()
    assert user.check_password("Grassland-wind-88")
    # The session survives the change (update_session_auth_hash).
    assert client.get(reverse("accounts:settings")).status_code == 200


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        ("Short-1", "at least 10 characters"),
        ("alllowercaseletters", "at least 3 of"),
        ("Carol_county1", "too similar to the username"),
    ],
)
def test_the_password_change_enforces_the_rules(client, users, new, expected):
    user = users[Role.COUNTY]
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = change(client, PASSWORD, new)
    assert response.status_code == 200
    assert expected in response.text
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_password_change_wants_the_old_password(client, users):
    user = users[Role.COUNTY]
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = change(client, "not-the-old-one", "Grassland-wind-88")
    assert "Your old password was entered incorrectly" in response.text
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_password_change_needs_a_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
