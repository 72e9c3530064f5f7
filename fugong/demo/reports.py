"""The demo's reports: daily and weekly, 2020-02-03 to 2020-03-31, along a resumption curve.

Planned in plain Python from the seed (`make_report_plan`), then written through `dispatch.services.reports_save`,
batch by batch in the order they were filed. The plan is calibrated so that, as of 2020-02-22, exactly 1,792
above-scale enterprises have production resumed and 687,000 of their 1,065,116 employees are on duty (seed
document); `build_reports` checks this on the plan and refuses to write anything else.

Two rules of the validation shape the curves: a figure that moves by more than half between two reports is
flagged, and so is a move from 0 to 10 or more. A resuming enterprise therefore sends a vanguard of fewer than ten
people first and grows by at most half a report; only a few planted typing errors trip the warnings.
"""

import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from fugong.demo import data as d
from fugong.demo.plan import EnterpriseRow, Plan, ProjectRow, calibrate

if TYPE_CHECKING:
    from fugong.demo.steps import Context

FIRST_DAY = date(2020, 2, 3)
LAST_DAY = date(2020, 3, 31)
HEADLINE_DAY = date(2020, 2, 22)
HEADLINE_RESUMED = 1792
HEADLINE_ON_DUTY = 687_000
# Coal mines, power and heat, coking, chemicals and metals cannot simply stop: most ran through the festival.
CONTINUOUS = frozenset({"06", "44", "25", "26", "31", "32"})
TZ = ZoneInfo("Asia/Shanghai")
DAYS = [FIRST_DAY + timedelta(days=n) for n in range((LAST_DAY - FIRST_DAY).days + 1)]
WEEKS = DAYS[::7]  # Mondays: FIRST_DAY is one
HEADLINE_T = (HEADLINE_DAY - FIRST_DAY).days
VANGUARD_MAX = 9  # a move from nobody to ten or more is flagged

# Share of enterprises with production resumed by day t (days after FIRST_DAY), for those not running on day 0.
RESUME_CURVE = [(4, 0.0), (9, 0.1), (13, 0.2), (19, 0.38), (26, 0.6), (33, 0.77), (40, 0.84), (50, 0.88), (57, 0.9)]
PARK_CURVE = [(9, 0.0), (16, 0.12), (23, 0.3), (30, 0.5), (37, 0.64), (44, 0.75), (57, 0.86)]
# Propensities (share of enterprises, rate): most report every day on time, a few are often late or silent.
MISSING_RATES = [(0.75, 0.01), (0.2, 0.06), (0.05, 0.18)]
LATE_RATES = [(0.7, 0.02), (0.25, 0.1), (0.05, 0.25)]
# Filing moments (days after the period, hour) and their weights; the last two are after the deadline.
DAILY_MOMENTS = [((0, 17), 0.3), ((0, 20), 0.35), ((1, 8), 0.2), ((1, 9), 0.15)]
DAILY_LATE_MOMENTS = [(1, 11), (1, 15)]
WEEKLY_MOMENTS = [((4, 16), 0.4), ((6, 20), 0.35), ((7, 10), 0.25)]
WEEKLY_LATE_MOMENTS = [(7, 15), (8, 10)]

NOTES_WAITING = [
    "等待属地复工审批",
    "外地员工尚在隔离观察期",
    "原料尚未到厂",
    "防疫物资准备中",
    "订单不足，暂缓复工",
    "运输道路受限，产品无法外运",
    "正在制定复工防疫方案",
]
NOTES_STARTING = ["设备检修调试中", "员工分批返岗", "等待原料到厂后复产", "试生产准备中", "厂区消杀完成，准备复产"]


@dataclass
class ReportRow:
    subject: str  # credit code, or project name
    period: date
    values: dict
    filed_at: datetime
    late: bool


@dataclass
class ReportPlan:
    daily: list[ReportRow]
    weekly: list[ReportRow]
    project: list[ReportRow]
    missing: Counter = field(default_factory=Counter)  # kind -> periods owed and not reported
    planted: Counter = field(default_factory=Counter)  # warnings planted on purpose, by kind of error


