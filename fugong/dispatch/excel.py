"""Dispatch reports in Excel: the columns (template and import), matching rows to enterprises, the plan.

The columns are declared once (STYLE.md, rule 10) and drive the template and the import. A sheet
is read by fugong.core.excel; each row is matched to an enterprise the user may file for (credit
code first, else the normalised name), and the reports go through services.reports_save, first
as a dry run for the preview, then for real on commit. docs/dispatch.md ("Excel") states the rules.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.utils.translation import get_language, gettext_lazy, override
from django.utils.translation import gettext as _

from fugong import access
from fugong.accounts.models import User
from fugong.core.excel import Column, Row, SheetError, parse_date, parse_decimal, parse_int, parse_text
from fugong.core.imports import Importer
from fugong.core.text import clean, name_key
from fugong.dispatch import services
from fugong.dispatch.models import Source, Status, week_start
from fugong.enterprises.credit_code import normalise
from fugong.enterprises.models import Enterprise

STATUS_ALIASES = {
    Status.NOT_RESUMED: ("未复工", "未复工复产", "未复工未复产", "停工", "停产", "停工停产", "not resumed"),
    Status.WORK_RESUMED: ("已复工", "复工", "已复工未复产", "复工未复产", "复工未达产", "work resumed"),
    Status.PRODUCTION_RESUMED: (
        "已复产",
        "复产",
        "已复工复产",
        "复工复产",
        "已复工已复产",
        "已复工并复产",
        "正常生产",
        "production resumed",
    ),
}
PER_CENT = ("%", "％")
ONE_DECIMAL = Decimal("0.1")


def _status_key(text: str) -> str:
    return clean(text).lower().replace(" ", "").replace("_", "")


@lru_cache(maxsize=8)
def _status_spellings(language: str | None) -> dict[str, str]:
    spellings = {}
    with override(language):  # the labels in that language: it is the cache key
        labels = {status: str(status.label) for status in STATUS_ALIASES}
    for status, names in STATUS_ALIASES.items():
        for name in (*names, status.value, labels[status]):
            spellings[_status_key(name)] = status.value
    return spellings


def parse_status(value) -> str:
    status = _status_spellings(get_language()).get(_status_key(parse_text(value)))
    if status is None:
        raise ValueError(_("Write 未复工, 已复工 or 已复产, not “%(value)s”.") % {"value": value})
    return status


@dataclass(frozen=True)
class Percent:
    """A capacity cell before the column is looked at as a whole: the number, and whether it had a % sign."""

    number: Decimal
    signed: bool


def parse_capacity(value) -> Percent:
    if isinstance(value, str) and any(sign in value for sign in PER_CENT):
        text = value.replace("%", "").replace("％", "")
        return Percent(parse_decimal(text), True)
    return Percent(parse_decimal(value), False)


def export_capacity(report) -> object:
    # A value of 1% or less is written with its sign, so the import cannot read it back as a fraction.
    if report is None:
        return ""
    number = _plain(report.capacity_pct)
    return f"{number}%" if 0 < number <= 1 else number


def parse_prefilled(value) -> bool:
    """The template's report state: True while a row still says its figures were prefilled (预填)."""
    text = parse_text(value).lower()
    return "预填" in text or "prefill" in text or text == str(_("Prefilled")).lower()


def parse_note(value) -> str:
    # Notes keep what was typed (no simplification); numbers lose Excel's ".0".
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


