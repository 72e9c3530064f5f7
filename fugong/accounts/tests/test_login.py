from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from config.testing import PASSWORD
from fugong.accounts.models import Role

pytestmark = pytest.mark.django_db

HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"


def post_login(client, username, password, address=HOME, **headers):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def fail(client, username, times, address=HOME):
    return [post_login(client, username, "wrong-password", address) for _ in range(times)]


def logged_in(client) -> bool:
    return client.get(reverse("home")).status_code == 200


def test_it_logs_in_with_the_right_password(client, users):
    response = post_login(client, "bob_league", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert logged_in(client)


def test_it_says_the_password_is_wrong_in_chinese_by_default(client, users):
    response = post_login(client, "bob_league", "wrong-password")
    assert response.status_code == 200
    assert 'data-testid="login-error"' in response.text
    assert "请输入一个正确的" in response.text
    assert not logged_in(client)


def test_it_says_the_password_is_wrong_in_english_when_chosen(client, users):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = post_login(client, "bob_league", "wrong-password")
    assert "Please enter a correct username and password" in response.text


def test_it_locks_a_username_out_after_five_failures_from_one_address(client, users):
    responses = fail(client, "bob_league", 5)
    assert [r.status_code for r in responses[:4]] == [200] * 4
    # The fifth failure reaches the limit and is itself answered with the lockout page.
    assert responses[4].status_code == 429
    assert AccessAttempt.objects.get(username="bob_league", ip_address=HOME).failures_since_start == 5

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = post_login(client, "bob_league", PASSWORD)
    assert response.status_code == 429
    assert 'data-testid="locked"' in response.text
    assert "Too many failed logins" in response.text
    assert "locked on this computer for 15 minutes" in response.text
    assert not logged_in(client)


def test_the_lockout_message_is_in_chinese_by_default(client, users):
    fail(client, "bob_league", 5)
    response = post_login(client, "bob_league", PASSWORD)
    assert response.status_code == 429
    assert 'data-testid="locked"' in response.text
    assert 'lang="zh-hans"' in response.text


def test_four_failures_do_not_lock(client, users):
    fail(client, "bob_league", 4)
    response = post_login(client, "bob_league", PASSWORD)
    assert response.status_code == 302
    # A success clears the count (AXES_RESET_ON_SUCCESS).
    assert not AccessAttempt.objects.filter(username="bob_league").exists()


def test_the_lockout_holds_only_for_that_username_and_address(client, users):
    fail(client, "bob_league", 5)

    assert post_login(client, "bob_league", PASSWORD, address=ELSEWHERE).status_code == 302
    client.logout()
    assert post_login(client, "carol_county", PASSWORD, address=HOME).status_code == 302
    client.logout()
    assert post_login(client, "bob_league", PASSWORD, address=HOME).status_code == 429


def test_the_cool_off_is_fifteen_minutes(client, users):
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_FAILURE_LIMIT == 5
    fail(client, "bob_league", 5)

    AccessAttempt.objects.filter(username="bob_league").update(
        attempt_time=timezone.now() - timedelta(minutes=14, seconds=30)
    )
    assert post_login(client, "bob_league", PASSWORD).status_code == 429

    AccessAttempt.objects.filter(username="bob_league").update(
        attempt_time=timezone.now() - timedelta(minutes=15, seconds=30)
    )
    assert post_login(client, "bob_league", PASSWORD).status_code == 302


def test_attempts_during_the_lockout_do_not_extend_it(client, users):
    fail(client, "bob_league", 5)
    AccessAttempt.objects.filter(username="bob_league").update(attempt_time=timezone.now() - timedelta(minutes=10))
    assert [r.status_code for r in fail(client, "bob_league", 3)] == [429] * 3
    attempt = AccessAttempt.objects.get(username="bob_league")
    assert attempt.failures_since_start == 5
    assert attempt.attempt_time < timezone.now() - timedelta(minutes=9)

    AccessAttempt.objects.filter(username="bob_league").update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert post_login(client, "bob_league", PASSWORD).status_code == 302


def test_failures_older_than_fifteen_minutes_do_not_count(client, users):
    fail(client, "bob_league", 4)
    AccessAttempt.objects.filter(username="bob_league").update(attempt_time=timezone.now() - timedelta(minutes=16))

    responses = fail(client, "bob_league", 4)
    assert [r.status_code for r in responses] == [200] * 4
    assert AccessAttempt.objects.get(username="bob_league").failures_since_start == 4
    assert post_login(client, "bob_league", PASSWORD).status_code == 302


def test_logout_is_post_only(client, users):
    client.force_login(users[Role.LEAGUE])
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert logged_in(client)

    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert not logged_in(client)


def session_row(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_the_session_expires_thirty_minutes_after_the_last_request(client, users):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    post_login(client, "bob_league", PASSWORD)
    # Ten minutes pass; the next request pushes the expiry 30 minutes past itself.
    Session.objects.filter(pk=session_row(client).pk).update(expire_date=timezone.now() + timedelta(minutes=20))

    assert logged_in(client)
    expiry = session_row(client).expire_date - timezone.now()
    assert timedelta(minutes=29) < expiry <= timedelta(minutes=30)
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 1800


def test_it_logs_out_after_thirty_one_idle_minutes(client, users):
    post_login(client, "bob_league", PASSWORD)
    # What the row would hold had the last request been 31 minutes ago.
    Session.objects.filter(pk=session_row(client).pk).update(expire_date=timezone.now() - timedelta(minutes=1))

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_login_page_is_not_offered_to_the_logged_in(client, users):
    client.force_login(users[Role.LEAGUE])
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 302
