"""Entries older than the retention (at least 180 days) go to a JSON-lines file, then leave the table.

The file holds every field and hash, and the chain is checked before anything is deleted; an anchor row keeps the
last archived hash, from which `audit_verify` goes on. Nothing is dropped without being in a file first.
"""

import hashlib
import json
from datetime import timedelta
from itertools import takewhile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from fugong.security import trail
from fugong.security.models import AuditAnchor, AuditEntry


class Command(BaseCommand):
    help = "Archive audit entries older than AUDIT_RETENTION_DAYS (>= 180) to a file, then remove them."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.AUDIT_RETENTION_DAYS)
        parser.add_argument("--to", default=str(settings.AUDIT_ARCHIVE_DIR))

    @transaction.atomic
    def handle(self, *args, **options):
        days = max(180, options["days"])
        cutoff = timezone.now() - timedelta(days=days)
        anchor = AuditAnchor.objects.order_by("-through_seq").first()
        start_seq, start_hash = (anchor.through_seq, anchor.last_hash) if anchor else (0, trail.GENESIS)
        # The oldest entries in chain order, up to the first one still within the retention.
        old = list(
            takewhile(lambda e: e.at < cutoff, AuditEntry.objects.filter(seq__gt=start_seq).order_by("seq").iterator())
        )
        if not old:
            self.stdout.write("Nothing to archive.")
            return
        checked, broken = trail.verify_rows(old, start_seq=start_seq, start_hash=start_hash)
        if broken is not None:
            raise CommandError(f"Audit chain broken at entry {broken.seq}: {broken.reason}. Nothing archived.")
        folder = options["to"]

        Path(folder).mkdir(parents=True, exist_ok=True)
        path = Path(folder) / f"audit-{old[0].seq}-{old[-1].seq}.jsonl"
        lines = [
            json.dumps(
                {**trail.values_of(e), "at": e.at.isoformat(), "prev_hash": e.prev_hash, "hash": e.hash},
                ensure_ascii=False,
                sort_keys=True,
            )
            for e in old
        ]
        content = ("\n".join(lines) + "\n").encode()
        path.write_bytes(content)
        AuditAnchor.objects.create(
            through_seq=old[-1].seq,
            last_hash=old[-1].hash,
            file=str(path),
            file_sha256=hashlib.sha256(content).hexdigest(),
            count=len(old),
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL fugong.audit_archive = 'on'")
        AuditEntry.objects.filter(seq__lte=old[-1].seq, seq__gt=start_seq).delete()
        self.stdout.write(f"Archived {checked} entries to {path}.")
