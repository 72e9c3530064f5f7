import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fugong.core.fields import EncryptedCharField
from fugong.core.models import TimeStampedModel


class Role(models.TextChoices):
    REGION = "region", _("Region official")
    LEAGUE = "league", _("League official")
    COUNTY = "county", _("County official")
    WORKGROUP = "workgroup", _("Work-group member")
    HANDLER = "handler", _("Department handler")
    ENTERPRISE = "enterprise", _("Enterprise user")
    PROVIDER = "provider", _("Provider")
    BANK = "bank", _("Bank")
    GUARANTOR = "guarantor", _("Guarantee institution")
    PLATFORM = "platform", _("Platform account")
    # The three administrators (三员分立): no one holds two of them, none of them sees the business data.
    SYSADMIN = "sysadmin", _("System administrator")
    SECADMIN = "secadmin", _("Security administrator")
    AUDITADMIN = "auditadmin", _("Audit administrator")


OFFICIAL_ROLES = frozenset({Role.REGION, Role.LEAGUE, Role.COUNTY})
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN})


class WorkGroup(models.Model):
    """A resumption work group sent to leagues (and separately listed cities) for a period (issue 12)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    leagues = models.ManyToManyField("areas.Area", related_name="work_groups", verbose_name=_("leagues"))
    # Manzhouli and Erenhot are counties of their leagues, assigned and counted on their own.
    cities = models.ManyToManyField(
        "areas.Area", blank=True, related_name="city_work_groups", verbose_name=_("separately listed cities")
    )
    leader = models.ForeignKey(
        "accounts.User",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_work_groups",
        verbose_name=_("leader"),
    )
    # Officials keep their own role and area; joining a group lets them record its visits.
    officials = models.ManyToManyField(
        "accounts.User", blank=True, related_name="joined_work_groups", verbose_name=_("officials who joined")
    )
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("work group")
        verbose_name_plural = _("work groups")
        constraints = [
            models.CheckConstraint(
                name="work_group_period_order",
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
            )
        ]

    def __str__(self):
        return self.name

    def area_filter(self, prefix: str = "") -> models.Q:
        """Objects with `league` and `county` in the group's areas: its leagues and its separately listed cities."""
        return models.Q(**{f"{prefix}league_id__in": self.leagues.values("code")}) | models.Q(
            **{f"{prefix}county_id__in": self.cities.values("code")}
        )

    def area_codes(self) -> tuple[set[str], set[str]]:
        """(league codes, city codes), for checking rows in memory."""
        return set(self.leagues.values_list("code", flat=True)), set(self.cities.values_list("code", flat=True))


class Department(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class Bank(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("bank")
        verbose_name_plural = _("banks")

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A person bound to one role and to what that role is about (DESIGN.md, roles)."""

    # A person's name is personal data, encrypted at rest (docs/security.md); Django's own fields, sealed.
    first_name = EncryptedCharField(_("first name"), max_length=150, blank=True)
    last_name = EncryptedCharField(_("last name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    area = models.ForeignKey("areas.Area", models.PROTECT, null=True, blank=True, verbose_name=_("area"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("enterprise"),
    )
    work_group = models.ForeignKey(
        WorkGroup, models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("work group")
    )
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="handlers", verbose_name=_("department")
    )
    bank = models.ForeignKey(Bank, models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("bank"))

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # The binding each role needs is enforced here, not only in forms.
            models.CheckConstraint(
                name="user_role_binding",
                condition=(
                    models.Q(role="")
                    | models.Q(role__in=["region", "league", "county"], area__isnull=False)
                    | models.Q(role="workgroup", work_group__isnull=False)
                    | models.Q(role="handler", department__isnull=False)
                    | models.Q(role="enterprise", enterprise__isnull=False)
                    # Providers, guarantee institutions and platforms are bound by their own app's membership table.
                    | models.Q(role__in=["provider", "guarantor", "platform"])
                    | models.Q(role="bank", bank__isnull=False)
                    # The administrators are bound to nothing: they see no enterprise, area or case.
                    | models.Q(
                        role__in=["sysadmin", "secadmin", "auditadmin"],
                        area__isnull=True,
                        enterprise__isnull=True,
                        work_group__isnull=True,
                        department__isnull=True,
                        bank__isnull=True,
                        is_superuser=False,
                    )
                ),
            )
        ]

    @property
    def is_official(self) -> bool:
        return self.role in OFFICIAL_ROLES

    @property
    def binding(self) -> str:
        target = self.area or self.enterprise or self.work_group or self.department or self.bank
        return str(target) if target else ""


class ApiToken(TimeStampedModel):
    """A bearer token; only its SHA-256 is stored, the token itself is shown once."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(max_length=PREFIX_LENGTH)
    digest = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def new_raw() -> str:
        return "fg_" + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self):
        self.revoked_at = timezone.now()
