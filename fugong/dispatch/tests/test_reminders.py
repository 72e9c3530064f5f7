import logging
from datetime import date, datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from config.testing import make_user
from fugong.accounts.models import Role
from fugong.dispatch import reminders, tasks
from fugong.dispatch.models import PeriodLock, Reminder
from fugong.dispatch.tests.scenario import DAY, MONDAY, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(baotou_enterprise, ordos_enterprise):
    s = build(baotou_enterprise, ordos_enterprise)
    user = make_user("ivan_missing", Role.ENTERPRISE, enterprise=s["b_missing"])
    user.email = "ivan@example.com"
    user.save(update_fields=["email"])
    return s


def sms_lines(caplog):
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("SMS to ")]


def test_it_reminds_each_missing_enterprise_once(scenario, caplog):
    caplog.set_level(logging.INFO, logger="fugong.dispatch.reminders")
    result = reminders.remind_missing(period_type="daily", period=DAY)
    assert (result.missing, result.reminded, result.emails, result.sms) == (2, 2, 1, 2)
    assert [m.to for m in mail.outbox] == [["ivan@example.com"]]
    assert DAY.isoformat() in mail.outbox[0].subject + mail.outbox[0].body
    # The log masks the phone numbers it would have texted.
    lines = sms_lines(caplog)
    assert sorted(line.split(":")[0] for line in lines) == ["SMS to 138****1234", "SMS to 139****1111"]
    assert not any("13812341234" in line for line in lines)
    assert dict(Reminder.objects.values_list("enterprise__name", "channels")) == {
        "包头未报有限公司": ["email", "sms"],
        "海拉尔未报有限公司": ["sms"],
    }

    caplog.clear()
    again = reminders.remind_missing(period_type="daily", period=DAY)
    assert (again.missing, again.reminded) == (0, 0)
    assert len(mail.outbox) == 1 and sms_lines(caplog) == []
    assert Reminder.objects.count() == 2


def test_an_enterprise_without_contacts_is_recorded_as_unreachable(scenario):
    scenario["h_missing"].contact_phone = ""
    scenario["h_missing"].save(update_fields=["contact_phone"])
    result = reminders.remind_missing(period_type="daily", period=DAY)
    assert result.unreachable == [scenario["h_missing"].credit_code]
    assert Reminder.objects.get(enterprise=scenario["h_missing"]).channels == []


def test_a_locked_league_is_not_reminded(scenario):
    PeriodLock.objects.create(league_id="150700", period_type="daily", period=DAY)
    reminders.remind_missing(period_type="daily", period=DAY)
    assert list(Reminder.objects.values_list("enterprise__name", flat=True)) == ["包头未报有限公司"]


def test_weekly_reminders_go_to_park_enterprises(scenario, caplog):
    caplog.set_level(logging.INFO, logger="fugong.dispatch.reminders")
    result = reminders.remind_missing(period_type="weekly", period=MONDAY.replace(day=19))
    assert result.period == MONDAY and result.reminded == 1
    assert sms_lines(caplog)[0].startswith("SMS to 137****2222: ")


class FailingSender:
    def send(self, phone, message):  # noqa: ARG002 - the SMS sender's interface
        raise ConnectionError("gateway down")


def test_a_failed_send_is_tried_again_on_the_next_run(scenario):
    result = reminders.remind_missing(period_type="daily", period=DAY, sms=FailingSender())
    # The e-mail went out, so that enterprise counts as reminded; the SMS-only one is released.
    assert result.failed == [scenario["h_missing"].credit_code]
    assert list(Reminder.objects.values_list("enterprise__name", flat=True)) == ["包头未报有限公司"]
    assert reminders.remind_missing(period_type="daily", period=DAY).reminded == 1


def test_the_sender_comes_from_settings(settings):
    settings.SMS_SENDER = "fugong.dispatch.tests.test_reminders.FailingSender"
    assert isinstance(reminders.sms_sender(), FailingSender)
    del settings.SMS_SENDER
    assert isinstance(reminders.sms_sender(), reminders.LoggingSmsSender)


def at(text):
    return timezone.make_aware(datetime.fromisoformat(text))


def test_the_default_period_is_the_one_whose_deadline_just_passed(db):
    assert reminders.last_closed_period("daily", at("2020-02-21 10:05")) == date(2020, 2, 20)
    assert reminders.last_closed_period("daily", at("2020-02-21 09:59")) == date(2020, 2, 19)
    assert reminders.last_closed_period("weekly", at("2020-02-24 12:05")) == date(2020, 2, 17)
    assert reminders.last_closed_period("weekly", at("2020-02-24 11:00")) == date(2020, 2, 10)
    assert reminders.last_closed_period("weekly", at("2020-02-27 08:00")) == date(2020, 2, 17)


def test_the_task_and_the_command_remind_through_the_same_code(scenario):
    result = tasks.send_reminders.enqueue("daily", DAY.isoformat())
    assert result.return_value["reminded"] == 2
    out = []
    call_command("dispatch_remind", "--date", DAY.isoformat(), stdout=FakeOut(out))
    assert "'reminded': 0" in "".join(out)
    call_command(
        "dispatch_remind", "--period-type", "weekly", "--date", MONDAY.isoformat(), "--here", stdout=FakeOut(out)
    )
    assert "'reminded': 1" in out[-1]
    assert len(mail.outbox) == 1


class FakeOut:
    def __init__(self, lines):
        self.lines = lines

    def write(self, text):
        self.lines.append(text)

    def flush(self):
        pass


def test_the_reminder_is_in_the_sites_language(scenario, settings):
    from django.utils import translation

    with translation.override("en"):  # whatever the request or test thread speaks
        reminders.remind_missing(period_type="daily", period=DAY)
    assert mail.outbox[0].subject == f"催报提醒：{DAY.isoformat()}的日调度表尚未填报"
    settings.LANGUAGE_CODE = "en"
    Reminder.objects.all().delete()
    reminders.remind_missing(period_type="daily", period=DAY)
    assert mail.outbox[1].subject == f"Reminder: the daily report for {DAY.isoformat()} is missing"
