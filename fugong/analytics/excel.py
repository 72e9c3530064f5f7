"""The analytics exports: every table of the dashboard and every drill-down list, to .xlsx.

Columns are declared once here and read the same dataclasses the page shows (selectors), so a
sheet holds the page's numbers. Each sheet is print-ready: a title with scope and as-of date,
units in the headers, a totals row.
"""

from collections.abc import Iterator
from datetime import date

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.analytics import selectors
from fugong.analytics.stream import stream_xlsx
from fugong.core.excel import Column, write_xlsx
from fugong.dispatch.models import ProjectStatus, Status


def unit_label(unit: str) -> str:
    return {"count": _("enterprises"), "people": _("people"), "pct": "%", "money": _("10k yuan")}[unit]


def with_unit(label, unit: str) -> str:
    return _("%(label)s (%(unit)s)") % {"label": label, "unit": unit_label(unit)}


def figure_columns() -> list[Column]:
    """One column per figure, as selectors.FIGURES lists them, the unit in the header."""
    return [
        Column(key, with_unit(selectors.FIGURE_LABELS[label](), unit), width=13)
        for key, label, unit, _read, _measure in selectors.FIGURES
    ]


def table_sheet(table: selectors.Table, *, scope_label: str, as_of: date) -> bytes:
    figures = figure_columns()
    columns = [Column("name", gettext_lazy("Name"), width=28), *figures]
    if table.ranked:
        columns.insert(0, Column("rank", gettext_lazy("Rank"), width=6))
    rows = []
    for r in table.rows:
        name = f"{r.name}（{_('separately listed')}）" if r.separately_listed else r.name
        line = [name, *(r.values[c.key] for c in figures)]
        rows.append([r.rank, *line] if table.ranked else line)
    totals = [table.totals_label, *(table.totals[c.key] for c in figures)]
    rows.append(["", *totals] if table.ranked else totals)
    return write_xlsx(columns, rows, title=f"{scope_label} {table.title}", subtitle=as_of_text(as_of))


def as_of_text(as_of: date) -> str:
    return _("as of %(date)s") % {"date": as_of.isoformat()}


def _status(value) -> str:
    return str(Status(value).label) if value in Status.values else str(Status.NOT_RESUMED.label)


DRILL_COLUMNS = [
    Column("name", gettext_lazy("Enterprise"), width=34, export=lambda e: e.name),
    Column("credit_code", gettext_lazy("Credit code"), width=22, export=lambda e: e.credit_code),
    Column("league", gettext_lazy("League"), export=lambda e: e.league.display_name),
    Column("county", gettext_lazy("County"), export=lambda e: e.county.display_name),
    Column("industry", gettext_lazy("Industry"), width=24, export=lambda e: e.industry.display_name),
    Column("park", gettext_lazy("Park"), width=24, export=lambda e: e.park.name if e.park_id else ""),
    Column("status", gettext_lazy("Status"), export=lambda e: _status(e.last_status)),
    Column("report_date", gettext_lazy("Report counted (date)"), export=lambda e: e.last_date),
    Column("employees", gettext_lazy("Employees (people)"), export=lambda e: e.counted_employees),
    Column("on_duty", gettext_lazy("On duty (people)"), export=lambda e: e.counted_on_duty),
    Column("capacity", gettext_lazy("Capacity recovery (%)"), export=lambda e: selectors.exact(e.last_capacity, "0.1")),
    Column("normal_output", gettext_lazy("Normal output value (10k yuan)"), export=lambda e: e.normal_output),
]


def drill_rows_out(rows) -> Iterator[list]:
    """The drill-down's lines, one enterprise at a time, then its totals line: the count and the sums of the
    counted headcount and people on duty (selectors.drill_totals' figures), added up on the way."""
    n = employees = on_duty = 0
    for e in rows.iterator(chunk_size=2000):
        n += 1
        employees += e.counted_employees or 0
        on_duty += e.counted_on_duty or 0
        yield [c.value_of(e) for c in DRILL_COLUMNS]
    total: list[object] = [""] * len(DRILL_COLUMNS)
    total[0] = _("Total: %(n)d enterprises") % {"n": n}
    total[8], total[9] = employees, on_duty
    yield total


def drill_stream(rows, *, title: str, as_of: date) -> Iterator[bytes]:
    """The drill-down export as it is sent (fugong.analytics.stream): 400,000 rows never held at once. The
    headers and totals line are written in the request's language, whenever the server reads the chunks."""
    language, subtitle = translation.get_language(), as_of_text(as_of)

    def chunks() -> Iterator[bytes]:
        with translation.override(language):
            yield from stream_xlsx(DRILL_COLUMNS, drill_rows_out(rows), title=title, subtitle=subtitle)

    return chunks()


def _project_status(value) -> str:
    return str(ProjectStatus(value).label) if value in ProjectStatus.values else str(ProjectStatus.NOT_STARTED.label)


PROJECT_COLUMNS = [
    Column("name", gettext_lazy("Key project"), width=34, export=lambda p: p.name),
    Column("league", gettext_lazy("League"), export=lambda p: p.league.display_name),
    Column("county", gettext_lazy("County"), export=lambda p: p.county.display_name),
    Column("owner", gettext_lazy("Owner enterprise"), width=30, export=lambda p: p.owner.name if p.owner_id else ""),
    Column("status", gettext_lazy("Status"), export=lambda p: _project_status(p.last_status)),
    Column("report_week", gettext_lazy("Report counted (week starting)"), export=lambda p: p.last_week),
    Column("workers", gettext_lazy("Workers on site (people)"), export=lambda p: p.last_workers or 0),
    Column(
        "investment_week",
        gettext_lazy("Investment this week (10k yuan)"),
        export=lambda p: selectors.exact(p.week_investment, "0.01"),
    ),
    Column("total_investment", gettext_lazy("Total investment (10k yuan)"), export=lambda p: p.total_investment),
]


def project_sheet(rows, *, title: str, as_of: date) -> bytes:
    lines = [[c.value_of(p) for c in PROJECT_COLUMNS] for p in rows]
    total: list[object] = [""] * len(PROJECT_COLUMNS)
    total[0] = _("Total: %(n)d projects") % {"n": len(lines)}
    total[6] = sum(line[6] for line in lines)
    total[7] = sum(line[7] or 0 for line in lines)
    total[8] = sum(line[8] for line in lines)
    lines.append(total)
    return write_xlsx(PROJECT_COLUMNS, lines, title=title, subtitle=as_of_text(as_of))