@dataclass(frozen=True)
class Figures:
    in_scope: int
    resumed: int
    employees: int
    on_duty: int
    reported: int  # reports for that very day

    @property
    def resumption_rate(self) -> float:
        return self.resumed / self.in_scope if self.in_scope else 0.0

    @property
    def on_duty_rate(self) -> float:
        return self.on_duty / self.employees if self.employees else 0.0


def as_of(rows: list[ReportRow], enterprises: list[EnterpriseRow], day: date) -> Figures:
    """The headline figures of DESIGN.md (latest report on or before the day, carried forward) over planned rows."""
    latest: dict[str, ReportRow] = {}
    for row in rows:
        if row.period <= day and (row.subject not in latest or latest[row.subject].period < row.period):
            latest[row.subject] = row
    resumed = employees = on_duty = reported = 0
    for e in enterprises:
        found = latest.get(e.credit_code)
        if found is None:
            employees += e.employees
            continue
        resumed += found.values["status"] == "production_resumed"
        employees += found.values["employees"]
        on_duty += found.values["on_duty"]
        reported += found.period == day
    return Figures(len(enterprises), resumed, employees, on_duty, reported)


def headline_targets(above: list[EnterpriseRow]) -> tuple[int, int]:
    """The seed's 1,792 and 687,000 at full size; the same shares of a smaller demo."""
    n, employees = len(above), sum(e.employees for e in above)
    if n == d.ABOVE_SCALE_TOTAL and employees == d.EMPLOYEES_TOTAL:
        return HEADLINE_RESUMED, HEADLINE_ON_DUTY
    return round(HEADLINE_RESUMED * n / d.ABOVE_SCALE_TOTAL), round(HEADLINE_ON_DUTY * employees / d.EMPLOYEES_TOTAL)


def _pick(rng: random.Random, shares: list[tuple[float, float]]) -> float:
    return rng.choices([rate for _, rate in shares], [share for share, _ in shares])[0]


def _from_curve(rng: random.Random, curve: list[tuple[int, float]]) -> int | None:
    """A day drawn from a cumulative curve given by knots; None past its end."""
    u = rng.random()
    for (t0, f0), (t1, f1) in zip(curve, curve[1:], strict=False):
        if u <= f1:
            return round(t0 + (t1 - t0) * (u - f0) / (f1 - f0))
    return None


def _ramp(t: float, start: float, end: float, days: float) -> float:
    return start + (end - start) * min(1.0, max(0.0, t / days))


