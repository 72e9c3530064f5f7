"""Completeness of a period, and the league's review and lock (DESIGN.md, dispatch semantics)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fugong import access
from fugong.areas import naming
from fugong.areas.models import Area
from fugong.core import bounds
from fugong.core.chosen import follows_choice
from fugong.core.excel import Column, write_xlsx, xlsx_response
from fugong.core.text import mask_phone
from fugong.dispatch import reminders, selectors, services
from fugong.dispatch.models import Deadline, PeriodLock, PeriodLockEvent, PeriodType
from fugong.dispatch.reminders import last_closed_period
from fugong.enterprises.filters import query_text

PAGE_SIZE = 100
SERIES_POINTS = 14


@dataclass(frozen=True)
class PeriodQuery:
    period_type: str
    period: date
    league: str
    county: str

    def as_query(self, **extra) -> str:
        values = {"date": self.period.isoformat(), "period_type": self.period_type, "league": self.league}
        if self.county:
            values["county"] = self.county
        return urlencode({**values, **extra})


def _parse_date(text) -> date | None:
    return bounds.lenient_date_param(text, "date")


def _period_query(data, *, league: str | None = None) -> PeriodQuery:
    """The period asked for; without a date (or with a future one), the newest period whose deadline has passed."""
    period_type = data.get("period_type") if data.get("period_type") in PeriodType.values else PeriodType.DAILY
    day = _parse_date(data.get("date"))
    if day is None or day > timezone.localdate():
        day = last_closed_period(period_type)
    code = league if league is not None else query_text(data, "league")
    return PeriodQuery(period_type, selectors.period_of(period_type, day), code[:6], query_text(data, "county")[:6])


# --- Completeness ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MissingRow:
    enterprise: object
    phone: str
    reminded_at: datetime | None = None


def _missing_rows(user, enterprises, reminded: dict | None = None) -> list[MissingRow]:
    visible: dict[str, bool] = {}
    rows = []
    for e in enterprises:
        if e.league_id not in visible:
            visible[e.league_id] = access.can_see_phones_in_league(user, e.league_id)
        phone = e.contact_phone if visible[e.league_id] else mask_phone(e.contact_phone)
        rows.append(MissingRow(e, phone, (reminded or {}).get(e.pk)))
    return rows


MISSING_COLUMNS = [
    Column("league", gettext_lazy("League"), export=lambda r: r.enterprise.league.display_name),
    Column("county", gettext_lazy("County"), export=lambda r: r.enterprise.county.display_name),
    Column("name", gettext_lazy("Enterprise"), width=36, export=lambda r: r.enterprise.name),
    Column("credit_code", gettext_lazy("Credit code"), width=22, export=lambda r: r.enterprise.credit_code),
    Column("contact_name", gettext_lazy("Contact name"), export=lambda r: r.enterprise.contact_name),
    Column("contact_phone", gettext_lazy("Contact phone"), export=lambda r: r.phone),
    Column("last_filed", gettext_lazy("Last filed"), export=lambda r: r.enterprise.last_filed),
]


def _missing_xlsx(request, query: PeriodQuery, enterprises) -> FileResponse:
    rows = ([c.value_of(r) for c in MISSING_COLUMNS] for r in _missing_rows(request.user, enterprises.iterator()))
    subtitle = _("%(scope)s, %(period)s") % {
        "scope": request.user.binding or _("no area"),
        "period": query.period.isoformat(),
    }
    content = write_xlsx(MISSING_COLUMNS, rows, title=_("Missing reports"), subtitle=subtitle)
    what = "未填报企业" if query.period_type == PeriodType.DAILY else "周报未填报企业"
    name = naming.export_name(
        user=request.user, league=query.league, county=query.county, what=what, day=query.period, ext="xlsx"
    )
    return xlsx_response(content, name)


@login_required
@follows_choice(day_param="date")
def completeness(request):
    user = request.user
    if access.area_scope(user) is None:
        raise Http404
    query = _period_query(request.GET)
    asked = _parse_date(request.GET.get("date"))
    if asked is not None and asked > timezone.localdate():
        messages.error(
            request,
            _("%(day)s is in the future; the page shows the last period whose deadline has passed.")
            % {"day": asked.isoformat()},
        )
    scope = {"user": user, "period_type": query.period_type, "league": query.league, "county": query.county}
    missing = selectors.missing_enterprises(period=query.period, **scope)
    if request.GET.get("format") == "xlsx":
        return _missing_xlsx(request, query, missing)
    page = Paginator(missing, PAGE_SIZE).get_page(request.GET.get("page"))
    step = timedelta(days=1 if query.period_type == PeriodType.DAILY else 7)
    areas = access.visible_areas(user)
    counties = areas.filter(level=Area.Level.COUNTY)
    deadline = Deadline.for_type(query.period_type).due_at(query.period)
    context = {
        "query": query,
        "deadline": deadline,
        "deadline_passed": timezone.now() > deadline,
        "can_file": access.can_edit_registry(user) and query.period_type == PeriodType.DAILY,
        "figures": selectors.completeness(period=query.period, **scope),
        "page": page,
        "rows": _missing_rows(
            user,
            page,
            reminders.last_reminded(
                enterprise_ids=[e.pk for e in page], period_type=query.period_type, period=query.period
            ),
        ),
        "can_remind": access.can_remind(user),
        "series": selectors.reporting_rate_series(
            start=query.period - step * (SERIES_POINTS - 1), end=query.period, **scope
        ),
        "leagues": areas.filter(level=Area.Level.LEAGUE),
        "counties": counties.filter(parent_id=query.league) if query.league else counties,
        "period_types": PeriodType.choices,
    }
    return render(request, "dispatch/completeness.html", context)


@login_required
@require_POST
def remind(request):
    """The missing list's "remind": one enterprise, by SMS and e-mail, back to the same place on the page."""
    enterprise = access.access_remindable_enterprise(request.user, request.POST.get("credit_code", ""))
    query = _period_query(request.POST)
    result = reminders.reminder_send(
        actor=request.user, enterprise=enterprise, period_type=query.period_type, period=query.period
    )
    args = {"name": enterprise.name, "period": query.period.isoformat()}
    if result.already_filed:
        messages.info(request, _("%(name)s has filed its report for %(period)s; no reminder was sent.") % args)
    elif result.unreachable:
        messages.error(request, _("%(name)s has no phone or e-mail on record; no reminder was sent.") % args)
    elif result.failed:
        messages.error(request, _("The reminder to %(name)s could not be sent; try again later.") % args)
    elif not result.sent and result.reminder is not None:
        at = timezone.localtime(result.reminder.sent_at).strftime("%H:%M")
        messages.info(request, _("%(name)s was reminded at %(at)s; no second reminder was sent.") % {**args, "at": at})
    else:
        messages.success(request, _("Reminder sent to %(name)s.") % args)
    extra = {"page": page} if (page := bounds.id_param(request.POST.get("page"), "page")) else {}
    url = reverse("dispatch:completeness")
    return redirect(f"{url}?{query.as_query(**extra)}#missing-{enterprise.credit_code}")