COLUMNS = [
    Column(
        "credit_code",
        gettext_lazy("Credit code"),
        width=22,
        parse=lambda v: normalise(parse_text(v)),
        export=lambda row: row.enterprise.credit_code,
        aliases=("统一社会信用代码", "社会信用代码", "信用代码", "统一代码", "credit code", "uscc"),
    ),
    Column(
        "name",
        gettext_lazy("Enterprise name"),
        width=34,
        aliases=("企业名称", "单位名称", "企业全称", "名称", "企业", "name", "enterprise"),
        export=lambda row: row.enterprise.name,
    ),
    Column(
        "county",
        gettext_lazy("County"),
        width=14,
        aliases=("旗县", "旗县(市、区)", "旗县(市区)", "所在旗县", "县区", "区县"),
        export=lambda row: row.enterprise.county.display_name,
    ),
    Column(
        "date",
        gettext_lazy("Date"),
        width=12,
        parse=parse_date,
        aliases=("日期", "填报日期", "报告日期", "调度日期", "统计日期", "report date"),
        export=lambda row: row.period,
    ),
    Column(
        "status",
        gettext_lazy("Status"),
        width=12,
        parse=parse_status,
        aliases=("复工状态", "复工复产状态", "复工复产情况", "复工情况", "状态", "是否复工复产"),
        export=lambda row: Status(row.report.status).label if row.report else "",
    ),
    Column(
        "employees",
        gettext_lazy("Employees"),
        width=10,
        parse=parse_int,
        aliases=("员工总数", "员工人数", "职工人数", "职工总数", "从业人员", "从业人数", "员工数"),
        export=lambda row: row.report.employees if row.report else row.enterprise.employees,
    ),
    Column(
        "on_duty",
        gettext_lazy("Employees on duty"),
        width=10,
        parse=parse_int,
        aliases=("到岗人数", "返岗人数", "在岗人数", "到岗员工", "返岗员工", "复工人数", "到岗", "on duty"),
        export=lambda row: row.report.on_duty if row.report else "",
    ),
    Column(
        "capacity_pct",
        gettext_lazy("Capacity recovery %"),
        width=12,
        parse=parse_capacity,
        aliases=("产能恢复率", "产能恢复", "产能恢复率(%)", "产能恢复(%)", "产能利用率", "达产率", "capacity"),
        export=lambda row: export_capacity(row.report),
    ),
    Column(
        "note",
        gettext_lazy("Note"),
        width=30,
        parse=parse_note,
        aliases=("备注", "说明", "存在问题", "note", "remarks"),
        export=lambda row: row.report.note if row.own else "",
    ),
    Column(
        "state",
        gettext_lazy("Report state"),
        width=12,
        parse=parse_prefilled,
        aliases=("填报情况", "填报状态", "report state"),
        export=lambda row: row.state,
    ),
    Column(
        "version",
        gettext_lazy("Report version"),
        width=8,
        parse=parse_int,
        aliases=("报告版本", "版本", "version"),
        export=lambda row: row.report.version if row.own else 0,
        hidden=True,
    ),
]
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}
FIGURES = ("status", "on_duty", "capacity_pct")
# The service names a report's period "date" or "week"; in the sheet both are the date column.
SERVICE_FIELDS = {"date": "date", "week": "date", "version": "", "__all__": ""}


def kind_of(period_type: str) -> services.Kind:
    return services.WEEKLY if period_type == "weekly" else services.DAILY


def period_for(kind: services.Kind, day: date) -> date:
    return week_start(day) if kind is services.WEEKLY else day


# --- The template -------------------------------------------------------------------------------


@dataclass
class TemplateRow:
    enterprise: Enterprise
    period: date
    report: object  # the period's own report or the latest before it, or None

    @property
    def own(self) -> bool:
        """The report is of this period (filed), not one of an earlier period whose figures prefill the row."""
        return self.report is not None and self.period == (
            self.report.week if hasattr(self.report, "week") else self.report.date
        )

    @property
    def state(self) -> str:
        if self.own:
            return _("Filed")
        return _("Prefilled") if self.report is not None else ""


def template_rows(*, kind: services.Kind, enterprises: list[Enterprise], period: date) -> list[TemplateRow]:
    """Each enterprise with its report of the period, else its last report before: one query in all."""
    field_name = kind.period_field
    latest: dict[int, object] = {}
    ids = [e.pk for e in enterprises]
    for i in range(0, len(ids), 500):  # SQLite limits the parameters of one query
        reports = kind.model.objects.filter(enterprise_id__in=ids[i : i + 500], **{f"{field_name}__lte": period})
        for report in reports.order_by("enterprise_id", f"-{field_name}"):
            latest.setdefault(report.enterprise_id, report)
    return [TemplateRow(e, period, latest.get(e.pk)) for e in enterprises]


def status_sheet_rows() -> list[list]:
    return [[str(status.label), "、".join(names[:4])] for status, names in STATUS_ALIASES.items()]


# --- The import plan ----------------------------------------------------------------------------


class Action:
    CREATE = "created"
    UPDATE = "updated"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    PREFILLED = "prefilled"
    ERROR = "error"
    UNMATCHED = "unmatched"
    BLANK = "blank"

    SAVED = (CREATE, UPDATE)
    VALID = (CREATE, UPDATE, UNCHANGED)


