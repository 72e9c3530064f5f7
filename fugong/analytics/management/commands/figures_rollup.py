"""Rebuild the figures rollup from the registry and the raw reports, or show its state (docs/scaling.md).

    manage.py figures_rollup            # rebuild: after a bulk load (COPY, a restore) or a staleness change
    manage.py figures_rollup --status   # is it complete, built with today's staleness, how big

Report writes through dispatch.services and registry writes through enterprises.services keep it right as they
go; while it is cleared or built with another staleness the figures read the raw reports (slower, same numbers).
"""

import time

from django.core.management.base import BaseCommand

from fugong.analytics import rollup
from fugong.analytics.rollup_models import RollupDay, RollupKey, RollupMember, RollupState


class Command(BaseCommand):
    help = "Rebuild the figures rollup from the raw reports, or show its state."

    def add_arguments(self, parser):
        parser.add_argument("--status", action="store_true", help="Show the state and do nothing else.")

    def handle(self, *args, status=False, **options):
        if not status:
            start = time.perf_counter()
            counts = rollup.rebuild()
            self.stdout.write(
                f"Rebuilt in {time.perf_counter() - start:.1f} s: {counts['members']} enterprises under dispatch, "
                f"{counts['keys']} keys, {counts['rows']} rows."
            )
        states = dict(RollupState.objects.values_list("kind", "stale_days"))
        for kind in rollup.KINDS:
            if kind not in states:
                self.stdout.write(f"{kind}: not built; the figures read the raw reports.")
                continue
            wanted = rollup.stale_days(kind)
            note = "in use" if states[kind] == wanted else f"built for {states[kind]}, now {wanted}: rebuild"
            self.stdout.write(f"{kind}: stale after {states[kind]} day(s), {note}.")
        if status:
            self.stdout.write(
                f"{RollupMember.objects.exclude(kind='').count()} enterprises, {RollupKey.objects.count()} keys, "
                f"{RollupDay.objects.count()} rows."
            )
