from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fugong.core.fields import EncryptedCharField, PhoneIndexField
from fugong.core.models import TimeStampedModel

if TYPE_CHECKING:
    from fugong.accounts.models import User


class Industry(models.Model):
    """A GB/T 4754-2017 division (大类) of mining, manufacturing or utilities."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    section = models.CharField(_("section"), max_length=1)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=120)

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self):
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self) -> str:
        return self.name_en if get_language() == "en" else self.name


class Tag(models.Model):
    class Code(models.TextChoices):
        LEADING = "leading", _("Leading enterprise")
        BACKBONE = "backbone", _("Backbone enterprise")
        KEY_INDUSTRY = "key_industry", _("Key industry")
        SPECIALISED = "specialised", _("Specialised SME")
        EPIDEMIC_SUPPLY = "epidemic_supply", _("Epidemic-supply producer")

    code = models.CharField(_("code"), max_length=20, primary_key=True, choices=Code.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return str(self.label)

    @property
    def label(self):
        return self.Code(self.code).label


class SizeClass(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


# A module-level name for the history of enterprises: the service writes one history row per save,
# tags included, rather than one for the save and another for the tags.
ENTERPRISE_HISTORY = HistoricalRecords(
    excluded_fields=["name_pinyin", "name_initials", "updated_at", "contact_phone_hash"], m2m_fields=["tags"]
)


class Enterprise(TimeStampedModel):
    credit_code = models.CharField(_("credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # Search keys, derived from the name by the service that saves it.
    name_pinyin = models.CharField(max_length=400, db_index=True, editable=False)
    name_initials = models.CharField(max_length=100, db_index=True, editable=False)
    league = models.ForeignKey(
        "areas.Area", models.PROTECT, related_name="league_enterprises", verbose_name=_("league"), editable=False
    )
    county = models.ForeignKey(
        "areas.Area", models.PROTECT, related_name="county_enterprises", verbose_name=_("county")
    )
    park = models.ForeignKey(
        "areas.Park", models.PROTECT, null=True, blank=True, related_name="enterprises", verbose_name=_("park")
    )
    industry = models.ForeignKey(Industry, models.PROTECT, related_name="enterprises", verbose_name=_("industry"))
    above_scale = models.BooleanField(_("above-scale"), default=False)
    size_class = models.CharField(_("size class"), max_length=8, choices=SizeClass.choices)
    tags = models.ManyToManyField(Tag, blank=True, related_name="enterprises", verbose_name=_("tags"))
    employees = models.PositiveIntegerField(_("employees"))
    normal_output = models.DecimalField(
        _("normal output value (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        help_text=_("Monthly output value in normal times, in 10,000 yuan."),
    )
    # Personal data, encrypted at rest (docs/security.md); the phone is found through its keyed hash.
    contact_name = EncryptedCharField(_("contact name"), max_length=40, blank=True)
    contact_phone = EncryptedCharField(_("contact phone"), max_length=20, blank=True)
    contact_phone_hash = PhoneIndexField(source="contact_phone")

    history = ENTERPRISE_HISTORY
    # Set by the services for simple-history (who, why, and one version for a save with its tags).
    _history_user: "User | None"
    _change_reason: str
    skip_history_when_saving: bool

    class Meta:
        ordering = ["league_id", "county_id", "name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [
            models.Index(fields=["league", "above_scale"]),
            models.Index(fields=["county", "above_scale"]),
            models.Index(fields=["industry"]),
        ]
        constraints = [
            models.CheckConstraint(name="enterprise_normal_output_positive", condition=models.Q(normal_output__gte=0)),
        ]

    def __str__(self):
        return self.name


class KeyProject(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120)
    league = models.ForeignKey(
        "areas.Area", models.PROTECT, related_name="league_projects", verbose_name=_("league"), editable=False
    )
    county = models.ForeignKey("areas.Area", models.PROTECT, related_name="county_projects", verbose_name=_("county"))
    park = models.ForeignKey(
        "areas.Park", models.PROTECT, null=True, blank=True, related_name="projects", verbose_name=_("park")
    )
    total_investment = models.DecimalField(_("total investment (10k yuan)"), max_digits=14, decimal_places=2)
    planned_start = models.DateField(_("planned start"))
    owner = models.ForeignKey(
        Enterprise, models.PROTECT, null=True, blank=True, related_name="projects", verbose_name=_("owner enterprise")
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    _history_user: "User | None"  # set by the services for simple-history, as on Enterprise
    _change_reason: str

    class Meta:
        ordering = ["league_id", "name"]
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")
        constraints = [
            models.UniqueConstraint(fields=["name", "county"], name="keyproject_unique_name_county"),
            models.CheckConstraint(name="keyproject_investment_positive", condition=models.Q(total_investment__gte=0)),
        ]

    def __str__(self):
        return self.name
