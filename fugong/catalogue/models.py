"""Free IT products (信息产品和信息技术): providers, calls for products, products on the case base, claims."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fugong.core.cases import CaseEvent, CaseModel
from fugong.core.fields import EncryptedCharField, PhoneIndexField
from fugong.core.models import TimeStampedModel


class Category(models.TextChoices):
    EPIDEMIC = "epidemic", _("Epidemic control")
    COLLABORATION = "collaboration", _("Collaborative office")
    SECURITY = "security", _("Information security")
    PRODUCTION = "production", _("Production management")


# The letters of a catalogue number (YQ-0001): one series per category.
NUMBER_PREFIX = {"epidemic": "YQ", "collaboration": "XT", "security": "AQ", "production": "SC"}


class Delivery(models.TextChoices):
    SAAS = "saas", _("SaaS link")
    DOWNLOAD = "download", _("Download")
    ONSITE = "onsite", _("On-site")


class Provider(TimeStampedModel):
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_pinyin = models.CharField(max_length=400, editable=False, blank=True)
    name_initials = models.CharField(max_length=100, editable=False, blank=True)
    credit_code = models.CharField(_("credit code"), max_length=18, unique=True)
    contact_name = EncryptedCharField(_("contact"), max_length=30)
    contact_phone = EncryptedCharField(_("contact phone"), max_length=20)
    contact_phone_hash = PhoneIndexField(source="contact_phone")

    class Meta:
        ordering = ["name"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")

    def __str__(self):
        return self.name


class ProviderMember(models.Model):
    """Binds a user of the provider role to one provider organisation."""

    provider = models.ForeignKey(Provider, models.CASCADE, related_name="members")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="provider_membership")

    class Meta:
        verbose_name = _("provider member")
        verbose_name_plural = _("provider members")

    def __str__(self):
        return f"{self.user} @ {self.provider}"


class Call(TimeStampedModel):
    """A call for products (征集): a window and the categories it asks for."""

    name = models.CharField(_("name"), max_length=100)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    categories = models.JSONField(_("categories"), default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = _("call for products")
        verbose_name_plural = _("calls for products")
        constraints = [
            models.CheckConstraint(name="call_window_ordered", condition=models.Q(closes_on__gte=models.F("opens_on")))
        ]

    def __str__(self):
        return self.name

    def is_open(self, day) -> bool:
        return self.opens_on <= day <= self.closes_on

    @property
    def category_labels(self) -> list[str]:
        return [str(Category(c).label) for c in self.categories if c in Category.values]


class ProductState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned for changes")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The fields a provider writes; a change to a published product waits in `pending` until it is approved.
CONTENT_FIELDS = (
    "name",
    "category",
    "description",
    "free_terms",
    "free_months",
    "limits",
    "delivery",
    "link",
    "industry_codes",
    "contact_name",
    "contact_phone",
)


class Product(TimeStampedModel):
    """An IT product and its review case. Its own fields are what the catalogue shows: for a published product the
    approved version, while a change waits in `pending` (reviewed like a first submission)."""

    states = ProductState

    provider = models.ForeignKey(Provider, models.PROTECT, related_name="products", verbose_name=_("provider"))
    call = models.ForeignKey(
        Call, models.PROTECT, null=True, blank=True, related_name="products", verbose_name=_("call")
    )
    state = models.CharField(_("state"), max_length=12, choices=ProductState.choices, default=ProductState.DRAFT)
    number = models.CharField(_("catalogue number"), max_length=12, unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=100)
    name_pinyin = models.CharField(max_length=400, editable=False, blank=True)
    name_initials = models.CharField(max_length=100, editable=False, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    description = models.TextField(_("what it does"), max_length=2000)
    free_terms = models.CharField(_("what is free"), max_length=300)
    # None: free for as long as the emergency lasts.
    free_months = models.PositiveSmallIntegerField(_("free period (months)"), null=True, blank=True)
    limits = models.CharField(_("limits"), max_length=300, blank=True)
    delivery = models.CharField(_("delivery"), max_length=12, choices=Delivery.choices)
    link = models.URLField(_("link"), max_length=300, blank=True)
    # GB/T 4754 divisions, two digits each, comma-separated; empty: suits every industry.
    industry_codes = models.CharField(_("industries suited"), max_length=200, blank=True)
    contact_name = EncryptedCharField(_("contact"), max_length=30)
    contact_phone = EncryptedCharField(_("contact phone"), max_length=20)
    contact_phone_hash = PhoneIndexField(source="contact_phone")
    pending = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # When what the feed shows last changed (publication, an approved change, withdrawal): `updated_since` reads it.
    feed_updated_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["number", "pk"]
        verbose_name = _("IT product")
        verbose_name_plural = _("IT products")
        constraints = [
            models.CheckConstraint(
                name="product_published_has_number",
                condition=models.Q(published_at__isnull=True) | models.Q(number__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["state", "category"]), models.Index(fields=["provider", "state"])]

    def __str__(self):
        return f"{self.number or '—'} {self.name}"

    @property
    def is_listed(self) -> bool:
        """In the catalogue: published once and not withdrawn (a change under review keeps it listed)."""
        return self.published_at is not None and self.state != ProductState.WITHDRAWN

    @property
    def industry_list(self) -> list[str]:
        return [c for c in self.industry_codes.split(",") if c]


class ProductEvent(CaseEvent):
    case_field = "product"

    product = models.ForeignKey(Product, models.CASCADE, related_name="events")


class ProductFile(models.Model):
    """A brochure or a screenshot, under settings.PRIVATE_MEDIA_ROOT; shown to others once approved."""

    class Kind(models.TextChoices):
        BROCHURE = "brochure", _("Brochure")
        SCREENSHOT = "screenshot", _("Screenshot")

    product = models.ForeignKey(Product, models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    path = models.CharField(max_length=200, unique=True)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    # False until the product's next approval: a file cannot reach the catalogue around review.
    approved = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("product file")
        verbose_name_plural = _("product files")

    def __str__(self):
        return self.original_name


class ClaimState(models.TextChoices):
    CLAIMED = "claimed", _("Claimed")
    CONTACTED = "contacted", _("Contacted")
    DELIVERED = "delivered", _("Delivered")
    DECLINED = "declined", _("Declined")


class Claim(CaseModel):
    """An enterprise's request to use a product (申请使用), worked by the product's provider."""

    states = ClaimState

    product = models.ForeignKey(Product, models.PROTECT, related_name="claims", verbose_name=_("IT product"))
    # Copied from the product: a provider's users are scoped by it.
    provider = models.ForeignKey(Provider, models.PROTECT, related_name="claims")
    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, related_name="product_claims")
    need = models.CharField(_("need"), max_length=300)
    contact_name = EncryptedCharField(_("contact"), max_length=30)
    contact_phone = EncryptedCharField(_("contact phone"), max_length=20)
    contact_phone_hash = PhoneIndexField(source="contact_phone")
    state = models.CharField(_("state"), max_length=12, choices=ClaimState.choices, default=ClaimState.CLAIMED)
    claimed_on = models.DateField(_("claimed on"))
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    declined_reason = models.CharField(_("reason declined"), max_length=300, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        ordering = ["-claimed_on", "-pk"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            models.UniqueConstraint(fields=["product", "enterprise"], name="claim_once_per_product"),
            models.CheckConstraint(
                name="claim_rating_after_delivery",
                condition=models.Q(rating__isnull=True) | models.Q(state="delivered", rating__gte=1, rating__lte=5),
            ),
            models.CheckConstraint(
                name="claim_delivered_has_day",
                condition=~models.Q(state="delivered") | models.Q(delivered_on__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["provider", "state"]), models.Index(fields=["league", "state"])]

    def __str__(self):
        return f"{self.enterprise} → {self.product}"


class ClaimEvent(CaseEvent):
    case_field = "claim"

    claim = models.ForeignKey(Claim, models.CASCADE, related_name="events")


# --- Cloud-service vouchers (云服务券) ---------------------------------------------------------------------


class OnExpiry(models.TextChoices):
    EXPIRE = "expire", _("Expire")
    CARRY_OVER = "carry_over", _("Carry over to a later programme")


class VoucherProgramme(TimeStampedModel):
    """A voucher programme (券种/批次): a budget in 万元, the face values it issues, who is eligible (leagues, size
    classes, industries: empty means every one), a validity window, and what happens to unused vouchers at its end."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    budget = models.DecimalField(_("budget (10k yuan)"), max_digits=10, decimal_places=2)
    # Face values in 万元, as strings with two decimals ("0.50"), ascending.
    face_values = models.JSONField(_("face values"), default=list)
    leagues = models.ManyToManyField("areas.Area", blank=True, related_name="+", verbose_name=_("leagues"))
    size_classes = models.JSONField(_("size classes"), default=list, blank=True)
    # GB/T 4754 divisions, two digits each, comma-separated; empty: every industry.
    industry_codes = models.CharField(_("industries"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    on_expiry = models.CharField(_("at expiry"), max_length=12, choices=OnExpiry.choices, default=OnExpiry.EXPIRE)
    carry_over_to = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("carried over to")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-valid_from", "-pk"]
        verbose_name = _("voucher programme")
        verbose_name_plural = _("voucher programmes")
        constraints = [
            models.CheckConstraint(
                name="voucher_programme_window_ordered", condition=models.Q(valid_until__gte=models.F("valid_from"))
            ),
            models.CheckConstraint(name="voucher_programme_budget_positive", condition=models.Q(budget__gt=0)),
            models.CheckConstraint(
                name="voucher_programme_carry_over_named",
                condition=models.Q(on_expiry="expire", carry_over_to__isnull=True)
                | models.Q(on_expiry="carry_over", carry_over_to__isnull=False),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def industry_list(self) -> list[str]:
        return [c for c in self.industry_codes.split(",") if c]

    @property
    def face_value_labels(self) -> str:
        """The face values as the department writes them: 0.5、1、2."""
        return "、".join(v.rstrip("0").rstrip(".") if "." in v else v for v in self.face_values)

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day <= self.valid_until


class VoucherState(models.TextChoices):
    ISSUED = "issued", _("Issued")
    REDEEMED = "redeemed", _("Redeemed")
    REQUESTED = "requested", _("Payment requested")
    RETURNED = "returned", _("Returned to the provider")
    APPROVED = "approved", _("Approved for payment")
    PAID = "paid", _("Paid")
    REJECTED = "rejected", _("Payment refused")
    EXPIRED = "expired", _("Expired")
    CARRIED_OVER = "carried_over", _("Carried over")


class Voucher(CaseModel):
    """One enterprise's voucher of a programme, and its case: redeemed with a provider against a delivered claim,
    the provider's payment request, the department's review and payment."""

    states = VoucherState

    programme = models.ForeignKey(
        VoucherProgramme, models.PROTECT, related_name="vouchers", verbose_name=_("voucher programme")
    )
    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, related_name="vouchers")
    number = models.CharField(_("voucher number"), max_length=20, unique=True)
    face_value = models.DecimalField(_("face value (10k yuan)"), max_digits=8, decimal_places=2)
    state = models.CharField(_("state"), max_length=12, choices=VoucherState.choices, default=VoucherState.ISSUED)
    issued_on = models.DateField(_("issued on"))
    claim = models.OneToOneField(
        Claim, models.PROTECT, null=True, blank=True, related_name="voucher", verbose_name=_("claim")
    )
    provider = models.ForeignKey(
        Provider, models.PROTECT, null=True, blank=True, related_name="vouchers", verbose_name=_("provider")
    )
    redeemed_on = models.DateField(_("redeemed on"), null=True, blank=True)
    requested_on = models.DateField(_("payment requested on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_amount = models.DecimalField(
        _("amount paid (10k yuan)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    carried_to = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("carried over as")
    )

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("cloud-service voucher")
        verbose_name_plural = _("cloud-service vouchers")
        constraints = [
            models.UniqueConstraint(fields=["programme", "enterprise"], name="voucher_once_per_programme"),
            models.CheckConstraint(name="voucher_face_value_positive", condition=models.Q(face_value__gt=0)),
            models.CheckConstraint(
                name="voucher_paid_within_face_value",
                condition=models.Q(paid_amount__isnull=True)
                | models.Q(paid_amount__gt=0, paid_amount__lte=models.F("face_value")),
            ),
            models.CheckConstraint(
                name="voucher_redeemed_has_claim",
                condition=models.Q(state__in=["issued", "expired", "carried_over"])
                | models.Q(claim__isnull=False, provider__isnull=False, redeemed_on__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["league", "state"]), models.Index(fields=["provider", "state"])]

    def __str__(self):
        return self.number


class VoucherEvent(CaseEvent):
    case_field = "voucher"

    voucher = models.ForeignKey(Voucher, models.CASCADE, related_name="events")


class VoucherFile(models.Model):
    """Evidence of a payment request (contract, invoice, proof of delivery), under settings.PRIVATE_MEDIA_ROOT."""

    class Kind(models.TextChoices):
        CONTRACT = "contract", _("Contract")
        INVOICE = "invoice", _("Invoice")
        DELIVERY = "delivery", _("Proof of delivery")

    voucher = models.ForeignKey(Voucher, models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    path = models.CharField(max_length=200, unique=True)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("voucher evidence")
        verbose_name_plural = _("voucher evidence")

    def __str__(self):
        return self.original_name
