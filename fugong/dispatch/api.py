import hashlib
import json
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from fugong import access
from fugong.core import bounds
from fugong.core.bounds import Filter, Id, Text
from fugong.core.schemas import Pagination
from fugong.dispatch import put, selectors, services
from fugong.dispatch.models import IdempotencyKey, Source
from fugong.enterprises.credit_code import normalise

router = Router(tags=["reports"])
BULK_LIMIT = 5000


class ReportIn(Schema):
    status: Text(20)
    employees: int
    on_duty: int
    capacity_pct: Decimal
    note: Text(500, multiline=True) = ""
    version: int | None = Field(None, description="The version this change is based on; a stale one is refused (409).")


class BulkItemIn(ReportIn):
    credit_code: Text(40)
    date: date


class BulkIn(Schema):
    items: list[BulkItemIn]


class ProjectReportIn(Schema):
    status: Text(20)
    workers_on_site: int
    investment_week: Decimal
    note: Text(500, multiline=True) = ""
    version: int | None = Field(None, description="The version this change is based on; a stale one is refused (409).")


class ProjectBulkItemIn(ProjectReportIn):
    project: Id
    week: date


class ProjectBulkIn(Schema):
    items: list[ProjectBulkItemIn]


class ReportOut(Schema):
    credit_code: str
    name: str
    league: str = Field(..., alias="league_id")
    county: str = Field(..., alias="county_id")
    status: str
    employees: int
    on_duty: int
    capacity_pct: Decimal
    note: str
    version: int
    source: str
    on_behalf: bool
    late: bool
    filed_at: str
    warnings: list[dict]

    @staticmethod
    def resolve_credit_code(obj):
        return obj.enterprise.credit_code

    @staticmethod
    def resolve_name(obj):
        return obj.enterprise.name

    @staticmethod
    def resolve_filed_at(obj):
        return obj.filed_at.isoformat()


class DailyOut(ReportOut):
    date: date


class WeeklyOut(ReportOut):
    week: date


class ProjectOut(Schema):
    project: int = Field(..., alias="project_id")
    name: str
    league: str = Field(..., alias="league_id")
    county: str = Field(..., alias="county_id")
    week: date
    status: str
    workers_on_site: int
    investment_week: Decimal
    note: str
    version: int
    source: str
    on_behalf: bool
    late: bool
    filed_at: str
    warnings: list[dict]

    @staticmethod
    def resolve_name(obj):
        return obj.project.name

    @staticmethod
    def resolve_filed_at(obj):
        return obj.filed_at.isoformat()


class ReportFilter(Schema):
    league: Filter = ""
    county: Filter = ""


class Error(Schema):
    error: dict | str
    current: dict | None = None


def _fileable(request, credit_code: str):
    enterprise = access.fileable_enterprises(request.auth).filter(credit_code=normalise(credit_code)).first()
    if enterprise is None:
        raise Http404
    return enterprise


def _answer(outcome: services.Outcome):
    if outcome.result == "refused":
        return 400, {"error": outcome.errors}
    if outcome.result == "conflict":
        return 409, {"error": outcome.errors, "current": outcome.current}
    return (201 if outcome.result == "created" else 200), outcome.report


def _put(request, kind, subject, period, payload):
    values = payload.dict(exclude={"version"})
    outcome = services.report_save(
        actor=request.auth,
        kind=kind,
        subject=subject,
        period=period,
        values=values,
        source=Source.API,
        base_version=payload.version,
    )
    return _answer(outcome)


def _put_enterprise(request, kind, credit_code: str, period: date, payload):
    """The short way (dispatch.put): the scope, the enterprise and the report read in one statement."""
    if not bounds.in_window(period) or not put.short():
        return _put(request, kind, _fileable(request, credit_code), period, payload)
    outcome = put.report_put(
        actor=request.auth,
        kind=kind,
        enterprises=access.fileable_enterprises(request.auth).filter(credit_code=normalise(credit_code)),
        period=period,
        values=payload.dict(exclude={"version"}),
        source=Source.API,
        base_version=payload.version,
    )
    if outcome is None:
        raise Http404
    return _answer(outcome)


@router.put("/daily/{credit_code}/{day}", response={200: DailyOut, 201: DailyOut, 400: Error, 404: Error, 409: Error})
def put_daily(request, credit_code: str, day: date, payload: ReportIn):
    return _put_enterprise(request, services.DAILY, credit_code, day, payload)


@router.put(
    "/weekly/{credit_code}/{week}", response={200: WeeklyOut, 201: WeeklyOut, 400: Error, 404: Error, 409: Error}
)
def put_weekly(request, credit_code: str, week: date, payload: ReportIn):
    return _put_enterprise(request, services.WEEKLY, credit_code, week, payload)


@router.put(
    "/projects/{project_id}/{week}", response={200: ProjectOut, 201: ProjectOut, 400: Error, 404: Error, 409: Error}
)
def put_project(request, project_id: Id, week: date, payload: ProjectReportIn):
    project = access.fileable_key_projects(request.auth).filter(pk=project_id).first()
    if project is None:
        raise Http404
    return _put(request, services.PROJECT, project, week, payload)


def _too_many(payload) -> tuple[int, dict] | None:
    if len(payload.items) > BULK_LIMIT:
        return 400, {"error": {"items": [_("At most %(n)d reports in one request.") % {"n": BULK_LIMIT}]}}
    return None