@dataclass
class PlannedRow:
    number: int
    raw: dict
    credit_code: str = ""
    name: str = ""
    enterprise: Enterprise | None = None
    period: date | None = None
    values: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    warnings: list[dict] = field(default_factory=list)
    action: str = Action.ERROR
    version: int | None = None  # the report's version the row is based on; 0 when it did not exist
    sheet_version: int | None = None  # the version the template was made from, if the sheet says
    prefilled: bool = False  # the sheet still marks the row's figures as prefilled (预填)
    before: dict | None = None  # the stored report's values, for a row that would change it or conflicts

    def warn(self, column: str, message: str) -> None:
        self.warnings.append({"column": column, "message": message})

    def as_json(self) -> dict:
        return {
            "row": self.number,
            "raw": self.raw,
            "action": self.action,
            "credit_code": self.credit_code,
            "name": self.name,
            "enterprise_id": self.enterprise.pk if self.enterprise else None,
            "enterprise_name": self.enterprise.name if self.enterprise else "",
            "enterprise_code": self.enterprise.credit_code if self.enterprise else "",
            "period": self.period.isoformat() if self.period else None,
            "values": {k: str(v) if isinstance(v, Decimal) else v for k, v in self.values.items()},
            "before": self.before,
            "version": self.version,
            "errors": self.errors,
            "warnings": self.warnings,
        }


class Matcher:
    """The enterprises the user may file for, by credit code and by normalised name."""

    def __init__(self, user: User, rows: list[PlannedRow]):
        scope = access.fileable_enterprises(user)
        codes = sorted({p.credit_code for p in rows if p.credit_code})
        self.by_code: dict[str, Enterprise] = {}
        for i in range(0, len(codes), 500):
            for e in scope.filter(credit_code__in=codes[i : i + 500]).select_related("county"):
                self.by_code[e.credit_code] = e
        self.by_name: dict[str, list[int]] = defaultdict(list)
        self._scope = scope
        self._loaded: dict[int, Enterprise] = {e.pk: e for e in self.by_code.values()}
        if any(not p.credit_code or p.credit_code not in self.by_code for p in rows if p.name or p.credit_code):
            # Names are compared after normalising, so the whole scope's names are read once.
            for pk, name in scope.values_list("pk", "name"):
                self.by_name[name_key(name)].append(pk)

    def named(self, name: str) -> list[int]:
        return self.by_name.get(name_key(name), []) if name else []

    def load(self, pks: set[int]) -> None:
        missing = sorted(pks - self._loaded.keys())
        for i in range(0, len(missing), 500):
            for e in self._scope.filter(pk__in=missing[i : i + 500]).select_related("county"):
                self._loaded[e.pk] = e

    def get(self, pk: int) -> Enterprise:
        return self._loaded[pk]


def _plain(number: Decimal) -> Decimal:
    """65.0 as 65 and 0.50 as 0.5, never in exponent form (Decimal("80").normalize() prints 8E+1)."""
    return Decimal(format(number.normalize(), "f"))


def check_columns(table) -> None:
    """A sheet must name the enterprise and give the status; otherwise it is not a report sheet."""
    found = {c.key for c in table.columns}
    missing = []
    if not found & {"credit_code", "name"}:
        missing.append(f"{COLUMNS_BY_KEY['credit_code'].label} / {COLUMNS_BY_KEY['name'].label}")
    if "status" not in found:
        missing.append(str(COLUMNS_BY_KEY["status"].label))
    if missing:
        raise SheetError(
            _("No header row with the required columns was found; missing: %(columns)s. See the template.")
            % {"columns": "、".join(missing)}
        )


@dataclass
class CapacityHabits:
    """How the sheet's capacity column writes its numbers, seen as a whole (docs/dispatch.md)."""

    per_cents: bool = False  # an unsigned number above 1
    fractions: bool = False  # an unsigned number between 0 and 1
    signed_above_one: bool = False

    def see(self, cell) -> None:
        if not isinstance(cell, Percent):
            return
        if cell.signed:
            self.signed_above_one |= cell.number > 1
        else:
            self.per_cents |= cell.number > 1
            self.fractions |= 0 < cell.number < 1


