"""The missing list's "remind": one enterprise at a time, by the configured SMS sender, once per short window."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from config.testing import make_user
from fugong.accounts.models import Role
from fugong.areas.models import Area
from fugong.dispatch import reminders
from fugong.dispatch.models import Reminder
from fugong.dispatch.tests.scenario import DAY, build

pytestmark = pytest.mark.django_db
URL = "/dispatch/completeness/remind/"


class RecordingSender:
    sent: list[tuple[str, str]] = []

    def send(self, phone: str, message: str) -> None:
        RecordingSender.sent.append((phone, message))


class FailingSender:
    def send(self, phone: str, message: str) -> None:  # noqa: ARG002 - the SmsSender protocol
        raise ConnectionError("gateway down")


@pytest.fixture
def scenario(baotou_enterprise, ordos_enterprise, settings):
    settings.SMS_SENDER = "fugong.dispatch.tests.test_remind.RecordingSender"
    RecordingSender.sent = []
    return build(baotou_enterprise, ordos_enterprise)


def remind(client, enterprise, **extra):
    body = {"credit_code": enterprise.credit_code, "date": DAY.isoformat(), "period_type": "daily", **extra}
    return client.post(URL, body, follow=True)


def test_it_texts_the_missing_enterprise_and_says_when(client, scenario, users):
    client.force_login(users[Role.LEAGUE])
    missing = scenario["b_missing"]
    response = client.post(
        URL, {"credit_code": missing.credit_code, "date": DAY.isoformat(), "period_type": "daily", "league": "150200"}
    )
    assert response.status_code == 302
    # Back to the same day, scope and row of the missing list.
    assert response["Location"].startswith("/dispatch/completeness/?date=2020-02-20&period_type=daily&league=150200")
    assert response["Location"].endswith(f"#missing-{missing.credit_code}")
    assert [phone for phone, _ in RecordingSender.sent] == ["13812341234"]
    assert "2020-02-20" in RecordingSender.sent[0][1]
    reminder = Reminder.objects.get(enterprise=missing)
    assert (reminder.sent_by, reminder.channels, reminder.period) == (users[Role.LEAGUE], ["sms"], DAY)
    page = client.get(f"/dispatch/completeness/?date={DAY}&league=150200")
    row = page.content.decode().split(f'id="missing-{missing.credit_code}"')[1].split("</tr>")[0]
    at = timezone.localtime(reminder.sent_at).strftime("%H:%M")
    assert 'data-testid="reminded-at"' in row and at in row


def test_a_second_click_in_the_window_sends_nothing(client, scenario, users):
    client.force_login(users[Role.COUNTY])
    missing = scenario["b_missing"]
    remind(client, missing)
    response = remind(client, missing)
    assert len(RecordingSender.sent) == 1
    assert Reminder.objects.filter(enterprise=missing).count() == 1
    assert "no second reminder was sent" in response.content.decode() or "未再次发送" in response.content.decode()
    # Once the window has passed, a click reminds again.
    Reminder.objects.filter(enterprise=missing).update(
        sent_at=timezone.now() - reminders.REMIND_AGAIN_AFTER - timedelta(minutes=1)
    )
    remind(client, missing)
    assert len(RecordingSender.sent) == 2
    assert Reminder.objects.filter(enterprise=missing).count() == 2


def test_the_automatic_reminder_counts_for_the_window(scenario, users):
    reminders.remind_missing(period_type="daily", period=DAY, sms=RecordingSender())
    sent = len(RecordingSender.sent)
    result = reminders.reminder_send(
        actor=users[Role.LEAGUE], enterprise=scenario["b_missing"], period_type="daily", period=DAY
    )
    assert not result.sent and result.reminder is not None
    assert len(RecordingSender.sent) == sent


def test_a_filed_report_is_not_reminded(client, scenario, users):
    client.force_login(users[Role.REGION])
    response = remind(client, scenario["baotou"])
    assert response.status_code == 200
    assert RecordingSender.sent == [] and not Reminder.objects.exists()


def test_an_enterprise_without_phone_or_email_is_not_recorded_as_reminded(client, scenario, users):
    client.force_login(users[Role.REGION])
    scenario["b_missing"].contact_phone = ""
    scenario["b_missing"].save(update_fields=["contact_phone"])
    remind(client, scenario["b_missing"])
    assert RecordingSender.sent == [] and not Reminder.objects.exists()


def test_a_failing_gateway_leaves_no_record_so_the_next_click_retries(client, scenario, users, settings):
    settings.SMS_SENDER = "fugong.dispatch.tests.test_remind.FailingSender"
    client.force_login(users[Role.REGION])
    remind(client, scenario["b_missing"])
    assert not Reminder.objects.exists()


def test_out_of_scope_and_other_roles_get_404(client, scenario, users):
    hailar = scenario["h_missing"]  # Hulunbuir: outside Baotou
    for role in (Role.LEAGUE, Role.COUNTY):
        client.force_login(users[role])
        assert remind(client, hailar).status_code == 404, role
    # Another county of the same league is outside a county official's scope.
    other_county = make_user("cindy_county", Role.COUNTY, area=Area.objects.get(code="150202"))
    client.force_login(other_county)
    assert remind(client, scenario["b_missing"]).status_code == 404
    for role in (Role.WORKGROUP, Role.ENTERPRISE, Role.HANDLER, Role.BANK):
        client.force_login(users[role])
        assert remind(client, scenario["b_missing"]).status_code == 404, role
    client.force_login(users[Role.REGION])
    assert client.get(URL).status_code == 405
    assert remind(client, scenario["b_missing"], credit_code="x" * 500).status_code == 404
    assert RecordingSender.sent == []


def test_it_needs_the_csrf_token(scenario, users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users[Role.LEAGUE])
    body = {"credit_code": scenario["b_missing"].credit_code, "date": DAY.isoformat(), "period_type": "daily"}
    assert client.post(URL, body).status_code == 403
    assert RecordingSender.sent == []


def test_the_button_shows_only_to_officials(client, scenario, users):
    client.force_login(users[Role.LEAGUE])
    assert 'data-testid="remind"' in client.get(f"/dispatch/completeness/?date={DAY}").content.decode()
    client.force_login(users[Role.WORKGROUP])
    assert 'data-testid="remind"' not in client.get(f"/dispatch/completeness/?date={DAY}").content.decode()
