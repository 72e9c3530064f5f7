"""The live picture: dashboard, drill-down lists, exports and the brief, for officials in their scope.

Every view reads its date and scope from the URL (shareable links), checks the scope against the
access module (404 outside it) and asks the selectors; nothing is cached, so a saved report shows
on the next page load.
"""

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from fugong import access
from fugong.analytics import brief as briefs
from fugong.analytics import excel, sections, selectors
from fugong.analytics.docx import brief_docx
from fugong.analytics.figures import Scope
from fugong.analytics.stream import streaming_xlsx_response
from fugong.core import bounds
from fugong.core.chosen import follows_choice
from fugong.core.excel import xlsx_response
from fugong.dispatch.models import PeriodType
from fugong.enterprises.models import Industry, Tag
from fugong.enterprises.selectors import search_q

DRILL_PAGE_SIZE = 100
MAP_KPIS = list(selectors.MAP_VALUES)
# Above this many counties in scope (the national set) the county filter lists a league's counties once the
# league is chosen, rather than thousands of options on every page.
COUNTY_OPTIONS_MAX = 300
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def read_request(request) -> tuple[date, Scope]:
    """The as-of date and scope of the URL, checked against what the user may see (404 outside)."""
    if not access.can_see_figures(request.user):
        raise Http404
    scope = Scope.from_query(request.GET)
    selectors.check_scope(user=request.user, scope=scope)
    as_of = bounds.date_param(request.GET.get("as_of"), "as_of", future=True)
    if as_of is not None and as_of > timezone.localdate():
        # Figures of a day not yet begun would read as a collapse; refuse the day, say so, show the default.
        messages.error(request, _("%(day)s is in the future; the figures show the last complete day.") % {"day": as_of})
        as_of = None
    return as_of or selectors.default_as_of(user=request.user, duty=scope.duty), scope


def _query(scope: Scope, as_of: date | None, **extra) -> str:
    return urlencode(selectors.scope_params(scope, as_of, **extra))


def _filters(user, scope: Scope) -> dict:
    areas = access.visible_areas(user)
    leagues = areas.filter(level="league")
    counties = areas.filter(level="county", parent_id=scope.league) if scope.league else areas.filter(level="county")
    if not scope.league and not scope.county and counties.count() > COUNTY_OPTIONS_MAX:
        counties = counties.none()
    return {
        "leagues": leagues if leagues.count() > 1 else None,
        "counties": counties,
        "parks": access.visible_parks(user).filter(**({"league_id": scope.league} if scope.league else {})),
        "industries": Industry.objects.all(),
        "tags": Tag.Code.choices,
        "duties": PeriodType.choices,
    }


def _chart_text() -> dict:
    """The words the charts put around a figure, in the page's language (full-width punctuation in Chinese)."""
    units = {"pct": "%", "count": _("enterprises"), "people": _("people")}
    return {
        "tooltip": _("%(label)s: %(value)s"),
        "legend": {
            key: _("%(label)s (%(unit)s)") % {"label": selectors.FIGURE_LABELS[label](), "unit": units[unit]}
            for key, label, unit, *_rest in selectors.FIGURES
            if key in MAP_KPIS
        },
    }


def _table_context(request, table: selectors.Table, export: str, *, as_of: date, scope: Scope) -> dict:
    """A breakdown table as the dashboard shows it: a page of TABLE_PAGE_SIZE rows, the totals of all of them,
    and the links to its other pages (views.table_section, which htmx swaps in place of the card)."""
    page = Paginator(table.rows, selectors.TABLE_PAGE_SIZE).get_page(request.GET.get("page") if request else None)
    return {
        "table": table,
        "export": export,
        "rows": page.object_list,
        "page": page,
        "section_url": reverse("analytics:table", args=[export]) + "?" + _query(scope, as_of),
        "tall": export in ("industry", "park"),
    }


