"""The figures rollup: running totals kept in the same transaction as every report write (docs/scaling.md).

`RollupKey` is one group of enterprises: a report kind (daily, weekly), a county (with its league), an
above-scale flag and an industry, or all industries ('': the coarse grain that the headline and the league and
county breakdowns read). `RollupDay` holds, for a key and a day, the totals as of that day: the figures as of D
are, per key, the row with the greatest day on or before D. `RollupMember` records which keys and which registry
values (headcount, normal output) an enterprise contributes with, so a registry change can take the old
contribution out and put the new one in. `RollupState` says the rollup is complete for a kind, and with which
staleness; without it the engine reads the raw reports.
"""

from typing import NamedTuple

from django.db import models


class RollupKey(models.Model):
    kind = models.CharField(max_length=8)
    # Plain codes named as on reports and enterprises, so that access.area_scope filters keys as it filters them.
    league_id = models.CharField(max_length=6)
    county_id = models.CharField(max_length=6)
    industry_id = models.CharField(max_length=2, blank=True)  # '' = every industry
    above_scale = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "county_id", "industry_id", "above_scale"], name="rollup_key_unique"
            )
        ]
        indexes = [models.Index(fields=["kind", "industry_id", "league_id"])]

    def __str__(self):
        return f"{self.kind} {self.county_id} {self.industry_id or '*'} {self.above_scale}"


class Totals(NamedTuple):
    """A group's figures as of a day, as the rollup keeps them (integers; a column of `RollupDay` each)."""

    enterprises: int
    production_resumed: int
    work_resumed: int
    employees: int
    on_duty: int
    capacity_weighted: int  # Σ capacity in tenths of a per cent × normal output in cents
    normal_output: int  # cents
    filed: int
    filed_late: int
    fresh: int  # reported on or before the day, the latest report not yet stale
    never_reported: int


TOTALS = Totals._fields


class RollupDay(models.Model):
    # No database constraint: a rebuild writes millions of rows, and only this module writes them.
    key = models.ForeignKey(RollupKey, models.CASCADE, related_name="+", db_constraint=False)
    day = models.DateField()
    enterprises = models.BigIntegerField(default=0)
    production_resumed = models.BigIntegerField(default=0)
    work_resumed = models.BigIntegerField(default=0)
    employees = models.BigIntegerField(default=0)
    on_duty = models.BigIntegerField(default=0)
    capacity_weighted = models.BigIntegerField(default=0)
    normal_output = models.BigIntegerField(default=0)
    filed = models.BigIntegerField(default=0)
    filed_late = models.BigIntegerField(default=0)
    fresh = models.BigIntegerField(default=0)
    never_reported = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "day"], name="rollup_day_unique")]

    def __str__(self):
        return f"{self.key_id} {self.day}"


class RollupMember(models.Model):
    enterprise_id = models.BigIntegerField(primary_key=True)  # no foreign key: the demo wipes enterprises by SQL
    kind = models.CharField(max_length=8, blank=True)  # '' = under no dispatch
    coarse_key = models.ForeignKey(RollupKey, models.PROTECT, null=True, related_name="+")
    fine_key = models.ForeignKey(RollupKey, models.PROTECT, null=True, related_name="+")
    employees = models.BigIntegerField(default=0)
    normal_output = models.BigIntegerField(default=0)  # cents

    def __str__(self):
        return f"{self.enterprise_id} {self.kind}"


class RollupState(models.Model):
    kind = models.CharField(max_length=8, primary_key=True)
    stale_days = models.PositiveIntegerField()  # in days (weeks × 7 for weekly)
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.kind} stale>{self.stale_days}d"