# --- Review and lock -------------------------------------------------------------------------


def _reviewer_league(user, requested: str) -> Area:
    """A league official reviews their own league; the region chooses one (the first by default)."""
    if not access.can_review(user):
        raise Http404
    leagues = Area.objects.filter(level=Area.Level.LEAGUE)
    if user.area.level != Area.Level.REGION:
        league = leagues.filter(code=user.area_id).first()
    else:
        league = leagues.filter(code=requested).first() if requested else leagues.first()
    if league is None or not access.can_review_league(user, league.code):
        raise Http404
    return league


def _warnings_first(qs):
    flagged = Case(When(Q(warnings=[]), then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.annotate(flagged=flagged).order_by("-flagged", "county_id", "pk")


@login_required
def review(request):
    user = request.user
    area = _reviewer_league(user, query_text(request.GET, "league"))
    league = area.code
    query = _period_query(request.GET, league=league)
    if query.period_type == PeriodType.DAILY:
        reports: QuerySet = selectors.daily_reports(user=user, day=query.period, league=league)
        projects = None
    else:
        reports = selectors.weekly_reports(user=user, week=query.period, league=league)
        projects = _warnings_first(selectors.project_reports(user=user, week=query.period, league=league))
    reports = _warnings_first(reports.select_related("enterprise__county"))
    lock = PeriodLock.objects.filter(league_id=league, period_type=query.period_type, period=query.period).first()
    events = PeriodLockEvent.objects.filter(lock=lock).select_related("user") if lock else []
    context = {
        "query": query,
        "league": area,
        "figures": selectors.completeness(user=user, period_type=query.period_type, period=query.period, league=league),
        "flagged": reports.exclude(warnings=[]).count(),
        "page": Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page")),
        "projects": projects,
        "lock": lock,
        "events": events,
        "leagues": Area.objects.filter(level=Area.Level.LEAGUE) if user.area.level == Area.Level.REGION else None,
        "period_types": PeriodType.choices,
    }
    return render(request, "dispatch/review.html", context)


def _lock_target(request) -> tuple[str, PeriodQuery | None]:
    league = request.POST.get("league", "").strip()
    if not (
        access.can_review_league(request.user, league)
        and Area.objects.filter(code=league, level=Area.Level.LEAGUE).exists()
    ):
        raise Http404
    day = _parse_date(request.POST.get("date"))
    period_type = request.POST.get("period_type")
    if day is None or period_type not in PeriodType.values:
        messages.error(request, _("Give the date and the period type of the reports to lock or unlock."))
        return league, None
    return league, PeriodQuery(period_type, selectors.period_of(period_type, day), league, "")


def _back(league: str, query: PeriodQuery | None):
    url = reverse("dispatch:review")
    return redirect(f"{url}?{query.as_query()}" if query else f"{url}?{urlencode({'league': league})}")


@login_required
@require_POST
def lock(request):
    league, query = _lock_target(request)
    if query is None:
        return _back(league, query)
    args = {"period": query.period.isoformat()}
    if query.period > timezone.localdate():
        messages.error(request, _("The period %(period)s has not begun; it cannot be locked yet.") % args)
        return _back(league, query)
    existing = PeriodLock.objects.filter(
        league_id=league, period_type=query.period_type, period=query.period, locked=True
    ).exists()
    services.period_lock(actor=request.user, league_code=league, period_type=query.period_type, period=query.period)
    if existing:
        messages.info(request, _("The reports of %(period)s were already locked.") % args)
    else:
        messages.success(request, _("Locked: the reports of %(period)s can no longer be changed.") % args)
    return _back(league, query)


@login_required
@require_POST
def unlock(request):
    league, query = _lock_target(request)
    if query is None:
        return _back(league, query)
    try:
        services.period_unlock(
            actor=request.user,
            league_code=league,
            period_type=query.period_type,
            period=query.period,
            reason=request.POST.get("reason", ""),
        )
    except services.UnlockRefused as e:
        messages.error(request, str(e))
    else:
        messages.success(
            request, _("Unlocked: the reports of %(period)s may be changed again.") % {"period": query.period}
        )
    return _back(league, query)
