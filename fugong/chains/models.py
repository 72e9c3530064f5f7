"""Industrial-chain coordination (产业链协同): what enterprises need and can supply, the pairings officials make
between them, and the main suppliers and customers of the leading enterprises."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fugong.core.cases import AreaCopyModel, CaseEvent, CaseModel
from fugong.core.models import TimeStampedModel

# A need or offer stays listed this many days after it was posted or last reconfirmed.
VALID_DAYS = 30


class Side(models.TextChoices):
    NEED = "need", pgettext_lazy("chains", "Need")
    OFFER = "offer", _("Offer")


class Category(models.TextChoices):
    RAW_MATERIAL = "raw_material", _("Raw material")
    PART = "part", _("Part")
    SERVICE = "service", _("Service")
    LABOUR = "labour", _("Labour")


class PostState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ChainPost(AreaCopyModel, TimeStampedModel):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", models.PROTECT, related_name="chain_posts", verbose_name=_("enterprise")
    )
    side = models.CharField(_("need or offer"), max_length=8, choices=Side.choices)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    product = models.CharField(_("product"), max_length=100)
    # The product as compared: cleaned, lower case; one open need per enterprise and product.
    product_key = models.CharField(max_length=100, editable=False)
    quantity = models.CharField(_("quantity"), max_length=50, blank=True)
    on = models.DateField(_("by or from"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    industry = models.ForeignKey("enterprises.Industry", models.PROTECT, related_name="+", editable=False)
    state = models.CharField(_("state"), max_length=8, choices=PostState.choices, default=PostState.OPEN)
    posted_on = models.DateField(_("posted on"))
    expires_on = models.DateField(_("listed until"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-posted_on", "-pk"]
        verbose_name = _("need or offer")
        verbose_name_plural = _("needs and offers")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "side", "product_key"],
                condition=models.Q(state="open"),
                name="chain_post_open_once",
            )
        ]
        indexes = [models.Index(fields=["side", "state", "expires_on"])]

    def __str__(self):
        return f"{self.enterprise} {self.get_side_display()} {self.product}"

    def is_listed(self, on: date) -> bool:
        """Open and not expired on the day: what matching and the figures count."""
        return self.state == PostState.OPEN and self.expires_on >= on


class PairingState(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("chains", "Proposed")
    IN_PROGRESS = "in_progress", _("In contact")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Pairing(CaseModel):
    """An official's pairing of a need with an offer; the league and county are the needing enterprise's."""

    states = PairingState

    need = models.ForeignKey(ChainPost, models.PROTECT, related_name="pairings_as_need")
    offer = models.ForeignKey(ChainPost, models.PROTECT, related_name="pairings_as_offer")
    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, related_name="chain_pairings")
    supplier = models.ForeignKey("enterprises.Enterprise", models.PROTECT, related_name="chain_supplies")
    state = models.CharField(_("state"), max_length=12, choices=PairingState.choices, default=PairingState.PROPOSED)
    paired_on = models.DateField(_("paired on"))
    failed_reason = models.CharField(_("reason it failed"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-paired_on", "-pk"]
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        constraints = [models.UniqueConstraint(fields=["need", "offer"], name="pairing_once")]

    def __str__(self):
        return f"{self.need} ← {self.offer}"


class PairingEvent(CaseEvent):
    case_field = "pairing"

    pairing = models.ForeignKey(Pairing, models.CASCADE, related_name="events")


class LinkRole(models.TextChoices):
    SUPPLIER = "supplier", _("Supplier")
    CUSTOMER = "customer", _("Customer")


class ChainLink(AreaCopyModel, TimeStampedModel):
    """A main supplier or customer of a leading enterprise; the league and county are the leader's."""

    leader = models.ForeignKey(
        "enterprises.Enterprise", models.PROTECT, related_name="chain_links", verbose_name=_("leading enterprise")
    )
    partner = models.ForeignKey(
        "enterprises.Enterprise", models.PROTECT, related_name="chain_partners", verbose_name=_("partner")
    )
    relation = models.CharField(_("supplier or customer"), max_length=8, choices=LinkRole.choices)
    product = models.CharField(_("product"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["leader_id", "relation", "pk"]
        verbose_name = _("chain link")
        verbose_name_plural = _("chain links")
        constraints = [
            models.UniqueConstraint(fields=["leader", "partner", "relation"], name="chain_link_once"),
            models.CheckConstraint(name="chain_link_not_itself", condition=~models.Q(leader=models.F("partner"))),
        ]

    def __str__(self):
        return f"{self.leader} {self.get_relation_display()} {self.partner}"
