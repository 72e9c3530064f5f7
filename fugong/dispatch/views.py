"""Intake pages: the enterprise's own form, the league's grid, and a report with its versions.

Every save goes through services.report_save; these views only gate, parse and render.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, overload

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from fugong import access
from fugong.core import bounds
from fugong.core.chosen import follows_choice
from fugong.dispatch import duties, selectors, services
from fugong.dispatch.forms import ProjectReportForm, ReportForm
from fugong.dispatch.models import (
    DailyReport,
    Deadline,
    PeriodType,
    ProjectReport,
    ProjectStatus,
    ReportVersion,
    Source,
    Status,
    week_start,
)
from fugong.enterprises.filters import query_text
from fugong.enterprises.models import Enterprise
from fugong.enterprises.selectors import search_q

GRID_PAGE_SIZE = 200
# Errors that belong to the whole report rather than one input.
GENERAL_ERRORS = ("__all__", "date", "week", "version")


@overload
def _day(raw: str | None, default: date, param: str = "date") -> date: ...
@overload
def _day(raw: str | None, default: None, param: str = "date") -> date | None: ...
def _day(raw: str | None, default: date | None, param: str = "date") -> date | None:
    return bounds.lenient_date_param(raw, param) or default


def _label(kind: services.Kind, name: str) -> str:
    return capfirst(str(getattr(kind.model._meta.get_field(name), "verbose_name", name)))


# Decimals as stored, so that a first version keeps "60.0" as every later one shows it.
PLACES = {"capacity_pct": Decimal("0.1"), "investment_week": Decimal("0.01")}


def _shown(kind: services.Kind, name: str, value) -> str:
    if name == "status":
        choices = ProjectStatus if kind is services.PROJECT else Status
        return str(choices(value).label) if value in choices.values else str(value)
    if name in PLACES and value not in (None, ""):
        try:
            return str(Decimal(str(value)).quantize(PLACES[name]))
        except InvalidOperation:
            return str(value)
    return "" if value is None else str(value)


def _display(kind: services.Kind, values: dict | None) -> list[tuple[str, str]]:
    """A report's values as (label, shown value) pairs, in the order of the form."""
    if not values:
        return []
    return [(_label(kind, name), _shown(kind, name, values.get(name))) for name in kind.fields]


def _general(errors: dict) -> list[str]:
    return [str(message) for name in GENERAL_ERRORS for message in errors.get(name, [])]


def _announce(request, outcome: services.Outcome, period: date) -> None:
    version = outcome.report.version
    texts = {
        "created": _("The report for %(period)s is filed (version %(v)d)."),
        "updated": _("The report for %(period)s is updated (version %(v)d)."),
        "unchanged": _("Nothing changed: the report for %(period)s is filed as shown (version %(v)d)."),
    }
    messages.success(request, texts[outcome.result] % {"period": period.isoformat(), "v": version})
    for warning in outcome.warnings:
        messages.warning(request, warning["message"])


def _put_outcome_on_form(form, outcome: services.Outcome) -> None:
    """A refused or conflicting save: its errors on the form; a conflict rebases the form on the newer version."""
    for name, errors in outcome.errors.items():
        form.add_error(name if name in form.fields and name != "version" else None, errors)
    if outcome.result == "conflict":
        form.data = form.data.copy()
        form.data["version"] = str(outcome.current["version"])


def _form_context(kind, period, report, outcome):
    """What the enterprise and project forms show besides the inputs: deadline, filed state, conflict."""
    deadline = Deadline.for_type(kind.period_type).due_at(period)
    filed = report if report is not None and kind.period_of(report) == period else None
    conflict = None
    if outcome is not None and outcome.result == "conflict":
        conflict = {"report": outcome.report, "values": _display(kind, outcome.current)}
        filed = outcome.report
    return {
        "kind": kind,
        "period": period,
        "deadline": deadline,
        "overdue": filed is None and timezone.now() > deadline,
        "filed": filed,
        "prefilled_from": report if report is not None and filed is None else None,
        "conflict": conflict,
    }


def _locked(kind, league_id: str, period: date) -> bool:
    return bool(services.locked_periods(kind=kind, leagues={league_id}, periods={period}))


def _initial(kind: services.Kind, report, period: date, default: dict) -> dict:
    """A form starts from the latest report; the period's own report also gives the version it edits."""
    initial = report.values() if report is not None else default
    if report is not None and kind.period_of(report) == period:
        initial["version"] = report.version
    return initial


