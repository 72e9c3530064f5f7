"""Remind the enterprises whose report is missing once a deadline has passed.

Cron runs it a few minutes after each deadline (docs/dispatch.md), for example:

    5 10 * * *  cd /srv/fugong && .venv/bin/python manage.py dispatch_remind --period-type daily
    5 12 * * 1  cd /srv/fugong && .venv/bin/python manage.py dispatch_remind --period-type weekly

Without --date it reminds for the newest period whose deadline has passed. Running it twice
sends nothing twice.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from fugong.dispatch import reminders, tasks
from fugong.dispatch.models import PeriodType


class Command(BaseCommand):
    help = "Remind enterprises whose report for a period is missing (run by cron after each deadline)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="a day of the period, YYYY-MM-DD (default: the period just closed)")
        parser.add_argument("--period-type", choices=PeriodType.values, default=PeriodType.DAILY)
        parser.add_argument("--here", action="store_true", help="run in this process instead of enqueueing")

    def handle(self, *args, **options):
        period_type = options["period_type"]
        try:
            day = date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as e:
            raise CommandError(f"--date: {e}") from e
        self.handle_one(period_type, day or reminders.last_closed_period(period_type), here=options["here"])

    def handle_one(self, period_type: str, day: date, *, here: bool = False) -> None:
        period = reminders.period_of(period_type, day).isoformat()
        if here:
            outcome = tasks.send_reminders.call(period_type, period)
            self.stdout.write(f"{period_type} {period}: {outcome}")
            return
        result = tasks.send_reminders.enqueue(period_type, period)
        done = result.status == "SUCCESSFUL"
        self.stdout.write(f"{period_type} {period}: " + (str(result.return_value) if done else f"queued {result.id}"))
