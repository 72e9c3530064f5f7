"""Escalate overdue problems (to the league, then the region) and confirm long-resolved ones.

Cron runs it once each working morning, for example:

    30 8 * * *  cd /srv/fugong && .venv/bin/python manage.py problems_sweep

Running it twice on one day escalates nothing twice.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fugong.problems import tasks


class Command(BaseCommand):
    help = "Escalate overdue problems and confirm those resolved long enough ago (run by cron each morning)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to sweep as of, YYYY-MM-DD (default: today)")
        parser.add_argument("--here", action="store_true", help="run in this process instead of enqueueing")

    def handle(self, *args, **options):
        try:
            day = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as e:
            raise CommandError(f"--date: {e}") from e
        self.handle_one(day, here=options["here"])

    def handle_one(self, day: date, *, here: bool = False) -> None:
        if here:
            self.stdout.write(f"{day.isoformat()}: {tasks.sweep.call(day.isoformat())}")
            return
        result = tasks.sweep.enqueue(day.isoformat())
        done = result.status == "SUCCESSFUL"
        self.stdout.write(f"{day.isoformat()}: " + (str(result.return_value) if done else f"queued {result.id}"))
