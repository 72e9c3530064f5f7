"""The figures and the brief over the API: the same selectors as the dashboard, scoped by the token's user."""

from datetime import date

from django.http import Http404
from ninja import Field, Query, Router, Schema

from fugong import access
from fugong.analytics import brief as briefs
from fugong.analytics import selectors
from fugong.analytics.figures import Figures, Scope, breakdown, figures
from fugong.analytics.views import docx_response
from fugong.core.bounds import Day, Filter

router = Router(tags=["figures"])


class FigureQuery(Schema):
    as_of: Day() | None = None
    league: Filter = ""
    county: Filter = ""
    park: Filter = ""
    industry: Filter = ""
    tag: Filter = ""
    duty: Filter = "daily"
    above_scale: str = Field("", description="'' or 1: above-scale only (the headline's); 0: below scale; all: both")


class FigureValues(Schema):
    enterprises: int
    production_resumed: int
    work_resumed: int
    not_resumed: int
    resumption_rate: float | None
    employees: int
    on_duty: int
    on_duty_rate: float | None
    capacity_recovery: float | None
    reporting_rate: float | None
    due: int
    filed: int
    filed_late: int
    missing: int
    stale: int
    never_reported: int


class LeagueFigures(FigureValues):
    code: str
    name: str
    separately_listed: bool


class FiguresOut(FigureValues):
    as_of: date
    scope: str
    by_league: list[LeagueFigures]


class BriefOut(Schema):
    as_of: date
    title: str
    text: str


def values(f: Figures) -> dict:
    """The figures as the dashboard shows them: counts, and rates in per cent to one decimal."""
    shown = selectors.figure_values(f)
    return {
        **{k: float(v) if v is not None and k.endswith(("_rate", "_recovery")) else v for k, v in shown.items()},
        "due": f.due, "filed": f.filed, "filed_late": f.filed_late, "missing": f.missing, "stale": f.stale,
        "never_reported": f.never_reported,
    }  # fmt: skip


def _read(request, query: FigureQuery) -> tuple[date, Scope]:
    user = request.auth
    if not access.can_see_figures(user):
        raise Http404
    scope = Scope.from_query(query.dict() | {"as_of": ""})
    selectors.check_scope(user=user, scope=scope)
    return query.as_of or selectors.default_as_of(user=user, duty=scope.duty), scope


@router.get("/figures", response=FiguresOut)
def get_figures(request, query: Query[FigureQuery]):
    as_of, scope = _read(request, query)
    user = request.auth
    rows = breakdown(user=user, as_of=as_of, scope=scope, by="league")
    return {
        "as_of": as_of,
        "scope": selectors.scope_label(user=user, scope=scope),
        **values(figures(user=user, as_of=as_of, scope=scope)),
        "by_league": [
            {"code": r.code, "name": r.name, "separately_listed": r.separately_listed, **values(r.figures)}
            for r in rows
        ],
    }


@router.get("/brief", response=BriefOut)
def get_brief(request, query: Query[FigureQuery], format: str = "json"):  # noqa: A002 - the API's name
    as_of, scope = _read(request, query)
    written = briefs.brief(user=request.auth, as_of=as_of, scope=scope)
    if format == "docx":
        return docx_response(written)
    return {"as_of": as_of, "title": written.title, "text": written.text}
