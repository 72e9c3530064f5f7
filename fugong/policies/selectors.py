"""Reads of the policy library, matching, applications and benefits; every one starts from the access module."""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from fugong import access
from fugong.accounts.models import User
from fugong.core.text import clean
from fugong.enterprises.models import Enterprise
from fugong.policies import eligibility
from fugong.policies.models import Application, Benefit, Delivery, Measure, Policy, Programme, State
from fugong.problems.selectors import in_scope, league_names

# --- The library -------------------------------------------------------------------------------------------------

_SPLIT = re.compile(r"[\s,，、;；。]+")


@dataclass
class LibraryFilters:
    q: str = ""
    issuer: str = ""
    benefit_type: str = ""
    status: str = ""  # in_force, expired, upcoming

    @classmethod
    def from_query(cls, params) -> "LibraryFilters":
        return cls(**{name: (params.get(name) or "").strip()[:100] for name in cls.__dataclass_fields__})


def search_q(text: str) -> Q:
    """Every word of the query in the title, number or text (words, in any order, not one whole string); a word
    in Latin letters also matches the pinyin initials of the title (zxqy for 中小企业)."""
    condition = Q()
    for word in _SPLIT.split(clean(text)):
        if not word:
            continue
        match = Q(search_text__icontains=word)
        key = word.lower()
        if key.isascii() and key.isalnum():
            match |= Q(title_initials__contains=key)
        condition &= match
    return condition


def policy_list(*, user: User, filters: LibraryFilters | None = None, day: date) -> QuerySet[Policy]:
    f = filters or LibraryFilters()
    qs = access.visible_policies(user)
    if f.q:
        qs = qs.filter(search_q(f.q))
    if f.issuer:
        qs = qs.filter(issuer=f.issuer)
    if f.benefit_type:
        qs = qs.filter(measures__benefit_type=f.benefit_type)
    if f.status == "in_force":
        qs = qs.filter(valid_from__lte=day).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
    elif f.status == "expired":
        qs = qs.filter(valid_until__lt=day)
    elif f.status == "upcoming":
        qs = qs.filter(valid_from__gt=day)
    return qs.annotate(measure_count=Count("measures", distinct=True)).distinct().order_by("-issued_on", "-pk")


def issuers(*, user: User) -> list[str]:
    return list(access.visible_policies(user).order_by("issuer").values_list("issuer", flat=True).distinct())


def measures_in_force(qs: QuerySet[Measure], day: date) -> QuerySet[Measure]:
    return qs.filter(policy__valid_from__lte=day).filter(
        Q(policy__valid_until__isnull=True) | Q(policy__valid_until__gte=day)
    )


# --- Matching: 政策找企业 ------------------------------------------------------------------------------------------


def eligible_enterprises(*, user: User, measure: Measure, day: date) -> QuerySet[Enterprise]:
    """The enterprises in the user's sight eligible for the measure on the day: one query, whatever the size."""
    return eligibility.eligible(access.visible_enterprises(user), measure.rule, day)


@dataclass
class LeagueCount:
    key: str
    label: str
    eligible: int = 0
    received: int = 0
    not_applied: int = 0

    @property
    def not_reached(self) -> int:
        """Eligible and not reached: no benefit of the measure yet, applied or not."""
        return self.eligible - self.received


@dataclass
class Matching:
    day: date
    eligible: int
    received: int
    applied: int
    not_applied: int
    by_league: list[LeagueCount] = field(default_factory=list)
    not_reached: int = 0  # eligible without a benefit of the measure yet


