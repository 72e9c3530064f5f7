"""The arrears ledger (清欠台账): what public bodies and large enterprises owe small and medium enterprises.

Each item carries the payment clock of the regulation on paying SMEs (保障中小企业款项支付条例, art. 8): a
public body or a large enterprise pays within 30 days of accepting the goods or work, at most 60 where the
contract says so; the ledger counts the days past that legal due date.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fugong.core.cases import CaseEvent, CaseModel

STATUTORY_DAYS = 30
AGREED_DAYS_MAX = 60


class DebtorType(models.TextChoices):
    GOVERNMENT = "government", _("Government body")
    STATE_OWNED = "state_owned", _("State-owned enterprise")
    LARGE_PRIVATE = "large_private", _("Large private enterprise")


class State(models.TextChoices):
    REPORTED = "reported", _("Awaiting verification")
    CONFIRMED = "confirmed", _("Confirmed")
    DISPUTED = "disputed", _("Disputed")
    CLEARED = "cleared", _("Cleared")


class Source(models.TextChoices):
    FORM = "form", _("Form")
    EXCEL = "excel", _("Excel")
    API = "api", _("API")
    DEMO = "demo", _("Demo")


class ArrearsItem(CaseModel):
    states = State

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", models.PROTECT, related_name="arrears", verbose_name=_("creditor")
    )
    debtor = models.CharField(_("debtor"), max_length=100)
    debtor_type = models.CharField(_("debtor type"), max_length=16, choices=DebtorType.choices)
    debtor_area = models.ForeignKey("areas.Area", models.PROTECT, related_name="+", verbose_name=_("debtor's area"))
    contract = models.CharField(_("contract"), max_length=100)
    amount = models.DecimalField(_("amount owed (10k yuan)"), max_digits=12, decimal_places=2)
    accepted_on = models.DateField(_("accepted on"))
    # Days to pay after acceptance: 30 by the regulation, up to 60 where the contract agrees so.
    agreed_days = models.PositiveSmallIntegerField(_("days to pay"), default=STATUTORY_DAYS)
    # The legal due date: acceptance plus the days to pay, kept so that lists filter and sort on it.
    due_on = models.DateField(_("legal due date"))
    overdue_since = models.DateField(_("overdue since"))
    # A clause making payment wait until the debtor is paid itself (背靠背条款), void under art. 13.
    pay_when_paid = models.BooleanField(_("pay-when-paid clause"), default=False)
    reported_on = models.DateField(_("reported on"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.REPORTED)
    dispute_reason = models.CharField(_("reason disputed"), max_length=300, blank=True)
    plan_due = models.DateField(_("to be repaid by"), null=True, blank=True)
    plan_note = models.CharField(_("repayment plan"), max_length=300, blank=True)
    repaid = models.DecimalField(_("repaid (10k yuan)"), max_digits=12, decimal_places=2, default=Decimal(0))
    cleared_on = models.DateField(_("cleared on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.FORM)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["overdue_since", "pk"]
        verbose_name = _("arrears item")
        verbose_name_plural = _("arrears items")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "debtor", "contract"], name="arrears_once_per_contract"),
            models.CheckConstraint(name="arrears_amount_positive", condition=models.Q(amount__gt=0)),
            models.CheckConstraint(
                name="arrears_repaid_within_amount",
                condition=models.Q(repaid__gte=0, repaid__lte=models.F("amount")),
            ),
            models.CheckConstraint(
                name="arrears_agreed_days", condition=models.Q(agreed_days__gte=1, agreed_days__lte=AGREED_DAYS_MAX)
            ),
            models.CheckConstraint(
                name="arrears_cleared_complete",
                condition=~models.Q(state="cleared") | models.Q(cleared_on__isnull=False, repaid=models.F("amount")),
            ),
        ]
        indexes = [models.Index(fields=["league", "state", "due_on"]), models.Index(fields=["enterprise", "state"])]

    def __str__(self):
        return f"{self.debtor} → {self.enterprise}: {self.amount}"

    def days_past_due(self, on: date) -> int:
        """Days past the legal due date on a day; 0 before it, and 0 once the item is cleared by then."""
        end = self.cleared_on if self.cleared_on is not None and self.cleared_on <= on else on
        return max(0, (end - self.due_on).days)

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.repaid

    @property
    def is_open(self) -> bool:
        return self.state != State.CLEARED


class Repayment(models.Model):
    item = models.ForeignKey(ArrearsItem, models.CASCADE, related_name="repayments")
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount (10k yuan)"), max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "pk"]
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        constraints = [models.CheckConstraint(name="repayment_amount_positive", condition=models.Q(amount__gt=0))]

    def __str__(self):
        return f"{self.item_id} {self.paid_on} {self.amount}"


class ArrearsEvent(CaseEvent):
    case_field = "item"

    item = models.ForeignKey(ArrearsItem, models.CASCADE, related_name="events")
