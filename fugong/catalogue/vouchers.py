"""Every write to the cloud-service vouchers (云服务券): programmes, issuing within the budget, the voucher's case
(redeemed by the enterprise against a delivered claim, the provider's payment request with its evidence, the
department's review and payment) and the expiry run. Each move adds its timeline event in the same transaction."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong import access
from fugong.accounts.models import User
from fugong.areas.models import Area
from fugong.catalogue.models import (
    Claim,
    ClaimState,
    OnExpiry,
    Voucher,
    VoucherEvent,
    VoucherFile,
    VoucherProgramme,
    VoucherState,
)
from fugong.catalogue.services import IMAGE_OR_PDF, _errors_of, _industries, _required
from fugong.core import bounds
from fugong.core.cases import CaseType, Move, Transitions
from fugong.enterprises import credit_code as uscc
from fugong.enterprises.models import Enterprise, SizeClass
from fugong.problems import attachments

ENTERPRISE = "enterprise"  # the user of the voucher's enterprise
PROVIDER = "provider"  # a user of the provider the voucher was redeemed with
REVIEWER = "reviewer"  # the department: a region official
SYSTEM = "system"  # the expiry run; no user stands so

MONEY = {"max_digits": 8, "decimal_places": 2}
BUDGET = {"max_digits": 10, "decimal_places": 2}
# Vouchers that hold no part of the budget any more.
RELEASED = (VoucherState.EXPIRED, VoucherState.CARRIED_OVER)
MAX_FILES = 9


def wan(amount) -> str:
    """An amount in 万元 as the department writes it: 1.5, 12, 0.25."""
    text = format(Decimal(amount or 0).quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _require_manager(actor: User | None, field: str = "__all__") -> None:
    if actor is not None and not access.can_manage_vouchers(actor):
        raise ValidationError({field: [_("Only the department may do this.")]})


# --- Programmes -------------------------------------------------------------------------------------------


@dataclass
class ProgrammeData:
    name: str
    budget: object
    face_values: list
    valid_from: date
    valid_until: date
    leagues: list = field(default_factory=list)  # area codes; empty: every league
    size_classes: list = field(default_factory=list)  # empty: every size
    industry_codes: str = ""  # empty: every industry
    on_expiry: str = OnExpiry.EXPIRE
    carry_over_to: VoucherProgramme | None = None


def _face_values(values) -> list[str]:
    if isinstance(values, str):
        values = [v for v in values.replace("，", ",").replace("、", ",").split(",") if v.strip()]
    found = sorted({bounds.check_decimal(v, **MONEY, min_value=Decimal("0.01")) for v in values or []})
    if not found:
        raise ValidationError(_("Give at least one face value, in 10k yuan."))
    if len(found) > 10:
        raise ValidationError(_("At most 10 face values."))
    return [format(v, "f") for v in found]


def _leagues(codes) -> list[Area]:
    codes = [str(c).strip() for c in codes or [] if str(c).strip()]
    # A separately listed city (满洲里, 二连浩特) stands as a league of its own.
    areas = Area.objects.filter(Q(level=Area.Level.LEAGUE) | Q(separately_listed=True), code__in=codes)
    found = {a.code: a for a in areas}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError(_("Unknown league “%(code)s”.") % {"code": unknown[0][:12]})
    return list(found.values())


def _size_classes(values) -> list[str]:
    values = list(values or [])
    if any(v not in SizeClass.values for v in values):
        raise ValidationError(_("Choose size classes from the list."))
    return [v for v in SizeClass.values if v in values]


@transaction.atomic
def programme_create(*, actor: User | None, data: ProgrammeData) -> VoucherProgramme:
    _require_manager(actor)
    values, errors = _errors_of(
        {
            "name": lambda: _required(
                bounds.check_text(data.name, max_length=100, name=True), _("Name the programme.")
            ),
            "budget": lambda: bounds.check_decimal(data.budget, **BUDGET, min_value=Decimal("0.01")),
            "face_values": lambda: _face_values(data.face_values),
            "valid_from": lambda: bounds.check_date(data.valid_from, future=True),
            "valid_until": lambda: bounds.check_date(data.valid_until, future=True),
            "leagues": lambda: _leagues(data.leagues),
            "size_classes": lambda: _size_classes(data.size_classes),
            "industry_codes": lambda: _industries(data.industry_codes),
            "on_expiry": lambda: (
                data.on_expiry
                if data.on_expiry in OnExpiry.values
                else _refuse_value(_("Say what happens to unused vouchers at the end."))
            ),  # fmt: skip
        }
    )
    if "name" in values and VoucherProgramme.objects.filter(name=values["name"]).exists():
        errors["name"] = [_("A programme of this name exists already.")]
    if "valid_from" in values and "valid_until" in values and values["valid_until"] < values["valid_from"]:
        errors["valid_until"] = [_("The window ends after it starts.")]
    if "budget" in values and "face_values" in values and Decimal(values["face_values"][0]) > values["budget"]:
        errors["face_values"] = [_("A face value cannot be more than the budget.")]
    target = data.carry_over_to
    if values.get("on_expiry") == OnExpiry.CARRY_OVER:
        if target is None:
            errors["carry_over_to"] = [_("Name the later programme unused vouchers carry over to.")]
        elif "valid_until" in values and target.valid_from <= values["valid_until"]:
            errors["carry_over_to"] = [_("The programme carried over to starts after this one ends.")]
    else:
        target = None
    if errors:
        raise ValidationError(errors)
    leagues = values.pop("leagues")
    programme = VoucherProgramme.objects.create(**values, carry_over_to=target, created_by=actor)
    programme.leagues.set(leagues)
    return programme


def _refuse_value(message) -> NoReturn:
    raise ValidationError(message)


def eligible_enterprises(programme: VoucherProgramme) -> QuerySet[Enterprise]:
    """The enterprises the programme's rules admit, evaluated by the database."""
    qs = Enterprise.objects.all()
    leagues = list(programme.leagues.values_list("code", flat=True))
    if leagues:
        qs = qs.filter(Q(league_id__in=leagues) | Q(county_id__in=leagues))
    if programme.size_classes:
        qs = qs.filter(size_class__in=programme.size_classes)
    if programme.industry_list:
        qs = qs.filter(industry__code__in=programme.industry_list)
    return qs


