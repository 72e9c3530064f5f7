from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fugong.core.cases import CaseEvent, CaseModel


class Category(models.TextChoices):
    APPROVALS = "approvals", _("Procedure approvals")
    LABOUR = "labour", _("Labour")
    FINANCING = "financing", _("Financing")
    BACKLOG = "backlog", _("Product backlog")
    TRANSPORT = "transport", _("Transport and logistics")
    RAW_MATERIALS = "raw_materials", _("Raw-material supply")
    FUNDING = "funding", _("Funding")
    QUALIFICATIONS = "qualifications", _("Restoring qualifications")
    INSPECTION = "inspection", _("Product inspection")
    EPIDEMIC_SUPPLIES = "epidemic_supplies", _("Epidemic-control supplies")
    ARREARS = "arrears", _("Clearing arrears")
    SUPPLY_CHAIN = "supply_chain", _("Industrial-chain coordination")
    OTHER = "other", _("Other")
    POLICY = "policy", _("Support policies")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")


OPEN_STATES = frozenset({State.SUBMITTED, State.ACCEPTED, State.IN_PROGRESS})
CLOSED_STATES = frozenset({State.CONFIRMED, State.DECLINED})


class Escalation(models.TextChoices):
    NONE = "", _("Not escalated")
    LEAGUE = "league", _("Escalated to the league")
    REGION = "region", _("Escalated to the region")


class Source(models.TextChoices):
    FORM = "form", _("Form")
    API = "api", _("API")
    REPORT = "report", _("Daily report")
    DEMO = "demo", _("Demo")
    VISIT = "visit", _("Work-group visit")


class Problem(CaseModel):
    states = State

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", models.PROTECT, related_name="problems", verbose_name=_("enterprise")
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    description = models.TextField(_("description"), max_length=2000)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.SUBMITTED)
    department = models.ForeignKey(
        "accounts.Department", models.PROTECT, related_name="problems", verbose_name=_("department")
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="handled_problems",
        verbose_name=_("handler"),
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="raised_problems"
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.FORM)
    daily_report = models.ForeignKey(
        "dispatch.DailyReport", models.SET_NULL, null=True, blank=True, related_name="problems"
    )
    raised_on = models.DateField(_("raised on"))
    due_on = models.DateField(_("due on"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    resolution = models.TextField(_("what was done"), blank=True)
    satisfied = models.BooleanField(_("satisfied"), null=True, blank=True)
    escalation = models.CharField(_("escalation"), max_length=8, choices=Escalation.choices, blank=True, default="")
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_on", "-pk"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        indexes = [
            models.Index(fields=["league", "state"]),
            models.Index(fields=["department", "state"]),
            models.Index(fields=["state", "due_on"]),
            models.Index(fields=["enterprise", "category", "-raised_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="problem_due_after_raised", condition=models.Q(due_on__gte=models.F("raised_on"))
            ),
            models.CheckConstraint(
                name="problem_resolved_has_date",
                condition=~models.Q(state__in=["resolved", "confirmed"]) | models.Q(resolved_on__isnull=False),
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_category_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def is_overdue(self, today) -> bool:
        return self.is_open and today > self.due_on


ACTION_LABELS = {
    "raise": _("raised"),
    "accept": _("accepted"),
    "start": _("started work"),
    "resolve": _("resolved"),
    "confirm": _("confirmed, satisfied"),
    "reopen": _("not satisfied, reopened"),
    "decline": _("declined"),
    "reroute": _("re-routed"),
    "assign": _("assigned"),
    "comment": _("commented"),
    "attach": _("attached a file"),
    "auto_confirm": _("confirmed automatically"),
    "escalate": _("escalated"),
}


class TimelineEntry(CaseEvent):
    case_field = "problem"

    problem = models.ForeignKey(Problem, models.CASCADE, related_name="timeline")

    class Meta(CaseEvent.Meta):
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))


class Attachment(models.Model):
    problem = models.ForeignKey(Problem, models.CASCADE, related_name="attachments")
    # A path relative to settings.PRIVATE_MEDIA_ROOT, never under the static files.
    path = models.CharField(max_length=200, unique=True)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name