def _save(request, form, *, kind: services.Kind, subject, period: date) -> services.Outcome:
    """The form's values through the service; what it refuses goes back onto the form."""
    outcome = services.report_save(
        actor=request.user,
        kind=kind,
        subject=subject,
        period=period,
        values=form.values(),
        source=Source.FORM,
        base_version=form.cleaned_data["version"],
    )
    if outcome.ok:
        _announce(request, outcome, period)
    else:
        _put_outcome_on_form(form, outcome)
    return outcome


@login_required
def report_form(request):
    enterprise = access.access_own_enterprise(request.user)
    duty = duties.duty_of(enterprise)
    projects = access.fileable_key_projects(request.user)
    if duty is None:
        return render(request, "dispatch/report_form.html", {"enterprise": enterprise, "projects": projects})
    kind = services.DAILY if duty == PeriodType.DAILY else services.WEEKLY
    today = timezone.localdate()
    chosen = min(_day(request.GET.get("date"), today), today)
    period = chosen if kind is services.DAILY else week_start(chosen)
    report = selectors.last_report(enterprise=enterprise, model=kind.model, before=period)
    form = ReportForm(request.POST or None, initial=_initial(kind, report, period, {"employees": enterprise.employees}))
    outcome = None
    if request.method == "POST" and form.is_valid():
        outcome = _save(request, form, kind=kind, subject=enterprise, period=period)
        if outcome.ok:
            query = f"?{urlencode({'date': chosen.isoformat()})}" if "date" in request.GET else ""
            return redirect(reverse("dispatch:form") + query)
    context = {
        "enterprise": enterprise,
        "form": form,
        "projects": projects,
        "locked": _locked(kind, enterprise.league_id, period),
        **_form_context(kind, period, report, outcome),
    }
    return render(request, "dispatch/report_form.html", context)


@login_required
def project_report_form(request, pk):
    project = (
        access.fileable_key_projects(request.user).select_related("league", "county", "owner").filter(pk=pk).first()
    )
    if project is None:
        raise Http404
    kind = services.PROJECT
    today = timezone.localdate()
    period = week_start(min(_day(request.GET.get("week"), today, "week"), today))
    # The project is gated above; its own reports need no further scope.
    report = ProjectReport.objects.filter(project=project, week__lte=period).order_by("-week").first()
    form = ProjectReportForm(request.POST or None, initial=_initial(kind, report, period, {}))
    outcome = None
    if request.method == "POST" and form.is_valid():
        outcome = _save(request, form, kind=kind, subject=project, period=period)
        if outcome.ok:
            query = f"?{urlencode({'week': period.isoformat()})}" if "week" in request.GET else ""
            return redirect(reverse("dispatch:project_form", args=[project.pk]) + query)
    context = {
        "project": project,
        "form": form,
        "on_behalf": access.files_on_behalf(request.user, project.owner_id),
        "locked": _locked(kind, project.league_id, period),
        **_form_context(kind, period, report, outcome),
    }
    return render(request, "dispatch/project_report_form.html", context)


# The grid --------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class GridCell:
    name: str
    label: str | Promise
    value: object
    errors: list
    warned: bool
    inputmode: str


GRID_INPUTS = [
    ("employees", _lazy("Employees"), "numeric"),
    ("on_duty", _lazy("Employees on duty"), "numeric"),
    ("capacity_pct", _lazy("Capacity recovery %"), "decimal"),
    ("note", _lazy("Note"), "text"),
]


@dataclass(kw_only=True)
class GridRow:
    """One enterprise's row: what its inputs show, its state on the day, and the answer to the last save."""

    enterprise: Enterprise
    day: date
    report: DailyReport | None  # the day's own report, if filed
    values: dict
    version: int | None
    overdue: bool
    prefilled_from: date | None = None
    errors: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    conflict: list | None = None
    result: str = ""

    @property
    def state(self) -> str:
        if self.report is None:
            return "not_filed"
        return "on_behalf" if self.report.on_behalf else "filed"

    @property
    def general_errors(self) -> list[str]:
        return _general(self.errors)

    @property
    def warned(self) -> set[str]:
        return {w["field"] for w in self.warnings}

    @property
    def cells(self) -> list[GridCell]:
        return [
            GridCell(
                name=name,
                label=label,
                value=self.values.get(name),
                errors=[str(e) for e in self.errors.get(name, [])],
                warned=name in self.warned,
                inputmode=mode,
            )
            for name, label, mode in GRID_INPUTS
        ]