def committed(programme: VoucherProgramme) -> Decimal:
    """The part of the budget the programme's vouchers hold: every voucher issued but those expired or carried
    over (a carried-over voucher holds the later programme's budget instead)."""
    total = programme.vouchers.exclude(state__in=RELEASED).aggregate(s=Sum("face_value"))["s"]
    return total or Decimal(0)


def remaining(programme: VoucherProgramme) -> Decimal:
    return programme.budget - committed(programme)


@dataclass
class IssueResult:
    issued: list[Voucher]
    unchanged: int  # enterprises that held a voucher of the programme already

    @property
    def amount(self) -> Decimal:
        return sum((v.face_value for v in self.issued), Decimal(0))


def _numbers(programme: VoucherProgramme, count: int) -> list[str]:
    prefix = f"YF{programme.pk:03d}-"
    last = (
        Voucher.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    )
    start = int(last[len(prefix) :]) + 1 if last else 1
    return [f"{prefix}{n:05d}" for n in range(start, start + count)]


def _credit_codes(values) -> list[str]:
    if isinstance(values, str):
        values = values.replace(",", "\n").replace("，", "\n").split()
    codes = []
    for raw in values or []:
        try:
            codes.append(uscc.check(str(raw)))
        except uscc.CreditCodeError as e:
            raise ValidationError(_("“%(code)s”: %(error)s") % {"code": str(raw).strip()[:18], "error": str(e)}) from e
    if len(codes) > 5000:
        raise ValidationError(_("At most 5,000 enterprises at a time."))
    return list(dict.fromkeys(codes))


