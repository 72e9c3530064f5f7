"""Every write to the policy library, applications and benefits: forms, the API and the demo come through here."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
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
    Conflict,
    Delivery,
    ExpertAssignment,
    Measure,
    NoticeEntry,
    Objection,
    Policy,
    PolicyAttachment,
    Programme,
    PublicNotice,
    State,
)
from fugong.problems import attachments as files
from fugong.problems.deadlines import add_working_days

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
    score_sheet: list[dict] | None = None,
    notice_days: int = 5,
    published_on: date | None = None,
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
            "score_sheet": lambda: check_score_sheet(score_sheet or []),
            "notice_days": lambda: _notice_days(notice_days),
            "published_on": lambda: bounds.check_date(published_on or timezone.localdate(), future=True),
        }
    )
    if data["closes_on"] < data["opens_on"]:
        raise ValidationError({"closes_on": [_("The window closes after it opens.")]})
    if measure.delivery != Delivery.APPLICATION:
        raise ValidationError({"measure": [_("A programme belongs to a measure delivered by application.")]})
    return Programme.objects.create(measure=measure, **data)


def check_score_sheet(items) -> list[dict]:
    """The score sheet as stored: 1 to 20 items, each named once with a maximum from 1 to 100."""
    if not isinstance(items, list) or len(items) > 20:
        raise ValidationError(_("A score sheet has at most 20 items."))
    out, seen = [], set()
    for i, item in enumerate(items, start=1):
        name = clean(bounds.check_text((item or {}).get("item"), max_length=60)) if isinstance(item, dict) else ""
        try:
            top = int(item.get("max"))
        except (AttributeError, TypeError, ValueError):
            top = 0
        if not name or name in seen or not 1 <= top <= 100:
            raise ValidationError(
                _("Item %(n)d of the score sheet: a name given once and a maximum from 1 to 100.") % {"n": i}
            )
        seen.add(name)
        out.append({"item": name, "max": top})
    return out


def parse_score_sheet(text: str) -> list[dict]:
    """The score sheet as the form takes it, one item a line: "技术创新能力 30" (or with a colon)."""
    items = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        line = clean(line).replace(":", " ").replace("：", " ").strip()
        if not line:
            continue
        name, _sep, top = line.rpartition(" ")
        if not name.strip() or not top.isdigit():
            raise ValidationError(_("Line %(n)d: an item and its maximum, e.g. “技术创新能力 30”.") % {"n": n})
        items.append({"item": name.strip(), "max": int(top)})
    return items


def _required_text(value, message) -> str:
    text = cases.text(bounds.check_text(value, max_length=bounds.TEXT_MAX, multiline=True))
    if not text:
        raise ValidationError(str(message))
    return text


def _notice_days(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 30:
        raise ValidationError(_("A public notice lasts from 1 to 30 working days."))
    return value


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
ONLY_REGION = frozenset({REGION})
# Made by the public-notice services for a whole list, never alone: not offered as buttons nor through the API.
LIST_MOVES = frozenset({"publish", "remove"})
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
        "region_pass": Move(frozenset({State.PASSED}), State.SCORING, ONLY_REGION, gettext_lazy("Pass region review")),
        "shortlist": Move(frozenset({State.SCORING}), State.SHORTLISTED, ONLY_REGION, gettext_lazy("Shortlist")),
        "publish": Move(
            frozenset({State.SHORTLISTED}), State.NOTICE, ONLY_REGION, gettext_lazy("Publish for public notice")
        ),
        "remove": Move(
            frozenset({State.NOTICE}),
            State.DECLINED,
            ONLY_REGION,
            gettext_lazy("Remove from the list"),
            needs_comment=gettext_lazy("Give the reason for removing it."),
        ),
        "award": Move(frozenset({State.PASSED, State.NOTICE}), State.AWARDED, ONLY_REGION, gettext_lazy("Award")),
        "disburse": Move(frozenset({State.AWARDED}), State.DISBURSED, ONLY_REGION, gettext_lazy("Record disbursement")),
        "comment": Move(
            frozenset(State.values),
            None,
            REVIEWERS | {APPLICANT},
            gettext_lazy("Comment"),
            needs_comment=gettext_lazy("Write the comment."),
        ),
        "decline": Move(frozenset({State.SUBMITTED, State.PASSED}), State.DECLINED, REVIEWERS, gettext_lazy("Decline")),
        "not_shortlisted": Move(
            frozenset({State.SCORING}), State.DECLINED, ONLY_REGION, gettext_lazy("Not shortlisted")
        ),
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


def _offered(application: Application, action: str) -> bool:
    """A move the table allows that this application's path takes: a programme's goes through region review and
    never to the award straight from the league; an application without a programme the other way round."""
    if action in LIST_MOVES:
        return False
    if application.programme_id is None:
        return action not in ("region_pass",)
    return not (action == "award" and application.state == State.PASSED)


def allowed_actions(user: User, application: Application) -> list[str]:
    return [a for a in TRANSITIONS.allowed_actions(application, user) if _offered(application, a)]


def move_choices(user: User, application: Application) -> list[tuple[str, object]]:
    return [(a, label) for a, label in TRANSITIONS.choices(application, user) if _offered(application, a)]


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
    on: date | None = None,
    _list_move: bool = False,
) -> Application:
    """One move of TRANSITIONS, or a refusal naming the field. Submitting checks the programme's window and
    materials; a programme's application goes through region review, expert scoring, shortlist and public notice
    before its award, and is awarded only once the notice period is over; an award writes the benefit to the
    ledger, a disbursement (`on`, `amount`) sets it to what was paid; the applicant is notified of the outcome."""
    if action in LIST_MOVES and not _list_move:
        raise ValidationError(
            {"action": [_("Publishing and removing go through the programme's public notice and its objections.")]}
        )
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
        elif action == "region_pass" and application.programme_id is None:
            raise ValidationError({"action": [_("Only a programme's applications go through region review.")]})
        elif action == "shortlist":
            assignments = list(application.assignments.all())
            if not assignments or any(a.total is None for a in assignments):
                raise ValidationError(
                    {"action": [_("Every expert assigned scores it before it is shortlisted (at least one).")]}
                )
            detail["average"] = str(score_summary(assignments).average)
        elif action == "award":
            if application.programme_id is not None and application.state == State.PASSED:
                raise ValidationError(
                    {
                        "action": [
                            _(
                                "A programme's application is awarded after region review, expert scoring, the "
                                "shortlist and its public notice."
                            )
                        ]
                    }
                )
            if application.state == State.NOTICE:
                entry = NoticeEntry.objects.select_related("notice").get(application=application)
                if not entry.notice.period_over(today):
                    raise ValidationError(
                        {
                            "action": [
                                _("The public notice runs until %(day)s: award after it.")
                                % {"day": entry.notice.ends_on.isoformat()}
                            ]
                        }
                    )
                if entry.objections.filter(outcome=Objection.Outcome.PENDING).exists():
                    raise ValidationError({"action": [_("An objection to it is still to be handled.")]})
            if amount is None or amount <= 0:
                raise ValidationError({"amount": [_("Give the amount, in 10,000 yuan.")]})
            ceiling = application.programme.max_amount if application.programme else application.measure.amount
            if ceiling is not None and amount > ceiling:
                raise ValidationError({"amount": [_("More than the largest award, %(n)s.") % {"n": ceiling}]})
            application.awarded_amount = amount
            application.awarded_on = today
            detail["amount"] = str(amount)
        elif action == "disburse":
            paid_on = on or today
            if amount is None or amount <= 0:
                raise ValidationError({"amount": [_("Give the amount paid, in 10,000 yuan.")]})
            if application.awarded_amount is not None and amount > application.awarded_amount:
                raise ValidationError(
                    {"amount": [_("More than the award, %(n)s.") % {"n": application.awarded_amount}]}
                )
            if paid_on < (application.awarded_on or paid_on) or paid_on > today:
                raise ValidationError({"on": [_("The payment date is between the award and today.")]})
            application.disbursed_on, application.disbursed_amount = paid_on, amount
            detail.update(amount=str(amount), on=paid_on.isoformat())
        elif action in ("decline", "not_shortlisted"):
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
    elif action == "disburse":
        Benefit.objects.filter(application=moved).update(amount=moved.disbursed_amount, on=moved.disbursed_on)
    elif action == "remove":
        moved.declined_reason = cases.text(comment or reason)[:300]
        moved.save(update_fields=["declined_reason"])
    if action in ("award", "remove"):
        close_programme_notices(moved, today)
    if action in ("return", "award", "decline", "not_shortlisted", "remove", "disburse"):
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


# --- Experts: the panel, assignments, conflicts, scores ------------------------------------------------------


@dataclass
class ScoreSummary:
    count: int
    average: Decimal | None
    spread: Decimal | None  # highest total less lowest
    stdev: Decimal | None  # population standard deviation of the totals


def score_summary(assignments) -> ScoreSummary:
    totals = [a.total for a in assignments if a.total is not None]
    if not totals:
        return ScoreSummary(0, None, None, None)
    mean = sum(totals) / len(totals)
    variance = sum((t - mean) ** 2 for t in totals) / len(totals)
    q = Decimal("0.01")
    return ScoreSummary(
        len(totals), mean.quantize(q), (max(totals) - min(totals)).quantize(q), variance.sqrt().quantize(q)
    )


def _region_only(actor: User | None, field: str) -> None:
    if actor is not None and not access.can_run_reviews(actor):
        raise ValidationError({field: [_("Only the region's department runs the review of a programme.")]})


@transaction.atomic
def expert_add(*, actor: User | None, programme: Programme, expert: User) -> None:
    """Name a user to the programme's panel: a department handler (officials see the applications anyway)."""
    _region_only(actor, "expert")
    if not access.can_be_expert(expert):
        raise ValidationError(
            {
                "expert": [
                    _("%(name)s cannot be an expert: experts are department handlers.") % {"name": expert.username}
                ]
            }
        )
    programme.experts.add(expert)