def _grid_reports(enterprises: list[Enterprise], day: date) -> dict[int, DailyReport]:
    """Each enterprise's report on the day, or its latest before it: one query for the whole page."""
    latest = DailyReport.objects.filter(enterprise=OuterRef("pk"), date__lte=day).order_by("-date").values("pk")[:1]
    newest = Enterprise.objects.filter(pk__in=[e.pk for e in enterprises]).annotate(r=Subquery(latest)).values("r")
    return {r.enterprise_id: r for r in DailyReport.objects.filter(pk__in=newest).select_related("filed_by")}


def _grid_row(enterprise: Enterprise, day: date, report: DailyReport | None, overdue: bool) -> GridRow:
    if report is not None and report.date == day:
        return GridRow(
            enterprise=enterprise,
            day=day,
            report=report,
            values=report.values(),
            version=report.version,
            overdue=False,
            warnings=report.warnings,
        )
    return GridRow(
        enterprise=enterprise,
        day=day,
        report=None,
        values=report.values() if report is not None else {"employees": enterprise.employees},
        version=None,
        overdue=overdue,
        prefilled_from=report.date if report is not None else None,
    )


def _overdue(day: date) -> bool:
    return timezone.now() > Deadline.for_type(PeriodType.DAILY).due_at(day)


# The grid's own parameters: a save without JavaScript comes back to the same date, filters, search and page.
GRID_PARAMS = ("date", "league", "county", "q", "missing", "page")


def _grid_back(data) -> QueryDict:
    back = QueryDict(mutable=True)
    for name in GRID_PARAMS:
        value = data.get(name, "")
        if value:
            back[name] = value[:60]
    return back


def _grid_context(request, params) -> dict:
    today = timezone.localdate()
    day = min(_day(params.get("date"), today), today)
    league, county = query_text(params, "league"), query_text(params, "county")
    due = selectors.due_enterprises(user=request.user, period_type=PeriodType.DAILY, league=league, county=county)
    # The clerk's loop: only those still missing for the day, or one found by name, pinyin or credit code.
    search, missing_only = params.get("q", "").strip()[:60], params.get("missing") == "1"
    if search:
        due = due.filter(search_q(search))
    if missing_only:
        due = selectors.unreported(due, period_type=PeriodType.DAILY, period=day)
    page = Paginator(due.select_related("county").order_by("county_id", "name", "pk"), GRID_PAGE_SIZE).get_page(
        params.get("page")
    )
    enterprises = list(page)
    reports = _grid_reports(enterprises, day)
    deadline = Deadline.for_type(PeriodType.DAILY).due_at(day)
    overdue = timezone.now() > deadline
    areas = access.visible_areas(request.user)
    return {
        "day": day,
        "today": today,
        "league": league,
        "county": county,
        "search": search,
        "missing_only": missing_only,
        "page": page,
        "rows": [_grid_row(e, day, reports.get(e.pk), overdue) for e in enterprises],
        "deadline": deadline,
        "leagues": areas.filter(level="league"),
        "counties": areas.filter(level="county"),
        "status_choices": Status.choices,
        "query": request.GET.urlencode() if params is request.GET else params.urlencode(),
        "back": _grid_back(params).urlencode(),
    }


@login_required
@follows_choice(day_param="date")
def grid(request):
    if not access.can_edit_registry(request.user):
        raise Http404
    return render(request, "dispatch/grid.html", _grid_context(request, request.GET))


def _refused_row(request, enterprise: Enterprise, period: date, form, outcome) -> GridRow:
    """Refused, in conflict or not even a number: the inputs keep what was typed."""
    report = DailyReport.objects.filter(enterprise=enterprise, date=period).first()
    row = GridRow(
        enterprise=enterprise,
        day=period,
        report=report,
        values={name: request.POST.get(name, "") for name in services.DAILY.fields},
        version=form.cleaned_data.get("version") if outcome is None else outcome.item.base_version,
        overdue=report is None and _overdue(period),
        errors=outcome.errors if outcome is not None else {k: list(v) for k, v in form.errors.items()},
    )
    if outcome is not None and outcome.result == "conflict":
        # Saving again is a deliberate overwrite of the values now shown.
        row.version, row.result = outcome.current["version"], "conflict"
        row.conflict = _display(services.DAILY, outcome.current)
    else:
        row.result = "refused"
    return row


