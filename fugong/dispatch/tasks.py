from datetime import date

from django_tasks import task

from fugong.dispatch import reminders


@task()
def send_reminders(period_type: str, period: str) -> dict:
    """Remind every enterprise whose report for the period is missing; `period` is an ISO date."""
    result = reminders.remind_missing(period_type=period_type, period=date.fromisoformat(period))
    return result.as_json()
