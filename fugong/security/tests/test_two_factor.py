import re
import time

import pytest
from django.urls import reverse

from config.testing import PASSWORD
from fugong.accounts.models import Role
from fugong.security import totp
from fugong.security.models import Action, AuditEntry, RecoveryCode, TotpDevice

pytestmark = [pytest.mark.django_db, pytest.mark.two_factor]


def test_rfc6238_reference_values():
    # RFC 6238 appendix B, SHA-1, secret "12345678901234567890", eight digits there; the last six here.
    import base64

    secret = base64.b32encode(b"12345678901234567890").decode()
    assert totp.code_at(secret, 59) == "287082"
    assert totp.code_at(secret, 1111111109) == "081804"
    assert totp.code_at(secret, 2000000000) == "279037"


def password_step(client, username="bob_league"):
    return client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})


def logged_in(client) -> bool:
    return client.get(reverse("home")).status_code == 200


def enrol(client, username="bob_league") -> tuple[str, list[str]]:
    response = password_step(client, username)
    assert response.status_code == 302 and response.url == reverse("security:two_factor")
    assert not logged_in(client), "the password alone must not sign in"
    page = client.get(reverse("security:two_factor"))
    assert 'data-testid="totp-qr"' in page.text and "data:image/svg+xml" in page.text
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page.text).group(1)
    done = client.post(reverse("security:two_factor"), {"code": totp.code_at(secret)})
    assert done.status_code == 200
    codes = re.findall(r"<li>([0-9a-f]{5}-[0-9a-f]{5})</li>", done.text)
    assert len(codes) == 10
    return secret, codes


def test_an_official_enrols_at_first_sign_in_then_gives_a_code_each_time(client, users):
    secret, _codes = enrol(client)
    assert logged_in(client)
    assert TotpDevice.objects.get(user=users[Role.LEAGUE]).confirmed_at is not None

    client.logout()
    assert password_step(client).url == reverse("security:two_factor")
    assert not logged_in(client)
    # The code just used at enrolment is not good twice; the next time step's is.
    wrong = client.post(reverse("security:two_factor"), {"code": totp.code_at(secret)})
    assert wrong.status_code == 200 and 'data-testid="totp-error"' in wrong.text
    right = client.post(reverse("security:two_factor"), {"code": totp.code_at(secret, time.time() + 30)})
    assert right.status_code == 302
    assert logged_in(client)


def test_a_recovery_code_signs_in_once(client, users):
    _secret, codes = enrol(client)
    client.logout()
    password_step(client)
    assert client.post(reverse("security:two_factor"), {"code": codes[0]}).status_code == 302
    assert logged_in(client)
    client.logout()
    password_step(client)
    assert client.post(reverse("security:two_factor"), {"code": codes[0]}).status_code == 200
    assert not logged_in(client)
    assert RecoveryCode.objects.filter(user=users[Role.LEAGUE], used_at__isnull=False).count() == 1


def test_five_wrong_codes_send_back_to_the_password(client, users):
    enrol(client)
    client.logout()
    password_step(client)
    for _ in range(5):
        response = client.post(reverse("security:two_factor"), {"code": "000000"})
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    assert client.get(reverse("security:two_factor")).url == reverse("accounts:login")
    assert AuditEntry.objects.filter(action=Action.LOGIN_FAILED, username="bob_league").count() >= 5


def test_enterprises_are_not_asked_unless_they_enrolled(client, users):
    response = password_step(client, "frank_enterprise")
    assert response.status_code == 302 and response.url == reverse("home")


def test_the_administrators_are_asked(client, users):
    for username in ("kim_sysadmin", "leo_secadmin", "mia_auditadmin"):
        client.logout()
        assert password_step(client, username).url == reverse("security:two_factor")


def test_the_test_authenticator_never_gives_a_spent_step(monkeypatch):
    """The browser tests' authenticator: once this step's and the next step's codes are spent, it waits until an
    unused step is one the server takes, never handing back the step it just used (a flaky sign-in, once)."""
    from config.tests import browser_support

    clock = {"now": 1000 * totp.STEP + 5.0}
    monkeypatch.setattr(totp.time, "time", lambda: clock["now"])

    def sleep(seconds):
        clock["now"] += seconds

    monkeypatch.setattr("time.sleep", sleep)
    monkeypatch.setitem(browser_support.TOTP_SECRETS, "persona", totp.new_secret())
    monkeypatch.setattr(browser_support, "_TOTP_LAST", {})
    used = []
    for _ in range(6):
        browser_support.authenticator_code("persona")
        step = browser_support._TOTP_LAST["persona"]
        assert step not in used
        assert totp.step_at() <= step <= totp.step_at() + 1
        used.append(step)
