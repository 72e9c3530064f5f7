from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fugong.core import bounds
from fugong.core.cases import AreaCopyModel
from fugong.core.fields import EncryptedCharField
from fugong.dispatch.models import Status


class Source(models.TextChoices):
    FORM = "form", _("Form")
    API = "api", _("API")
    DEMO = "demo", _("Demo")


class VisitPlan(models.Model):
    """Which parks and enterprises a group visits in a period, and on which days."""

    group = models.ForeignKey(
        "accounts.WorkGroup", models.CASCADE, related_name="visit_plans", verbose_name=_("work group")
    )
    name = models.CharField(_("name"), max_length=100, validators=bounds.text_validators(100, name=True))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group__name", "starts_on", "pk"]
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        constraints = [
            models.CheckConstraint(
                name="visit_plan_period_order", condition=models.Q(ends_on__gte=models.F("starts_on"))
            )
        ]

    def __str__(self):
        return self.name


class PlanItem(AreaCopyModel):
    """One enterprise of a plan, on its day; the park is the enterprise's when it was planned."""

    plan = models.ForeignKey(VisitPlan, models.CASCADE, related_name="items")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", models.CASCADE, related_name="plan_items", verbose_name=_("enterprise")
    )
    park = models.ForeignKey(
        "areas.Park", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("park")
    )
    day = models.DateField(_("day"))

    class Meta:
        ordering = ["day", "park_id", "enterprise_id"]
        verbose_name = _("planned visit")
        verbose_name_plural = _("planned visits")
        constraints = [models.UniqueConstraint(fields=["plan", "enterprise"], name="plan_item_once_per_plan")]

    def __str__(self):
        return f"{self.plan_id} {self.enterprise_id} {self.day}"


class Visit(AreaCopyModel):
    """What a group saw at an enterprise on a day: the dispatch report's figures, observed on site."""

    group = models.ForeignKey("accounts.WorkGroup", models.PROTECT, related_name="visits", verbose_name=_("work group"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", models.PROTECT, related_name="visits", verbose_name=_("enterprise")
    )
    park = models.ForeignKey(
        "areas.Park", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("park")
    )
    visited_on = models.DateField(_("visited on"))
    met = EncryptedCharField(_("who was met"), max_length=100, blank=True)
    status = models.CharField(_("status seen"), max_length=20, choices=Status.choices)
    employees = models.PositiveIntegerField(_("employees"))
    on_duty = models.PositiveIntegerField(_("employees on duty"))
    capacity_pct = models.DecimalField(_("capacity recovery %"), max_digits=5, decimal_places=1)
    guidance = models.TextField(_("guidance given"), max_length=2000, blank=True)
    # Made by the phone for each visit typed: a visit sent again after a lost connection is stored once.
    client_key = models.CharField(_("visit key"), max_length=64)
    problems = models.ManyToManyField("problems.Problem", blank=True, related_name="visits")
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.FORM)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.UniqueConstraint(fields=["group", "client_key"], name="visit_client_key_once"),
            models.CheckConstraint(
                name="visit_on_duty_within_employees", condition=models.Q(on_duty__lte=models.F("employees"))
            ),
            models.CheckConstraint(
                name="visit_capacity_range", condition=models.Q(capacity_pct__gte=0, capacity_pct__lte=200)
            ),
        ]
        indexes = [
            models.Index(fields=["group", "-visited_on"]),
            models.Index(fields=["league", "visited_on"]),
            models.Index(fields=["enterprise", "visited_on"]),
        ]

    def __str__(self):
        return f"{self.enterprise_id} {self.visited_on}"


class Photo(models.Model):
    """A visit's photo, named by the SHA-256 of its bytes: the same photo sent twice is stored once."""

    visit = models.ForeignKey(Visit, models.CASCADE, related_name="photos")
    sha256 = models.CharField(max_length=64)
    # A path relative to settings.PRIVATE_MEDIA_ROOT.
    path = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [models.UniqueConstraint(fields=["visit", "sha256"], name="photo_once_per_visit")]

    def __str__(self):
        return self.sha256[:12]