def _bulk(request, kind, payload: BulkIn):
    if refused := _too_many(payload):
        return refused
    codes = {normalise(i.credit_code) for i in payload.items}
    fileable = access.fileable_enterprises(request.auth).filter(credit_code__in=codes)
    found = {e.credit_code: e for e in fileable.only("id", "credit_code", "name", "league_id", "county_id")}
    items: list[services.Item] = []
    results: list[dict | None] = [None] * len(payload.items)
    positions = []
    for n, raw in enumerate(payload.items):
        code = normalise(raw.credit_code)
        if code not in found:
            results[n] = {
                "credit_code": code,
                "date": raw.date.isoformat(),
                "result": "not_found",
                "errors": {"credit_code": [_("No enterprise with this credit code in your area.")]},
            }
            continue
        positions.append(n)
        items.append(
            services.Item(
                subject=found[code],
                period=raw.date,
                values=raw.dict(exclude={"version", "credit_code", "date"}),
                base_version=raw.version,
            )
        )
    identify = {"credit_code": lambda o: o.item.subject.credit_code, "date": lambda o: o.item.period.isoformat()}
    return _results(request, kind, items, positions, results, identify)


def _bulk_projects(request, payload: ProjectBulkIn):
    if refused := _too_many(payload):
        return refused
    fileable = access.fileable_key_projects(request.auth).filter(pk__in={i.project for i in payload.items})
    found = {p.pk: p for p in fileable.only("id", "name", "owner", "league", "county")}
    items: list[services.Item] = []
    results: list[dict | None] = [None] * len(payload.items)
    positions = []
    for n, raw in enumerate(payload.items):
        if raw.project not in found:
            results[n] = {
                "project": raw.project,
                "week": raw.week.isoformat(),
                "result": "not_found",
                "errors": {"project": [_("No key project with this number in your area.")]},
            }
            continue
        positions.append(n)
        items.append(
            services.Item(
                subject=found[raw.project],
                period=raw.week,
                values=raw.dict(exclude={"version", "project", "week"}),
                base_version=raw.version,
            )
        )
    identify = {"project": lambda o: o.item.subject.pk, "week": lambda o: o.item.period.isoformat()}
    return _results(request, services.PROJECT, items, positions, results, identify)


def _results(request, kind, items, positions, results, identify):
    """Save the items found and answer one result per submitted item, in the order submitted."""
    outcomes = services.reports_save(actor=request.auth, kind=kind, items=items, source=Source.API)
    for n, outcome in zip(positions, outcomes, strict=True):
        results[n] = {
            **{name: get(outcome) for name, get in identify.items()},
            "result": outcome.result,
            "version": outcome.report.version if outcome.report else None,
            "errors": outcome.errors,
            "warnings": outcome.warnings,
        }
        if outcome.current:
            results[n]["current"] = outcome.current
    counts: dict[str, int] = {}
    for r in results:
        counts[r["result"]] = counts.get(r["result"], 0) + 1
    return 200, {"counts": counts, "results": results}


def _idempotent(request, endpoint: str, payload: Schema, run):
    """Honour an Idempotency-Key: the same key and body replays the first answer; another body is refused."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return run()
    digest = hashlib.sha256(json.dumps(payload.dict(), sort_keys=True, default=str).encode()).hexdigest()
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                user=request.auth, endpoint=endpoint, key=key[:200], body_digest=digest
            )
    except IntegrityError:
        record = IdempotencyKey.objects.get(user=request.auth, endpoint=endpoint, key=key[:200])
        if record.body_digest != digest:
            return 422, {"error": {"Idempotency-Key": [_("This key was used with a different request body.")]}}
        if record.status is None:
            return 409, {"error": {"Idempotency-Key": [_("The first request with this key is still running.")]}}
        return record.status, record.response
    try:
        status, body = run()
    except Exception:
        record.delete()
        raise
    record.status, record.response = status, json.loads(json.dumps(body, default=str))
    record.save(update_fields=["status", "response"])
    return status, body


@router.post("/daily/bulk", response={200: dict, 400: Error, 409: Error, 422: Error})
def bulk_daily(request, payload: BulkIn):
    return _idempotent(request, "daily/bulk", payload, lambda: _bulk(request, services.DAILY, payload))


@router.post("/weekly/bulk", response={200: dict, 400: Error, 409: Error, 422: Error})
def bulk_weekly(request, payload: BulkIn):
    return _idempotent(request, "weekly/bulk", payload, lambda: _bulk(request, services.WEEKLY, payload))


@router.post("/projects/bulk", response={200: dict, 400: Error, 409: Error, 422: Error})
def bulk_projects(request, payload: ProjectBulkIn):
    return _idempotent(request, "projects/bulk", payload, lambda: _bulk_projects(request, payload))


@router.get("/daily", response=list[DailyOut])
@paginate(Pagination)
def list_daily(request, filters: Query[ReportFilter], date: date | None = None):  # noqa: A002 - the API's name
    return selectors.daily_reports(user=request.auth, day=date, league=filters.league, county=filters.county)


@router.get("/weekly", response=list[WeeklyOut])
@paginate(Pagination)
def list_weekly(request, filters: Query[ReportFilter], week: date | None = None):
    return selectors.weekly_reports(user=request.auth, week=week, league=filters.league, county=filters.county)


@router.get("/projects", response=list[ProjectOut])
@paginate(Pagination)
def list_projects(request, filters: Query[ReportFilter], week: date | None = None):
    return selectors.project_reports(user=request.auth, week=week, league=filters.league, county=filters.county)
