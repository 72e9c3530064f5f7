from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fugong.core.cases import AreaCopyModel, CaseEvent, CaseModel
from fugong.core.fields import EncryptedCharField
from fugong.core.models import TimeStampedModel


class Policy(TimeStampedModel):
    """A policy document (政策文件) as issued: its measures (条款) carry the eligibility."""

    title = models.CharField(_("title"), max_length=200)
    number = models.CharField(_("document number"), max_length=60, blank=True)
    issuer = models.CharField(_("issuer"), max_length=80)
    issued_on = models.DateField(_("issued on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    # Demo and sample documents are written here, not copied from the issuer: the pages say so.
    illustrative = models.BooleanField(_("illustrative text"), default=False)
    # Search keys, derived by the service that saves the policy.
    title_initials = models.CharField(max_length=200, editable=False, db_index=True)
    search_text = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        constraints = [
            models.CheckConstraint(
                name="policy_validity_ordered",
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
            )
        ]

    def __str__(self):
        return self.title

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class PolicyAttachment(models.Model):
    policy = models.ForeignKey(Policy, models.CASCADE, related_name="attachments")
    path = models.CharField(max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


class BenefitType(models.TextChoices):
    SUBSIDY = "subsidy", _("Subsidy")
    INTEREST = "interest", _("Interest discount")
    GUARANTEE = "guarantee", _("Guarantee")
    TAX = "tax", _("Tax or fee relief")
    RENT = "rent", _("Rent relief")
    SOCIAL_INSURANCE = "social_insurance", _("Social-insurance relief")
    SERVICE = "service", _("Service")


class Delivery(models.TextChoices):
    APPLICATION = "application", _("By application")
    AUTOMATIC = "automatic", _("Automatic (免申即享)")


class Measure(TimeStampedModel):
    """One measure (条款) of a policy: what it gives, how, and to whom. `rule` is the eligibility as data
    (fugong.policies.eligibility): a tree of `all`/`any` over criteria, each citing its article."""

    policy = models.ForeignKey(Policy, models.CASCADE, related_name="measures", verbose_name=_("policy"))
    article = models.CharField(_("article"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    benefit_type = models.CharField(_("benefit type"), max_length=20, choices=BenefitType.choices)
    amount = models.DecimalField(_("amount (10k yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    rate = models.DecimalField(_("rate (%)"), max_digits=6, decimal_places=2, null=True, blank=True)
    delivery = models.CharField(pgettext_lazy("measure", "delivery"), max_length=12, choices=Delivery.choices)
    department = models.CharField(_("responsible department"), max_length=80)
    # Names and phones of the officials to ask: encrypted at rest like every contact (docs/security.md).
    contacts = EncryptedCharField(_("contacts"), max_length=200, blank=True)
    rule = models.JSONField(_("eligibility"), default=dict)

    class Meta:
        ordering = ["policy_id", "pk"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self):
        return f"{self.policy.number or self.policy.title} {self.article} {self.title}"


class Programme(TimeStampedModel):
    """A funding programme of a measure, published with its application guide (资金申报指南)."""

    measure = models.ForeignKey(Measure, models.PROTECT, related_name="programmes", verbose_name=_("measure"))
    name = models.CharField(_("name"), max_length=200)
    guide = models.TextField(_("application guide"), blank=True)
    opens_on = models.DateField(_("window opens"))
    closes_on = models.DateField(_("window closes"))
    materials = models.JSONField(_("required materials"), default=list, blank=True)
    max_amount = models.DecimalField(_("largest award (10k yuan)"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["-opens_on", "pk"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                name="programme_window_ordered", condition=models.Q(closes_on__gte=models.F("opens_on"))
            )
        ]

    def __str__(self):
        return self.name

    def is_open(self, day: date) -> bool:
        return self.opens_on <= day <= self.closes_on


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for completion")
    PASSED = "passed", _("Passed league review")
    AWARDED = "awarded", _("Awarded")
    DECLINED = "declined", _("Declined")


class Application(CaseModel):
    states = State

    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, related_name="policy_applications")
    measure = models.ForeignKey(Measure, models.PROTECT, related_name="applications", verbose_name=_("measure"))
    programme = models.ForeignKey(
        Programme, models.PROTECT, null=True, blank=True, related_name="applications", verbose_name=_("programme")
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    requested_amount = models.DecimalField(_("amount requested (10k yuan)"), max_digits=12, decimal_places=2)
    statement = models.TextField(_("statement"), blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    awarded_amount = models.DecimalField(
        _("awarded (10k yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    declined_reason = models.CharField(_("reason declined"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.CheckConstraint(
                name="application_awarded_has_amount",
                condition=~models.Q(state="awarded") | models.Q(awarded_amount__isnull=False),
            ),
            models.CheckConstraint(name="application_amount_positive", condition=models.Q(requested_amount__gt=0)),
        ]
        indexes = [models.Index(fields=["league", "state"]), models.Index(fields=["measure", "state"])]

    def __str__(self):
        return f"{self.enterprise} · {self.measure.title}"


class ApplicationEvent(CaseEvent):
    case_field = "application"

    application = models.ForeignKey(Application, models.CASCADE, related_name="events")


class ApplicationAttachment(models.Model):
    """A file of an application, filed as one of its programme's required materials."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="attachments")
    material = models.CharField(_("material"), max_length=100)
    path = models.CharField(max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


class Benefit(AreaCopyModel):
    """One line of the ledger of what reached whom: by application (an award) or automatically."""

    class Source(models.TextChoices):
        APPLICATION = "application", _("By application")
        AUTOMATIC = "automatic", _("Automatic")
        IMPORT = "import", _("Imported list")

    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, related_name="benefits")
    measure = models.ForeignKey(Measure, models.PROTECT, related_name="benefits", verbose_name=_("measure"))
    application = models.OneToOneField(Application, models.PROTECT, null=True, blank=True, related_name="benefit")
    amount = models.DecimalField(_("amount (10k yuan)"), max_digits=12, decimal_places=2)
    # What was given when it is not money (three months' rent, the March contributions): amount 0 then.
    relief = models.CharField(_("relief"), max_length=200, blank=True)
    on = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    # How it reached the enterprise, as an imported list says; blank where the source says it (an award, 免申即享).
    delivery = models.CharField(
        pgettext_lazy("measure", "delivery"), max_length=12, choices=Delivery.choices, blank=True
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("benefit")
        verbose_name_plural = _("benefits")
        indexes = [models.Index(fields=["measure", "on"]), models.Index(fields=["league", "on"])]
        constraints = [
            models.CheckConstraint(name="benefit_amount_not_negative", condition=models.Q(amount__gte=0)),
            # An imported line once: the same sheet imported again adds nothing.
            models.UniqueConstraint(
                fields=["enterprise", "measure", "on", "amount", "relief"],
                condition=models.Q(source="import"),
                name="benefit_imported_once",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.measure_id} {self.amount}"

    def get_how_display(self) -> str:
        """By application or automatically: as the imported list said, else as the source says."""
        if self.delivery:
            return str(self.get_delivery_display())
        if self.source == self.Source.APPLICATION:
            return str(Delivery.APPLICATION.label)
        return str(Delivery.AUTOMATIC.label) if self.source == self.Source.AUTOMATIC else ""


class MeasureProblem(models.Model):
    """A problem an enterprise raised about a measure (it thinks the eligibility answer wrong). The link lives
    here, above the ledger: the problem ledger knows nothing of policies."""

    measure = models.ForeignKey(Measure, models.CASCADE, related_name="problem_links", verbose_name=_("measure"))
    problem = models.OneToOneField(
        "problems.Problem", models.CASCADE, related_name="measure_link", verbose_name=_("problem")
    )
    # The verdict the enterprise disputed, as it was shown: eligible, not eligible or unknown.
    verdict = models.CharField(_("verdict shown"), max_length=12, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("problem about a measure")
        verbose_name_plural = _("problems about measures")

    def __str__(self):
        return f"{self.measure_id} #{self.problem_id}"