def matching(*, user: User, measure: Measure, day: date) -> Matching:
    """For a measure: the eligible now (by league), those who received it, those eligible who have not applied.
    One pass over the eligible (conditional counts by league), so the rule is evaluated once per enterprise."""
    found = eligible_enterprises(user=user, measure=measure, day=day)
    applied_ids = Application.objects.filter(measure=measure).values("enterprise_id")
    received_ids = Benefit.objects.filter(measure=measure).values("enterprise_id")
    leagues: dict[str, LeagueCount] = {}
    counts = (
        found.order_by()
        .values_list("league_id")
        .annotate(
            n=Count("pk"),
            got=Count("pk", filter=Q(pk__in=received_ids)),
            waiting=Count("pk", filter=~Q(pk__in=applied_ids) & ~Q(pk__in=received_ids)),
        )
    )
    for league, n, got, waiting in counts:
        leagues[league] = LeagueCount(league, league, eligible=n, received=got, not_applied=waiting)
    league_names(leagues.values())
    rows = sorted(leagues.values(), key=lambda r: r.key)
    received = access.visible_benefits(user).filter(measure=measure).values("enterprise_id").distinct().count()
    return Matching(
        day=day,
        eligible=sum(r.eligible for r in rows),
        received=received,
        applied=access.visible_applications(user).filter(measure=measure).count(),
        not_applied=sum(r.not_applied for r in rows),
        by_league=rows,
        not_reached=sum(r.not_reached for r in rows),
    )


def eligible_list(*, user: User, measure: Measure, day: date, which: str = "eligible") -> QuerySet[Enterprise]:
    qs = eligible_enterprises(user=user, measure=measure, day=day)
    if which == "not_applied":
        qs = qs.exclude(pk__in=Application.objects.filter(measure=measure).values("enterprise_id")).exclude(
            pk__in=Benefit.objects.filter(measure=measure).values("enterprise_id")
        )
    elif which == "not_reached":
        qs = qs.exclude(pk__in=Benefit.objects.filter(measure=measure).values("enterprise_id"))
    elif which == "received":
        qs = access.visible_enterprises(user).filter(
            pk__in=Benefit.objects.filter(measure=measure).values("enterprise_id")
        )
    return qs.select_related("league", "county", "industry").order_by("league_id", "county_id", "name")


# --- Matching: 企业找政策 ------------------------------------------------------------------------------------------


@dataclass
class ForEnterprise:
    measure: Measure
    verdict: eligibility.Verdict
    application: Application | None = None
    received: Decimal | None = None


def measures_for(*, enterprise: Enterprise, day: date, user: User) -> tuple[list[ForEnterprise], list[ForEnterprise]]:
    """The measures in force the enterprise is eligible for, and those it narrowly misses (one criterion away),
    each with the reasons. Its facts are read once; each rule is evaluated on them."""
    facts = eligibility.facts_of(enterprise, day)
    measures = measures_in_force(access.visible_measures(user), day).select_related("policy")
    applications = {a.measure_id: a for a in Application.objects.filter(enterprise=enterprise).order_by("created_at")}
    received = dict(
        Benefit.objects.filter(enterprise=enterprise).values_list("measure_id").annotate(total=Sum("amount"))
    )
    eligible, near = [], []
    for measure in measures:
        verdict = eligibility.explain(measure.rule, facts, day)
        row = ForEnterprise(measure, verdict, applications.get(measure.pk), received.get(measure.pk))
        if verdict.eligible:
            eligible.append(row)
        elif verdict.near:
            near.append(row)
    return eligible, near


# --- Applications and benefits -------------------------------------------------------------------------------------


@dataclass
class ApplicationFilters:
    state: str = ""
    measure: str = ""
    programme: str = ""
    league: str = ""

    @classmethod
    def from_query(cls, params) -> "ApplicationFilters":
        return cls(**{name: (params.get(name) or "").strip()[:100] for name in cls.__dataclass_fields__})


def application_list(*, user: User, filters: ApplicationFilters | None = None) -> QuerySet[Application]:
    from fugong.core import bounds

    f = filters or ApplicationFilters()
    qs = access.visible_applications(user).select_related("enterprise", "measure__policy", "league", "programme")
    if f.state in State.values:
        qs = qs.filter(state=f.state)
    if (measure_id := bounds.id_param(f.measure, "measure")) is not None:
        qs = qs.filter(measure_id=measure_id)
    if (programme_id := bounds.id_param(f.programme, "programme")) is not None:
        qs = qs.filter(programme_id=programme_id)
    if f.league:
        qs = qs.filter(league_id=f.league)
    return qs


