"""Every write to the policy library, applications and benefits: forms, the API and the demo come through here."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong import access
from fugong.accounts.models import Role, User
from fugong.core import bounds, cases
from fugong.core.cases import CaseType, Move, Transitions
from fugong.core.text import clean, pinyin_keys
from fugong.enterprises.models import Enterprise
from fugong.notices.services import Sent, notify
from fugong.policies import eligibility
from fugong.policies.models import (
    Application,
    ApplicationAttachment,
    ApplicationEvent,
    Benefit,
    BenefitType,
    Delivery,
    Measure,
    Policy,
    PolicyAttachment,
    Programme,
    State,
)
from fugong.problems import attachments as files

# --- The library -----------------------------------------------------------------------------------------------


def _fields(checks: dict) -> dict:
    """Run each field's check; all the errors at once, naming their fields."""
    errors: dict[str, list[str]] = {}
    out = {}
    for name, check in checks.items():
        try:
            out[name] = check()
        except ValidationError as e:
            errors[name] = e.messages
    if errors:
        raise ValidationError(errors)
    return out


def _required(value, max_length: int, message) -> str:
    text = clean(bounds.check_text(value, max_length=max_length))
    if not text:
        raise ValidationError(str(message))
    return text


@transaction.atomic
def policy_save(
    *,
    actor: User | None,
    title: str,
    issuer: str,
    issued_on: date,
    valid_from: date | None = None,
    valid_until: date | None = None,
    number: str = "",
    text: str = "",
    illustrative: bool = False,
    policy: Policy | None = None,
) -> Policy:
    if actor is not None and not access.can_edit_policies(actor):
        raise ValidationError({"title": [_("Only the region's department keeps the policy library.")]})
    data = _fields(
        {
            "title": lambda: _required(title, 200, _("Give the title.")),
            "issuer": lambda: _required(issuer, 80, _("Name the issuer.")),
            "number": lambda: clean(bounds.check_text(number, max_length=60)),
            "text": lambda: bounds.check_text(text, max_length=200_000, multiline=True).strip(),
            "issued_on": lambda: bounds.check_date(issued_on),
            "valid_from": lambda: bounds.check_date(valid_from or issued_on, future=True),
            "valid_until": lambda: valid_until if valid_until is None else bounds.check_date(valid_until, future=True),
        }
    )
    if data["valid_until"] is not None and data["valid_until"] < data["valid_from"]:
        raise ValidationError({"valid_until": [_("The end of validity is after its start.")]})
    policy = policy or Policy(created_by=actor)
    for name, value in data.items():
        setattr(policy, name, value)
    policy.illustrative = illustrative
    policy.title_initials = pinyin_keys(data["title"])[1][:200]
    policy.search_text = search_text(data["title"], data["number"], data["text"])
    policy.save()
    return policy


def search_text(*parts: str) -> str:
    """What the search reads: simplified, half-width, without spaces, so 中小 企业 and 中小企业 match alike."""
    return "".join(clean(p).replace(" ", "") for p in parts)


def policy_attach(*, actor: User | None, policy: Policy, name: str, content: bytes) -> PolicyAttachment:
    if actor is not None and not access.can_edit_policies(actor):
        raise ValidationError({"file": [_("Only the region's department keeps the policy library.")]})
    kind = files.check(name, content)
    relative = f"policies/{policy.pk}/{uuid.uuid4().hex}{sorted(files.KINDS[kind][1])[0]}"
    _write(relative, content)
    return PolicyAttachment.objects.create(
        policy=policy,
        path=relative,
        original_name=Path(name).name[:200],
        content_type=files.KINDS[kind][0],
        size=len(content),
        uploaded_by=actor,
    )


def _write(relative: str, content: bytes) -> None:
    target = Path(settings.PRIVATE_MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)


def path_of(attachment: PolicyAttachment | ApplicationAttachment) -> Path:
    root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    path = (root / attachment.path).resolve()
    if root not in path.parents:
        raise ValidationError("attachment outside the private root")
    return path


@dataclass
class MeasureData:
    article: str
    title: str
    benefit_type: str
    delivery: str
    department: str
    rule: dict
    summary: str = ""
    amount: Decimal | None = None
    rate: Decimal | None = None
    contacts: str = ""


