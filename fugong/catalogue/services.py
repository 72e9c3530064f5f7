"""Every write to the catalogue: providers, calls, products and their review, files, claims. Forms, the demo and
the commands come through here; each move adds its timeline event in the same transaction."""

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong import access
from fugong.accounts.models import User
from fugong.catalogue.models import (
    CONTENT_FIELDS,
    NUMBER_PREFIX,
    Call,
    Category,
    Claim,
    ClaimEvent,
    ClaimState,
    Delivery,
    Product,
    ProductEvent,
    ProductFile,
    ProductState,
    Provider,
    ProviderMember,
)
from fugong.core import bounds, cases
from fugong.core.cases import CaseType, Move, Transitions
from fugong.core.text import clean, clean_name, pinyin_keys
from fugong.enterprises import credit_code as uscc
from fugong.enterprises.models import Enterprise, Industry
from fugong.problems import attachments

PROVIDER = "provider"  # a user of the product's (the claim's) provider
REVIEWER = "reviewer"  # the department's reviewer: a region official
ENTERPRISE = "enterprise"  # the user of the enterprise that claimed

_PHONE = re.compile(r"^[0-9+\-() ]{5,20}$")


def _errors_of(checks: dict) -> tuple[dict, dict]:
    """Run each field's check; the values that passed, and the messages by field of those that did not."""
    values, errors = {}, {}
    for name, check in checks.items():
        try:
            values[name] = check()
        except ValidationError as e:
            errors[name] = e.messages
    return values, errors


def _required(value, message) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationError(message)
    return text


def _credit_code(value) -> str:
    try:
        return uscc.check(str(value or ""))
    except uscc.CreditCodeError as e:
        raise ValidationError(str(e)) from e


def _choice(value, allowed, message) -> str:
    if value not in allowed:
        raise ValidationError(message)
    return value


def _phone(value) -> str:
    phone = clean(value).replace(" ", "")
    if not _PHONE.match(phone):
        raise ValidationError(_("Give a telephone number of 5 to 20 digits."))
    return phone


# --- Providers and calls ----------------------------------------------------------------------------------


def _require_reviewer(actor: User | None) -> None:
    if actor is not None and not access.can_review_products(actor):
        raise ValidationError({"__all__": [_("Only the department's reviewer may do this.")]})


@transaction.atomic
def provider_create(
    *, actor: User | None, name: str, credit_code: str, contact_name: str, contact_phone: str
) -> Provider:
    _require_reviewer(actor)
    values, errors = _errors_of(
        {
            "name": lambda: _required(
                bounds.check_text(clean_name(name), max_length=100, name=True), _("Give the provider's name.")
            ),
            "credit_code": lambda: _credit_code(credit_code),
            "contact_name": lambda: _required(bounds.check_text(contact_name, max_length=30), _("Give a contact.")),
            "contact_phone": lambda: _phone(contact_phone),
        }
    )
    if "name" in values and Provider.objects.filter(name=values["name"]).exists():
        errors["name"] = [_("A provider of this name is registered already.")]
    if "credit_code" in values and Provider.objects.filter(credit_code=values["credit_code"]).exists():
        errors["credit_code"] = [_("A provider with this credit code is registered already.")]
    if errors:
        raise ValidationError(errors)
    pinyin, initials = pinyin_keys(values["name"])
    return Provider.objects.create(**values, name_pinyin=pinyin[:400], name_initials=initials[:100])


def provider_member_add(*, actor: User | None, provider: Provider, user: User) -> ProviderMember:
    _require_reviewer(actor)
    if not access.may_join_provider(user):
        raise ValidationError({"user": [_("Only a user of the provider role can work for a provider.")]})
    if ProviderMember.objects.filter(user=user).exists():
        raise ValidationError({"user": [_("This user works for a provider already.")]})
    return ProviderMember.objects.create(provider=provider, user=user)


@transaction.atomic
def call_create(*, actor: User | None, name: str, opens_on: date, closes_on: date, categories: list[str]) -> Call:
    _require_reviewer(actor)
    values, errors = _errors_of(
        {
            "name": lambda: _required(bounds.check_text(name, max_length=100), _("Name the call.")),
            "opens_on": lambda: bounds.check_date(opens_on, future=True),
            "closes_on": lambda: bounds.check_date(closes_on, future=True),
        }
    )
    if not errors and closes_on < opens_on:
        errors["closes_on"] = [_("The call closes after it opens.")]
    wanted = [c for c in Category.values if c in set(categories or [])]
    if not wanted or len(wanted) != len(set(categories or [])):
        errors["categories"] = [_("Choose the categories the call asks for.")]
    if errors:
        raise ValidationError(errors)
    return Call.objects.create(**values, categories=wanted, created_by=actor)