def _interpret_capacity(planned: list[PlannedRow], parsed: dict[int, dict], habits: CapacityHabits) -> None:
    """Turn each Percent into a per cent, looking at the column as a whole."""
    # Per cents above 1 elsewhere in the column, with or without the sign, make a bare fraction doubtful.
    mixed = habits.per_cents or habits.signed_above_one
    for p in planned:
        cell = parsed[p.number].get("capacity_pct")
        if not isinstance(cell, Percent):
            continue
        number = cell.number
        if not cell.signed and 0 < number < 1:
            number *= 100
            if mixed:
                p.warn(
                    "capacity_pct",
                    _("%(value)s was read as %(pct)s%%; write %(value)s%% if less than one per cent was meant.")
                    % {"value": _plain(cell.number), "pct": _plain(number)},
                )
        elif not cell.signed and number == 1 and not habits.per_cents:
            number = Decimal(100)
            if not habits.fractions:
                p.warn("capacity_pct", _("1 was read as 100%; write 1% if one per cent was meant."))
        if number != number.quantize(ONE_DECIMAL) and number.is_finite():
            rounded = number.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
            p.warn(
                "capacity_pct",
                _("%(value)s%% was rounded to %(rounded)s%%.") % {"value": number.normalize(), "rounded": rounded},
            )
            number = rounded
        parsed[p.number]["capacity_pct"] = _plain(number)


def _match(p: PlannedRow, matcher: Matcher) -> int | None:
    if p.credit_code:
        found = matcher.by_code.get(p.credit_code)
        if found is not None:
            if p.name and name_key(p.name) != name_key(found.name):
                p.warn("name", _("The registered name is %(name)s.") % {"name": found.name})
            return found.pk
        message = _("No enterprise you may report for has the credit code %(code)s.") % {"code": p.credit_code}
        named = matcher.named(p.name)
        if len(named) == 1:
            matcher.load(set(named))
            other = matcher.get(named[0])
            message += " " + _("The name matches %(name)s, whose credit code is %(code)s.") % {
                "name": other.name,
                "code": other.credit_code,
            }
        p.errors.setdefault("credit_code", message)
        p.action = Action.UNMATCHED
        return None
    named = matcher.named(p.name)
    if len(named) > 1:
        p.errors.setdefault(
            "name", _("Several enterprises are called %(name)s; give the credit code.") % {"name": p.name}
        )
        return None
    if not named:
        if p.name:
            p.errors.setdefault("name", _("No enterprise you may report for is called %(name)s.") % {"name": p.name})
        else:
            p.errors.setdefault("", _("Give the credit code or the name of the enterprise."))
        p.action = Action.UNMATCHED
        return None
    return named[0]


def _blank(values: dict, errors: dict) -> bool:
    return all(values.get(key) is None for key in FIGURES) and not any(k in errors for k in FIGURES)


def _blank_cell(cell) -> bool:
    # As parse_row sees it: a blank cell is neither a value nor an error.
    return cell is None or (isinstance(cell, str) and not cell.strip())


@dataclass
class Scan:
    """What the whole sheet says that one chunk of it cannot: the capacity column's habits, and the rows
    that name one enterprise and period twice (sheet row -> the other rows)."""

    capacity: CapacityHabits
    duplicates: dict[int, list[int]]


def scan_sheet(*, user: User, kind: services.Kind, rows, default_date: date) -> Scan:
    """A first pass over the sheet: only codes, names and dates are kept, then matched in bulk."""
    capacity = CapacityHabits()
    seen: list[tuple[int, str, str, date]] = []
    for row in rows:
        values = row.values
        capacity.see(values.get("capacity_pct"))
        if any(not _blank_cell(row.raw.get(key)) for key in FIGURES):
            day = values.get("date") or default_date
            code = values.get("credit_code") or ""
            cell = row.raw.get("name")  # raw: a formula cell without its result is not text
            name = parse_text(cell) if not code and isinstance(cell, str | int | float) else ""
            seen.append((row.number, code, name, day))
    scope = access.fileable_enterprises(user)
    codes = sorted({code for _n, code, _name, _d in seen if code})
    by_code: dict[str, int] = {}
    for i in range(0, len(codes), 500):  # SQLite limits the parameters of one query
        by_code.update(scope.filter(credit_code__in=codes[i : i + 500]).values_list("credit_code", "pk"))
    by_name: dict[str, list[int]] = defaultdict(list)
    if any(not code or code not in by_code for _n, code, _name, _d in seen):
        for pk, name in scope.values_list("pk", "name"):
            by_name[name_key(name)].append(pk)
    keys: dict[tuple[int, date], list[int]] = defaultdict(list)
    for number, code, name, day in seen:
        named = by_name.get(name_key(name), []) if name and not code else []
        pk = by_code.get(code) if code else (named[0] if len(named) == 1 else None)
        if pk is not None:
            keys[pk, period_for(kind, day)].append(number)
    duplicates = {n: [m for m in numbers if m != n] for numbers in keys.values() if len(numbers) > 1 for n in numbers}
    return Scan(capacity=capacity, duplicates=duplicates)