@login_required
def grid_row(request, credit_code, day):
    if not access.can_edit_registry(request.user):
        raise Http404
    enterprise = (
        access.fileable_enterprises(request.user).select_related("county").filter(credit_code=credit_code).first()
    )
    period = _day(day, None)
    if enterprise is None or period is None:
        raise Http404
    if request.method != "POST":
        row = _grid_row(enterprise, period, _grid_reports([enterprise], period).get(enterprise.pk), _overdue(period))
        return render(request, "dispatch/_grid_row.html", {"row": row, "status_choices": Status.choices})
    form = ReportForm(request.POST)
    outcome = None
    if form.is_valid():
        outcome = services.report_save(
            actor=request.user,
            kind=services.DAILY,
            subject=enterprise,
            period=period,
            values=form.values(),
            source=Source.GRID,
            base_version=form.cleaned_data["version"],
        )
    if outcome is not None and outcome.ok:
        row = _grid_row(enterprise, period, outcome.report, False)
        row.warnings, row.result = outcome.warnings, outcome.result
    else:
        row = _refused_row(request, enterprise, period, form, outcome)
    back = _grid_back(QueryDict(request.POST.get("back", "")))
    # Only the row's own form sends "back" (htmx leaves it out: hx-params on the row).
    if "back" in request.POST and not request.headers.get("HX-Request"):
        return _grid_saved_without_js(request, enterprise, row, back)
    context = {"row": row, "status_choices": Status.choices, "back": back.urlencode()}
    return render(request, "dispatch/_grid_row.html", context)


def _grid_saved_without_js(request, enterprise: Enterprise, row: GridRow, back: QueryDict):
    """A row saved by its own form, without JavaScript: back to the same page of the grid, at that row.

    Saved, it redirects there; refused, the grid is shown at once with the row as typed and its errors.
    """
    if row.result not in ("refused", "conflict"):
        messages.success(request, _("Saved: %(name)s.") % {"name": enterprise.name})
        return redirect(f"{reverse('dispatch:grid')}?{back.urlencode()}#row-{enterprise.credit_code}")
    context = _grid_context(request, back)
    rows = context["rows"]
    at = next((i for i, r in enumerate(rows) if r.enterprise.pk == enterprise.pk), None)
    if at is None:
        rows.insert(0, row)
    else:
        rows[at] = row
    return render(request, "dispatch/grid.html", context, status=400)


# A report and its versions ---------------------------------------------------------------------


@dataclass
class VersionRow:
    version: ReportVersion
    changes: list  # (label, before, after)
    values: list  # (label, value), for the first version


def _versions(kind: services.Kind, report) -> list[VersionRow]:
    rows = []
    versions = ReportVersion.objects.filter(kind=kind.name, report_id=report.pk).select_related("user")
    for v in versions.order_by("-version"):
        changes = [
            (_label(kind, name), _shown(kind, name, before), _shown(kind, name, after))
            for name, (before, after) in v.changed.items()
            if name in kind.fields
        ]
        rows.append(VersionRow(v, changes, _display(kind, v.values) if not v.changed else []))
    return rows


# One gate per kind of report; one view shows them all.
REPORT_GATES = {
    services.DAILY.name: access.access_daily_report,
    services.WEEKLY.name: access.access_weekly_report,
    services.PROJECT.name: access.access_project_report,
}


def _back_to_intake(request, kind: services.Kind, report) -> str:
    """The enterprise goes back to its own form; an official filing daily reports to the grid."""
    owner_id = report.project.owner_id if kind is services.PROJECT else report.enterprise_id
    if access.is_own_enterprise(request.user, owner_id):
        if kind is services.PROJECT:
            return reverse("dispatch:project_form", args=[report.project_id]) + f"?week={report.week.isoformat()}"
        return reverse("dispatch:form") + f"?date={kind.period_of(report).isoformat()}"
    if kind is services.DAILY and access.can_edit_registry(request.user):
        return reverse("dispatch:grid") + f"?date={report.date.isoformat()}"
    return ""


@login_required
def report_detail(request, kind_name: str, pk: int):
    kind = services.KINDS[kind_name]
    report: Any = REPORT_GATES[kind.name](request.user, pk)
    subject = report.project if kind is services.PROJECT else report.enterprise
    context = {
        "kind": kind,
        "report": report,
        "subject": subject.name,
        "values": _display(kind, report.values()),
        "versions": _versions(kind, report),
        "back": _back_to_intake(request, kind, report),
    }
    return render(request, "dispatch/report_detail.html", context)
