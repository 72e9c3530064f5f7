from datetime import date

from django.db.models import QuerySet

from fugong.accounts.models import User
from fugong.core import access
from fugong.dispatch import duties
from fugong.dispatch.models import DailyReport, ProjectReport, WeeklyReport
from fugong.enterprises.models import Enterprise, KeyProject


def due_enterprises(*, user: User, period_type: str, league: str = "", county: str = "") -> QuerySet[Enterprise]:
    duty = duties.daily_q() if period_type == "daily" else duties.weekly_q()
    qs = access.visible_enterprises(user).filter(duty)
    if league:
        qs = qs.filter(league_id=league)
    if county:
        qs = qs.filter(county_id=county)
    return qs


def due_projects(*, user: User, league: str = "", county: str = "") -> QuerySet[KeyProject]:
    qs = access.visible_key_projects(user)
    if league:
        qs = qs.filter(league_id=league)
    if county:
        qs = qs.filter(county_id=county)
    return qs


def _scoped_reports(model, user: User, league: str, county: str):
    qs = model.objects.all()
    if user.role == "enterprise":
        subject = "project__owner_id" if model is ProjectReport else "enterprise_id"
        qs = qs.filter(**{subject: user.enterprise_id})
    else:
        scope = access.area_scope(user)
        qs = qs.none() if scope is None else qs.filter(scope)
    if league:
        qs = qs.filter(league_id=league)
    if county:
        qs = qs.filter(county_id=county)
    return qs


def daily_reports(*, user: User, day: date | None = None, league: str = "", county: str = "") -> QuerySet[DailyReport]:
    qs = _scoped_reports(DailyReport, user, league, county).select_related("enterprise")
    return (qs.filter(date=day) if day else qs).order_by("-date", "league_id", "enterprise_id")


def weekly_reports(
    *, user: User, week: date | None = None, league: str = "", county: str = ""
) -> QuerySet[WeeklyReport]:
    qs = _scoped_reports(WeeklyReport, user, league, county).select_related("enterprise")
    return (qs.filter(week=week) if week else qs).order_by("-week", "league_id", "enterprise_id")


def project_reports(
    *, user: User, week: date | None = None, league: str = "", county: str = ""
) -> QuerySet[ProjectReport]:
    qs = _scoped_reports(ProjectReport, user, league, county).select_related("project")
    return (qs.filter(week=week) if week else qs).order_by("-week", "league_id", "project_id")


def last_report(*, enterprise: Enterprise, model=DailyReport, before: date | None = None):
    """The enterprise's newest report (on or before `before`), for prefilling forms."""
    qs = model.objects.filter(enterprise=enterprise)
    if before is not None:
        qs = qs.filter(**{("date" if model is DailyReport else "week") + "__lte": before})
    return qs.order_by("-" + ("date" if model is DailyReport else "week")).first()