def vouchers_issue(
    *,
    actor: User | None,
    programme: VoucherProgramme,
    face_value,
    credit_codes=None,
    all_eligible: bool = False,
    league: str = "",
    on: date | None = None,
    at: datetime | None = None,
) -> IssueResult:
    """Issue one voucher of `face_value` to each enterprise named (or every eligible one, of a league if given).
    Refused whole, naming the field, when an enterprise is not eligible or the budget falls short; an enterprise
    that holds a voucher of the programme already is left as it is (issuing again changes nothing)."""
    _require_manager(actor)
    day = on or (timezone.localdate(at) if at else timezone.localdate())
    with transaction.atomic():
        # The programme's row is the lock: two issuings at once cannot both take the last of the budget.
        programme = VoucherProgramme.objects.select_for_update().get(pk=programme.pk)
        values, errors = _errors_of(
            {
                "face_value": lambda: bounds.check_decimal(face_value, **MONEY, min_value=Decimal("0.01")),
                "credit_codes": lambda: [] if all_eligible else _credit_codes(credit_codes),
            }
        )
        if "face_value" in values and format(values["face_value"], "f") not in programme.face_values:
            errors["face_value"] = [
                _("The programme issues vouchers of %(values)s (10k yuan).")
                % {"values": "、".join(wan(v) for v in programme.face_values)}
            ]
        if day > programme.valid_until:
            errors["__all__"] = [_("The programme ended on %(day)s.") % {"day": programme.valid_until.isoformat()}]
        eligible = eligible_enterprises(programme)
        if all_eligible:
            if league:
                eligible = eligible.filter(Q(league_id=league) | Q(county_id=league))
            chosen = list(eligible.values_list("pk", "league_id", "county_id"))
        elif "credit_codes" in values:
            codes = values["credit_codes"]
            if not codes:
                errors["credit_codes"] = [_("Name the enterprises, one credit code a line.")]
            rows = {c: (pk, lg, ct) for pk, c, lg, ct in eligible.filter(credit_code__in=codes).values_list(
                "pk", "credit_code", "league_id", "county_id")}  # fmt: skip
            outside = [c for c in codes if c not in rows]
            if outside:
                known = set(Enterprise.objects.filter(credit_code__in=outside).values_list("credit_code", flat=True))
                errors["credit_codes"] = [
                    (_("%(code)s is not eligible for this programme.") if outside[0] in known
                     else _("No enterprise has the credit code %(code)s.")) % {"code": outside[0]}
                ]  # fmt: skip
            chosen = [rows[c] for c in codes if c in rows]
        else:
            chosen = []
        if errors:
            raise ValidationError(errors)
        holders = set(programme.vouchers.values_list("enterprise_id", flat=True))
        new = [row for row in chosen if row[0] not in holders]
        unchanged = len(chosen) - len(new)
        value = values["face_value"]
        needed = value * len(new)
        left = programme.budget - committed(programme)
        if needed > left:
            raise ValidationError(
                {
                    "face_value": [
                        _(
                            "%(count)d vouchers of %(value)s need %(needed)s (10k yuan) but %(left)s remain of the "
                            "budget: short by %(short)s."
                        )
                        % {
                            "count": len(new),
                            "value": wan(value),
                            "needed": wan(needed),
                            "left": wan(left),
                            "short": wan(needed - left),
                        }  # fmt: skip
                    ]
                }
            )
        vouchers = [
            Voucher(
                programme=programme,
                enterprise_id=pk,
                league_id=lg,
                county_id=ct,
                number=number,
                face_value=value,
                issued_on=day,
            )  # fmt: skip
            for (pk, lg, ct), number in zip(new, _numbers(programme, len(new)), strict=True)
        ]
        try:
            with transaction.atomic():
                Voucher.objects.bulk_create(vouchers)
        except IntegrityError as e:
            raise ValidationError({"__all__": [_("Someone else was issuing at the same moment; try again.")]}) from e
        created = list(programme.vouchers.filter(number__in=[v.number for v in vouchers]))
        VoucherEvent.objects.bulk_create(
            [
                VoucherEvent.for_case(v, actor=actor, action="issue", detail={"face_value": wan(value)}, at=at)
                for v in created
            ]  # fmt: skip
        )
        return IssueResult(created, unchanged)