def benefit_list(*, user: User, measure: str = "") -> QuerySet[Benefit]:
    from fugong.core import bounds

    qs = access.visible_benefits(user).select_related("enterprise", "measure__policy", "league", "county")
    if (measure_id := bounds.id_param(measure, "measure")) is not None:
        qs = qs.filter(measure_id=measure_id)
    return qs


def open_programmes(*, user: User, day: date) -> QuerySet[Programme]:
    return Programme.objects.filter(
        measure__in=access.visible_measures(user), opens_on__lte=day, closes_on__gte=day
    ).select_related("measure__policy")


# --- Figures: one function for the page, the export, the API, the brief and the dashboard ---------------------


@dataclass
class Tally:
    key: str
    label: str
    benefits: int = 0
    enterprises: int = 0
    amount: Decimal = Decimal(0)


@dataclass
class PolicyFigures:
    as_of: date
    policies: int
    measures: int
    reached: int  # enterprises with at least one benefit by the day
    amount: Decimal  # 10k yuan delivered
    applications: int  # submitted by the day (any state after draft)
    programme_applications: int
    awarded: int
    by_measure: list[Tally] = field(default_factory=list)
    by_league: list[Tally] = field(default_factory=list)
    by_type: list[Tally] = field(default_factory=list)


def policy_figures(*, user: User, as_of: date, scope=None) -> PolicyFigures:
    """Policies in force, benefits delivered by the day (amount, enterprises reached, by measure, league and
    benefit type) and applications received, within the user's sight and the scope."""
    measures = measures_in_force(access.visible_measures(user), as_of)
    benefits = in_scope(access.visible_benefits(user).filter(on__lte=as_of), scope)
    applications = in_scope(
        access.visible_applications(user).filter(submitted_on__isnull=False, submitted_on__lte=as_of), scope
    )
    total = benefits.aggregate(n=Count("pk"), e=Count("enterprise", distinct=True), a=Sum("amount"))

    def tallies(key: str, label: str) -> list[Tally]:
        rows = (
            benefits.order_by()
            .values_list(key, label)
            .annotate(n=Count("pk"), e=Count("enterprise", distinct=True), a=Sum("amount"))
        )
        return [Tally(str(k), str(lab), n, e, cents(a)) for k, lab, n, e, a in rows]

    by_league = tallies("league_id", "league__name")
    league_names(by_league)
    by_type = tallies("measure__benefit_type", "measure__benefit_type")
    from fugong.policies.models import BenefitType

    for t in by_type:
        t.label = str(BenefitType(t.key).label)
    return PolicyFigures(
        as_of=as_of,
        policies=measures.values("policy_id").distinct().count(),
        measures=measures.count(),
        reached=total["e"] or 0,
        amount=cents(total["a"]),
        applications=applications.count(),
        programme_applications=applications.filter(programme__isnull=False).values("enterprise_id").distinct().count(),
        awarded=applications.filter(state=State.AWARDED).count(),
        by_measure=sorted(tallies("measure_id", "measure__title"), key=lambda t: -t.amount),
        by_league=sorted(by_league, key=lambda t: t.key),
        by_type=sorted(by_type, key=lambda t: -t.amount),
    )


