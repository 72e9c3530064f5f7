import datetime as dt
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PeriodType(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class Status(models.TextChoices):
    NOT_RESUMED = "not_resumed", _("Not resumed")
    WORK_RESUMED = "work_resumed", _("Work resumed")
    PRODUCTION_RESUMED = "production_resumed", _("Production resumed")


class ProjectStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    STARTED = "started", _("Started")
    RESUMED = "resumed", _("Resumed")


class Source(models.TextChoices):
    FORM = "form", _("Form")
    GRID = "grid", _("Grid")
    EXCEL = "excel", _("Excel")
    API = "api", _("API")
    DEMO = "demo", _("Demo")


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


class Deadline(models.Model):
    """When a period's reports are due: `offset_days` after the period starts, at `at`.

    Defaults (seeded by a migration): daily by 10:00 the next morning; weekly by Monday 12:00,
    seven days after the week began.
    """

    period_type = models.CharField(_("period type"), max_length=8, choices=PeriodType.choices, unique=True)
    offset_days = models.PositiveSmallIntegerField(_("days after the period starts"))
    at = models.TimeField(_("time of day"))
    stale_after_days = models.PositiveSmallIntegerField(_("a carried-forward report is stale after (days)"), default=3)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")

    def __str__(self):
        return f"{self.period_type}: +{self.offset_days}d {self.at:%H:%M}"

    def due_at(self, period: date) -> datetime:
        moment = datetime.combine(period + timedelta(days=self.offset_days), self.at)
        return timezone.make_aware(moment, timezone.get_default_timezone())

    @classmethod
    def for_type(cls, period_type: str) -> "Deadline":
        found = cls.objects.filter(period_type=period_type).first()
        if found is not None:
            return found
        if period_type == PeriodType.DAILY:
            return cls(period_type=period_type, offset_days=1, at=time(10, 0))
        return cls(period_type=period_type, offset_days=7, at=time(12, 0))


class ReportBase(models.Model):
    """What the daily and the weekly enterprise reports share."""

    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, verbose_name=_("enterprise"))
    # Copied from the enterprise so that scope and figures filter without a join.
    league = models.ForeignKey("areas.Area", models.PROTECT, related_name="+", editable=False)
    county = models.ForeignKey("areas.Area", models.PROTECT, related_name="+", editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    employees = models.PositiveIntegerField(_("employees"))
    on_duty = models.PositiveIntegerField(_("employees on duty"))
    capacity_pct = models.DecimalField(_("capacity recovery %"), max_digits=5, decimal_places=1)
    note = models.CharField(_("note"), max_length=500, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    on_behalf = models.BooleanField(_("filed on behalf"), default=False)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    filed_at = models.DateTimeField(_("filed at"))
    late = models.BooleanField(_("late"), default=False)

    class Meta:
        abstract = True

    def values(self) -> dict:
        return {
            "status": self.status,
            "employees": self.employees,
            "on_duty": self.on_duty,
            "capacity_pct": str(self.capacity_pct),
            "note": self.note,
        }


class DailyReport(ReportBase):
    date = models.DateField(_("date"))

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "date"], name="daily_report_one_per_day"),
            models.CheckConstraint(
                name="daily_on_duty_within_employees", condition=models.Q(on_duty__lte=models.F("employees"))
            ),
            models.CheckConstraint(
                name="daily_capacity_range", condition=models.Q(capacity_pct__gte=0, capacity_pct__lte=200)
            ),
        ]
        indexes = [
            models.Index(fields=["date", "league"]),
            models.Index(fields=["enterprise", "-date"]),
        ]

    def __str__(self):
        return f"{self.enterprise_id} {self.date}"

    @property
    def period(self) -> dt.date:  # `date` is the field here
        return self.date


class WeeklyReport(ReportBase):
    """A park enterprise's weekly report; `week` is the Monday the week starts on."""

    week = models.DateField(_("week starting"))

    class Meta:
        verbose_name = _("weekly report")
        verbose_name_plural = _("weekly reports")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "week"], name="weekly_report_one_per_week"),
            models.CheckConstraint(
                name="weekly_on_duty_within_employees", condition=models.Q(on_duty__lte=models.F("employees"))
            ),
            models.CheckConstraint(
                name="weekly_capacity_range", condition=models.Q(capacity_pct__gte=0, capacity_pct__lte=200)
            ),
        ]
        indexes = [models.Index(fields=["week", "league"]), models.Index(fields=["enterprise", "-week"])]

    def __str__(self):
        return f"{self.enterprise_id} {self.week}"

    @property
    def period(self) -> date:
        return self.week


