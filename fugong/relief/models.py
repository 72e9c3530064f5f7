from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fugong.core.cases import AreaCopyModel, CaseEvent, CaseModel
from fugong.core.models import TimeStampedModel


class Arrangement(models.TextChoices):
    RENEWAL = "renewal", _("Renewal without repayment (无还本续贷)")
    BRIDGE = "bridge", _("Bridge funding (过桥)")
    EXTENSION = "extension", _("Extension (展期)")


class State(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    REVIEWING = "reviewing", _("Under review")
    ARRANGED = "arranged", _("Arranged")
    DECLINED = "declined", _("Declined")
    REPAID = "repaid", _("Repaid")
    ROLLED_OVER = "rolled_over", _("Rolled over")
    OVERDUE = "overdue", pgettext_lazy("loan", "Overdue")


class Scale(models.TextChoices):
    ANY = "any", _("Above and below scale")
    ABOVE = "above", _("Above scale only")
    BELOW = "below", _("Below scale only")


class GuaranteeInstitution(TimeStampedModel):
    """A guarantee or bridge-fund institution (担保机构); its users are bound to it through `members`."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    league = models.ForeignKey(
        "areas.Area", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("league")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="guarantee_institutions", verbose_name=_("members")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("guarantee institution")
        verbose_name_plural = _("guarantee institutions")

    def __str__(self):
        return self.name


class Loan(CaseModel):
    """A loan of an enterprise falling due, and the arrangement it asks of its bank (转续贷, 过桥, 展期)."""

    states = State

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", models.PROTECT, related_name="maturing_loans", verbose_name=_("enterprise")
    )
    bank = models.ForeignKey("accounts.Bank", models.PROTECT, related_name="maturing_loans", verbose_name=_("bank"))
    amount = models.DecimalField(_("amount (10k yuan)"), max_digits=12, decimal_places=2)
    granted_on = models.DateField(_("loan date"))
    due_on = models.DateField(_("due date"))
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    requested = models.CharField(_("arrangement asked"), max_length=10, choices=Arrangement.choices)
    # A bridge goes to a guarantee institution as well as to the bank.
    guarantor = models.ForeignKey(
        GuaranteeInstitution,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="loans",
        verbose_name=_("guarantee institution"),
    )
    declared_on = models.DateField(_("declared on"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.REQUESTED)
    arranged = models.CharField(_("arrangement"), max_length=10, choices=Arrangement.choices, blank=True)
    arranged_amount = models.DecimalField(
        _("arranged (10k yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    new_due_on = models.DateField(_("new due date"), null=True, blank=True)
    arranged_on = models.DateField(_("arranged on"), null=True, blank=True)
    declined_reason = models.CharField(_("reason declined"), max_length=300, blank=True)
    # The day it was repaid, rolled over or recorded overdue.
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["due_on", "-amount", "pk"]
        verbose_name = _("loan falling due")
        verbose_name_plural = _("loans falling due")
        constraints = [
            models.CheckConstraint(name="loan_amount_positive", condition=models.Q(amount__gt=0)),
            models.CheckConstraint(name="loan_due_after_grant", condition=models.Q(due_on__gt=models.F("granted_on"))),
            models.CheckConstraint(
                name="loan_bridge_has_guarantor",
                condition=~models.Q(requested="bridge") | models.Q(guarantor__isnull=False),
            ),
            models.CheckConstraint(
                name="loan_arranged_complete",
                condition=~models.Q(state__in=["arranged", "rolled_over"])
                | models.Q(arranged_amount__isnull=False, new_due_on__isnull=False, arranged_on__isnull=False)
                & ~models.Q(arranged=""),
            ),
            models.CheckConstraint(
                name="loan_arranged_within_amount",
                condition=models.Q(arranged_amount__isnull=True) | models.Q(arranged_amount__lte=models.F("amount")),
            ),
            # One loan, one case: declared again only once the bank has declined it.
            models.UniqueConstraint(
                fields=["enterprise", "bank", "granted_on", "due_on"],
                condition=~models.Q(state="declined"),
                name="loan_declared_once",
            ),
        ]
        indexes = [
            models.Index(fields=["league", "due_on"]),
            models.Index(fields=["bank", "state"]),
            models.Index(fields=["guarantor", "state"]),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.bank} {self.amount}"

    @property
    def settled(self) -> bool:
        return self.state in (State.REPAID, State.ROLLED_OVER)

    @property
    def effective_due_on(self):
        """The due date that counts: the new one once an arrangement is made."""
        return self.new_due_on if self.arranged_on and self.new_due_on else self.due_on


class LoanEvent(CaseEvent):
    case_field = "loan"

    loan = models.ForeignKey(Loan, models.CASCADE, related_name="events")


class GuaranteeFund(TimeStampedModel):
    """A guarantee fund (助保金) of a league or of the region: partner banks lend up to `leverage` times it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    # None: the region's fund.
    league = models.ForeignKey(
        "areas.Area", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("league")
    )
    amount = models.DecimalField(_("fund (10k yuan)"), max_digits=12, decimal_places=2)
    leverage = models.DecimalField(_("leverage (times)"), max_digits=4, decimal_places=1)
    banks = models.ManyToManyField("accounts.Bank", related_name="guarantee_funds", verbose_name=_("partner banks"))
    scale = models.CharField(_("eligible scale"), max_length=6, choices=Scale.choices, default=Scale.ANY)
    established_on = models.DateField(_("established on"))

    class Meta:
        ordering = ["league_id", "name"]
        verbose_name = _("guarantee fund")
        verbose_name_plural = _("guarantee funds")
        constraints = [
            models.CheckConstraint(name="fund_amount_positive", condition=models.Q(amount__gt=0)),
            models.CheckConstraint(
                name="fund_leverage_range", condition=models.Q(leverage__gte=1) & models.Q(leverage__lte=50)
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def capacity(self):
        return self.amount * self.leverage


class FundLoan(AreaCopyModel, TimeStampedModel):
    """A loan granted against a guarantee fund."""

    fund = models.ForeignKey(GuaranteeFund, models.PROTECT, related_name="loans", verbose_name=_("guarantee fund"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", models.PROTECT, related_name="fund_loans", verbose_name=_("enterprise")
    )
    bank = models.ForeignKey("accounts.Bank", models.PROTECT, related_name="fund_loans", verbose_name=_("bank"))
    amount = models.DecimalField(_("amount (10k yuan)"), max_digits=12, decimal_places=2)
    rate = models.DecimalField(_("annual rate (%)"), max_digits=5, decimal_places=2)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    granted_on = models.DateField(_("granted on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-granted_on", "-pk"]
        verbose_name = _("guarantee-fund loan")
        verbose_name_plural = _("guarantee-fund loans")
        constraints = [
            models.CheckConstraint(name="fund_loan_amount_positive", condition=models.Q(amount__gt=0)),
            models.CheckConstraint(
                name="fund_loan_rate_range", condition=models.Q(rate__gte=0) & models.Q(rate__lte=36)
            ),
            models.CheckConstraint(name="fund_loan_term_positive", condition=models.Q(term_months__gt=0)),
            # One loan a day from a bank to an enterprise against a fund: a second one is the first sent again.
            models.UniqueConstraint(fields=["fund", "enterprise", "bank", "granted_on"], name="fund_loan_once_a_day"),
        ]
        indexes = [models.Index(fields=["fund", "granted_on"])]

    def __str__(self):
        return f"{self.enterprise} {self.amount}"