# --- The voucher's case -----------------------------------------------------------------------------------


def relations(user: User, voucher: Voucher) -> set[str]:
    if not access.can_see_voucher(user, voucher):
        return set()
    found = set()
    if access.is_own_enterprise(user, voucher.enterprise_id):
        found.add(ENTERPRISE)
    if access.is_provider_of_voucher(user, voucher):
        found.add(PROVIDER)
    if access.can_manage_vouchers(user):
        found.add(REVIEWER)
    return found


VS = VoucherState
TRANSITIONS = Transitions(
    moves={
        "redeem": Move(frozenset({VS.ISSUED}), VS.REDEEMED, frozenset({ENTERPRISE}), gettext_lazy("Redeem")),
        "request": Move(
            frozenset({VS.REDEEMED, VS.RETURNED}),
            VS.REQUESTED,
            frozenset({PROVIDER}),
            gettext_lazy("Ask for payment"),
        ),
        "approve": Move(frozenset({VS.REQUESTED}), VS.APPROVED, frozenset({REVIEWER}), gettext_lazy("Approve")),
        "return": Move(
            frozenset({VS.REQUESTED}),
            VS.RETURNED,
            frozenset({REVIEWER}),
            gettext_lazy("Return to the provider"),
            needs_comment=gettext_lazy("Say what the provider must add or correct."),
        ),
        "reject": Move(
            frozenset({VS.REQUESTED}),
            VS.REJECTED,
            frozenset({REVIEWER}),
            gettext_lazy("Refuse payment"),
            needs_comment=gettext_lazy("Give the reason for refusing payment."),
        ),
        "pay": Move(frozenset({VS.APPROVED}), VS.PAID, frozenset({REVIEWER}), gettext_lazy("Record payment")),
        "expire": Move(frozenset({VS.ISSUED}), VS.EXPIRED, frozenset({SYSTEM}), gettext_lazy("Expire")),
        "carry_over": Move(frozenset({VS.ISSUED}), VS.CARRIED_OVER, frozenset({SYSTEM}), gettext_lazy("Carry over")),
    },
    states=VoucherState,
    event_model=VoucherEvent,
    relations=relations,
    who_labels={
        ENTERPRISE: gettext_lazy("the enterprise holding it"),
        PROVIDER: gettext_lazy("the provider it was redeemed with"),
        REVIEWER: gettext_lazy("the department"),
        SYSTEM: gettext_lazy("the expiry run"),
    },
    not_now=gettext_lazy(
        "“%(action)s” is not possible while the voucher is %(state)s; it is possible when %(allowed)s."
    ),
)


def voucher_actions(user: User, voucher: Voucher) -> list[tuple[str, object]]:
    return TRANSITIONS.choices(voucher, user)


def redeemable_claims(voucher: Voucher) -> QuerySet[Claim]:
    """The enterprise's delivered claims on a listed product that no voucher has paid for yet."""
    return (
        Claim.objects.filter(
            enterprise_id=voucher.enterprise_id,
            state=ClaimState.DELIVERED,
            product__published_at__isnull=False,
            voucher__isnull=True,
        )  # fmt: skip
        .select_related("product", "provider")
        .order_by("-delivered_on", "-pk")
    )


def _refuse(field_name: str, message: str) -> NoReturn:
    raise ValidationError({field_name: [message]})


def _claim_id(claim) -> int | None:
    if claim is None or claim == "":
        return None
    if isinstance(claim, Claim):
        return claim.pk
    try:
        return bounds.check_int(claim, min_value=1)
    except ValidationError:
        _refuse("claim", _("Choose a delivered claim of your enterprise."))
    return None


