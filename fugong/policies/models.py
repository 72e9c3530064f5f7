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
    # A policy that calls for an application guide (资金申报指南) is due one within 7 working days
    # of its issue (services.GUIDE_DAYS).
    guide_required = models.BooleanField(_("calls for an application guide"), default=False)
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
    # The period within which an award is paid (资金拨付), in working days from the award (a programme's) or from
    # the end of the public notice (a list delivered automatically); empty: no clock.
    payment_days = models.PositiveSmallIntegerField(_("payment period (working days)"), null=True, blank=True)

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
    published_on = models.DateField(_("guide published on"), null=True, blank=True)
    # The score sheet as data: [{"item": "技术创新能力", "max": 30}, ...]; each expert scores every item in 0..max.
    score_sheet = models.JSONField(_("score sheet"), default=list, blank=True)
    notice_days = models.PositiveSmallIntegerField(_("public notice (working days)"), default=5)
    experts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="expert_programmes", verbose_name=_("experts")
    )

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
    # A programme's application, after the league: region review, expert scoring, shortlist, public notice, award,
    # disbursement. An application to a measure without a programme is awarded straight after the league.
    SCORING = "scoring", _("Expert scoring")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    NOTICE = "notice", _("In public notice")
    AWARDED = "awarded", _("Awarded")
    DISBURSED = "disbursed", _("Disbursed")
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
    awarded_on = models.DateField(_("awarded on"), null=True, blank=True)
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)
    disbursed_amount = models.DecimalField(
        _("disbursed (10k yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
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
            models.CheckConstraint(
                name="application_disbursed_has_amount",
                condition=~models.Q(state="disbursed")
                | models.Q(disbursed_amount__isnull=False, disbursed_on__isnull=False),
            ),
            models.CheckConstraint(name="application_amount_positive", condition=models.Q(requested_amount__gt=0)),
        ]
        indexes = [models.Index(fields=["league", "state"]), models.Index(fields=["measure", "state"])]

    def __str__(self):
        return f"{self.enterprise} · {self.measure.title}"


class ApplicationEvent(CaseEvent):
    case_field = "application"

    application = models.ForeignKey(Application, models.CASCADE, related_name="events")


class ExpertAssignment(models.Model):
    """An expert of the programme's panel given one application to score; `scores` holds the points per item of
    the score sheet as it stood when scored, `total` their sum."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="expert_assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"))
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    total = models.DecimalField(_("total score"), max_digits=7, decimal_places=2, null=True, blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)

    class Meta:
        ordering = ["application_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["application", "expert"], name="one_assignment_per_expert")]

    def __str__(self):
        return f"{self.application_id} {self.expert_id}"


class Conflict(models.Model):
    """An expert's declared conflict of interest, with an enterprise (all its applications) or one application:
    the expert is never given, and never sees, an application it covers."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="conflicts")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="expert_conflicts")
    enterprise = models.ForeignKey("enterprises.Enterprise", models.CASCADE, related_name="+")
    application = models.ForeignKey(Application, models.CASCADE, null=True, blank=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    declared_at = models.DateTimeField(_("declared at"))

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "expert", "enterprise"], name="one_conflict_per_enterprise")
        ]

    def __str__(self):
        return f"{self.expert_id} × {self.enterprise_id}"


class PublicNotice(TimeStampedModel):
    """A public notice (公示) of a proposed award list: a programme's shortlist, or the enterprises eligible for a
    measure delivered automatically (免申即享). Objections are recorded during the period; the award is made only
    after it ends (`ends_on`, `days` working days after `published_on`)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("public notice", "Open")
        AWARDED = "awarded", _("Awarded")

    measure = models.ForeignKey(Measure, models.PROTECT, related_name="public_notices", verbose_name=_("measure"))
    programme = models.ForeignKey(
        Programme, models.PROTECT, null=True, blank=True, related_name="public_notices", verbose_name=_("programme")
    )
    title = models.CharField(_("title"), max_length=200)
    published_on = models.DateField(_("published on"))
    days = models.PositiveSmallIntegerField(_("period (working days)"))
    ends_on = models.DateField(_("period ends on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    awarded_on = models.DateField(_("awarded on"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        constraints = [
            models.CheckConstraint(
                name="notice_ends_after_start", condition=models.Q(ends_on__gte=models.F("published_on"))
            )
        ]

    def __str__(self):
        return self.title

    def period_over(self, day: date) -> bool:
        return day > self.ends_on


class NoticeEntry(AreaCopyModel):
    """One enterprise on a public notice, with the amount proposed; removed (with the reason) when an objection
    against it is upheld."""

    notice = models.ForeignKey(PublicNotice, models.CASCADE, related_name="entries")
    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, related_name="+")
    application = models.OneToOneField(Application, models.PROTECT, null=True, blank=True, related_name="notice_entry")
    amount = models.DecimalField(_("amount proposed (10k yuan)"), max_digits=12, decimal_places=2, null=True)
    score = models.DecimalField(_("average score"), max_digits=7, decimal_places=2, null=True, blank=True)
    removed_reason = models.CharField(_("reason removed"), max_length=300, blank=True)
    benefit = models.OneToOneField("Benefit", models.SET_NULL, null=True, blank=True, related_name="notice_entry")

    class Meta:
        ordering = ["notice_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["notice", "enterprise"], name="one_entry_per_enterprise")]

    def __str__(self):
        return f"{self.notice_id} {self.enterprise_id}"

    @property
    def removed(self) -> bool:
        return bool(self.removed_reason)


class Objection(models.Model):
    """An objection to an entry of a public notice: who raised it, what, when; then upheld (the entry is removed)
    or dismissed, each with its reason."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    entry = models.ForeignKey(NoticeEntry, models.CASCADE, related_name="objections")
    objector = models.CharField(_("raised by"), max_length=100)
    text = models.TextField(_("objection"))
    raised_at = models.DateTimeField(_("raised at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_reason = models.CharField(_("reason"), max_length=300, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        ordering = ["raised_at", "pk"]

    def __str__(self):
        return f"{self.entry_id} {self.objector}"


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
