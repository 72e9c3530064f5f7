from datetime import date

from django.core.management.base import BaseCommand, CommandError

from fugong.catalogue import vouchers


class Command(BaseCommand):
    help = (
        "Expire, or carry over to the programme it names, every unused voucher of a programme whose window has "
        "ended (cron, daily after midnight). Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to run as (YYYY-MM-DD); default today")
        parser.add_argument("--queue", action="store_true", help="enqueue the task instead of running it here")

    def handle(self, *args, **options):
        day = None
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError as e:
                raise CommandError(f"--date: {e}") from e
        if options["queue"]:
            from fugong.catalogue.tasks import expire_vouchers

            result = expire_vouchers.enqueue(day.isoformat() if day else "")
            self.stdout.write(f"queued {result.id}")
            return
        counts = vouchers.vouchers_expire(today=day)
        self.stdout.write(f"expired {counts['expired']}, carried over {counts['carried_over']}")