def plan_import(
    *,
    user: User,
    kind: services.Kind,
    rows: list[Row],
    default_date: date,
    today: date | None = None,
    scan: Scan | None = None,
) -> list[PlannedRow]:
    """Decide every row: matched to which enterprise and period, and what the service would do; nothing is saved.

    `scan` (scan_sheet()) is given when `rows` is one chunk of a larger sheet; without it `rows` is the sheet.
    """
    if scan is None:
        scan = scan_sheet(user=user, kind=kind, rows=rows, default_date=default_date)
    planned = []
    parsed: dict[int, dict] = {}
    for row in rows:
        p = PlannedRow(number=row.number, raw=row.raw, errors=dict(row.errors))
        p.credit_code = row.values.get("credit_code") or ""
        p.name = row.values.get("name") or ""
        p.sheet_version = row.values.get("version")
        p.prefilled = bool(row.values.get("state"))
        parsed[row.number] = dict(row.values)
        planned.append(p)
    _interpret_capacity(planned, parsed, scan.capacity)
    matcher = Matcher(user, planned)
    matched: dict[int, int] = {}
    for p in planned:
        values = parsed[p.number]
        if _blank(values, p.errors):
            p.action = Action.BLANK  # a row of the template left as it came: nothing to file
            continue
        pk = _match(p, matcher)
        if pk is not None:
            matched[p.number] = pk
        p.period = period_for(kind, values.get("date") or default_date)
        p.values = {key: values.get(key) for key in kind.fields}
        p.values["note"] = p.values.get("note") or ""
    matcher.load(set(matched.values()))
    for p in planned:
        if p.number in matched:
            p.enterprise = matcher.get(matched[p.number])
            others = scan.duplicates.get(p.number)
            if others:
                p.errors.setdefault(
                    "",
                    _("The same enterprise and date are on row %(rows)s; keep one row.")
                    % {"rows": ", ".join(map(str, others))},
                )
    sheet_columns = {key for row in rows[:1] for key in row.raw}
    _fill_from_reports(kind, [p for p in planned if p.enterprise is not None], notes="note" not in sheet_columns)
    _dry_run(user, kind, [p for p in planned if p.enterprise is not None and not p.errors], today)
    for p in planned:
        if p.errors and p.action not in (Action.UNMATCHED, Action.CONFLICT):
            p.action = Action.ERROR
    return planned


def _fill_from_reports(kind: services.Kind, planned: list[PlannedRow], *, notes: bool) -> None:
    """Fill what the sheet leaves out from the reports, and find the rows still as the template prefilled them.

    A blank or missing headcount is taken from the last report, else the registry, as the form prefills
    it; a sheet without a note column keeps each report's note; a row the template marked as prefilled
    whose figures are still those of the earlier report it was prefilled from is not confirmed.
    """
    wanted = [p for p in planned if notes or p.prefilled or p.values.get("employees") is None]
    if not wanted:
        return
    last = template_rows(kind=kind, enterprises=[p.enterprise for p in wanted], period=max(p.period for p in wanted))
    reports = {row.enterprise.pk: row.report for row in last}
    earlier = {}
    marked = [p for p in wanted if p.prefilled]
    if marked:
        day_before = min(p.period for p in marked) - timedelta(days=1)
        rows = template_rows(kind=kind, enterprises=[p.enterprise for p in marked], period=day_before)
        earlier = {row.enterprise.pk: row.report for row in rows}
    for p in wanted:
        report = reports.get(p.enterprise.pk)
        period = kind.period_of(report) if report is not None else None
        if p.values.get("employees") is None:
            p.values["employees"] = (
                report.employees if period is not None and period <= p.period else p.enterprise.employees
            )
        if notes and period == p.period:
            p.values["note"] = report.note
        source = earlier.get(p.enterprise.pk)
        if p.prefilled and source is not None and kind.period_of(source) < p.period:
            prefill = {**services._stored(kind, source), "note": ""}
            p.prefilled = services._same(kind, services._normal(kind, prefill), services._normal(kind, p.values))
        else:
            p.prefilled = False