@dataclass
class _Curve:
    """One enterprise's way back: first day of work (w) and of production (p), in days after FIRST_DAY."""

    w: int | None
    p: int | None
    share0: float
    share1: float
    share_days: float
    cap0: float
    cap1: float
    cap_days: float
    vanguard: int
    growth: float
    notes: list[str]

    def values(self, rng: random.Random, t: int, employees: int, index: int) -> dict:
        if self.w is None or t < self.w:
            return _values("not_resumed", employees, 0, Decimal(0), self.notes[(index // 3) % len(self.notes)])
        since = t - self.w
        share = _ramp(since, self.share0, self.share1, self.share_days)
        on_duty = min(share * employees, self.vanguard * self.growth**since) * rng.uniform(0.985, 1.015)
        on_duty = max(1, min(employees, round(on_duty)))
        if self.p is None or t < self.p:
            note = NOTES_STARTING[(index // 2 + self.vanguard) % len(NOTES_STARTING)]
            return _values("work_resumed", employees, on_duty, Decimal(0), note)
        since = t - self.p
        ramp = min(_ramp(since, self.cap0, self.cap1, self.cap_days), 6 * self.growth**since)
        capacity = min(Decimal("99.9"), max(Decimal("0.1"), Decimal(f"{ramp + rng.uniform(-0.8, 0.8):.1f}")))
        return _values("production_resumed", employees, on_duty, capacity, "")


def _values(status: str, employees: int, on_duty: int, capacity: Decimal, note: str) -> dict:
    return {"status": status, "employees": employees, "on_duty": on_duty, "capacity_pct": capacity, "note": note}


class _Planner:
    def __init__(self, plan: Plan, seed: int):
        self.plan = plan
        self.seed = seed

    def rng(self, stream: str) -> random.Random:
        return random.Random(f"{self.seed}:reports:{stream}")

    # Curves.

    def daily_curve(self, rng: random.Random, e: EnterpriseRow) -> _Curve:
        notes = rng.sample(NOTES_WAITING, 3)
        growth = rng.uniform(1.38, 1.5)
        vanguard = min(e.employees, rng.randint(4, VANGUARD_MAX))
        if e.industry in CONTINUOUS and rng.random() < 0.88:
            # Running through the festival on a skeleton staff, filling up as people come back.
            return _Curve(
                w=-30, p=-30,
                share0=rng.uniform(0.76, 0.92), share1=rng.uniform(0.9, 0.97), share_days=rng.uniform(15, 30),
                cap0=rng.uniform(50, 85), cap1=rng.uniform(85, 97), cap_days=rng.uniform(20, 40),
                vanguard=e.employees, growth=1.5, notes=notes,
            )  # fmt: skip
        # Large and medium enterprises came back first.
        curve = RESUME_CURVE
        if e.size_class in ("large", "medium"):
            curve = [(t, min(1.0, f * 1.25)) for t, f in RESUME_CURVE]
        p = _from_curve(rng, curve)
        w = None if p is None and rng.random() < 0.5 else (p if p is not None else 57) - rng.randint(1, 5)
        if w is not None and w > 57:
            w = None
        return _Curve(
            w=w, p=p, share0=rng.uniform(0.6, 0.8), share1=rng.uniform(0.86, 0.95), share_days=rng.uniform(10, 25),
            cap0=rng.uniform(25, 50), cap1=rng.uniform(80, 96), cap_days=rng.uniform(15, 35),
            vanguard=vanguard, growth=growth, notes=notes,
        )  # fmt: skip

    def park_curve(self, rng: random.Random, e: EnterpriseRow) -> _Curve:
        p = _from_curve(rng, PARK_CURVE)
        w = None if p is None else p - rng.randint(1, 6)
        return _Curve(
            w=w, p=p, share0=rng.uniform(0.3, 0.6), share1=rng.uniform(0.8, 0.97), share_days=rng.uniform(14, 35),
            cap0=rng.uniform(20, 45), cap1=rng.uniform(70, 95), cap_days=rng.uniform(20, 40),
            vanguard=min(e.employees, rng.randint(2, VANGUARD_MAX)), growth=1.5, notes=rng.sample(NOTES_WAITING, 3),
        )  # fmt: skip

    # Who files when.

    def filing(
        self, rng, periods, missing_rate, late_rate, moments, late_moments
    ) -> dict[date, tuple[int, int] | None]:
        out: dict[date, tuple[int, int] | None] = {}  # (days after the period, hour) of each filing
        for period in periods:
            if rng.random() < missing_rate:
                out[period] = None
                continue
            if rng.random() < late_rate:
                offset, hour = rng.choice(late_moments)
            else:
                offset, hour = rng.choices([m for m, _ in moments], [w for _, w in moments])[0]
            out[period] = (offset, hour)
        return out

    @staticmethod
    def moment(period: date, offset_hour: tuple[int, int], minutes: dict) -> datetime:
        offset, hour = offset_hour
        minute = minutes.setdefault((period, offset_hour), (period.toordinal() * 37 + hour * 11) % 60)
        return datetime.combine(period + timedelta(days=offset), time(hour, minute), tzinfo=TZ)

    # The plan.

    def make(self) -> ReportPlan:
        daily_enterprises = [e for e in self.plan.enterprises if e.above_scale or _daily_other(e)]
        park_enterprises = [e for e in self.plan.enterprises if e.park and not (e.above_scale or _daily_other(e))]
        report_plan = ReportPlan(daily=[], weekly=[], project=[])
        daily = self.daily(daily_enterprises, report_plan)
        report_plan.daily = [row for rows in daily.values() for row in rows]
        report_plan.weekly = self.weekly(park_enterprises, report_plan)
        report_plan.project = self.projects(report_plan)
        return report_plan

    def daily(self, enterprises: list[EnterpriseRow], report_plan: ReportPlan) -> dict[str, list[ReportRow]]:
        rng = self.rng("daily")
        curves, filings = {}, {}
        for e in enterprises:
            curves[e.credit_code] = self.daily_curve(rng, e)
            filings[e.credit_code] = self.filing(
                rng, DAYS, _pick(rng, MISSING_RATES), _pick(rng, LATE_RATES), DAILY_MOMENTS, DAILY_LATE_MOMENTS
            )
        # Someone always fails to report on the headline day, so its reporting rate is below 100%.
        if all(filings[e.credit_code][HEADLINE_DAY] is not None for e in enterprises):
            filings[enterprises[len(enterprises) // 2].credit_code][HEADLINE_DAY] = None
        above = [e for e in enterprises if e.above_scale]
        self.targets = target_resumed, target_on_duty = headline_targets(above)
        self.full_size = self.targets == (HEADLINE_RESUMED, HEADLINE_ON_DUTY)
        self.calibrate_status(rng, above, curves, filings, target_resumed)

        rows: dict[str, list[ReportRow]] = {}
        minutes: dict = {}
        for e in enterprises:
            curve, filing = curves[e.credit_code], filings[e.credit_code]
            rows[e.credit_code] = out = []
            for index, day in enumerate(DAYS):
                when = filing[day]
                if when is None:
                    report_plan.missing["daily"] += 1
                    continue
                values = curve.values(rng, index, e.employees, index)
                filed_at = self.moment(day, when, minutes)
                out.append(ReportRow(e.credit_code, day, values, filed_at, late=filed_at > _daily_due(day)))
            _smooth(out)

        self.scale_on_duty(above, rows, target_on_duty)
        self.calibrate_on_duty(above, rows, target_on_duty)
        self.plant_warnings(rng, enterprises, rows, report_plan)
        return rows

    def calibrate_status(self, rng, above, curves, filings, target: int) -> None:
        """Move the day production resumed for the few enterprises nearest the headline day, to hit the target."""
        latest: dict[str, Any] = {}  # the last day filed before the headline, or None
        for e in above:
            filed = [t for t, day in enumerate(DAYS[: HEADLINE_T + 1]) if filings[e.credit_code][day] is not None]
            latest[e.credit_code] = filed[-1] if filed else None

        def counted(e) -> bool:
            c, last = curves[e.credit_code], latest[e.credit_code]
            return last is not None and c.p is not None and c.p <= last

        diff = sum(counted(e) for e in above) - target
        if diff > 0:
            candidates = [e for e in above if counted(e) and curves[e.credit_code].p >= 0]
            candidates.sort(key=lambda e: (latest[e.credit_code] - curves[e.credit_code].p, rng.random()))
            for e in candidates[:diff]:
                curves[e.credit_code].p = latest[e.credit_code] + rng.randint(1, 3)
        elif diff < 0:
            candidates = [e for e in above if not counted(e) and (latest[e.credit_code] or 0) >= 3]
            candidates.sort(key=lambda e: ((curves[e.credit_code].p or 99) - latest[e.credit_code], rng.random()))
            for e in candidates[:-diff]:
                c, last = curves[e.credit_code], latest[e.credit_code]
                c.p = last
                if c.w is None or c.w >= last:
                    c.w = last - rng.randint(1, 3)
        if sum(counted(e) for e in above) != target:
            raise RuntimeError(f"Cannot calibrate the enterprises resumed on {HEADLINE_DAY} to {target}.")

    def scale_on_duty(self, above, rows: dict[str, list[ReportRow]], target: int) -> None:
        """Scale every on-duty figure by one factor that brings the headline day near the target, so that the curve
        stays smooth through it and only a small remainder is left to `calibrate_on_duty`."""
        latest = [_latest(rows[e.credit_code], HEADLINE_DAY) for e in above]
        counted = [(r.values["on_duty"], r.values["employees"]) for r in latest if r is not None]

        def total(factor: float) -> int:
            return sum(min(employees, round(on_duty * factor)) for on_duty, employees in counted)

        low, high = 0.5, 2.0
        for _ in range(40):
            mid = (low + high) / 2
            low, high = (mid, high) if total(mid) < target else (low, mid)
        # Fully up to the headline day, fading out over the three weeks after it.
        excess = (low + high) / 2 - 1
        factors = {day: 1 + excess * max(0.0, 1 - max(0, (day - HEADLINE_DAY).days) / 21) for day in DAYS}
        for out in rows.values():
            for row in out:
                if row.values["on_duty"] > 0:
                    scaled = round(row.values["on_duty"] * factors[row.period])
                    row.values["on_duty"] = max(1, min(row.values["employees"], scaled))
            _smooth(out)

    def calibrate_on_duty(self, above, rows: dict[str, list[ReportRow]], target: int) -> None:
        """Nudge the on-duty figures of each enterprise's report that counts on the headline day, within the bounds
        that keep it smooth with the reports before and after it."""
        picked: list[ReportRow] = []
        bounds: list[tuple[int, int]] = []
        for e in above:
            out = rows[e.credit_code]
            i = max((i for i, r in enumerate(out) if r.period <= HEADLINE_DAY), default=None)
            if i is None:
                continue
            row = out[i]
            if row.values["status"] == "not_resumed":
                continue
            prev = out[i - 1].values["on_duty"] if i > 0 else None
            nxt = out[i + 1].values["on_duty"] if i + 1 < len(out) else None
            low, high = 1, row.values["employees"]
            if prev == 0:
                high = min(high, VANGUARD_MAX)
            elif prev is not None:
                low, high = max(low, (prev + 1) // 2), min(high, prev * 3 // 2)
            if nxt:
                low, high = max(low, math.ceil(nxt * 2 / 3)), min(high, nxt * 2)
            low, high = min(low, row.values["on_duty"]), max(high, row.values["on_duty"])
            picked.append(row)
            bounds.append((low, high))
        # Every other enterprise counts with nobody on duty: not resumed, or never reported.
        values = [row.values["on_duty"] for row in picked]
        if not self.full_size:
            # A small demo (tests) keeps the seed's shares only as far as smooth curves allow.
            target = min(max(target, sum(low for low, _ in bounds)), sum(high for _, high in bounds))
            self.targets = (self.targets[0], target)
        calibrate(values, bounds, list(range(len(values))), target)
        for row, value in zip(picked, values, strict=True):
            row.values["on_duty"] = value

    def plant_warnings(self, rng, enterprises, rows, report_plan: ReportPlan) -> None:
        """A handful of typing errors: capacity above 100%, and on-duty figures missing a digit."""
        candidates = []
        for e in enterprises:
            out = rows[e.credit_code]
            for i in range(1, len(out) - 1):
                row, prev = out[i], out[i - 1]
                if row.period == HEADLINE_DAY or (out[i + 1].period > HEADLINE_DAY >= row.period):
                    continue  # the report that counts on the headline day stays as calibrated
                if prev.values["status"] == row.values["status"] == "production_resumed":
                    candidates.append((out, i))
        count = max(2, round(40 * len(enterprises) / 2877))
        for n, (out, i) in enumerate(rng.sample(candidates, min(count, len(candidates)))):
            values = out[i].values
            if n % 2 == 0:
                prev_capacity = out[i - 1].values["capacity_pct"]
                values["capacity_pct"] = Decimal(f"{rng.uniform(101, 118):.1f}")
                report_plan.planted["capacity_above_100"] += 1
                if values["capacity_pct"] > prev_capacity * Decimal("1.5"):
                    report_plan.planted["capacity_jump"] += 1
                if out[i + 1].values["capacity_pct"] < values["capacity_pct"] / 2:
                    report_plan.planted["capacity_jump"] += 1
            elif values["on_duty"] >= 30:
                values["on_duty"] //= 10
                report_plan.planted["on_duty_jump"] += 2

    def weekly(self, enterprises: list[EnterpriseRow], report_plan: ReportPlan) -> list[ReportRow]:
        rng = self.rng("weekly")
        minutes: dict = {}
        rows = []
        for e in enterprises:
            curve = self.park_curve(rng, e)
            filing = self.filing(
                rng, WEEKS, _pick(rng, MISSING_RATES), _pick(rng, LATE_RATES), WEEKLY_MOMENTS, WEEKLY_LATE_MOMENTS
            )
            out = []
            for index, week in enumerate(WEEKS):
                when = filing[week]
                if when is None:
                    report_plan.missing["weekly"] += 1
                    continue
                values = curve.values(rng, (week - FIRST_DAY).days + 4, e.employees, index * 3)
                filed_at = self.moment(week, when, minutes)
                out.append(ReportRow(e.credit_code, week, values, filed_at, late=filed_at > _weekly_due(week)))
            _smooth(out)
            rows += out
        return rows

    def projects(self, report_plan: ReportPlan) -> list[ReportRow]:
        rng = self.rng("projects")
        minutes: dict = {}
        rows = []
        for project in self.plan.projects:
            rows += self.project_rows(rng, project, minutes, report_plan)
        return rows

    def project_rows(self, rng, project: ProjectRow, minutes, report_plan: ReportPlan) -> list[ReportRow]:
        # A third were under construction before winter and resume; the rest break ground, most a little late.
        continuing = rng.random() < 0.3
        if continuing:
            start = date(2020, 2, 17) + timedelta(days=rng.randrange(60))
        else:
            start = project.planned_start + timedelta(days=rng.choice([0, 0, 7, 14, 21, 30]))
        total = float(project.total_investment)
        full = max(20, min(2000, round(total / 800)))
        weekly_share = rng.uniform(0.0008, 0.002)
        filing = self.filing(
            rng, WEEKS, _pick(rng, MISSING_RATES), _pick(rng, LATE_RATES), WEEKLY_MOMENTS, WEEKLY_LATE_MOMENTS
        )
        rows, workers, weeks_on = [], 0, 0
        for week in WEEKS:
            under_way = week + timedelta(days=6) >= start
            if under_way:
                weeks_on += 1
                workers = rng.randint(4, VANGUARD_MAX) if workers == 0 else min(full, math.floor(workers * 1.45))
            when = filing[week]
            if when is None:
                report_plan.missing["project"] += 1
                continue
            status = ("resumed" if continuing else "started") if under_way else "not_started"
            investment = total * weekly_share * min(1.0, weeks_on / 6) * rng.uniform(0.8, 1.2) if under_way else 0
            values = {
                "status": status,
                "workers_on_site": workers,
                "investment_week": Decimal(f"{investment:.2f}"),
                "note": "",
            }
            filed_at = self.moment(week, when, minutes)
            rows.append(ReportRow(project.name, week, values, filed_at, late=filed_at > _weekly_due(week)))
        return rows


def _latest(rows: list[ReportRow], day: date) -> ReportRow | None:
    found = None
    for row in rows:
        if row.period > day:
            break
        found = row
    return found


def _daily_other(e: EnterpriseRow) -> bool:
    return bool(e.tags & {"leading", "backbone"}) and "key_industry" in e.tags


def _daily_due(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(10), tzinfo=TZ)


def _weekly_due(week: date) -> datetime:
    return datetime.combine(week + timedelta(days=7), time(12), tzinfo=TZ)


def _smooth(rows: list[ReportRow]) -> None:
    """Keep each filed report within half of the one before it, as the validation expects of a real curve.

    The ideal curve already grows slowly; this catches the days after a missing report.
    """
    tenth = Decimal("0.1")
    for prev, row in zip(rows, rows[1:], strict=False):
        a, b = prev.values, row.values
        if b["status"] != "not_resumed":
            if a["on_duty"] == 0:
                b["on_duty"] = min(b["on_duty"], VANGUARD_MAX)
            else:
                b["on_duty"] = max((a["on_duty"] + 1) // 2, min(b["on_duty"], a["on_duty"] * 3 // 2))
        if b["status"] == "production_resumed":
            if a["capacity_pct"] == 0:
                b["capacity_pct"] = min(b["capacity_pct"], Decimal("9.9"))
            else:
                low = (a["capacity_pct"] / 2).quantize(tenth, ROUND_CEILING)
                high = (a["capacity_pct"] * Decimal("1.5")).quantize(tenth, ROUND_FLOOR)
                b["capacity_pct"] = max(low, min(b["capacity_pct"], high))


def make_report_plan(plan: Plan, *, seed: int) -> ReportPlan:
    planner = _Planner(plan, seed)
    report_plan = planner.make()
    got = as_of(report_plan.daily, plan.above_scale, HEADLINE_DAY)
    want = planner.targets
    if (got.resumed, got.on_duty) != want:
        raise RuntimeError(
            f"The reports give {got.resumed} resumed and {got.on_duty} on duty on {HEADLINE_DAY}: {want}"
        )
    return report_plan


# Writing.


def build_reports(ctx: "Context") -> dict[str, int]:
    from fugong.accounts.models import Role, User
    from fugong.analytics import rollup
    from fugong.enterprises.models import KeyProject

    report_plan = make_report_plan(ctx.plan, seed=ctx.seed)
    projects = {p.name: p for p in KeyProject.objects.all()}
    actors = {u.enterprise_id: u for u in User.objects.filter(role=Role.ENTERPRISE, enterprise__isnull=False)}
    counts: Counter = Counter()
    with rollup.deferred():  # a bulk load: the figures rollup is rebuilt once at the end, not report by report
        _write_reports(report_plan, ctx, projects, actors, counts)
    figures = as_of(report_plan.daily, ctx.plan.above_scale, HEADLINE_DAY)
    return {
        **{label: counts[label] for label in sorted(counts)},
        **{f"{kind} missing": n for kind, n in sorted(report_plan.missing.items())},
        f"resumed on {HEADLINE_DAY:%m-%d}": figures.resumed,
        f"on duty on {HEADLINE_DAY:%m-%d}": figures.on_duty,
    }


def _write_reports(report_plan: ReportPlan, ctx: "Context", projects: dict, actors: dict, counts: Counter) -> None:
    from fugong.dispatch import services
    from fugong.dispatch.models import Source

    for kind, rows, subjects in (
        (services.DAILY, report_plan.daily, ctx.enterprises),
        (services.WEEKLY, report_plan.weekly, ctx.enterprises),
        (services.PROJECT, report_plan.project, projects),
    ):
        batches: dict[tuple, list] = defaultdict(list)
        for row in rows:
            subject: Any = subjects[row.subject]  # an Enterprise, or a KeyProject
            owner_id = subject.owner_id if kind is services.PROJECT else subject.pk
            batches[(row.period, row.filed_at, actors.get(owner_id))].append((subject, row))
        for (_period, filed_at, actor), batch in sorted(batches.items(), key=lambda kv: (kv[0][0], kv[0][1])):
            outcomes = services.reports_save(
                actor=actor,
                kind=kind,
                items=[services.Item(subject=s, period=r.period, values=r.values) for s, r in batch],
                source=Source.DEMO,
                today=filed_at.astimezone(TZ).date(),
                now=filed_at,
            )
            for outcome in outcomes:
                if outcome.result != "created":
                    raise RuntimeError(f"The demo report {outcome.item.period} was {outcome.result}: {outcome.errors}")
                counts[f"{kind.name} reports"] += 1
                counts[f"{kind.name} late"] += outcome.report.late
                counts[f"{kind.name} with warnings"] += bool(outcome.warnings)


def wipe_reports() -> None:
    from fugong.dispatch.models import (
        DailyReport,
        IdempotencyKey,
        PeriodLock,
        PeriodLockEvent,
        ProjectReport,
        Reminder,
        ReportVersion,
        WeeklyReport,
    )

    for model in (
        ReportVersion,
        DailyReport,
        WeeklyReport,
        ProjectReport,
        PeriodLockEvent,
        PeriodLock,
        Reminder,
        IdempotencyKey,
    ):
        model.objects.all().delete()
    from fugong.analytics import rollup

    rollup.clear()  # the engine reads the raw reports until build_reports rebuilds it