def _conflicted(programme: Programme, expert: User, application: Application) -> bool:
    return (
        Conflict.objects.filter(programme=programme, expert=expert)
        .filter(models.Q(enterprise_id=application.enterprise_id) | models.Q(application=application))
        .exists()
    )


@transaction.atomic
def expert_assign(
    *, actor: User | None, application: Application, expert: User, at: datetime | None = None
) -> ExpertAssignment:
    """Give an application in expert scoring to an expert of its programme's panel; never one in conflict.
    Assigning again changes nothing."""
    _region_only(actor, "expert")
    application = Application.objects.select_for_update(of=("self",)).select_related("programme").get(pk=application.pk)
    errors = []
    if application.state != State.SCORING:
        errors.append(_("Experts are assigned while the application is in expert scoring."))
    elif application.programme is None or not application.programme.experts.filter(pk=expert.pk).exists():
        errors.append(_("%(name)s is not on the programme's panel of experts.") % {"name": expert.username})
    elif _conflicted(application.programme, expert, application):
        errors.append(_("%(name)s declared a conflict with this application.") % {"name": expert.username})
    if errors:
        raise ValidationError({"expert": errors})
    assignment, created = ExpertAssignment.objects.get_or_create(
        application=application, expert=expert, defaults={"assigned_by": actor, "assigned_at": at or timezone.now()}
    )
    if created:
        ApplicationEvent.for_case(
            application,
            actor=actor,
            action="assign",
            from_state=application.state,
            detail={"expert": expert.username},
            at=at,
        ).save()
        transaction.on_commit(
            lambda: notify(
                recipients=[expert],
                text=_("An application of %(programme)s is assigned to you for scoring.")
                % {"programme": application.programme.name if application.programme else ""},
                link=reverse("policies:score", args=[application.pk]),
                kind="policy_expert",
            )
        )
    return assignment


