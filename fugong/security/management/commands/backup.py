from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fugong.security import backups, trail
from fugong.security.models import Action


class Command(BaseCommand):
    help = "Back up the database and the attachments to a directory with a manifest and checksums."

    def add_arguments(self, parser):
        parser.add_argument("--to", help="the directory to create (default: BACKUP_DIR/fugong-YYYYmmdd-HHMMSS)")

    def handle(self, *args, **options):
        target = Path(options["to"] or settings.BACKUP_DIR / f"fugong-{timezone.now():%Y%m%d-%H%M%S}")
        try:
            manifest = backups.backup(target)
        except (backups.BackupError, OSError) as e:
            raise CommandError(str(e)) from e
        trail.note(Action.ADMIN, summary="backup", detail={"to": str(target), "tables": len(manifest["tables"])})
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Backed up {len(manifest['tables'])} tables ({rows} rows) and {len(manifest['files'])} files to {target}."
        )