@transaction.atomic
def measure_save(*, actor: User | None, policy: Policy, data: MeasureData, measure: Measure | None = None) -> Measure:
    """A measure with its eligibility; a rule naming an unknown industry code, tag or fact is refused."""
    if actor is not None and not access.can_edit_policies(actor):
        raise ValidationError({"title": [_("Only the region's department keeps the policy library.")]})
    digits = bounds.decimal_of_field(Measure._meta.get_field("amount"))
    checked = _fields(
        {
            "article": lambda: _required(data.article, 40, _("Give the article (第几条).")),
            "title": lambda: _required(data.title, 200, _("Give the title.")),
            "department": lambda: _required(data.department, 80, _("Name the responsible department.")),
            "summary": lambda: bounds.check_text(data.summary, max_length=bounds.TEXT_MAX, multiline=True).strip(),
            "contacts": lambda: clean(bounds.check_text(data.contacts, max_length=200)),
            "benefit_type": lambda: _choice(data.benefit_type, BenefitType),
            "delivery": lambda: _choice(data.delivery, Delivery),
            "amount": lambda: None if data.amount is None else bounds.check_decimal(data.amount, **digits),
            "rate": lambda: (
                None
                if data.rate is None
                else bounds.check_decimal(data.rate, max_digits=6, decimal_places=2, max_value=Decimal(100))
            ),
        }
    )
    checked["rule"] = eligibility.check_rule(data.rule or {"all": []})
    measure = measure or Measure(policy=policy)
    for name, value in checked.items():
        setattr(measure, name, value)
    measure.save()
    return measure


def _choice(value: str, choices) -> str:
    if value not in choices.values:
        raise ValidationError(_("One of %(allowed)s.") % {"allowed": ", ".join(choices.values)})
    return value


@transaction.atomic
def programme_save(
    *,
    actor: User | None,
    measure: Measure,
    name: str,
    opens_on: date,
    closes_on: date,
    max_amount: Decimal,
    materials: list[str],
    guide: str = "",
) -> Programme:
    if actor is not None and not access.can_edit_policies(actor):
        raise ValidationError({"name": [_("Only the region's department keeps the policy library.")]})
    digits = bounds.decimal_of_field(Programme._meta.get_field("max_amount"))
    data = _fields(
        {
            "name": lambda: _required(name, 200, _("Give the name.")),
            "guide": lambda: bounds.check_text(guide, max_length=200_000, multiline=True).strip(),
            "opens_on": lambda: bounds.check_date(opens_on, future=True),
            "closes_on": lambda: bounds.check_date(closes_on, future=True),
            "max_amount": lambda: bounds.check_decimal(max_amount, **digits),
            "materials": lambda: [_required(m, 100, _("Name each material.")) for m in materials][:30],
        }
    )
    if data["closes_on"] < data["opens_on"]:
        raise ValidationError({"closes_on": [_("The window closes after it opens.")]})
    return Programme.objects.create(measure=measure, **data)


# --- Matching: notify the eligible -----------------------------------------------------------------------------


def notify_eligible(*, actor: User, measure: Measure, day: date | None = None) -> Sent:
    """A notice to the users of each eligible enterprise in the actor's area that has not applied, and an SMS
    to its contact phone (through the SMS sender)."""
    from fugong.policies.selectors import eligible_enterprises

    if not access.can_notify_eligible(actor):
        raise ValidationError({"measure": [_("Only officials notify enterprises.")]})
    day = day or timezone.localdate()
    targets = eligible_enterprises(user=actor, measure=measure, day=day).exclude(
        pk__in=Application.objects.filter(measure=measure).values("enterprise_id")
    )
    ids = list(targets.values_list("pk", flat=True))
    phones = list(targets.exclude(contact_phone="").values_list("contact_phone", flat=True))
    users = User.objects.filter(role=Role.ENTERPRISE, enterprise_id__in=ids, is_active=True)
    text = _(
        "Your enterprise is eligible for a support measure: %(title)s (%(policy)s). Open it to see why and what to do."
    ) % {
        "title": measure.title,
        "policy": measure.policy.number or measure.policy.title,
    }
    return notify(
        recipients=users,
        text=text,
        link=reverse("policies:measure", args=[measure.pk]),
        kind="policy_match",
        phones=phones,
    )


# --- Applications --------------------------------------------------------------------------------------------

APPLICANT = "applicant"
LEAGUE = "league"
REGION = "region"


def relations(user: User, application: Application) -> set[str]:
    if not access.can_see_application(user, application):
        return set()
    mine = set()
    if access.is_applicant(user, application):
        mine.add(APPLICANT)
    if access.reviews_for_league(user, application):
        mine.add(LEAGUE)
    if access.awards_applications(user):
        mine.add(REGION)
    return mine