def _items(planned: list[PlannedRow], *, base_versions: bool) -> list[services.Item]:
    return [
        services.Item(
            subject=p.enterprise,
            period=p.period,
            values=p.values,
            base_version=p.version if base_versions else p.sheet_version,
        )
        for p in planned
    ]


def _column(name: str) -> str:
    if name in COLUMNS_BY_KEY:
        return name
    return SERVICE_FIELDS.get(name, "")


def _put_errors(p: PlannedRow, errors: dict) -> None:
    for name, messages in errors.items():
        column = _column(name)
        text = " ".join(str(m) for m in messages)
        p.errors[column] = f"{p.errors[column]} {text}" if column in p.errors else text


def _dry_run(user: User, kind: services.Kind, planned: list[PlannedRow], today: date | None) -> None:
    """What the service would do with each row, based on the version the template was made from (if known)."""
    if not planned:
        return
    outcomes = services.reports_save(
        actor=user,
        kind=kind,
        items=_items(planned, base_versions=False),
        source=Source.EXCEL,
        today=today,
        dry_run=True,
    )
    for p, outcome in zip(planned, outcomes, strict=True):
        if outcome.result == "conflict":
            current = outcome.current
            p.version = current["version"]
            if _same_as_current(kind, p.values, current):
                p.action = Action.UNCHANGED  # saved meanwhile with these very values, e.g. this file before
            elif p.prefilled:
                p.action, p.version = Action.PREFILLED, p.sheet_version  # reported since: left as it is
            else:
                p.action = Action.CONFLICT
                p.before = {name: current[name] for name in kind.fields}
                p.errors[""] = _(
                    "This report was changed (now version %(v)d) after the template was made; the sheet and the "
                    "report are shown side by side. Download the template again to change it."
                ) % {"v": current["version"]}
            continue
        if not outcome.ok:
            _put_errors(p, outcome.errors)
            continue
        p.action = outcome.result
        if outcome.result == Action.CREATE:
            p.version = 0  # at commit, a report someone filed meanwhile is a conflict, not overwritten
        elif outcome.result == Action.UPDATE:
            p.version = outcome.report.version - 1  # the dry run counted the version up in memory
            p.before = outcome.before
        else:
            p.version = outcome.report.version
        if p.prefilled and outcome.result in Action.SAVED:
            p.action = Action.PREFILLED  # figures copied from an earlier period: filed only when asked
        if outcome.result in Action.SAVED:
            for warning in outcome.warnings:
                p.warn(_column(warning["field"]), warning["message"])


# --- The import flow (fugong.core.imports) -----------------------------------------------------


class ReportImporter(Importer):
    """Daily or weekly reports in the one import flow; options: {"date": the upload's default date}."""

    columns = COLUMNS
    counted = (
        (Action.CREATE, gettext_lazy("To file")),
        (Action.UPDATE, gettext_lazy("To update")),
        (Action.UNCHANGED, gettext_lazy("Unchanged")),
        (Action.CONFLICT, gettext_lazy("Changed since the template")),
        (Action.PREFILLED, gettext_lazy("Prefilled, not confirmed")),
        (Action.ERROR, gettext_lazy("Rows with errors")),
        (Action.UNMATCHED, gettext_lazy("Matched no enterprise")),
        (Action.BLANK, gettext_lazy("Left blank")),
    )
    writes = Action.SAVED
    committed = Action.VALID
    optional = {Action.PREFILLED: gettext_lazy("Prefilled, not confirmed")}
    refused = (Action.ERROR, Action.UNMATCHED, Action.CONFLICT)
    template = "dispatch/excel_preview.html"
    # The first pass parses only these; a blank row is seen from its raw cells, a name only where a row has no code.
    scan_keys = {"credit_code", "date", "capacity_pct"}

    def __init__(self, kind: services.Kind):
        self.report_kind = kind
        self.kind = f"dispatch.{kind.name}"

    def check_table(self, table) -> None:
        check_columns(table)

    def scan(self, *, user, rows, options) -> Scan:
        return scan_sheet(user=user, kind=self.report_kind, rows=rows, default_date=date.fromisoformat(options["date"]))

    def plan_chunk(self, *, user, rows, scan, options) -> list[dict]:
        day = date.fromisoformat(options["date"])
        planned = plan_import(user=user, kind=self.report_kind, rows=rows, default_date=day, scan=scan)
        return [p.as_json() for p in planned]

    def commit_chunk(self, *, user, rows) -> dict:
        return commit(user=user, kind=self.report_kind, stored=rows).as_json()

    def display(self, rows: list[dict]) -> None:
        """Each row's figures as shown, with the stored report's beside them where they differ."""
        for r in rows:
            values, before = r.get("values") or {}, r.get("before") or {}
            r["cells"] = [_cell(key, values, before) for key in self.report_kind.fields] if values else []