def voucher_move(
    *,
    actor: User | None,
    voucher: Voucher,
    action: str,
    comment: str = "",
    claim=None,
    amount=None,
    on: date | None = None,
    at: datetime | None = None,
) -> Voucher:
    """Makes one move of TRANSITIONS or refuses it naming the field; `actor=None` is the system. Redeeming a
    voucher again against the claim it was redeemed against changes nothing."""
    bounds.check_text(comment, max_length=500, multiline=True)
    claim_id = _claim_id(claim)
    day = on or (timezone.localdate(at) if at else timezone.localdate())
    if action == "redeem" and claim_id is not None:
        current = Voucher.objects.filter(pk=voucher.pk).values_list("claim_id", "state").first()
        if (
            current
            and current[0] == claim_id
            and current[1] != VS.ISSUED
            and (actor is None or ENTERPRISE in relations(actor, voucher))
        ):
            return Voucher.objects.get(pk=voucher.pk)

    def apply(voucher: Voucher, _move) -> dict:
        if action == "redeem":
            if claim_id is None:
                _refuse("claim", _("Choose a delivered claim of your enterprise."))
            found = (
                Claim.objects.select_related("product").filter(pk=claim_id, enterprise_id=voucher.enterprise_id).first()
            )
            if found is None:
                _refuse("claim", _("Choose a delivered claim of your enterprise."))
            if found.state != ClaimState.DELIVERED:
                _refuse("claim", _("A voucher is redeemed against a claim the provider has delivered."))
            if found.product.published_at is None:
                _refuse("claim", _("The product is not in the catalogue."))
            if Voucher.objects.filter(claim_id=found.pk).exclude(pk=voucher.pk).exists():
                _refuse("claim", _("Another voucher has been redeemed against this claim."))
            programme = voucher.programme
            if not programme.is_valid_on(day):
                _refuse("action", _("The voucher is valid from %(from)s to %(to)s.") % {
                    "from": programme.valid_from.isoformat(), "to": programme.valid_until.isoformat()})  # fmt: skip
            voucher.claim, voucher.provider_id, voucher.redeemed_on = found, found.provider_id, day
            return {"claim": found.pk, "product": found.product.number, "provider": found.provider_id}
        if action == "request":
            kinds = set(voucher.files.values_list("kind", flat=True))
            missing = [str(label) for value, label in VoucherFile.Kind.choices if value not in kinds]
            if missing:
                _refuse("file", _("Attach the evidence first; missing: %(kinds)s.") % {"kinds": "、".join(missing)})
            voucher.requested_on = day
            return {"files": voucher.files.count()}
        if action == "pay":
            try:
                paid = bounds.check_decimal(amount, **MONEY, min_value=Decimal("0.01"))
            except ValidationError as e:
                raise ValidationError({"amount": e.messages}) from e
            if paid > voucher.face_value:
                _refuse(
                    "amount", _("At most the face value, %(value)s (10k yuan).") % {"value": wan(voucher.face_value)}
                )
            try:
                bounds.check_date(day)
            except ValidationError as e:
                raise ValidationError({"on": e.messages}) from e
            if voucher.requested_on and day < voucher.requested_on:
                _refuse("on", _("Paid on or after the request (%(day)s).") % {"day": voucher.requested_on.isoformat()})
            voucher.paid_on, voucher.paid_amount = day, paid
            return {"amount": wan(paid), "on": day.isoformat()}
        return {}

    try:
        return TRANSITIONS.move(voucher, action=action, actor=actor, comment=comment, apply=apply, at=at)
    except IntegrityError as e:  # two redemptions of one claim at once: the second is refused
        raise ValidationError({"claim": [_("Another voucher has been redeemed against this claim.")]}) from e


VOUCHER = CaseType(TRANSITIONS, access.access_voucher, voucher_move)


# --- Evidence ---------------------------------------------------------------------------------------------

EVIDENCE_STATES = frozenset({VS.REDEEMED, VS.RETURNED})