REVIEWERS = frozenset({LEAGUE, REGION})
TRANSITIONS = Transitions(
    moves={
        "submit": Move(
            frozenset({State.DRAFT, State.RETURNED}), State.SUBMITTED, frozenset({APPLICANT}), gettext_lazy("Submit")
        ),
        "return": Move(
            frozenset({State.SUBMITTED}),
            State.RETURNED,
            REVIEWERS,
            gettext_lazy("Return for completion"),
            needs_comment=gettext_lazy("Say what is to be completed."),
        ),
        "pass": Move(frozenset({State.SUBMITTED}), State.PASSED, REVIEWERS, gettext_lazy("Pass league review")),
        "award": Move(frozenset({State.PASSED}), State.AWARDED, frozenset({REGION}), gettext_lazy("Award")),
        "comment": Move(
            frozenset(State.values),
            None,
            REVIEWERS | {APPLICANT},
            gettext_lazy("Comment"),
            needs_comment=gettext_lazy("Write the comment."),
        ),
        "decline": Move(frozenset({State.SUBMITTED, State.PASSED}), State.DECLINED, REVIEWERS, gettext_lazy("Decline")),
    },
    states=State,
    event_model=ApplicationEvent,
    relations=relations,
    who_labels={
        APPLICANT: gettext_lazy("the applicant"),
        LEAGUE: gettext_lazy("an official of its league"),
        REGION: gettext_lazy("the region's department"),
    },
    not_now=gettext_lazy(
        "“%(action)s” is not possible while the application is %(state)s; it is possible when %(allowed)s."
    ),
)


def allowed_actions(user: User, application: Application) -> list[str]:
    return TRANSITIONS.allowed_actions(application, user)


@transaction.atomic
def application_create(
    *,
    actor: User | None,
    enterprise: Enterprise,
    measure: Measure,
    requested_amount: Decimal,
    statement: str = "",
    programme: Programme | None = None,
    at: datetime | None = None,
) -> Application:
    """A draft application; the enterprise must be eligible today, and a measure delivered automatically takes
    no application."""
    today = timezone.localdate(at) if at else timezone.localdate()
    digits = bounds.decimal_of_field(Application._meta.get_field("requested_amount"))
    data = _fields(
        {
            "requested_amount": lambda: bounds.check_decimal(requested_amount, **digits),
            "statement": lambda: bounds.check_text(statement, max_length=bounds.TEXT_MAX, multiline=True).strip(),
        }
    )
    errors: dict[str, list[str]] = {}
    if actor is not None and not access.can_apply_for(actor, enterprise):
        errors["enterprise"] = [_("You cannot apply for this enterprise.")]
    if data["requested_amount"] <= 0:
        errors["requested_amount"] = [_("The amount must be more than zero.")]
    if measure.delivery == Delivery.AUTOMATIC:
        errors["measure"] = [_("This measure is delivered automatically to those eligible (免申即享): no application.")]
    if programme is not None and programme.measure_id != measure.pk:
        errors["programme"] = [_("The programme belongs to another measure.")]
    if programme is not None and data["requested_amount"] > programme.max_amount:
        errors["requested_amount"] = [
            _("More than the programme's largest award, %(n)s.") % {"n": programme.max_amount}
        ]
    if not errors and not eligibility.evaluate(measure.rule, enterprise, today).eligible:
        errors["measure"] = [_("%(name)s is not eligible for this measure.") % {"name": enterprise.name}]
    if (
        not errors
        and Application.objects.filter(enterprise=enterprise, measure=measure, programme=programme)
        .exclude(state=State.DECLINED)
        .exists()
    ):
        errors["measure"] = [_("%(name)s has already applied.") % {"name": enterprise.name}]
    if errors:
        raise ValidationError(errors)
    application = Application.objects.create(
        enterprise=enterprise,
        league_id=enterprise.league_id,
        county_id=enterprise.county_id,
        measure=measure,
        programme=programme,
        created_by=actor,
        **data,
    )
    ApplicationEvent.for_case(application, actor=actor, action="create", at=at).save()
    return application