@transaction.atomic
def conflict_declare(
    *,
    actor: User,
    programme: Programme,
    enterprise: Enterprise,
    application: Application | None = None,
    reason: str = "",
    at: datetime | None = None,
) -> Conflict:
    """An expert declares a conflict with an enterprise (every application of it to the programme) or one
    application: any assignment it covers is withdrawn, with its scores."""
    if not programme.experts.filter(pk=actor.pk).exists():
        raise ValidationError({"enterprise": [_("Only an expert of the programme's panel declares a conflict.")]})
    if application is not None and (
        application.programme_id != programme.pk or application.enterprise_id != enterprise.pk
    ):
        raise ValidationError({"application": [_("The application is not of this programme and enterprise.")]})
    reason = clean(bounds.check_text(reason, max_length=200))
    conflict, _created = Conflict.objects.get_or_create(
        programme=programme,
        expert=actor,
        enterprise=enterprise,
        defaults={"application": application, "reason": reason, "declared_at": at or timezone.now()},
    )
    if conflict.application_id is not None and application is None:
        conflict.application = None  # widened to the whole enterprise
        conflict.save(update_fields=["application"])
    ExpertAssignment.objects.filter(
        expert=actor, application__programme=programme, application__enterprise=enterprise
    ).delete()
    return conflict


