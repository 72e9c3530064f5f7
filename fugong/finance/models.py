from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fugong.core.cases import AreaCopyModel, CaseEvent, CaseModel
from fugong.core.models import TimeStampedModel


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class Target(models.TextChoices):
    ZHONGZHENG = "zhongzheng", _("PBoC receivables financing platform (中征应收账款融资服务平台)")
    XINYIDAI = "xinyidai", _("Xinyidai credit platform (信易贷)")
    BANK = "bank", _("A named bank")


class State(models.TextChoices):
    REFERRED = "referred", _("Referred")
    CONTACTED = "contacted", _("Contacted")
    APPROVED = "approved", _("Approved")
    DISBURSED = "disbursed", _("Disbursed")
    DECLINED = "declined", _("Declined")


class FinancingNeed(AreaCopyModel, TimeStampedModel):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", models.PROTECT, related_name="financing_needs", verbose_name=_("enterprise")
    )
    amount = models.DecimalField(_("amount (10k yuan)"), max_digits=12, decimal_places=2)
    purpose = models.CharField(_("purpose"), max_length=200)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    collateral = models.CharField(_("collateral"), max_length=200, blank=True)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    raised_on = models.DateField(_("raised on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-raised_on", "-pk"]
        verbose_name = _("financing need")
        verbose_name_plural = _("financing needs")
        constraints = [
            models.CheckConstraint(name="need_amount_positive", condition=models.Q(amount__gt=0)),
            models.CheckConstraint(name="need_term_positive", condition=models.Q(term_months__gt=0)),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.amount}"


class ReferralBatch(TimeStampedModel):
    target = models.CharField(_("target"), max_length=12, choices=Target.choices)
    bank = models.ForeignKey(
        "accounts.Bank", models.PROTECT, null=True, blank=True, related_name="batches", verbose_name=_("bank")
    )
    name = models.CharField(_("name"), max_length=100)
    referred_on = models.DateField(_("referred on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-referred_on", "-pk"]
        verbose_name = _("referral batch")
        verbose_name_plural = _("referral batches")
        constraints = [
            models.CheckConstraint(
                name="batch_bank_iff_bank_target",
                condition=models.Q(target="bank", bank__isnull=False)
                | (~models.Q(target="bank") & models.Q(bank__isnull=True)),
            )
        ]

    def __str__(self):
        return self.name

    @property
    def target_label(self) -> str:
        return self.bank.name if self.bank is not None else self.get_target_display()


class Referral(CaseModel):
    states = State

    batch = models.ForeignKey(ReferralBatch, models.PROTECT, related_name="referrals")
    need = models.ForeignKey(FinancingNeed, models.PROTECT, related_name="referrals")
    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, related_name="referrals")
    # Copied from the batch: bank users are scoped by it.
    target = models.CharField(_("target"), max_length=12, choices=Target.choices)
    bank = models.ForeignKey("accounts.Bank", models.PROTECT, null=True, blank=True, related_name="referrals")
    referred_on = models.DateField(_("referred on"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.REFERRED)
    contacted_on = models.DateField(_("contacted on"), null=True, blank=True)
    approved_amount = models.DecimalField(
        _("approved (10k yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    disbursed_amount = models.DecimalField(
        _("disbursed (10k yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)
    declined_reason = models.CharField(_("reason declined"), max_length=300, blank=True)

    class Meta:
        ordering = ["-referred_on", "league_id", "pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.UniqueConstraint(fields=["batch", "enterprise"], name="referral_once_per_batch"),
            models.CheckConstraint(
                name="referral_disbursed_complete",
                condition=~models.Q(state="disbursed")
                | models.Q(disbursed_amount__isnull=False, disbursed_on__isnull=False),
            ),
            models.CheckConstraint(
                name="referral_approved_has_amount",
                condition=~models.Q(state__in=["approved", "disbursed"]) | models.Q(approved_amount__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["league", "state"]), models.Index(fields=["bank", "state"])]

    def __str__(self):
        return f"{self.enterprise} → {self.target_label}"

    @property
    def target_label(self) -> str:
        return self.bank.name if self.bank is not None else self.get_target_display()


class ReferralEvent(CaseEvent):
    case_field = "referral"

    referral = models.ForeignKey(Referral, models.CASCADE, related_name="events")