def application_attach(
    *, actor: User | None, application: Application, material: str, name: str, content: bytes
) -> ApplicationAttachment:
    if actor is not None and not access.is_applicant(actor, application):
        raise ValidationError({"file": [_("Only the applicant adds materials.")]})
    if application.state not in (State.DRAFT, State.RETURNED):
        raise ValidationError({"file": [_("Materials are added to a draft or a returned application.")]})
    material = _fields({"material": lambda: _required(material, 100, _("Say which material this is."))})["material"]
    kind = files.check(name, content)
    relative = f"applications/{application.pk}/{uuid.uuid4().hex}{sorted(files.KINDS[kind][1])[0]}"
    _write(relative, content)
    return ApplicationAttachment.objects.create(
        application=application,
        material=material,
        path=relative,
        original_name=Path(name).name[:200],
        content_type=files.KINDS[kind][0],
        size=len(content),
        uploaded_by=actor,
    )


def missing_materials(application: Application) -> list[str]:
    if application.programme is None:
        return []
    have = set(application.attachments.values_list("material", flat=True))
    return [m for m in application.programme.materials if m not in have]


@transaction.atomic
def application_move(
    *,
    actor: User | None,
    application: Application,
    action: str,
    amount: Decimal | None = None,
    reason: str = "",
    comment: str = "",
    at: datetime | None = None,
) -> Application:
    """One move of TRANSITIONS, or a refusal naming the field. Submitting checks the programme's window and
    materials; an award writes the benefit to the ledger; the applicant is notified of the outcome."""
    checked = _fields(
        {
            "amount": lambda: (
                amount
                if amount is None
                else bounds.check_decimal(
                    amount, **bounds.decimal_of_field(Application._meta.get_field("awarded_amount"))
                )
            ),
            "reason": lambda: bounds.check_text(reason, max_length=300, multiline=True),
            "comment": lambda: bounds.check_text(comment, max_length=bounds.TEXT_MAX, multiline=True),
        }
    )
    amount = checked["amount"]
    today = timezone.localdate(at) if at else timezone.localdate()

    def apply(application: Application, _move) -> dict:
        detail: dict = {}
        if action == "submit":
            programme = application.programme
            if programme is not None and not programme.is_open(today):
                raise ValidationError(
                    {
                        "programme": [
                            _("The application window is %(opens)s to %(closes)s.")
                            % {"opens": programme.opens_on, "closes": programme.closes_on}
                        ]
                    }
                )
            missing = missing_materials(application)
            if missing:
                raise ValidationError(
                    {"materials": [_("Missing material: %(names)s.") % {"names": "、".join(missing)}]}
                )
            application.submitted_on = today
        elif action == "award":
            if amount is None or amount <= 0:
                raise ValidationError({"amount": [_("Give the amount, in 10,000 yuan.")]})
            ceiling = application.programme.max_amount if application.programme else application.measure.amount
            if ceiling is not None and amount > ceiling:
                raise ValidationError({"amount": [_("More than the largest award, %(n)s.") % {"n": ceiling}]})
            application.awarded_amount = amount
            detail["amount"] = str(amount)
        elif action == "decline":
            why = cases.text(reason or comment)
            if not why:
                raise ValidationError({"reason": [_("Give the reason for declining.")]})
            application.declined_reason = why[:300]
        return detail

    moved = TRANSITIONS.move(application, action=action, actor=actor, comment=comment or reason, apply=apply, at=at)
    if action == "award":
        Benefit.objects.create(
            enterprise_id=moved.enterprise_id,
            league_id=moved.league_id,
            county_id=moved.county_id,
            measure_id=moved.measure_id,
            application=moved,
            amount=moved.awarded_amount,
            on=today,
            source=Benefit.Source.APPLICATION,
            recorded_by=actor,
        )
    if action in ("return", "award", "decline"):
        applicants = User.objects.filter(role=Role.ENTERPRISE, enterprise_id=moved.enterprise_id, is_active=True)
        transaction.on_commit(
            lambda: notify(
                recipients=list(applicants),
                text=_("Your application for %(title)s is now: %(state)s.")
                % {"title": moved.measure.title, "state": moved.get_state_display()},
                link=reverse("policies:application", args=[moved.pk]),
                kind="policy_application",
            )
        )
    return moved


CASE = CaseType(TRANSITIONS, access.access_application, application_move)


@transaction.atomic
def benefits_deliver(*, actor: User | None, measure: Measure, enterprises, amount: Decimal, on: date) -> int:
    """Benefits delivered automatically (免申即享) to the enterprises named: one ledger line each."""
    rows = [
        Benefit(
            enterprise_id=e.pk,
            league_id=e.league_id,
            county_id=e.county_id,
            measure=measure,
            amount=amount,
            on=on,
            source=Benefit.Source.AUTOMATIC,
            recorded_by=actor,
        )
        for e in enterprises
    ]
    Benefit.objects.bulk_create(rows)
    return len(rows)