def cents(value) -> Decimal:
    """A sum of amounts as stored (SQLite's sums carry float noise): to the cent."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _amount(value: Decimal) -> str:
    """万元 to one decimal, a trailing ".0" dropped; 亿 from 10,000 万元 on, to two decimals."""
    if value >= 10000:
        return f"{value / 10000:.2f}".rstrip("0").rstrip(".") + "亿"
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def brief_lines(*, user: User, as_of: date, scope=None) -> list[str]:
    if not access.can_match(user):
        return []
    f = policy_figures(user=user, as_of=as_of, scope=scope)
    if not f.measures and not f.reached:
        return []
    line = f"落实各级支持政策{f.measures}项，兑现资金{_amount(f.amount)}万元，惠及企业{f.reached}户"
    if f.programme_applications:
        line += f"；专精特新中小企业专项资金受理申报{f.programme_applications}户"
    return [(line + "。").replace("亿万元", "亿元")]


def brief_section(ctx):
    """The brief's paragraph on support policies (registered with analytics.brief by PoliciesConfig.ready)."""
    from fugong.analytics.brief import Section

    lines = brief_lines(user=ctx.user, as_of=ctx.as_of, scope=ctx.scope)
    return Section("policies", "政策落实情况", "".join(lines)) if lines else None


def automatic_measures(qs: QuerySet[Measure]) -> QuerySet[Measure]:
    return qs.filter(delivery=Delivery.AUTOMATIC)


def dashboard_panel(ctx):
    """The dashboard's panel on support policies (registered with analytics.sections by PoliciesConfig.ready)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _
    from django.utils.translation import pgettext

    from fugong.analytics.sections import Panel

    if not access.can_match(ctx.user):
        return None
    f = policy_figures(user=ctx.user, as_of=ctx.as_of, scope=ctx.scope)
    if not f.measures and not f.reached:
        return None
    return Panel(
        "policies",
        _("Support policies"),
        figures=[
            (_("Measures in force"), f"{f.measures:,}"),
            (_("Enterprises reached"), f"{f.reached:,}"),
            (pgettext("benefit", "Delivered"), _("%(amount)s (10k yuan)") % {"amount": f"{f.amount:,.0f}"}),
            (_("Applications received"), f"{f.applications:,}"),
        ],
        link=reverse("policies:stats") + f"?as_of={ctx.as_of.isoformat()}",
    )


# --- Review in stages, public notices and clocks (issue 14) ------------------------------------------------------

# A programme's stage lists: the state its applications wait in at that stage.
STAGES = {
    "league": State.SUBMITTED,
    "region": State.PASSED,
    "scoring": State.SCORING,
    "shortlist": State.SHORTLISTED,
    "notice": State.NOTICE,
    "awarded": State.AWARDED,
    "disbursed": State.DISBURSED,
}


def stage_list(*, user: User, programme: Programme, stage: str) -> list[Application]:
    """A programme's applications at one stage within the user's sight, each with its score summary (`scores`)."""
    from fugong.policies.services import score_summary

    qs = (
        access.visible_applications(user)
        .filter(programme=programme, state=STAGES[stage])
        .select_related("enterprise", "league", "county")
        .prefetch_related("assignments__expert")
        .order_by("league_id", "enterprise__name", "pk")
    )
    rows = list(qs)
    for a in rows:
        a.scores = score_summary(a.assignments.all())  # type: ignore[attr-defined]
    if stage in ("notice", "awarded", "disbursed"):
        rows.sort(key=lambda a: (-(a.scores.average or 0), a.league_id))  # type: ignore[attr-defined]
    return rows


def stage_counts(*, user: User, programme: Programme) -> dict[str, int]:
    counts = dict(
        access.visible_applications(user)
        .filter(programme=programme)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    return {stage: counts.get(state, 0) for stage, state in STAGES.items()}


def notice_entries(*, user: User, notice) -> QuerySet:
    """A public notice's list: the entries still on it for everyone; officials of the area also see those removed."""
    from fugong.policies.models import NoticeEntry

    qs = NoticeEntry.objects.filter(notice=notice).select_related("enterprise", "league", "county", "application")
    if not (user.is_official and access.area_scope(user) is not None):
        qs = qs.filter(removed_reason="")
    return qs.order_by("removed_reason", "league_id", "enterprise__name", "pk")


