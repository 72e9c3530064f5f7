from django.core.management.base import BaseCommand, CommandError

from fugong.core import crypto
from fugong.security import keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value (contact names, phones) under the first key of FIELD_KEYS and the current "
        "FIELD_CIPHER. Idempotent and resumable: run it again after an interruption. --check lists what is left."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Change nothing; exit 1 if any value is not yet rotated."
        )
        parser.add_argument("--batch", type=int, default=500, help="Rows per transaction (default 500).")
        parser.add_argument(
            "--new-key", metavar="ID", help="Print a fresh key line ID:base64 to put first in FIELD_KEYS."
        )

    def handle(self, *args, **options):
        if options["new_key"]:
            try:
                line = crypto.new_key_line(options["new_key"])
                crypto.parse_keys(line)
            except Exception as error:
                raise CommandError(str(error)) from error
            self.stdout.write(line)
            return
        ring = crypto.ring()
        if options["check"]:
            left = keys.remaining()
            for table, count in left.items():
                self.stdout.write(f"{table}: {count} rows not under key {ring.current.id} ({ring.cipher})")
            if left:
                raise CommandError(f"{sum(left.values())} rows still need rotate_keys; keep the old keys until then.")
            self.stdout.write(f"Every encrypted value is under key {ring.current.id} ({ring.cipher}).")
            return
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1.")

        def report(table, rewritten):
            self.stdout.write(f"{table.table}: {rewritten} rows re-encrypted")

        tally = keys.rotate_all(batch=options["batch"], on_table=report)
        self.stdout.write(
            f"Done: {tally.rows_rewritten} of {tally.rows_read} rows re-encrypted under key {ring.current.id} "
            f"({ring.cipher}); {tally.rows_skipped} changed meanwhile (already current)."
        )