def _breakdown(user, export: str, *, as_of: date, scope: Scope) -> selectors.Table | None:
    """The breakdown behind a table of the dashboard, by its export name; None when the scope has none."""
    if export == "ranking":
        by = selectors.ranking_level(user=user, scope=scope)
        if not by:
            return None
    else:
        by = export
    return selectors.table(user=user, as_of=as_of, scope=scope, by=by)


def _table_labels() -> dict:
    return {
        "columns": selectors.TABLE_KEYS,
        "labels": {k: selectors.FIGURE_LABELS[label]() for k, label, *_r in selectors.FIGURES},
    }


@login_required
def table_section(request, table):
    """One breakdown table of the dashboard, one page of it: htmx loads the park and tag tables (they read the
    raw reports) after the page, and any table's next page in place; without htmx it is a page of its own."""
    if table not in selectors.DASHBOARD_TABLES + selectors.LAZY_TABLES:
        raise Http404
    as_of, scope = read_request(request)
    found = _breakdown(request.user, table, as_of=as_of, scope=scope)
    if found is None:
        raise Http404
    context = {
        **_table_context(request, found, table, as_of=as_of, scope=scope),
        **_table_labels(),
        "query": _query(scope, as_of),
        "as_of": as_of,
        "back": _query(scope, as_of),
        "heading": f"{selectors.scope_label(user=request.user, scope=scope)} · {found.title}",
    }
    template = "analytics/_table.html" if request.htmx else "analytics/table.html"
    return render(request, template, context)


@login_required
@follows_choice(day_param="as_of")
def dashboard(request):
    as_of, scope = read_request(request)
    board = selectors.dashboard(user=request.user, as_of=as_of, scope=scope)
    map_kpi = request.GET.get("map", "")
    tables = {"ranking": board.ranking}
    lazy = [
        {"export": key, "title": selectors.TABLE_TITLES[key](),
         "section_url": reverse("analytics:table", args=[key]) + "?" + _query(scope, as_of)}
        for key in selectors.LAZY_TABLES
    ]  # fmt: skip
    context = {
        "board": board,
        "tables": {
            key: _table_context(None, found, key, as_of=as_of, scope=scope)
            for key, found in tables.items()
            if found is not None
        },
        "lazy_tables": lazy,
        "query": _query(scope, as_of),
        "scope_query": _query(scope, None),
        "scope": scope,
        **_table_labels(),
        "since": _("vs %(day)s") % {"day": board.previous_day.strftime("%m-%d")},
        "since_week": _("vs the week before"),
        "map_kpi": map_kpi if map_kpi in MAP_KPIS else MAP_KPIS[0],
        "map_kpis": [(k, selectors.FIGURE_LABELS[label]()) for k, label, *_r in selectors.FIGURES if k in MAP_KPIS],
        "chart_data": {
            **board.chart_data(),
            "links": {"league": "?" + _query(scope, as_of, league="__code__")},
            "text": _chart_text(),
        },
        # Other capabilities' panels load on their own request (views.panels): some read far at national scale.
        "panels_url": reverse("analytics:panels") + "?" + _query(scope, as_of),
        **_filters(request.user, scope),
    }
    return render(request, "analytics/dashboard.html", context)


@login_required
def panels(request):
    """The panels other capabilities add to the dashboard (sections.py), loaded by htmx after the page."""
    as_of, scope = read_request(request)
    found = sections.panels(sections.DashboardContext(user=request.user, as_of=as_of, scope=scope))
    return render(request, "analytics/_panels.html", {"panels": found})


@login_required
def table_export(request, table):
    as_of, scope = read_request(request)
    if table == "ranking":
        by = selectors.ranking_level(user=request.user, scope=scope)
        if not by:
            raise Http404
    elif table in ("industry", "park", "tag"):
        by = table
    else:
        raise Http404
    found = selectors.table(user=request.user, as_of=as_of, scope=scope, by=by)
    label = selectors.scope_label(user=request.user, scope=scope)
    content = excel.table_sheet(found, scope_label=label, as_of=as_of)
    with translation.override("zh-hans"):
        what = {"industry": "分行业", "park": "分园区", "tag": "分标签"}.get(by, "分地区") + "复工复产情况"
    name = selectors.export_name(user=request.user, scope=scope, what=what, day=as_of, ext="xlsx")
    return xlsx_response(content, name)