@transaction.atomic
def scores_save(
    *, actor: User, assignment: ExpertAssignment, points: dict, at: datetime | None = None
) -> ExpertAssignment:
    """The expert's points for every item of the score sheet, each from 0 to the item's maximum; a point
    outside its range is refused naming the item. Scoring again replaces the points while scoring is open."""
    assignment = (
        ExpertAssignment.objects.select_for_update(of=("self",))
        .select_related("application__programme")
        .get(pk=assignment.pk)
    )
    application = assignment.application
    if assignment.expert_id != actor.pk:
        raise ValidationError({"scores": [_("Only the expert assigned scores it.")]})
    if application.state != State.SCORING:
        raise ValidationError({"scores": [_("Scoring is closed for this application.")]})
    sheet = application.programme.score_sheet if application.programme else []
    if not sheet:
        raise ValidationError({"scores": [_("The programme has no score sheet.")]})
    errors: dict[str, list[str]] = {}
    checked: dict[str, str] = {}
    known = {item["item"] for item in sheet}
    for name in points:
        if name not in known:
            errors.setdefault("scores", []).append(_("“%(item)s” is not an item of the score sheet.") % {"item": name})
    for item in sheet:
        name, top = item["item"], Decimal(item["max"])
        raw = points.get(name)
        try:
            value = bounds.check_decimal(raw, max_digits=5, decimal_places=1, max_value=top)
        except ValidationError:
            errors.setdefault("scores", []).append(
                _("%(item)s: a score from 0 to %(max)s.") % {"item": name, "max": item["max"]}
            )
            continue
        checked[name] = str(value)
    if errors:
        raise ValidationError(errors)
    assignment.scores = checked
    assignment.total = sum((Decimal(v) for v in checked.values()), Decimal(0))
    assignment.scored_at = at or timezone.now()
    assignment.save()
    ApplicationEvent.for_case(
        application,
        actor=actor,
        action="score",
        from_state=application.state,
        detail={"total": str(assignment.total)},
        at=at,
    ).save()
    return assignment


# --- Public notice (公示): a programme's shortlist, or a measure's automatic list ---------------------------------

GUIDE_DAYS = 7  # an application guide is due within 7 working days of its policy's issue


def _notice(*, actor, measure, programme, title, published_on, days) -> PublicNotice:
    published_on = bounds.check_date(published_on, future=True)
    days = _fields({"days": lambda: _notice_days(days)})["days"]
    return PublicNotice.objects.create(
        measure=measure,
        programme=programme,
        title=title[:200],
        published_on=published_on,
        days=days,
        ends_on=add_working_days(published_on, days),
        published_by=actor,
    )