def _cell(key: str, values: dict, before: dict) -> tuple:
    """(key, label, the row's value, the stored value, whether they differ), as the preview's cells show them."""
    after, stored = _shown(key, values.get(key)), _shown(key, before.get(key))
    return key, COLUMNS_BY_KEY[key].label, after, stored, key in before and stored != after


def _shown(key: str, value) -> str:
    if value is None or value == "":
        return ""
    if key == "status":
        return str(Status(value).label)
    if key == "capacity_pct":
        return f"{_plain(Decimal(str(value)))}%"
    return str(value)


IMPORTERS = {kind.name: ReportImporter(kind) for kind in (services.DAILY, services.WEEKLY)}


# --- Commit -------------------------------------------------------------------------------------


@dataclass
class CommitResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, "failed": self.failed}


def commit(*, user: User, kind: services.Kind, stored: list[dict]) -> CommitResult:
    """Save the rows the preview found valid and changing something, each based on the version then seen.

    Prefilled rows come here only when the user chose to file them as well.
    """
    result = CommitResult()
    wanted = [item for item in stored if item["action"] in (*Action.SAVED, Action.PREFILLED)]
    result.unchanged = sum(1 for item in stored if item["action"] == Action.UNCHANGED)
    # The scope again: the user may have lost an area since the preview.
    ids = sorted({item["enterprise_id"] for item in wanted})
    enterprises: dict[int, Enterprise] = {}
    for i in range(0, len(ids), 500):
        enterprises.update(access.fileable_enterprises(user).in_bulk(ids[i : i + 500]))
    planned = []
    for item in wanted:
        enterprise = enterprises.get(item["enterprise_id"])
        if enterprise is None:
            result.failed.append(
                {"row": item["row"], "column": "", "message": _("This enterprise is no longer in your area.")}
            )
            continue
        values = dict(item["values"])
        if values.get("capacity_pct") is not None:
            values["capacity_pct"] = Decimal(values["capacity_pct"])
        planned.append(
            PlannedRow(
                number=item["row"],
                raw=item["raw"],
                enterprise=enterprise,
                period=date.fromisoformat(item["period"]),
                values=values,
                version=item["version"],
            )
        )
    if planned:
        outcomes = services.reports_save(
            actor=user, kind=kind, items=_items(planned, base_versions=True), source=Source.EXCEL
        )
    else:
        outcomes = []
    for p, outcome in zip(planned, outcomes, strict=True):
        if outcome.result == "conflict" and _same_as_current(kind, p.values, outcome.current):
            result.unchanged += 1  # the same values were saved meanwhile, e.g. by the same file uploaded twice
        elif outcome.result == "conflict":
            result.failed.append(
                {
                    "row": p.number,
                    "column": "",
                    "message": _(
                        "Someone else changed this report (now version %(v)d) after your preview; upload again."
                    )
                    % {"v": outcome.current["version"]},
                }
            )
        elif not outcome.ok:
            for name, messages in outcome.errors.items():
                result.failed.append(
                    {"row": p.number, "column": _column(name), "message": " ".join(map(str, messages))}
                )
        elif outcome.result == Action.CREATE:
            result.created += 1
        elif outcome.result == Action.UPDATE:
            result.updated += 1
        else:
            result.unchanged += 1
    result.failed.sort(key=lambda f: f["row"])
    return result


def _same_as_current(kind: services.Kind, values: dict, current: dict | None) -> bool:
    if not current:
        return False
    for name in kind.fields:
        a, b = values.get(name), current.get(name)
        if name == "capacity_pct":
            if Decimal(str(a)) != Decimal(str(b)):
                return False
        elif (a or "") != (b or "") if name == "note" else a != b:
            return False
    return True
