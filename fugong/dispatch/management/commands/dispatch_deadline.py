"""Show or change when each period's reports are due (docs/dispatch.md §4).

    manage.py dispatch_deadline                                   # show both deadlines
    manage.py dispatch_deadline --period-type daily --at 09:30    # daily reports due 09:30 the next day
    manage.py dispatch_deadline --period-type weekly --offset-days 8 --at 12:00

Reports already filed keep their late mark; the change applies to reports filed from now on.
Move the cron lines of dispatch_remind with the deadlines.
"""

from datetime import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fugong.dispatch.models import Deadline, PeriodType


def _time(raw: str) -> time:
    try:
        return time.fromisoformat(raw)
    except ValueError as e:
        raise CommandError(f"--at: {raw!r} is not a time of day such as 10:00") from e


class Command(BaseCommand):
    help = "Show or change the deadline of the daily or the weekly reports."

    def add_arguments(self, parser):
        parser.add_argument("--period-type", choices=PeriodType.values)
        parser.add_argument("--offset-days", type=int, help="days after the period starts (daily: 1, weekly: 7)")
        parser.add_argument("--at", help="time of day, Asia/Shanghai, HH:MM")
        parser.add_argument("--stale-after-days", type=int, help="a carried-forward report is stale after N days")

    def handle(self, *args, **options):
        changes = {name: options[name] for name in ("offset_days", "stale_after_days") if options[name] is not None}
        if options["at"]:
            changes["at"] = _time(options["at"])
        if changes and not options["period_type"]:
            raise CommandError("--period-type is required to change a deadline")
        if changes:
            self.handle_one(options["period_type"], changes)
        for period_type in PeriodType.values:
            self.stdout.write(self.describe(Deadline.for_type(period_type)))

    def handle_one(self, period_type: str, changes: dict) -> Deadline:
        deadline = Deadline.for_type(period_type)
        for name, value in changes.items():
            if isinstance(value, int) and value < 0:
                raise CommandError(f"--{name.replace('_', '-')}: {value} is negative")
            setattr(deadline, name, value)
        try:
            deadline.full_clean()
        except ValidationError as e:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in e.message_dict.items())) from e
        deadline.save()
        return deadline

    @staticmethod
    def describe(deadline: Deadline) -> str:
        return (
            f"{deadline.period_type}: due {deadline.offset_days} day(s) after the period starts at "
            f"{deadline.at:%H:%M} (Asia/Shanghai); stale after {deadline.stale_after_days} day(s)"
        )