# --- Products ---------------------------------------------------------------------------------------------


@dataclass
class ProductData:
    name: str
    category: str
    description: str
    free_terms: str
    delivery: str
    contact_name: str
    contact_phone: str
    free_months: int | None = None
    limits: str = ""
    link: str = ""
    industry_codes: str = ""


def _industries(value) -> str:
    codes = [c for c in re.split(r"[,，、\s]+", clean(value)) if c]
    known = set(Industry.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationError(_("Unknown industry “%(code)s” (two-digit GB/T 4754 divisions).") % {"code": unknown[0]})
    return ",".join(sorted(set(codes)))


def _link(value, delivery) -> str:
    link = clean(value)
    bounds.check_text(link, max_length=300)
    if link and not re.match(r"^https?://[^\s<>\"']+$", link):
        raise ValidationError(_("A link starts with http:// or https://."))
    if not link and delivery in (Delivery.SAAS, Delivery.DOWNLOAD):
        raise ValidationError(_("A SaaS or download product needs its link."))
    return link


def check_product(data: ProductData) -> dict:
    """The content as stored, or a ValidationError naming every field that is wrong."""
    values, errors = _errors_of(
        {
            "name": lambda: _required(
                bounds.check_text(clean_name(data.name), max_length=100, name=True), _("Name the product.")
            ),
            "category": lambda: _choice(data.category, Category.values, _("Choose one of the four categories.")),
            "description": lambda: _required(
                bounds.check_text(cases.text(data.description), max_length=2000, multiline=True),
                _("Say what the product does."),
            ),
            "free_terms": lambda: _required(
                bounds.check_text(clean(data.free_terms), max_length=300), _("Say what is free.")
            ),
            "free_months": lambda: (
                None
                if data.free_months in (None, "")
                else bounds.check_int(data.free_months, min_value=1, max_value=120)
            ),
            "limits": lambda: bounds.check_text(clean(data.limits), max_length=300),
            "delivery": lambda: _choice(data.delivery, Delivery.values, _("Choose how enterprises get it.")),
            "link": lambda: _link(data.link, data.delivery),
            "industry_codes": lambda: _industries(data.industry_codes),
            "contact_name": lambda: _required(
                bounds.check_text(clean(data.contact_name), max_length=30), _("Give a contact.")
            ),
            "contact_phone": lambda: _phone(data.contact_phone),
        }
    )
    if errors:
        raise ValidationError(errors)
    return values


def content_of(product: Product) -> dict:
    """The content a provider edits next: the change waiting for review, else the product's own fields."""
    return dict(product.pending) if product.pending else {f: getattr(product, f) for f in CONTENT_FIELDS}


def _write(product: Product, values: dict) -> None:
    for name, value in values.items():
        setattr(product, name, value)
    pinyin, initials = pinyin_keys(product.name)
    product.name_pinyin, product.name_initials = pinyin[:400], initials[:100]


@transaction.atomic
def product_save(
    *,
    actor: User | None,
    provider: Provider,
    data: ProductData,
    product: Product | None = None,
    call: Call | None = None,
) -> Product:
    """A new draft, or a change: written in place until first published, then held in `pending` for review."""
    own = access.provider_of(actor) if actor is not None else None
    if actor is not None and (own is None or own.pk != provider.pk):
        raise ValidationError({"__all__": [_("Only the provider edits its products.")]})
    values = check_product(data)
    if product is None:
        product = Product(provider=provider, call=call)
        _write(product, values)
        product.save()
        ProductEvent.for_case(product, actor=actor, action="create").save()
        return product
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.provider_id != provider.pk:
        raise ValidationError({"__all__": [_("Only the provider edits its products.")]})
    if product.state not in (ProductState.DRAFT, ProductState.RETURNED, ProductState.PUBLISHED):
        raise ValidationError(
            {"__all__": [_("A product %(state)s cannot be edited.") % {"state": product.get_state_display()}]}
        )
    if call is not None:
        product.call = call
    if product.published_at is not None:
        # The published version stays in the catalogue until the change is approved.
        product.pending = values
    else:
        _write(product, values)
    product.save()
    ProductEvent.for_case(
        product, actor=actor, action="edit", from_state=product.state, detail={"pending": bool(product.pending)}
    ).save()
    return product


def _refuse(field: str, message: str):
    raise ValidationError({field: [message]})


def relations(user: User, product: Product) -> set[str]:
    found = set()
    if access.is_provider_of(user, product):
        found.add(PROVIDER)
    if access.can_review_products(user):
        found.add(REVIEWER)
    return found


PS = ProductState
TRANSITIONS = Transitions(
    moves={
        "submit": Move(
            frozenset({PS.DRAFT, PS.RETURNED, PS.PUBLISHED}),
            PS.SUBMITTED,
            frozenset({PROVIDER}),
            gettext_lazy("Submit for review"),
        ),
        "approve": Move(
            frozenset({PS.SUBMITTED}), PS.PUBLISHED, frozenset({REVIEWER}), gettext_lazy("Approve and publish")
        ),
        "return": Move(
            frozenset({PS.SUBMITTED}),
            PS.RETURNED,
            frozenset({REVIEWER}),
            gettext_lazy("Return for changes"),
            needs_comment=gettext_lazy("Say what the provider must change."),
        ),
        "reject": Move(
            frozenset({PS.SUBMITTED}),
            PS.REJECTED,
            frozenset({REVIEWER}),
            gettext_lazy("Reject"),
            needs_comment=gettext_lazy("Give the reason for rejecting."),
        ),
        # A change to a published product refused or dropped: the published version stays as it was.
        "discard": Move(
            frozenset({PS.SUBMITTED, PS.RETURNED}),
            PS.PUBLISHED,
            frozenset({REVIEWER, PROVIDER}),
            gettext_lazy("Drop the change"),
        ),
        "withdraw": Move(
            frozenset({PS.PUBLISHED, PS.SUBMITTED, PS.RETURNED}),
            PS.WITHDRAWN,
            frozenset({REVIEWER, PROVIDER}),
            gettext_lazy("Withdraw from the catalogue"),
            needs_comment=gettext_lazy("Give the reason for withdrawing."),
        ),
    },
    states=ProductState,
    event_model=ProductEvent,
    relations=relations,
    who_labels={PROVIDER: gettext_lazy("its provider"), REVIEWER: gettext_lazy("the department's reviewer")},
    not_now=gettext_lazy(
        "“%(action)s” is not possible while the product is %(state)s; it is possible when %(allowed)s."
    ),
)
# Moves that make sense only for a product published before, and one only for a product never published.
ONLY_PUBLISHED = frozenset({"discard", "withdraw"})
ONLY_NEW = frozenset({"reject"})


def product_actions(user: User, product: Product) -> list[tuple[str, object]]:
    """The buttons of the product page: the moves the user may make now that fit this product."""
    skip = ONLY_NEW if product.published_at is not None else ONLY_PUBLISHED
    return [(name, label) for name, label in TRANSITIONS.choices(product, user) if name not in skip]


def next_number(category: str) -> str:
    prefix = NUMBER_PREFIX[category] + "-"
    last = (
        Product.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    )
    return f"{prefix}{int(last[len(prefix) :]) + 1 if last else 1:04d}"


def product_move(
    *, actor: User | None, product: Product, action: str, comment: str = "", at: datetime | None = None
) -> Product:
    """Makes one move of TRANSITIONS or refuses it naming the field; `actor=None` is the system."""
    bounds.check_text(comment, max_length=bounds.TEXT_MAX, multiline=True)
    now = at or timezone.now()

    def apply(product: Product, _move) -> dict:
        published = product.published_at is not None
        if action in ONLY_PUBLISHED and not published:
            _refuse("action", _("The product was never published."))
        if action in ONLY_NEW and published:
            _refuse("action", _("The product is published: drop the change instead."))
        detail: dict = {}
        if action == "submit":
            if product.state == PS.PUBLISHED and not product.pending:
                _refuse("action", _("Nothing has changed since the product was published."))
            if not published:
                call = product.call
                if call is None:
                    _refuse("call", _("Choose the call the product answers."))
                elif not call.is_open(timezone.localdate(now)):
                    _refuse("call", _("The call is closed (%(from)s to %(to)s).") % {
                        "from": call.opens_on.isoformat(), "to": call.closes_on.isoformat()})  # fmt: skip
                elif product.category not in call.categories:
                    _refuse("category", _("The call does not ask for this category."))
        elif action == "approve":
            if product.pending:
                detail["changed"] = sorted(k for k, v in product.pending.items() if getattr(product, k) != v)
                _write(product, product.pending)
                product.pending = {}
            if product.number is None:
                product.number = next_number(product.category)
            detail["number"] = product.number
            product.published_at = product.published_at or now
            product.feed_updated_at = now
            product.files.filter(approved=False).update(approved=True)
        elif action == "discard":
            product.pending = {}
            product.files.filter(approved=False).delete()
        elif action == "withdraw":
            product.pending = {}
            product.withdrawn_at = now
            product.feed_updated_at = now
        return detail

    try:
        return TRANSITIONS.move(product, action=action, actor=actor, comment=comment, apply=apply, at=at)
    except IntegrityError as e:  # two approvals took the same number at once: the second tries again
        raise ValidationError({"action": [_("Someone else was publishing at the same moment; try again.")]}) from e


PRODUCT = CaseType(TRANSITIONS, access.access_product, product_move)

IMAGE_OR_PDF = {"png", "jpeg", "gif", "webp", "pdf"}
EDITABLE = frozenset({PS.DRAFT, PS.RETURNED, PS.PUBLISHED})
MAX_FILE_BYTES = 10 * 1024 * 1024


def pending_changes(product: Product) -> list[tuple[str, object, object]]:
    """The change waiting for review, field by field: (label, published value, proposed value)."""
    return [
        (str(getattr(Product._meta.get_field(name), "verbose_name", name)), getattr(product, name), value)
        for name, value in (product.pending or {}).items()
        if getattr(product, name) != value
    ]


def product_file_add(*, actor: User | None, product: Product, kind: str, name: str, content: bytes) -> ProductFile:
    """A brochure (PDF or image) or a screenshot (image), recognised by its bytes as problem attachments are."""
    if actor is not None and not access.is_provider_of(actor, product):
        raise ValidationError({"file": [_("Only the provider adds files to its products.")]})
    if product.state not in EDITABLE:
        raise ValidationError({"file": [_("Files cannot be added while the product is %(state)s.") % {
            "state": product.get_state_display()}]})  # fmt: skip
    if kind not in ProductFile.Kind.values:
        raise ValidationError({"kind": [_("A file is a brochure or a screenshot.")]})
    found = attachments.check(name, content)
    if found not in IMAGE_OR_PDF or (kind == ProductFile.Kind.SCREENSHOT and found == "pdf"):
        raise ValidationError({"file": [_("A brochure is a PDF or an image; a screenshot is an image.")]})
    if product.files.count() >= 10:
        raise ValidationError({"file": [_("A product has at most 10 files.")]})
    suffix = sorted(attachments.KINDS[found][1])[0]
    relative = f"catalogue/{product.pk}/{uuid.uuid4().hex}{suffix}"
    target = Path(settings.PRIVATE_MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    try:
        with transaction.atomic():
            file = ProductFile.objects.create(
                product=product,
                kind=kind,
                path=relative,
                original_name=Path(name).name[:200],
                content_type=attachments.KINDS[found][0],
                size=len(content),
                # Before first publication the file goes out with the approval; afterwards it waits for the next.
                approved=False,
                uploaded_by=actor,
            )
            ProductEvent.for_case(
                product, actor=actor, action="attach", from_state=product.state, detail={"file": file.original_name}
            ).save()
    except Exception:
        target.unlink(missing_ok=True)
        raise
    return file


def file_path(file: ProductFile) -> Path:
    root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    path = (root / file.path).resolve()
    if root not in path.parents:
        raise ValidationError("file outside the private root")
    return path


# --- Claims -----------------------------------------------------------------------------------------------


@transaction.atomic
def claim_create(
    *,
    actor: User | None,
    product: Product,
    enterprise: Enterprise,
    need: str,
    contact_name: str,
    contact_phone: str,
    claimed_on: date | None = None,
    at: datetime | None = None,
) -> Claim:
    if actor is not None and not (access.can_claim_products(actor) and access.is_own_enterprise(actor, enterprise.pk)):
        raise ValidationError({"__all__": [_("Only an enterprise claims a product, for itself.")]})
    values, errors = _errors_of(
        {
            "need": lambda: _required(bounds.check_text(clean(need), max_length=300), _("Say briefly what you need.")),
            "contact_name": lambda: _required(
                bounds.check_text(clean(contact_name), max_length=30), _("Give a contact.")
            ),
            "contact_phone": lambda: _phone(contact_phone),
        }
    )
    if not product.is_listed:
        errors["product"] = [_("The product is not in the catalogue.")]
    elif Claim.objects.filter(product=product, enterprise=enterprise).exists():
        errors["product"] = [_("Your enterprise has claimed this product already.")]
    if errors:
        raise ValidationError(errors)
    claim = Claim.objects.create(
        product=product,
        provider_id=product.provider_id,
        enterprise=enterprise,
        league_id=enterprise.league_id,
        county_id=enterprise.county_id,
        claimed_on=claimed_on or timezone.localdate(),
        **values,
    )
    ClaimEvent.for_case(claim, actor=actor, action="claim", comment=values["need"], at=at).save()
    return claim


def claim_relations(user: User, claim: Claim) -> set[str]:
    if not access.can_see_claim(user, claim):
        return set()
    if access.is_provider_of_claim(user, claim):
        return {PROVIDER}
    if access.is_own_enterprise(user, claim.enterprise_id):
        return {ENTERPRISE}
    return set()


CS = ClaimState
CLAIM_TRANSITIONS = Transitions(
    moves={
        "contact": Move(frozenset({CS.CLAIMED}), CS.CONTACTED, frozenset({PROVIDER}), gettext_lazy("Contacted")),
        "deliver": Move(
            frozenset({CS.CLAIMED, CS.CONTACTED}), CS.DELIVERED, frozenset({PROVIDER}), gettext_lazy("Delivered")
        ),
        "decline": Move(
            frozenset({CS.CLAIMED, CS.CONTACTED}),
            CS.DECLINED,
            frozenset({PROVIDER}),
            gettext_lazy("Decline"),
            needs_comment=gettext_lazy("Give the reason for declining."),
        ),
        "rate": Move(frozenset({CS.DELIVERED}), None, frozenset({ENTERPRISE}), gettext_lazy("Rate it")),
    },
    states=ClaimState,
    event_model=ClaimEvent,
    relations=claim_relations,
    who_labels={PROVIDER: gettext_lazy("its provider"), ENTERPRISE: gettext_lazy("the enterprise that claimed")},
    not_now=gettext_lazy("“%(action)s” is not possible while the claim is %(state)s; it is possible when %(allowed)s."),
)


def claim_actions(user: User, claim: Claim) -> list[tuple[str, object]]:
    return [(n, label) for n, label in CLAIM_TRANSITIONS.choices(claim, user) if n != "rate" or claim.rating is None]


def claim_move(
    *,
    actor: User | None,
    claim: Claim,
    action: str,
    comment: str = "",
    rating: int | None = None,
    on: date | None = None,
    at: datetime | None = None,
) -> Claim:
    bounds.check_text(comment, max_length=500, multiline=True)

    def apply(claim: Claim, _move) -> dict:
        if action == "deliver":
            claim.delivered_on = on or (timezone.localdate(at) if at else timezone.localdate())
            return {"on": claim.delivered_on.isoformat()}
        if action == "decline":
            claim.declined_reason = cases.text(comment)[:300]
        if action == "rate":
            if claim.rating is not None:
                _refuse("rating", _("The claim is rated already."))
            if rating is None or isinstance(rating, bool) or not 1 <= int(rating) <= 5:
                _refuse("rating", _("Rate from 1 to 5."))
            claim.rating = int(rating)  # type: ignore[arg-type]
            claim.rating_comment = cases.text(comment)[:500]
            return {"rating": claim.rating}
        return {}

    return CLAIM_TRANSITIONS.move(claim, action=action, actor=actor, comment=comment, apply=apply, at=at)


CLAIM = CaseType(CLAIM_TRANSITIONS, access.access_claim, claim_move)


def product_data(values: dict) -> ProductData:
    """ProductData from a form's cleaned values (other keys dropped)."""
    return ProductData(**{f: values[f] for f in ProductData.__dataclass_fields__ if f in values})


def on_enterprises_moved(sender, *, ids, **kwargs) -> None:  # noqa: ARG001 - a signal receiver
    """Claims not settled yet follow their enterprise, so that the new area's figures count them."""
    cases.follow_enterprises(Claim.objects.filter(state__in=[CS.CLAIMED, CS.CONTACTED]), ids)