def voucher_file_add(*, actor: User | None, voucher: Voucher, kind: str, name: str, content: bytes) -> VoucherFile:
    """A contract, invoice or proof of delivery (PDF or image), recognised by its bytes as the product files are."""
    if actor is not None and not access.is_provider_of_voucher(actor, voucher):
        raise ValidationError({"file": [_("Only the provider the voucher was redeemed with adds its evidence.")]})
    if voucher.state not in EVIDENCE_STATES:
        raise ValidationError({"file": [_("Evidence cannot be added while the voucher is %(state)s.") % {
            "state": voucher.get_state_display()}]})  # fmt: skip
    if kind not in VoucherFile.Kind.values:
        raise ValidationError({"kind": [_("Evidence is a contract, an invoice or a proof of delivery.")]})
    found = attachments.check(name, content)
    if found not in IMAGE_OR_PDF:
        raise ValidationError({"file": [_("Evidence is a PDF or an image.")]})
    if voucher.files.count() >= MAX_FILES:
        raise ValidationError({"file": [_("A voucher has at most %(n)d files.") % {"n": MAX_FILES}]})
    relative = f"vouchers/{voucher.pk}/{uuid.uuid4().hex}{sorted(attachments.KINDS[found][1])[0]}"
    target = Path(settings.PRIVATE_MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    try:
        with transaction.atomic():
            file = VoucherFile.objects.create(
                voucher=voucher,
                kind=kind,
                path=relative,
                original_name=Path(name).name[:200],
                content_type=attachments.KINDS[found][0],
                size=len(content),
                uploaded_by=actor,
            )
            VoucherEvent.for_case(
                voucher, actor=actor, action="attach", from_state=voucher.state,
                detail={"file": file.original_name, "kind": kind},
            ).save()  # fmt: skip
    except Exception:
        target.unlink(missing_ok=True)
        raise
    return file


# --- Expiry -----------------------------------------------------------------------------------------------


def vouchers_expire(*, today: date | None = None) -> dict[str, int]:
    """At the end of each programme's window, its vouchers still unused expire or carry over to the programme it
    names (a new voucher of the same value there, within that programme's budget; where the enterprise holds one
    there already, the later programme has ended or its budget falls short, the voucher expires, saying why).
    Running it again changes nothing."""
    today = today or timezone.localdate()
    counts = {"expired": 0, "carried_over": 0}
    due = (
        Voucher.objects.filter(state=VS.ISSUED, programme__valid_until__lt=today)
        .select_related("programme__carry_over_to")
        .order_by("pk")
    )
    for voucher in due:
        programme = voucher.programme
        target = programme.carry_over_to if programme.on_expiry == OnExpiry.CARRY_OVER else None
        if target is None:
            voucher_move(actor=None, voucher=voucher, action="expire", on=today)
            counts["expired"] += 1
            continue
        with transaction.atomic():
            target = VoucherProgramme.objects.select_for_update().get(pk=target.pk)
            reason = ""
            if target.valid_until < today:
                reason = _("%(name)s has ended too.") % {"name": target.name}
            elif target.vouchers.filter(enterprise_id=voucher.enterprise_id).exists():
                reason = _("The enterprise holds a voucher of %(name)s already.") % {"name": target.name}
            elif remaining(target) < voucher.face_value:
                reason = _("The budget of %(name)s falls short.") % {"name": target.name}
            if reason:
                voucher_move(actor=None, voucher=voucher, action="expire", comment=reason, on=today)
                counts["expired"] += 1
                continue
            new = Voucher.objects.create(
                programme=target, enterprise_id=voucher.enterprise_id, league_id=voucher.league_id,
                county_id=voucher.county_id, number=_numbers(target, 1)[0], face_value=voucher.face_value,
                issued_on=max(today, target.valid_from),
            )  # fmt: skip
            VoucherEvent.for_case(
                new, actor=None, action="issue", detail={"face_value": wan(new.face_value), "from": voucher.number}
            ).save()

            def link(v: Voucher, _move, new=new) -> dict:
                v.carried_to = new
                return {"to": new.number}

            TRANSITIONS.move(voucher, action="carry_over", actor=None, apply=link)
            counts["carried_over"] += 1
    return counts