class ProjectReport(models.Model):
    project = models.ForeignKey("enterprises.KeyProject", models.PROTECT, verbose_name=_("key project"))
    league = models.ForeignKey("areas.Area", models.PROTECT, related_name="+", editable=False)
    county = models.ForeignKey("areas.Area", models.PROTECT, related_name="+", editable=False)
    week = models.DateField(_("week starting"))
    status = models.CharField(_("status"), max_length=12, choices=ProjectStatus.choices)
    workers_on_site = models.PositiveIntegerField(_("workers on site"))
    investment_week = models.DecimalField(
        _("investment completed this week (10k yuan)"), max_digits=14, decimal_places=2
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    on_behalf = models.BooleanField(_("filed on behalf"), default=False)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    filed_at = models.DateTimeField(_("filed at"))
    late = models.BooleanField(_("late"), default=False)

    class Meta:
        verbose_name = _("key-project report")
        verbose_name_plural = _("key-project reports")
        constraints = [
            models.UniqueConstraint(fields=["project", "week"], name="project_report_one_per_week"),
            models.CheckConstraint(name="project_investment_positive", condition=models.Q(investment_week__gte=0)),
        ]
        indexes = [models.Index(fields=["week", "league"])]

    def __str__(self):
        return f"{self.project_id} {self.week}"

    @property
    def period(self) -> date:
        return self.week

    def values(self) -> dict:
        return {
            "status": self.status,
            "workers_on_site": self.workers_on_site,
            "investment_week": str(self.investment_week),
            "note": self.note,
        }


class ReportVersion(models.Model):
    """Every saved version of every report: who, when, how, and the values before and after."""

    class Kind(models.TextChoices):
        DAILY = "daily", _("Daily report")
        WEEKLY = "weekly", _("Weekly report")
        PROJECT = "project", _("Key-project report")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    report_id = models.BigIntegerField()
    version = models.PositiveIntegerField()
    values = models.JSONField()
    changed = models.JSONField(default=dict)
    source = models.CharField(max_length=8, choices=Source.choices)
    on_behalf = models.BooleanField(default=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "report_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "report_id", "version"], name="report_version_unique"),
        ]

    def __str__(self):
        return f"{self.kind} {self.report_id} v{self.version}"


class PeriodLock(models.Model):
    """A league's reports for one period, reviewed and locked; unlocking needs a reason."""

    league = models.ForeignKey("areas.Area", models.PROTECT, related_name="+")
    period_type = models.CharField(max_length=8, choices=PeriodType.choices)
    period = models.DateField()
    locked = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["league", "period_type", "period"], name="period_lock_unique"),
        ]

    def __str__(self):
        return f"{self.league_id} {self.period_type} {self.period}"


class PeriodLockEvent(models.Model):
    class Action(models.TextChoices):
        LOCK = "lock", _("Locked")
        UNLOCK = "unlock", _("Unlocked")

    lock = models.ForeignKey(PeriodLock, models.CASCADE, related_name="events")
    action = models.CharField(max_length=8, choices=Action.choices)
    reason = models.CharField(max_length=500, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.action} {self.lock}"


class Reminder(models.Model):
    """One reminder sent to one enterprise for one period.

    The automatic one (sent_by empty) is unique per period, which keeps a re-run of the cron from
    resending; an official's "remind" click is recorded with the official and may repeat, but not
    within REMIND_AGAIN_AFTER (reminders.reminder_send).
    """

    enterprise = models.ForeignKey("enterprises.Enterprise", models.CASCADE, related_name="+")
    period_type = models.CharField(max_length=8, choices=PeriodType.choices)
    period = models.DateField()
    channels = models.JSONField(default=list)
    sent_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period_type", "period"],
                condition=models.Q(sent_by__isnull=True),
                name="reminder_once",
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "period_type", "period", "-sent_at"], name="reminder_latest")]

    def __str__(self):
        return f"{self.enterprise_id} {self.period}"


class IdempotencyKey(models.Model):
    """A POST's Idempotency-Key: the same key with the same body replays the stored answer."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    endpoint = models.CharField(max_length=100)
    body_digest = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True)
    response = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "endpoint", "key"], name="idempotency_key_unique")]

    def __str__(self):
        return self.key
