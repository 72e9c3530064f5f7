from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fugong.security import backups


class Command(BaseCommand):
    help = "Restore a backup into an empty database, then compare every table's row count with the manifest."

    def add_arguments(self, parser):
        parser.add_argument("source", help="a directory made by `manage.py backup`")
        parser.add_argument("--into", help="another empty database: sqlite:////path or postgres://user@host/name")
        parser.add_argument("--no-files", action="store_true", help="leave the attachments where they are")

    def handle(self, *args, **options):
        try:
            differ = backups.restore(Path(options["source"]), into=options["into"], files=not options["no_files"])
        except (backups.BackupError, OSError) as e:
            raise CommandError(str(e)) from e
        except Exception as e:  # pg_restore's failure, named
            raise CommandError(f"restore failed: {e}") from e
        if differ:
            lines = ", ".join(f"{t}: {a} expected, {b} found" for t, (a, b) in sorted(differ.items()))
            raise CommandError(f"Restored, but row counts differ: {lines}")
        self.stdout.write("Restored; every table's row count matches the manifest.")