@dataclass
class Clock:
    """A due date, in working days (fugong.problems.deadlines): the guide of a policy, the payment of an award."""

    kind: str  # guide, payment
    label: str
    link: str
    start: date
    due: date
    done_on: date | None
    days_left: int  # working days from the day to the due date; 0 when due today or done
    overrun: int  # working days past the due date (of the day, or of when it was done)

    @property
    def open(self) -> bool:
        return self.done_on is None


def _clock(kind, label, link, start, due, done_on, day) -> Clock:
    from fugong.problems.deadlines import working_days_between

    end = done_on or day
    overrun = working_days_between(due, end) if end > due else 0
    left = working_days_between(day, due) if done_on is None and day < due else 0
    return Clock(kind, label, link, start, due, done_on, left, overrun)


def guide_clocks(*, user: User, day: date, policy: Policy | None = None) -> list[Clock]:
    """Each policy that calls for an application guide: due 7 working days after its issue; done when the first
    programme of its measures was published."""
    from django.db.models import Min
    from django.urls import reverse

    from fugong.policies.services import GUIDE_DAYS
    from fugong.problems.deadlines import add_working_days

    policies = (
        access.visible_policies(user)
        .filter(guide_required=True, issued_on__lte=day, **({"pk": policy.pk} if policy else {}))
        .annotate(first_guide=Min("measures__programmes__published_on"))
    )
    out = []
    for p in policies:
        done = p.first_guide if p.first_guide is not None and p.first_guide <= day else None
        due = add_working_days(p.issued_on, GUIDE_DAYS)
        out.append(
            _clock(
                "guide", f"{p.number or p.title}", reverse("policies:policy", args=[p.pk]), p.issued_on, due, done, day
            )
        )
    return out


def policy_guide_clock(*, user: User, policy: Policy, day: date) -> Clock | None:
    return next(iter(guide_clocks(user=user, day=day, policy=policy)), None)


def application_payment_clock(application: Application, day: date) -> Clock | None:
    from django.urls import reverse

    from fugong.problems.deadlines import add_working_days

    if application.awarded_on is None or application.measure.payment_days is None:
        return None
    due = add_working_days(application.awarded_on, application.measure.payment_days)
    link = reverse("policies:application", args=[application.pk])
    return _clock(
        "payment", application.enterprise.name, link, application.awarded_on, due, application.disbursed_on, day
    )


def payment_clocks(*, user: User, day: date) -> list[Clock]:
    """Each award of a measure with a payment period: a programme's application from its award to its
    disbursement; an automatic list from the end of its public notice to its award (the benefits paid)."""
    from django.urls import reverse

    from fugong.policies.models import PublicNotice
    from fugong.problems.deadlines import add_working_days

    awarded = (
        access.visible_applications(user)
        .filter(
            state__in=[State.AWARDED, State.DISBURSED], measure__payment_days__isnull=False, awarded_on__isnull=False
        )
        .select_related("enterprise", "measure")
    )
    out: list[Clock] = [c for a in awarded if (c := application_payment_clock(a, day)) is not None]
    if access.can_match(user):
        notices = PublicNotice.objects.filter(
            programme__isnull=True, measure__payment_days__isnull=False, ends_on__lt=day
        ).select_related("measure")
        for n in notices:
            due = add_working_days(n.ends_on, n.measure.payment_days or 0)
            out.append(
                _clock(
                    "payment",
                    n.title,
                    reverse("policies:public_notice", args=[n.pk]),
                    n.ends_on,
                    due,
                    n.awarded_on,
                    day,
                )
            )
    return out


def overrun_clocks(*, user: User, day: date) -> list[Clock]:
    """What has overrun its clock (open or done late), the longest overrun first."""
    clocks = guide_clocks(user=user, day=day) + payment_clocks(user=user, day=day)
    return sorted((c for c in clocks if c.overrun), key=lambda c: (-c.overrun, c.due))
