"""The security posture: CSP on every page, and the production settings checked in a subprocess."""

import base64
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from config.testing import PASSWORD
from fugong.accounts.models import Role

BASE_DIR = Path(settings.BASE_DIR)
PRODUCTION_KEY = "p7Xq2#Lm9vR4tW8zK1nB6cY3hJ0fD5sG-aE@uI7oP2qZ9xV4bN8mC1lK6jH3g"
HOST = "fugong.example.gov.cn"
# Production refuses to start without the keys of the encrypted personal data (config/settings.py).
PRODUCTION_FIELD_KEYS = "prod:" + base64.b64encode(b"p" * 32).decode()


def policy_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict_csp(response):
    policy = policy_of(response)
    assert policy["default-src"] == ["'self'"]
    nonces = [v for v in policy["script-src"] if v.startswith("'nonce-")]
    assert len(nonces) == 1
    header = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header
    assert "*" not in header
    assert "http:" not in header
    assert "https:" not in header
    # Only 'self', 'none', nonces and data: URIs for images and fonts: no other host at all.
    sources = {v for values in policy.values() for v in values}
    assert sources <= {"'self'", "'none'", "data:", nonces[0]}, sources
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]

    nonce = nonces[0][len("'nonce-") : -1]
    scripts = re.findall(r"<script\b[^>]*>", response.text)
    assert scripts, "the page loads its scripts"
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag, tag
    # Inline handlers and style attributes would be blocked by this policy.
    assert not re.search(r"\son[a-z]+=", response.text)
    assert " style=" not in response.text
    assert "javascript:" not in response.text


@pytest.mark.django_db
def test_the_login_page_has_a_strict_csp(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert_strict_csp(response)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_the_home_page_has_a_strict_csp_for_every_role(client, users, role):
    client.force_login(users[role])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert_strict_csp(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name", ["accounts:settings", "accounts:password_change", "enterprises:list", "enterprises:project_list"]
)
def test_pages_have_a_strict_csp(client, users, url_name):
    client.force_login(users[Role.REGION])
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert_strict_csp(response)


@pytest.mark.django_db
def test_the_not_found_page_has_a_strict_csp(client, users):
    client.force_login(users[Role.LEAGUE])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_strict_csp(response)


@pytest.mark.django_db
def test_the_lockout_page_has_a_strict_csp(client, users):
    for _ in range(5):
        response = client.post(reverse("accounts:login"), {"username": "bob_league", "password": "wrong-password"})
    assert response.status_code == 429
    assert_strict_csp(response)


@pytest.mark.django_db
def test_each_response_gets_its_own_nonce(client):
    first = policy_of(client.get(reverse("accounts:login")))["script-src"]
    second = policy_of(client.get(reverse("accounts:login")))["script-src"]
    assert first != second


@pytest.mark.django_db
def test_a_page_after_login_keeps_the_csp(client, users):
    response = client.post(reverse("accounts:login"), {"username": "alice_region", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert_strict_csp(response)


def test_development_cookies_are_http_only_and_same_site():
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.X_FRAME_OPTIONS == "DENY"


# Production settings are read at import time, so they are checked in a fresh interpreter.


def run_django(args: list[str], **env_vars: str) -> subprocess.CompletedProcess:
    # DJANGO_ALLOW_ASYNC_UNSAFE (set for the browser tests) would make check --deploy warn.
    dropped = {"DEBUG", "SECRET_KEY", "FAST_PASSWORD_HASHER", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.setdefault("FIELD_KEYS", PRODUCTION_FIELD_KEYS)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            # Nothing here may touch a real database: SELECT 1 is all the health check needs.
            "DATABASE_URL": "sqlite:///:memory:",
            "ALLOWED_HOSTS": HOST,
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    env.update(env_vars)
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(  # noqa: S603 - a fixed command line, our own interpreter
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


PROBE = """
import json
import os
import django
django.setup()
from django.conf import settings
from django.test import Client

client = Client(HTTP_HOST=os.environ["ALLOWED_HOSTS"])
secure = client.get("/healthz", secure=True)
plain = client.get("/healthz")
print(json.dumps({
    "debug": settings.DEBUG,
    "hasher": settings.PASSWORD_HASHERS[0],
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "session_age": settings.SESSION_COOKIE_AGE,
    "hsts": secure.headers.get("Strict-Transport-Security"),
    "secure_status": secure.status_code,
    "csp": secure.headers.get("Content-Security-Policy"),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
}))
"""


def test_production_passes_check_deploy():
    result = run_django(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        FUGONG_ENV="production",
        SECRET_KEY=PRODUCTION_KEY,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_has_secure_cookies_hsts_and_argon2():
    result = run_django(["-c", PROBE], FUGONG_ENV="production", SECRET_KEY=PRODUCTION_KEY)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["debug"] is False
    assert found["hasher"] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert found["session_secure"] is True
    assert found["csrf_secure"] is True
    assert found["session_age"] == 1800
    assert found["secure_status"] == 200
    assert found["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "default-src 'self'" in found["csp"]
    # Plain HTTP is sent to HTTPS.
    assert found["plain_status"] == 301
    assert found["plain_location"] == f"https://{HOST}/healthz"


def test_development_uses_argon2_without_the_fast_hasher():
    result = run_django(["-c", PROBE], FUGONG_ENV="development")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["hasher"] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert found["session_secure"] is False
    assert found["hsts"] is None


@pytest.mark.parametrize("debug", ["1", "true", "on"])
def test_production_refuses_debug(debug):
    result = run_django(["manage.py", "check"], FUGONG_ENV="production", SECRET_KEY=PRODUCTION_KEY, DEBUG=debug)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG must be off when FUGONG_ENV=production." in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        None,
        "",
        "too-short-key",
        "x" * 60,
        "django-insecure-" + PRODUCTION_KEY,
    ],
    ids=["missing", "empty", "short", "one-character", "django-placeholder"],
)
def test_production_refuses_to_start_without_a_real_secret_key(key):
    result = run_django(["manage.py", "check"], FUGONG_ENV="production", SECRET_KEY=key)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY" in result.stderr
    assert "is required in production" in result.stderr