@transaction.atomic
def notice_publish_shortlist(
    *, actor: User | None, programme: Programme, published_on: date | None = None, days: int | None = None
) -> PublicNotice:
    """Publish the programme's shortlisted applications for public notice, each with the amount it asked for
    (capped at the programme's largest award) and its average score; they move into public notice."""
    _region_only(actor, "programme")
    shortlisted = list(
        programme.applications.filter(state=State.SHORTLISTED)
        .select_related("enterprise")
        .prefetch_related("assignments")
    )
    if not shortlisted:
        raise ValidationError({"programme": [_("No shortlisted application to publish.")]})
    day = published_on or timezone.localdate()
    notice = _notice(
        actor=actor,
        measure=programme.measure,
        programme=programme,
        title=_("%(programme)s: proposed awards") % {"programme": programme.name},
        published_on=day,
        days=days or programme.notice_days,
    )
    at = timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=9))) if published_on else None
    for application in shortlisted:
        NoticeEntry.objects.create(
            notice=notice,
            enterprise=application.enterprise,
            league_id=application.league_id,
            county_id=application.county_id,
            application=application,
            amount=min(application.requested_amount, programme.max_amount),
            score=score_summary(application.assignments.all()).average,
        )
        application_move(actor=actor, application=application, action="publish", at=at, _list_move=True)
    return notice


@transaction.atomic
def notice_propose_automatic(
    *,
    actor: User | None,
    measure: Measure,
    day: date | None = None,
    days: int = 5,
    amount: Decimal | None = None,
) -> PublicNotice:
    """For a measure delivered automatically (免申即享): the enterprises eligible on the day (the database filter
    over the whole registry), less those who already received it or stand on an open list of it, become a
    proposed award list published for public notice."""
    _region_only(actor, "measure")
    if measure.delivery != Delivery.AUTOMATIC:
        raise ValidationError({"measure": [_("Only a measure delivered automatically has a proposed award list.")]})
    day = day or timezone.localdate()
    if amount is not None:
        amount = bounds.check_decimal(amount, **bounds.decimal_of_field(NoticeEntry._meta.get_field("amount")))
    amount = amount if amount is not None else measure.amount
    if amount is None or amount <= 0:
        raise ValidationError({"amount": [_("Give the amount per enterprise, in 10,000 yuan.")]})
    eligible = (
        eligibility.eligible(Enterprise.objects.all(), measure.rule, day)
        .exclude(pk__in=Benefit.objects.filter(measure=measure).values("enterprise_id"))
        .exclude(
            pk__in=NoticeEntry.objects.filter(notice__measure=measure, notice__status=PublicNotice.Status.OPEN).values(
                "enterprise_id"
            )
        )
        .order_by("league_id", "county_id", "name")
    )
    rows = list(eligible.values_list("pk", "league_id", "county_id"))
    if not rows:
        raise ValidationError({"measure": [_("No eligible enterprise is left to list.")]})
    notice = _notice(
        actor=actor,
        measure=measure,
        programme=None,
        title=_("%(measure)s: proposed list (免申即享)") % {"measure": measure.title},
        published_on=day,
        days=days,
    )
    NoticeEntry.objects.bulk_create(
        [
            NoticeEntry(notice=notice, enterprise_id=pk, league_id=lg, county_id=ct, amount=amount)
            for pk, lg, ct in rows
        ],
        batch_size=1000,
    )
    return notice


@transaction.atomic
def objection_record(
    *, actor: User | None, entry: NoticeEntry, objector: str, text: str, at: datetime | None = None
) -> Objection:
    """An objection received during the notice period: who raised it, what it says, when."""
    if actor is not None and not access.can_record_objection(actor, entry):
        raise ValidationError({"text": [_("Only an official of its area records an objection.")]})
    data = _fields(
        {
            "objector": lambda: _required(objector, 100, _("Say who raised the objection.")),
            "text": lambda: _required_text(text, _("Write what the objection says.")),
        }
    )
    when = at or timezone.now()
    day = timezone.localdate(when)
    notice = entry.notice
    if entry.removed or notice.status != PublicNotice.Status.OPEN or not notice.published_on <= day <= notice.ends_on:
        raise ValidationError(
            {
                "text": [
                    _("Objections are recorded during the public notice, %(start)s to %(end)s.")
                    % {"start": notice.published_on.isoformat(), "end": notice.ends_on.isoformat()}
                ]
            }
        )
    return Objection.objects.create(entry=entry, raised_at=when, recorded_by=actor, **data)