@login_required
def drill(request):
    as_of, scope = read_request(request)
    measure = request.GET.get("measure", "enterprises")
    if measure not in selectors.MEASURES:
        raise Http404
    rows = selectors.drill_rows(user=request.user, as_of=as_of, scope=scope, measure=measure)
    search = request.GET.get("q", "").strip()
    if search:
        rows = rows.filter(search_q(search))
    label = selectors.scope_label(user=request.user, scope=scope)
    title = f"{label} {selectors.MEASURES[measure]()}"
    if request.GET.get("format") == "xlsx":
        # Streamed: the first rows leave before the last are read, the totals line added up on the way.
        with translation.override("zh-hans"):
            what = str(selectors.MEASURES[measure]())
        name = selectors.export_name(user=request.user, scope=scope, what=what, day=as_of, ext="xlsx")
        return streaming_xlsx_response(excel.drill_stream(rows, title=title, as_of=as_of), name)
    totals = selectors.drill_totals(rows)
    paginator = Paginator(rows, DRILL_PAGE_SIZE)
    paginator.count = totals.enterprises  # counted with the totals already: no second pass over the scope
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "totals": totals,
        "title": title,
        "measure": measure,
        "measures": [(k, v()) for k, v in selectors.MEASURES.items()],
        "as_of": as_of,
        "scope": scope,
        "search": search,
        "query": _query(scope, as_of, measure=measure, q=search),
        "back": _query(scope, as_of),
        "daily": scope.duty == PeriodType.DAILY,
        **_filters(request.user, scope),
    }
    return render(request, "analytics/drill.html", context)


PROJECT_MEASURES = {
    "projects": lambda: _("Key projects"),
    "projects_started": lambda: _("Started or resumed"),
    "projects_not_started": lambda: _("Not started"),
    "projects_filed": lambda: _("Reported this week"),
}


@login_required
def project_drill(request):
    as_of, scope = read_request(request)
    measure = request.GET.get("measure", "projects")
    if measure not in PROJECT_MEASURES:
        raise Http404
    rows = list(selectors.project_rows(user=request.user, as_of=as_of, scope=scope, measure=measure))
    label = selectors.scope_label(user=request.user, scope=scope)
    title = f"{label} {PROJECT_MEASURES[measure]()}"
    figures = selectors.project_figures(user=request.user, as_of=as_of, scope=scope)
    if request.GET.get("format") == "xlsx":
        content = excel.project_sheet(rows, title=title, as_of=as_of)
        return xlsx_response(content, f"{measure}-{as_of.isoformat()}.xlsx")
    context = {
        "rows": [(p, selectors.exact(p.week_investment, "0.01")) for p in rows],
        "title": title,
        "measure": measure,
        "measures": [(k, v()) for k, v in PROJECT_MEASURES.items()],
        "as_of": as_of,
        "week": figures.week,
        "query": _query(scope, as_of, measure=measure),
        "scope_query": _query(scope, as_of),
    }
    return render(request, "analytics/projects.html", context)


@login_required
@follows_choice(day_param="as_of")
def brief(request):
    as_of, scope = read_request(request)
    written = briefs.brief(user=request.user, as_of=as_of, scope=scope)
    if request.GET.get("format") == "docx":
        return docx_response(written)
    context = {"brief": written, "as_of": as_of, "query": _query(scope, as_of), "scope": scope}
    return render(request, "analytics/brief.html", context)


def docx_response(written: briefs.Brief) -> HttpResponse:
    response = HttpResponse(brief_docx(written), content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(True, written.file_name) or "attachment"
    return response
