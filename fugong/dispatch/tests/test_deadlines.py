from datetime import time, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from fugong.accounts.models import Role
from fugong.dispatch.models import Deadline

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("dispatch_deadline", *args, stdout=out)
    return out.getvalue()


def test_it_shows_the_seeded_defaults():
    out = run()
    assert "daily: due 1 day(s) after the period starts at 10:00" in out
    assert "weekly: due 7 day(s) after the period starts at 12:00" in out


def test_it_changes_one_deadline_and_leaves_the_other():
    out = run("--period-type", "daily", "--at", "09:30", "--stale-after-days", "5")
    daily = Deadline.objects.get(period_type="daily")
    assert (daily.offset_days, daily.at, daily.stale_after_days) == (1, time(9, 30), 5)
    assert Deadline.objects.get(period_type="weekly").at == time(12, 0)
    assert "daily: due 1 day(s) after the period starts at 09:30" in out


def test_it_creates_the_row_when_it_was_removed():
    Deadline.objects.filter(period_type="weekly").delete()
    run("--period-type", "weekly", "--offset-days", "8")
    weekly = Deadline.objects.get(period_type="weekly")
    assert (weekly.offset_days, weekly.at) == (8, time(12, 0))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--period-type", "daily", "--at", "25:00"), "--at"),
        (("--period-type", "daily", "--offset-days", "-1"), "--offset-days"),
        (("--at", "09:00"), "--period-type"),
    ],
)
def test_bad_input_is_named_and_changes_nothing(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert Deadline.objects.get(period_type="daily").at == time(10, 0)


def test_the_enterprise_form_shows_the_configured_deadline(client, users):
    run("--period-type", "daily", "--offset-days", "0", "--at", "23:59")
    client.force_login(users[Role.ENTERPRISE])
    response = client.get("/dispatch/report/")
    today = timezone.localdate()
    assert response.context["deadline"] == Deadline.for_type("daily").due_at(today)
    assert f"{today:%Y-%m-%d} 23:59" in response.text
    run("--period-type", "daily", "--offset-days", "1", "--at", "10:00")
    response = client.get("/dispatch/report/")
    assert f"{today + timedelta(days=1):%Y-%m-%d} 10:00" in response.text