@transaction.atomic
def objection_handle(
    *, actor: User | None, objection: Objection, outcome: str, reason: str, at: datetime | None = None
) -> Objection:
    """Uphold an objection (its entry leaves the list, its application is declined, with the reason) or dismiss
    it (the reason recorded)."""
    _region_only(actor, "outcome")
    objection = Objection.objects.select_for_update(of=("self",)).select_related("entry__notice").get(pk=objection.pk)
    if outcome not in (Objection.Outcome.UPHELD, Objection.Outcome.DISMISSED):
        raise ValidationError({"outcome": [_("Uphold or dismiss.")]})
    why = cases.text(bounds.check_text(reason, max_length=300, multiline=True))
    if not why:
        raise ValidationError({"reason": [_("Give the reason.")]})
    if objection.outcome != Objection.Outcome.PENDING:
        raise ValidationError({"outcome": [_("This objection was already handled.")]})
    if objection.entry.notice.status != PublicNotice.Status.OPEN:
        raise ValidationError({"outcome": [_("The list was already awarded.")]})
    objection.outcome, objection.outcome_reason = outcome, why
    objection.handled_by, objection.handled_at = actor, at or timezone.now()
    objection.save()
    entry = objection.entry
    if outcome == Objection.Outcome.UPHELD and not entry.removed:
        entry.removed_reason = why
        entry.save(update_fields=["removed_reason"])
        if entry.application is not None:
            application_move(
                actor=actor, application=entry.application, action="remove", comment=why, at=at, _list_move=True
            )
    return objection


@transaction.atomic
def notice_award(*, actor: User | None, notice: PublicNotice, day: date | None = None) -> int:
    """Award an automatic list once its period is over and every objection is handled: one benefit in the
    ledger (automatic) per enterprise still on it. A programme's list is awarded application by application."""
    _region_only(actor, "notice")
    notice = PublicNotice.objects.select_for_update().get(pk=notice.pk)
    day = day or timezone.localdate()
    if notice.programme_id is not None:
        raise ValidationError({"notice": [_("A programme's applications are awarded one by one, with their amounts.")]})
    if notice.status != PublicNotice.Status.OPEN:
        raise ValidationError({"notice": [_("This list was already awarded.")]})
    if not notice.period_over(day):
        raise ValidationError(
            {
                "notice": [
                    _("The public notice runs until %(day)s: award after it.") % {"day": notice.ends_on.isoformat()}
                ]
            }
        )
    if Objection.objects.filter(entry__notice=notice, outcome=Objection.Outcome.PENDING).exists():
        raise ValidationError({"notice": [_("An objection is still to be handled.")]})
    entries = list(notice.entries.filter(removed_reason="", benefit__isnull=True))
    for entry in entries:
        entry.benefit = Benefit.objects.create(
            enterprise_id=entry.enterprise_id,
            league_id=entry.league_id,
            county_id=entry.county_id,
            measure_id=notice.measure_id,
            amount=entry.amount or Decimal(0),
            on=day,
            source=Benefit.Source.AUTOMATIC,
            recorded_by=actor,
        )
        entry.save(update_fields=["benefit"])
    notice.status, notice.awarded_on = PublicNotice.Status.AWARDED, day
    notice.save(update_fields=["status", "awarded_on", "updated_at"])
    return len(entries)


def close_programme_notices(application: Application, day: date) -> None:
    """A programme's notice is awarded once none of its applications waits in it."""
    entry = NoticeEntry.objects.filter(application=application).select_related("notice").first()
    if entry is None:
        return
    notice = entry.notice
    if (
        notice.status == PublicNotice.Status.OPEN
        and not notice.entries.filter(application__state=State.NOTICE).exists()
    ):
        notice.status, notice.awarded_on = PublicNotice.Status.AWARDED, day
        notice.save(update_fields=["status", "awarded_on", "updated_at"])
