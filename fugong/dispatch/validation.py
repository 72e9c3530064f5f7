"""The checks every report passes, whichever way it comes in (form, grid, Excel, API).

Errors refuse the report and name the field; warnings accept it and flag it for the league's
review. docs/dispatch.md lists every rule.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fugong.core import bounds
from fugong.dispatch.models import ProjectStatus, Status

# A move of more than this share between two consecutive reports is flagged.
JUMP_RATIO = Decimal("0.5")
# Identical figures for this many reports in a row are flagged as possibly copied forward.
UNCHANGED_REPORTS = 7
MAX_CAPACITY = Decimal(200)
# Beyond any one enterprise or site; the limits also keep figures inside the database's columns,
# so an absurd number is refused with a reason instead of failing the save.
MAX_HEADCOUNT = 1_000_000
MAX_INVESTMENT_WEEK = Decimal(100_000_000)  # 10k yuan: a trillion yuan in one week


@dataclass
class Checked:
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[dict] = field(default_factory=list)

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def warn(self, name: str, code: str, **params) -> None:
        """Stored with its parameters, so that each reader sees it in their own language (`warning_text`)."""
        params = {k: str(v) if isinstance(v, Decimal) else v for k, v in params.items()}
        self.warnings.append({"field": name, "code": code, "message": _text(code, params), "params": params})


WARNING_TEXTS = {
    "capacity_above_100": gettext_noop("Capacity recovery above 100%: check it is not a typing error."),
    "on_duty_jump": gettext_noop("Employees on duty moved from %(a)s to %(b)s since the last report."),
    "capacity_jump": gettext_noop("Capacity recovery moved from %(a)s%% to %(b)s%% since the last report."),
    "status_back": gettext_noop("The status went back since the last report."),
    "employees_jump": gettext_noop("The headcount changed by more than half since the last report."),
    "unchanged": gettext_noop("The same figures for %(n)d reports in a row: check they are not copied forward."),
    "no_workers": gettext_noop("The project is under way with nobody on site."),
    "workers_jump": gettext_noop("Workers on site moved from %(a)s to %(b)s since the last report."),
}


def _text(code: str, params: dict) -> str:
    text = _(WARNING_TEXTS[code])
    return text % params if params else text


def warning_text(warning: dict) -> str:
    """A stored warning in the active language; one stored before parameters were kept keeps its text."""
    code, params = warning.get("code") or "", warning.get("params")
    needs_params = "%(" in WARNING_TEXTS.get(code, "")
    if code not in WARNING_TEXTS or (needs_params and not params):
        return warning.get("message", "")
    try:
        return _text(code, params or {})
    except (KeyError, TypeError, ValueError):
        return warning.get("message", "")


def _period_errors(checked: Checked, *, period: date, today: date, locked: bool, weekly: bool) -> None:
    if weekly and period.weekday() != 0:
        checked.error("week", _("A week is given by its Monday; %(day)s is not a Monday.") % {"day": period})
    if period > today:
        checked.error("date", _("%(day)s is in the future.") % {"day": period})
    if locked:
        checked.error(
            "date", _("The reports of %(day)s are locked by the league; ask it to unlock first.") % {"day": period}
        )


def _implausible(limit) -> str:
    return _("More than %(limit)s: not a plausible figure; check the unit and the digits.") % {"limit": f"{limit:,}"}


def _moved(before, after) -> bool:
    before, after = Decimal(before), Decimal(after)
    if before == 0:
        return after > 0 and after >= 10
    return abs(after - before) / before > JUMP_RATIO


def check_report(
    *,
    values: dict,
    period: date,
    today: date,
    locked: bool,
    weekly: bool = False,
    previous: dict | None = None,
    unchanged_run: int = 0,
) -> Checked:
    """`values`: status, employees, on_duty, capacity_pct (Decimal), note. `previous`: the last report's values."""
    checked = Checked()
    _period_errors(checked, period=period, today=today, locked=locked, weekly=weekly)
    status, employees, on_duty, capacity = [
        cast(Any, values.get(k)) for k in ("status", "employees", "on_duty", "capacity_pct")
    ]
    if status not in Status.values:
        checked.error("status", _("Choose a status: not resumed, work resumed or production resumed."))
    for name, value in (("employees", employees), ("on_duty", on_duty), ("capacity_pct", capacity)):
        if value is None:
            checked.error(name, _("This figure is required."))
        elif value < 0:
            checked.error(name, _("This figure cannot be negative."))
        elif name != "capacity_pct" and value > MAX_HEADCOUNT:
            checked.error(name, _implausible(MAX_HEADCOUNT))
    if checked.errors.keys() & {"employees", "on_duty", "capacity_pct"}:
        return checked
    if employees == 0:
        checked.error("employees", _("An enterprise under dispatch has at least one employee."))
    if on_duty > employees:
        checked.error(
            "on_duty",
            _("Employees on duty (%(on)d) exceed the employees (%(all)d).") % {"on": on_duty, "all": employees},
        )
    if capacity > MAX_CAPACITY:
        checked.error("capacity_pct", _("Capacity recovery must be between 0 and 200%."))
    elif capacity != capacity.quantize(Decimal("0.1")):
        checked.error("capacity_pct", _("Give capacity recovery to at most one decimal place."))
    if status == Status.NOT_RESUMED:
        if on_duty > 0:
            checked.error(
                "on_duty", _("An enterprise that has not resumed has nobody on duty; change the status or the figure.")
            )
        if capacity > 0:
            checked.error("capacity_pct", _("An enterprise that has not resumed has no capacity running."))
    if status == Status.PRODUCTION_RESUMED:
        if on_duty == 0:
            checked.error("on_duty", _("Production has resumed, so someone is on duty."))
        if capacity == 0:
            checked.error("capacity_pct", _("Production has resumed, so capacity recovery is above 0."))
    if status == Status.WORK_RESUMED and on_duty == 0:
        checked.error("on_duty", _("Work has resumed, so someone is on duty."))
    if len(values.get("note") or "") > 500:
        checked.error("note", _("The note is longer than 500 characters."))
    elif problem := bounds.text_problem(values.get("note"), max_length=500, multiline=True):
        checked.error("note", problem)
    if checked.errors:
        return checked
    if capacity > 100:
        checked.warn("capacity_pct", "capacity_above_100")
    if previous:
        if _moved(previous["on_duty"], on_duty):
            checked.warn("on_duty", "on_duty_jump", a=previous["on_duty"], b=on_duty)
        if _moved(previous["capacity_pct"], capacity):
            checked.warn("capacity_pct", "capacity_jump", a=previous["capacity_pct"], b=capacity)
        order = Status.values
        if previous["status"] in order and order.index(status) < order.index(previous["status"]):
            checked.warn("status", "status_back")
        if previous["employees"] != employees and _moved(previous["employees"], employees):
            checked.warn("employees", "employees_jump")
    if unchanged_run + 1 >= UNCHANGED_REPORTS:
        checked.warn("status", "unchanged", n=unchanged_run + 1)
    return checked


def check_project_report(
    *, values: dict, period: date, today: date, locked: bool, previous: dict | None = None
) -> Checked:
    checked = Checked()
    _period_errors(checked, period=period, today=today, locked=locked, weekly=True)
    status, workers, investment = [cast(Any, values.get(k)) for k in ("status", "workers_on_site", "investment_week")]
    if status not in ProjectStatus.values:
        checked.error("status", _("Choose a status: not started, started or resumed."))
    for name, value, limit in (
        ("workers_on_site", workers, MAX_HEADCOUNT),
        ("investment_week", investment, MAX_INVESTMENT_WEEK),
    ):
        if value is None:
            checked.error(name, _("This figure is required."))
        elif value < 0:
            checked.error(name, _("This figure cannot be negative."))
        elif value > limit:
            checked.error(name, _implausible(limit))
    if problem := bounds.text_problem(values.get("note"), max_length=500, multiline=True):
        checked.error("note", problem)
    if checked.errors:
        return checked
    if investment != investment.quantize(Decimal("0.01")):
        checked.error("investment_week", _("Give the investment to at most two decimal places (10k yuan)."))
        return checked
    if status == ProjectStatus.NOT_STARTED and workers > 0:
        checked.error("workers_on_site", _("A project that has not started has no workers on site."))
    if status != ProjectStatus.NOT_STARTED and workers == 0:
        checked.warn("workers_on_site", "no_workers")
    if previous and _moved(previous["workers_on_site"], workers):
        checked.warn("workers_on_site", "workers_jump", a=previous["workers_on_site"], b=workers)
    return checked
