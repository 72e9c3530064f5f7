"""The figures rollup: the engine's fast path, kept exact and live by the one report write path.

Model (docs/scaling.md, "Figures at national scale"). As of a day D an enterprise contributes, to every figure,
a value that is constant between the days its reports change: each report r, followed by the enterprise's next
report on day n (or none), contributes its status, headcount, people on duty and weighted capacity on [r, n);
"fresh" (reported and not stale) on [r, min(n, r + stale + 1)); "filed" (and "late") on [r, r + 1). Before its
first report the enterprise counts as never reported, with its registered headcount; its count and normal output
count from the beginning. Each contribution is a step up on one day and a step down on another, so the totals of
a group of enterprises change only on days; `RollupDay` keeps, per key (kind, county, above-scale, industry or
all industries) and day, the running totals, and the figures as of D read one row per key: the last on or before
D. That is a few thousand index probes at national scale however many days of reports there are.

A report write changes the contributions of that report and of the enterprise's report before it (whose next
report moved); `reports_written` works them out from the raw reports around it, before they are written, and
adds the difference to the running totals of the rows on or after each changed day, in the same transaction.
Registry changes (county, industry, above-scale, headcount, normal output, tags or park, which decide the duty)
take the enterprise's whole old contribution out and put the new one in (`enterprises_changed`). `rebuild`
recomputes everything from the raw reports in a few set-based statements, for bulk loads (the demo, COPY).

Concurrency on PostgreSQL: a write locks its enterprises' member rows, then its keys' rows, each in id order, so
two writes on one enterprise see each other's reports and two writes on one key do not lose each other's totals.
A single report costs six or seven statements: the state, the member (locked), its neighbouring reports, the
keys (locked), their totals from the report's day on, one UPDATE and, for a new day, one INSERT. The totals are
read in a statement after the lock: in READ COMMITTED a statement sees what committed before it began.
"""

import contextlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import TextField
from django.db.models.expressions import RawSQL

from fugong.analytics.rollup_models import TOTALS, RollupDay, RollupKey, RollupMember, RollupState, Totals
from fugong.core import bulk
from fugong.dispatch.models import DailyReport, Deadline, Status, WeeklyReport
from fugong.dispatch.upkeep import Change, Step, Values
from fugong.enterprises.models import Enterprise, Tag

BEGIN = date(1900, 1, 1)  # the registry's contribution: before any report
CHUNK = 500  # ids per IN (...): under SQLite's parameter limit
KINDS = ("daily", "weekly")

# Step changes to the totals are plain lists, one value per name in TOTALS, added up in place in the loops of the
# write path; these constants name their positions.
Vector = list[int]
Events = dict[date, Vector]  # an enterprise's step changes, by day
Deltas = dict[tuple[int, date], Vector]  # step changes by (key id, day)
N = len(TOTALS)
ENTERPRISES, PROD, WORK, EMPLOYEES, ON_DUTY, WEIGHTED, OUTPUT, FILED, LATE, FRESH, NEVER = (
    TOTALS.index(name)
    for name in (
        "enterprises", "production_resumed", "work_resumed", "employees", "on_duty", "capacity_weighted",
        "normal_output", "filed", "filed_late", "fresh", "never_reported",
    )
)  # fmt: skip


class _Source(NamedTuple):
    """Where a kind's reports are."""

    model: type[DailyReport] | type[WeeklyReport]
    period: str  # the model's period field
    days: int  # the length of a period


SOURCES = {"daily": _Source(DailyReport, "date", 1), "weekly": _Source(WeeklyReport, "week", 7)}


class _Report(NamedTuple):
    """What the rollup reads of a report."""

    day: date  # its period
    status: str
    employees: int
    on_duty: int
    cap10: int  # capacity recovery in tenths of a per cent
    late: bool


@dataclass
class _Member:
    """Which keys, headcount and output an enterprise contributes with (a `RollupMember` row)."""

    kind: str  # '' = under no dispatch
    coarse_key_id: int | None  # its county, every industry
    fine_key_id: int | None  # its county and industry
    employees: int
    normal_output: int  # cents


class _KeySpec(NamedTuple):
    """A `RollupKey` by its values."""

    kind: str
    league: str
    county: str
    industry: str  # '' = every industry
    above_scale: bool


class _Neighbours(NamedTuple):
    """Around a span of days, per enterprise: the report before, the reports in it, the day of the one after."""

    before: dict[int, _Report]
    around: dict[int, dict[date, _Report]]
    after: dict[int, date]


def stale_days(kind: str) -> int:
    """A carried-forward report is stale after this many days (weeks × 7 for weekly reports)."""
    return Deadline.for_type(kind).stale_after_days * SOURCES[kind].days


def _states() -> dict[str, int]:
    return dict(RollupState.objects.values_list("kind", "stale_days"))


def _maintained() -> dict[str, int] | None:
    """The kinds' staleness the rollup is kept with, or None when it is not kept (cleared, or being rebuilt)."""
    states = _states()
    return states if set(states) == set(KINDS) else None


# Switches.

_bypass = 0


@contextlib.contextmanager
def bypass() -> Iterator[None]:
    """Read the raw reports inside (the baseline of the benchmark, and tests of the fallback)."""
    global _bypass
    _bypass += 1
    try:
        yield
    finally:
        _bypass -= 1


def readable(kind: str) -> bool:
    """The engine may read the rollup for this kind: switched on, complete, built with today's staleness."""
    if _bypass or not getattr(settings, "FIGURES_ROLLUP", True):
        return False
    states = _maintained()
    return states is not None and states[kind] == stale_days(kind)


# Contributions.


def _add(events: Events, day: date, vec: Vector, sign: int = 1) -> None:
    acc = events.get(day)
    if acc is None:
        events[day] = acc = [0] * N
    for i, v in enumerate(vec):
        if v:
            acc[i] += sign * v


def _one(events: Events, day: date, index: int, value: int) -> None:
    acc = events.get(day)
    if acc is None:
        events[day] = acc = [0] * N
    acc[index] += value


def _report_events(events: Events, output: int, report: _Report, nxt: date | None, stale: int) -> None:
    day = report.day
    vec = [0] * N
    vec[PROD] = int(report.status == Status.PRODUCTION_RESUMED)
    vec[WORK] = int(report.status == Status.WORK_RESUMED)
    vec[EMPLOYEES], vec[ON_DUTY], vec[WEIGHTED] = report.employees, report.on_duty, report.cap10 * output
    _add(events, day, vec)
    if nxt is not None:
        _add(events, nxt, vec, -1)
    end = day + timedelta(days=stale + 1)
    if nxt is not None and nxt < end:
        end = nxt
    _one(events, day, FRESH, 1)
    _one(events, end, FRESH, -1)
    # Filed is about the period alone: one day is enough, as figures are read as of a period's first day.
    _one(events, day, FILED, 1)
    _one(events, day + timedelta(days=1), FILED, -1)
    if report.late:
        _one(events, day, LATE, 1)
        _one(events, day + timedelta(days=1), LATE, -1)


def _window_events(
    member: _Member, reports: Sequence[_Report], nxt: date | None, *, with_never: bool, stale: int
) -> Events:
    """The contributions of consecutive reports, the last followed by a report on `nxt` (or none)."""
    events: Events = {}
    for i, report in enumerate(reports):
        _report_events(events, member.normal_output, report, reports[i + 1].day if i + 1 < len(reports) else nxt,
                       stale)  # fmt: skip
    if with_never:
        vec = [0] * N
        vec[EMPLOYEES], vec[NEVER] = member.employees, 1
        _add(events, BEGIN, vec)
        first = reports[0].day if reports else nxt
        if first is not None:
            _add(events, first, vec, -1)
    return events


def _full_events(member: _Member, reports: Sequence[_Report], stale: int) -> Events:
    events = _window_events(member, reports, None, with_never=True, stale=stale)
    vec = [0] * N
    vec[ENTERPRISES], vec[OUTPUT] = 1, member.normal_output
    _add(events, BEGIN, vec)
    return events


def _spread(deltas: Deltas, member: _Member, events: Events, sign: int = 1) -> None:
    """Add an enterprise's events to both its keys (its county with its industry, and with every industry)."""
    for key_id in (member.coarse_key_id, member.fine_key_id):
        if key_id is None:  # under no dispatch: no keys (callers pass members with a kind only)
            continue
        for day, vec in events.items():
            acc = deltas.get((key_id, day))
            if acc is None:
                deltas[(key_id, day)] = acc = [0] * N
            for i, v in enumerate(vec):
                if v:
                    acc[i] += sign * v


def _report(day: date, status: str, employees: Any, on_duty: Any, capacity: Any, late: Any) -> _Report:
    """From a report's values as the database or a model gives them (numbers may be Decimal or None)."""
    return _Report(day, status, int(employees), int(on_duty), int(round(float(capacity) * 10)), bool(late))


# Locks and running totals.


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _apply(deltas: Deltas) -> None:
    """Add step changes {(key, day): vector} to the running totals of every row on or after each day."""
    by_key: dict[int, dict[date, Vector]] = defaultdict(dict)
    for (key_id, day), vec in deltas.items():
        if any(vec):
            by_key[key_id][day] = vec
    if not by_key:
        return
    keys = sorted(by_key)
    quote = connection.ops.quote_name
    key_t, day_t = quote(RollupKey._meta.db_table), quote(RollupDay._meta.db_table)
    cols = ", ".join(f"d.{quote(name)}" for name in TOTALS)
    updates: list[tuple] = []
    inserts: list[tuple] = []
    for chunk in _chunks(keys):
        lo = min(min(by_key[k]) for k in chunk)
        marks = ", ".join(["%s"] * len(chunk))
        if connection.vendor == "postgresql":
            # The keys' rows locked in id order, in a statement of its own: the totals must be read after the
            # lock is granted (a later statement sees what the writer before us committed), not in its snapshot.
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT id FROM {key_t} WHERE id IN ({marks}) ORDER BY id FOR UPDATE", chunk)  # noqa: S608
        sql = f"""
            SELECT d.key_id, d.id, d.day, {cols} FROM {day_t} d WHERE d.key_id IN ({marks}) AND d.day >= %s
            UNION ALL
            SELECT d.key_id, d.id, d.day, {cols} FROM {key_t} k
            JOIN {day_t} d ON d.key_id = k.id
             AND d.day = (SELECT MAX(d2.day) FROM {day_t} d2 WHERE d2.key_id = k.id AND d2.day < %s)
            WHERE k.id IN ({marks})
        """  # noqa: S608 - identifiers from models, values are parameters
        existing: dict[int, dict[date, tuple[int, Vector]]] = defaultdict(dict)  # (row id, totals) by key, day
        preds: dict[int, Vector] = {}  # the totals of each key's last row before `lo`
        with connection.cursor() as cursor:
            cursor.execute(sql, [*chunk, lo, lo, *chunk])
            for key_id, pk, day, *values in cursor.fetchall():
                if pk is None:
                    continue
                day = _day(day)
                if day < lo:
                    preds[key_id] = values
                else:
                    existing[key_id][day] = (pk, values)
        for key_id in chunk:
            changes, rows = by_key[key_id], existing.get(key_id, {})
            carried = preds.get(key_id, [0] * N)  # the old totals of the last row so far
            running = [0] * N
            for day in sorted(changes.keys() | rows.keys()):
                if day in changes:
                    running = [a + b for a, b in zip(running, changes[day], strict=True)]
                if day in rows:
                    pk, carried = rows[day]
                    if any(running):
                        updates.append((*(a + b for a, b in zip(carried, running, strict=True)), pk))
                else:
                    inserts.append((key_id, day, *(a + b for a, b in zip(carried, running, strict=True))))
    bulk.update_rows(RollupDay, list(TOTALS), updates)
    bulk.insert_rows(RollupDay, ["key", "day", *TOTALS], inserts)


# Members: which keys, headcount and output an enterprise contributes with.


def _members(ids: Iterable[int]) -> dict[int, _Member]:
    """The members, their rows locked in id order (PostgreSQL): one writer per enterprise at a time."""
    out: dict[int, _Member] = {}
    table = connection.ops.quote_name(RollupMember._meta.db_table)
    cols = "enterprise_id, kind, coarse_key_id, fine_key_id, employees, normal_output"
    with connection.cursor() as cursor:
        for chunk in _chunks(sorted(ids)):
            marks = ", ".join(["%s"] * len(chunk))
            if connection.vendor == "postgresql":
                # Locked in id order, and touched: the row's new version (xmin) tells the one-report path, which
                # read it without a lock, that the enterprise's reports or registry changed (Upkeep.plan).
                cursor.execute(
                    f"""WITH l AS (SELECT enterprise_id FROM {table} WHERE enterprise_id IN ({marks})
                                   ORDER BY enterprise_id FOR UPDATE)
                        UPDATE {table} m SET kind = m.kind FROM l WHERE m.enterprise_id = l.enterprise_id
                        RETURNING {", ".join(f"m.{c}" for c in cols.split(", "))}""",  # noqa: S608
                    chunk,
                )
            else:
                cursor.execute(f"SELECT {cols} FROM {table} WHERE enterprise_id IN ({marks})", chunk)  # noqa: S608
            for pk, kind, ck, fk, employees, output in cursor.fetchall():
                out[pk] = _Member(kind, ck, fk, employees, output)
    return out


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _registry_members(ids: Iterable[int]) -> dict[int, _Member]:
    """What the registry says now: the duty (duties.duty_of), the keys, the headcount and output."""
    through = Enterprise.tags.through
    rows: list[tuple] = []
    tags: dict[int, set[str]] = defaultdict(set)
    for chunk in _chunks(sorted(ids)):
        rows += Enterprise.objects.filter(pk__in=chunk).values_list(
            "pk", "league_id", "county_id", "industry_id", "above_scale", "park_id", "employees", "normal_output"
        )
        for pk, code in through.objects.filter(enterprise_id__in=chunk).values_list("enterprise_id", "tag_id"):
            tags[pk].add(code)
    out: dict[int, _Member] = {}
    wanted: dict[int, tuple[_KeySpec, _KeySpec]] = {}  # the coarse and the fine key of members under dispatch
    for pk, league, county, industry, above, park, employees, output in rows:
        t = tags[pk]
        leader = bool(t & {Tag.Code.LEADING, Tag.Code.BACKBONE}) and Tag.Code.KEY_INDUSTRY in t
        kind = "daily" if above or leader else ("weekly" if park else "")
        out[pk] = _Member(kind, None, None, int(employees), int(round(output * 100)))
        if kind:
            coarse = _KeySpec(kind, league, county, "", bool(above))
            wanted[pk] = (coarse, coarse._replace(industry=industry))
    keys = _key_ids({spec for pair in wanted.values() for spec in pair})
    for pk, (coarse, fine) in wanted.items():
        out[pk].coarse_key_id, out[pk].fine_key_id = keys[coarse], keys[fine]
    return out


def _key_ids(specs: set[_KeySpec]) -> dict[_KeySpec, int]:
    """The ids of these keys, created where missing (and of the other keys of their counties)."""
    if not specs:
        return {}
    RollupKey.objects.bulk_create(
        [
            RollupKey(kind=s.kind, league_id=s.league, county_id=s.county, industry_id=s.industry,
                      above_scale=s.above_scale)
            for s in specs
        ],
        ignore_conflicts=True,
    )  # fmt: skip
    out = {}
    counties = sorted({s.county for s in specs})
    for chunk in _chunks(counties):
        for pk, *values in RollupKey.objects.filter(county_id__in=chunk).values_list(
            "pk", "kind", "league_id", "county_id", "industry_id", "above_scale"
        ):
            out[_KeySpec(*values)] = pk  # type: ignore[arg-type]  # values_list rows are typed as objects
    return out


def _all_reports(kind: str, ids: Iterable[int]) -> dict[int, list[_Report]]:
    model, period = SOURCES[kind].model, SOURCES[kind].period
    out: dict[int, list[_Report]] = defaultdict(list)
    for chunk in _chunks(sorted(ids)):
        for pk, *values in (
            model.objects.filter(enterprise_id__in=chunk)
            .order_by("enterprise_id", period)
            .values_list("enterprise_id", period, "status", "employees", "on_duty", "capacity_pct", "late")
        ):
            out[pk].append(_report(*values))
    return out


def enterprises_changed(ids: Iterable[int]) -> None:
    """Keep the rollup right after registry writes: created enterprises join, changed ones move their whole
    contribution (county, industry, above-scale, headcount, normal output, or duty through tags and park)."""
    ids = set(ids)
    states = _maintained() if ids else None
    if states is None:
        return
    old, new = _members(ids), _registry_members(ids)
    moved = [pk for pk in ids if pk in new and not (pk in old and old[pk] == new[pk])]
    gone = [pk for pk in ids if pk in old and pk not in new]
    if not moved and not gone:
        return
    reports = {kind: _all_reports(kind, moved + gone) for kind in KINDS}
    deltas: Deltas = {}
    for pk in moved + gone:
        for member, sign in ((old.get(pk), -1), (new.get(pk), 1)):
            if member is not None and member.kind:
                events = _full_events(member, reports[member.kind].get(pk, []), states[member.kind])
                _spread(deltas, member, events, sign)
    RollupMember.objects.filter(enterprise_id__in=gone).delete()
    RollupMember.objects.bulk_create(
        [
            RollupMember(enterprise_id=pk, kind=m.kind, coarse_key_id=m.coarse_key_id, fine_key_id=m.fine_key_id,
                         employees=m.employees, normal_output=m.normal_output)
            for pk, m in new.items() if pk in moved
        ],
        update_conflicts=True, unique_fields=["enterprise_id"],
        update_fields=["kind", "coarse_key", "fine_key", "employees", "normal_output"],
    )  # fmt: skip
    _apply(deltas)


# Report writes.


def _neighbours(source: _Source, ids: list[int], lo: date, hi: date) -> _Neighbours:
    """In one statement: each enterprise's last report before `lo`, its reports from `lo` to `hi`, and the day of
    its first report after `hi`."""
    quote = connection.ops.quote_name
    table, p = quote(source.model._meta.db_table), quote(source.period)
    cols = f"enterprise_id, {p}, status, employees, on_duty, capacity_pct, late"
    marks = ", ".join(["%s"] * len(ids))
    sql = f"""
        SELECT 'b', {cols} FROM (
            SELECT {cols}, ROW_NUMBER() OVER (PARTITION BY enterprise_id ORDER BY {p} DESC) AS rn
            FROM {table} WHERE enterprise_id IN ({marks}) AND {p} < %s) x WHERE rn = 1
        UNION ALL
        SELECT 'm', {cols} FROM {table} WHERE enterprise_id IN ({marks}) AND {p} >= %s AND {p} <= %s
        UNION ALL
        SELECT 'a', {cols} FROM (
            SELECT {cols}, ROW_NUMBER() OVER (PARTITION BY enterprise_id ORDER BY {p}) AS rn
            FROM {table} WHERE enterprise_id IN ({marks}) AND {p} > %s) y WHERE rn = 1
    """  # noqa: S608 - identifiers from models, values are parameters
    out = _Neighbours({}, defaultdict(dict), {})
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, lo, *ids, lo, hi, *ids, hi])
        for side, pk, day, *values in cursor.fetchall():
            report = _report(_day(day), *values)
            if side == "b":
                out.before[pk] = report
            elif side == "m":
                out.around[pk][report.day] = report
            else:
                out.after[pk] = report.day
    return out


# Receivers of the writers' signals (connected in apps.py): the signature is the signal's.


def on_enterprises_changed(sender: Any, *, ids: Iterable[int], **kwargs: Any) -> None:  # noqa: ARG001
    enterprises_changed(ids)


UID = "analytics.rollup.reports"  # the receiver's dispatch_uid, and the upkeep's


def on_reports_written(sender: Any, *, kind: str, creates: list, updates: list, **kwargs: Any) -> None:  # noqa: ARG001
    if UID in kwargs.get("covered", ()):  # the one-report path keeps the rollup with `Upkeep` below
        return
    reports_written(kind, creates=creates, updates=updates)


def reports_written(kind: str, *, creates: list, updates: list) -> None:
    """Sent by dispatch.services._write before it writes: add what these reports change to the running totals.

    `creates` are new reports, `updates` the new values of existing ones (the database still holds the old).
    """
    if kind not in KINDS or not (creates or updates):
        return
    states = _maintained()
    if states is None:
        return
    source = SOURCES[kind]
    changes: dict[int, dict[date, _Report]] = defaultdict(dict)
    for report in (*creates, *updates):
        day = getattr(report, source.period)
        changes[report.enterprise_id][day] = _report(
            day, report.status, report.employees, report.on_duty, report.capacity_pct, report.late
        )
    # Locking the members makes one writer per enterprise: the neighbours read below cannot move under us.
    members = {pk: m for pk, m in _members(changes).items() if m.kind == kind}
    spans: dict[tuple[date, date], list[int]] = defaultdict(list)  # enterprises by (first, last) changed day
    for pk in members:
        spans[(min(changes[pk]), max(changes[pk]))].append(pk)
    stale = states[kind]
    deltas: Deltas = {}
    for (lo, hi), ids in spans.items():
        for chunk in _chunks(ids):
            before, around, after = _neighbours(source, chunk, lo, hi)
            for pk in chunk:
                old = [around[pk][d] for d in sorted(around[pk])]
                merged = {**around[pk], **changes[pk]}
                new = [merged[d] for d in sorted(merged)]
                if pk in before:
                    old, new = [before[pk], *old], [before[pk], *new]
                member, nxt, with_never = members[pk], after.get(pk), pk not in before
                events_old = _window_events(member, old, nxt, with_never=with_never, stale=stale)
                _spread(deltas, member, events_old, -1)
                _spread(deltas, member, _window_events(member, new, nxt, with_never=with_never, stale=stale))
    _apply(deltas)


# Reading.


def aggregate(
    *, as_of_period: date, keys_sql: str, keys_params: Sequence, group: str
) -> list[tuple[str | None, Totals]]:
    """Totals as of a period per group ('' or a key column), over the keys the subquery selects."""
    quote = connection.ops.quote_name
    key_table, day_table = quote(RollupKey._meta.db_table), quote(RollupDay._meta.db_table)
    column = f"k.{quote(group)}" if group else "CAST('' AS TEXT)"  # PostgreSQL refuses GROUP BY ''
    sums = ", ".join(f"SUM(c.{quote(name)})" for name in TOTALS)
    if connection.vendor == "postgresql":
        # One index probe a key, however many keys: left to itself the planner hashes the whole table when
        # the keys are many (the industry grain).
        last = f"""CROSS JOIN LATERAL (SELECT * FROM {day_table} c1 WHERE c1.key_id = k.id AND c1.day <= %s
                   ORDER BY c1.day DESC LIMIT 1) c"""  # noqa: S608
    else:
        last = f"""JOIN {day_table} c ON c.key_id = k.id
                   AND c.day = (SELECT MAX(c2.day) FROM {day_table} c2 WHERE c2.key_id = k.id AND c2.day <= %s)"""  # noqa: S608
    sql = f"""
        SELECT {column}, {sums}
        FROM {key_table} k
        {last}
        WHERE k.id IN ({keys_sql})
        GROUP BY {column}
        HAVING SUM(c.enterprises) > 0
    """  # noqa: S608 - identifiers come from models; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [as_of_period, *keys_params])
        # PostgreSQL sums big integers as numeric: back to int.
        return [(k, Totals._make(int(v or 0) for v in values)) for k, *values in cursor.fetchall()]


def series(*, periods: list[date], keys_sql: str, keys_params: Sequence) -> list[Totals]:
    """The totals as of each period (ascending), over the keys the subquery selects, in one read."""
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        return _series_lateral(periods=periods, keys_sql=keys_sql, keys_params=keys_params)
    cols = ", ".join(f"c.{quote(name)}" for name in TOTALS)
    sql = f"""SELECT c.key_id, c.day, {cols} FROM {quote(RollupDay._meta.db_table)} c
              WHERE c.key_id IN ({keys_sql}) AND c.day <= %s ORDER BY c.key_id, c.day"""  # noqa: S608
    steps: dict[date, Vector] = defaultdict(lambda: [0] * N)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*keys_params, periods[-1]])
        last_key, last = None, [0] * N
        for key_id, day, *values in cursor.fetchall():
            if key_id != last_key:
                last_key, last = key_id, [0] * N
            acc = steps[_day(day)]
            for i in range(N):
                acc[i] += values[i] - last[i]
            last = values
    out, running, ordered, j = [], [0] * N, sorted(steps.items()), 0
    for period in periods:
        while j < len(ordered) and ordered[j][0] <= period:
            running = [a + b for a, b in zip(running, ordered[j][1], strict=True)]
            j += 1
        out.append(Totals._make(running))
    return out


def _series_lateral(*, periods: list[date], keys_sql: str, keys_params: Sequence) -> list[Totals]:
    """`series` on PostgreSQL, summed by the database from few rows: per key the last row on or before the first
    period (one index probe) and the rows up to the last period; each row's step from the key's row before it
    (LAG), summed by day, added up from the first period on. Reading every row since the first report and adding
    them up here took a second at national scale, and one probe per key and period most of one."""
    quote = connection.ops.quote_name
    key_table, day_table = quote(RollupKey._meta.db_table), quote(RollupDay._meta.db_table)
    cols = ", ".join(f"c.{quote(name)}" for name in TOTALS)
    steps = ", ".join(f"{quote(name)} - COALESCE(LAG({quote(name)}) OVER w, 0) AS {quote(name)}" for name in TOTALS)
    sums = ", ".join(f"SUM({quote(name)})" for name in TOTALS)
    sql = f"""
        WITH keys AS (SELECT k.id FROM {key_table} k WHERE k.id IN ({keys_sql})),
        picked AS (
            SELECT c.key_id, c.day, {cols} FROM keys
            CROSS JOIN LATERAL (SELECT * FROM {day_table} c1 WHERE c1.key_id = keys.id AND c1.day <= %s
                                ORDER BY c1.day DESC LIMIT 1) c
            UNION ALL
            SELECT c.key_id, c.day, {cols} FROM {day_table} c
            WHERE c.key_id IN (SELECT id FROM keys) AND c.day > %s AND c.day <= %s),
        steps AS (SELECT day, {steps} FROM picked WINDOW w AS (PARTITION BY key_id ORDER BY day))
        SELECT day, {sums} FROM steps GROUP BY day ORDER BY day
    """  # noqa: S608 - identifiers come from models; values are parameters
    first, last = periods[0], periods[-1]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*keys_params, first, first, last])
        ordered = [(_day(day), [int(v or 0) for v in values]) for day, *values in cursor.fetchall()]
    out, running, j = [], [0] * N, 0
    for period in periods:
        while j < len(ordered) and ordered[j][0] <= period:
            running = [a + b for a, b in zip(running, ordered[j][1], strict=True)]
            j += 1
        out.append(Totals._make(running))
    return out


# Bulk: clear, rebuild.


def clear() -> None:
    """Empty the rollup; the engine reads the raw reports until `rebuild`."""
    with transaction.atomic():
        for model in (RollupState, RollupDay, RollupMember, RollupKey):
            model.objects.all().delete()


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """For bulk loads through the write path (the demo): no upkeep row by row, one rebuild at the end."""
    clear()
    yield
    rebuild()


def _plus_days(expr: str, days: str) -> str:
    if connection.vendor == "postgresql":
        return f"({expr} + CAST({days} AS INTEGER))"
    return f"date({expr}, '+' || ({days}) || ' days')"


def rebuild() -> dict[str, int]:
    """Recompute the whole rollup from the registry and the raw reports, in a few set-based statements."""
    quote = connection.ops.quote_name
    ent, through = quote(Enterprise._meta.db_table), quote(Enterprise.tags.through._meta.db_table)
    key_t, day_t = quote(RollupKey._meta.db_table), quote(RollupDay._meta.db_table)
    mem_t = quote(RollupMember._meta.db_table)
    stale = {kind: stale_days(kind) for kind in KINDS}
    leader = (
        f"(EXISTS (SELECT 1 FROM {through} t WHERE t.enterprise_id = e.id AND t.tag_id IN (%s, %s))"  # noqa: S608
        f" AND EXISTS (SELECT 1 FROM {through} t WHERE t.enterprise_id = e.id AND t.tag_id = %s))"
    )
    leader_params = [Tag.Code.LEADING, Tag.Code.BACKBONE, Tag.Code.KEY_INDUSTRY]
    duty = f"CASE WHEN e.above_scale OR {leader} THEN 'daily' WHEN e.park_id IS NOT NULL THEN 'weekly' ELSE '' END"
    cols = ", ".join(quote(name) for name in TOTALS)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '256MB'")  # sorts and hashes of millions of rows, in memory
        tables = [quote(model._meta.db_table) for model in (RollupState, RollupDay, RollupMember, RollupKey)]
        if connection.vendor == "postgresql":
            # Foreign-key checks still pending in this transaction must run before a TRUNCATE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(tables)}")  # no dead rows for the inserts below to wade through
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        cursor.execute("DROP TABLE IF EXISTS rollup_source")
        cursor.execute(
            f"""CREATE TEMPORARY TABLE rollup_source AS
                SELECT e.id AS id, {duty} AS kind, e.league_id AS league_id, e.county_id AS county_id,
                       e.industry_id AS industry_id, e.above_scale AS above_scale, e.employees AS employees,
                       CAST(ROUND(e.normal_output * 100) AS BIGINT) AS output
                FROM {ent} e""",  # noqa: S608
            leader_params,
        )
        cursor.execute(
            f"""INSERT INTO {key_t} (kind, league_id, county_id, industry_id, above_scale)
                SELECT DISTINCT kind, league_id, county_id, industry_id, above_scale FROM rollup_source WHERE kind <> ''
                UNION
                SELECT DISTINCT kind, league_id, county_id, '', above_scale FROM rollup_source WHERE kind <> ''"""  # noqa: S608
        )
        cursor.execute(
            f"""INSERT INTO {mem_t} (enterprise_id, kind, coarse_key_id, fine_key_id, employees, normal_output)
                SELECT s.id, s.kind, ck.id, fk.id, s.employees, s.output
                FROM rollup_source s
                LEFT JOIN {key_t} ck ON ck.kind = s.kind AND ck.county_id = s.county_id AND ck.industry_id = ''
                     AND ck.above_scale = s.above_scale
                LEFT JOIN {key_t} fk ON fk.kind = s.kind AND fk.county_id = s.county_id
                     AND fk.industry_id = s.industry_id AND fk.above_scale = s.above_scale"""  # noqa: S608
        )
        cursor.execute("DROP TABLE rollup_source")
        # Step changes per fine key and day: the registry at BEGIN, then each report's steps, grouped first by
        # (key, report day, next report day) so that 24 million reports make a few million groups.
        cursor.execute("DROP TABLE IF EXISTS rollup_delta")
        columns = ", ".join(f"{name} BIGINT" for name in TOTALS)
        cursor.execute(f"CREATE TEMPORARY TABLE rollup_delta (fk BIGINT, ck BIGINT, day DATE, {columns})")
        cursor.execute(
            f"""INSERT INTO rollup_delta
                SELECT fine_key_id, coarse_key_id, %s, COUNT(*), 0, 0, SUM(employees), 0, 0, SUM(normal_output),
                       0, 0, 0, COUNT(*)
                FROM {mem_t} WHERE kind <> '' GROUP BY fine_key_id, coarse_key_id""",  # noqa: S608
            [BEGIN],
        )
        for kind in KINDS:
            table, p = quote(SOURCES[kind].model._meta.db_table), quote(SOURCES[kind].period)
            s = stale[kind] + 1
            grouped = f"""
                SELECT fk, ck, d, nxt, SUM(prod) AS prod, SUM(work) AS work, SUM(emp) AS emp, SUM(duty) AS duty,
                       SUM(w) AS w, SUM(late) AS late, COUNT(*) AS cnt,
                       SUM(CASE WHEN rn = 1 THEN memp ELSE 0 END) AS first_emp,
                       SUM(CASE WHEN rn = 1 THEN 1 ELSE 0 END) AS first_cnt
                FROM (
                    SELECT m.fine_key_id AS fk, m.coarse_key_id AS ck, r.{p} AS d,
                           LEAD(r.{p}) OVER (PARTITION BY r.enterprise_id ORDER BY r.{p}) AS nxt,
                           ROW_NUMBER() OVER (PARTITION BY r.enterprise_id ORDER BY r.{p}) AS rn,
                           CASE WHEN r.status = 'production_resumed' THEN 1 ELSE 0 END AS prod,
                           CASE WHEN r.status = 'work_resumed' THEN 1 ELSE 0 END AS work,
                           r.employees AS emp, r.on_duty AS duty,
                           CAST(ROUND(r.capacity_pct * 10) AS BIGINT) * m.normal_output AS w,
                           CASE WHEN r.late THEN 1 ELSE 0 END AS late, m.employees AS memp
                    FROM {table} r JOIN {mem_t} m ON m.enterprise_id = r.enterprise_id AND m.kind = '{kind}'
                ) x
                GROUP BY fk, ck, d, nxt"""  # noqa: S608
            stale_at = _plus_days("d", str(s))
            fresh_end = f"CASE WHEN nxt IS NOT NULL AND nxt < {stale_at} THEN nxt ELSE {stale_at} END"
            cursor.execute("DROP TABLE IF EXISTS rollup_grouped")
            cursor.execute(f"CREATE TEMPORARY TABLE rollup_grouped AS {grouped}")
            cursor.execute("ANALYZE rollup_grouped")
            for select in (
                # On the report day: its values, filed, late, fresh; the first report ends "never reported".
                "fk, ck, d, 0, prod, work, emp - first_emp, duty, w, 0, cnt, late, cnt, -first_cnt FROM rollup_grouped",
                # On the next report's day, its values give way.
                "fk, ck, nxt, 0, -prod, -work, -emp, -duty, -w, 0, 0, 0, 0, 0 FROM rollup_grouped"
                " WHERE nxt IS NOT NULL",
                # The day after: no longer filed for that day.
                f"fk, ck, {_plus_days('d', '1')}, 0, 0, 0, 0, 0, 0, 0, -cnt, -late, 0, 0 FROM rollup_grouped",
                # Stale after `s - 1` days, unless a newer report came first.
                f"fk, ck, {fresh_end}, 0, 0, 0, 0, 0, 0, 0, 0, 0, -cnt, 0 FROM rollup_grouped",
            ):
                cursor.execute(f"INSERT INTO rollup_delta SELECT {select}")  # noqa: S608
            cursor.execute("DROP TABLE rollup_grouped")
        cursor.execute("ANALYZE rollup_delta")
        for grain in ("fk", "ck"):
            cursor.execute(
                f"""INSERT INTO {day_t} (key_id, day, {cols})
                    SELECT {grain}, day, {", ".join(f"SUM(SUM({name})) OVER w" for name in TOTALS)}
                    FROM rollup_delta GROUP BY {grain}, day
                    WINDOW w AS (PARTITION BY {grain} ORDER BY day)
                    ORDER BY {grain}, day"""  # noqa: S608
            )
        cursor.execute("DROP TABLE rollup_delta")
        if connection.vendor == "postgresql":
            for table in (key_t, day_t, mem_t):
                cursor.execute(f"ANALYZE {table}")  # plans for the probes of the first reads and writes
        RollupState.objects.bulk_create([RollupState(kind=kind, stale_days=stale[kind]) for kind in KINDS])
        counts = {
            "keys": RollupKey.objects.count(),
            "rows": RollupDay.objects.count(),
            "members": RollupMember.objects.filter(kind__in=KINDS).count(),
        }
    return counts


# The one-report path (dispatch.put): the same upkeep as `reports_written`, in the path's own statements.


class Upkeep:
    """Reads the enterprise's member row and the rollup's state with the path's read; on PostgreSQL locks the
    member (touched, and only if its row version is the one read) and the keys in the path's write, then adds the
    changes to the running totals in one set-based statement (`_apply_set`)."""

    uid = UID

    def read(self, kind: str) -> RawSQL:  # noqa: ARG002 - the member row is the same for both kinds
        quote = connection.ops.quote_name
        mem_t, state_t = quote(RollupMember._meta.db_table), quote(RollupState._meta.db_table)
        outer = f"{quote(Enterprise._meta.db_table)}.{quote('id')}"
        if connection.vendor == "postgresql":
            member = f"""SELECT json_build_array(m.kind, m.coarse_key_id, m.fine_key_id, m.employees, m.normal_output,
                         CAST(m.xmin AS text)) FROM {mem_t} m WHERE m.enterprise_id = {outer}"""  # noqa: S608
            states = f"SELECT json_object_agg(s.kind, s.stale_days) FROM {state_t} s"  # noqa: S608
            sql = f"CAST(json_build_array(({member}), ({states})) AS text)"
        else:
            member = f"""SELECT json_array(m.kind, m.coarse_key_id, m.fine_key_id, m.employees, m.normal_output, NULL)
                         FROM {mem_t} m WHERE m.enterprise_id = {outer}"""  # noqa: S608
            states = f"SELECT json_group_object(s.kind, s.stale_days) FROM {state_t} s"  # noqa: S608
            sql = f"json_array(json(({member})), json(({states})))"
        return RawSQL(f"({sql})", [], output_field=TextField())  # noqa: S611 - identifiers from models, no values

    def plan(self, read: Any, change: Change) -> Step | None:
        found, states = read
        if not found or not states or set(states) != set(KINDS):
            return None  # not under this kind's dispatch, or the rollup is not kept
        kind, coarse, fine, employees, output, xmin = found
        if kind != change.kind:
            return None
        member = _Member(kind, coarse, fine, int(employees), int(output))
        stale = int(states[kind])

        def report(v: Values) -> _Report:
            return _report(v.day, v.status, v.employees, v.on_duty, v.capacity_pct, v.late)

        before = [report(change.before)] if change.before else []
        old = before + ([report(change.old)] if change.old else [])
        new = [*before, report(change.new)]
        with_never = change.before is None
        deltas: Deltas = {}
        _spread(deltas, member, _window_events(member, old, change.after, with_never=with_never, stale=stale), -1)
        _spread(deltas, member, _window_events(member, new, change.after, with_never=with_never, stale=stale))
        deltas = {k: v for k, v in deltas.items() if any(v)}
        if not deltas:
            return None
        if connection.vendor != "postgresql":
            return Step(apply=lambda: _apply(deltas))
        quote = connection.ops.quote_name
        mem_t, key_t = quote(RollupMember._meta.db_table), quote(RollupKey._meta.db_table)
        keys = sorted({k for k, _day in deltas})
        marks = ", ".join(["%s"] * len(keys))
        return Step(
            ctes=[
                (
                    "rollup_m",
                    f"""UPDATE {mem_t} SET kind = kind WHERE enterprise_id = %s AND xmin = CAST(%s AS xid)
                        AND EXISTS (SELECT 1 FROM r) RETURNING 1""",  # noqa: S608
                    [change.enterprise_id, xmin],
                ),
                (
                    "rollup_k",
                    f"""SELECT id FROM {key_t} WHERE id IN ({marks}) AND EXISTS (SELECT 1 FROM rollup_m)
                        ORDER BY id FOR UPDATE""",  # noqa: S608
                    keys,
                ),
            ],
            checks=[("(SELECT COUNT(*) FROM rollup_m)", 1), ("(SELECT COUNT(*) FROM rollup_k)", len(keys))],
            apply=lambda: _apply_set(deltas),
        )


def _apply_set(deltas: Deltas) -> None:
    """`_apply` in one statement (PostgreSQL), the keys locked already: every row on or after a changed day gains
    the changes up to its day; a changed day without a row gets one, the totals of the row before it (as they were
    before this statement) plus the changes up to that day."""
    rows = [(key_id, day, *vec) for (key_id, day), vec in sorted(deltas.items())]
    quote = connection.ops.quote_name
    day_t = quote(RollupDay._meta.db_table)
    names = [quote(name) for name in TOTALS]
    one = "(CAST(%s AS bigint), CAST(%s AS date), " + ", ".join(["CAST(%s AS bigint)"] * N) + ")"
    keys = sorted({key_id for key_id, _day in deltas})
    lo = min(day for _key, day in deltas)
    sums = ", ".join(f"SUM(d.{n}) AS {n}" for n in names)
    sql = f"""
        WITH d (key_id, day, {", ".join(names)}) AS (VALUES {", ".join([one] * len(rows))}),
        s AS (SELECT t.id, {sums} FROM {day_t} t JOIN d ON d.key_id = t.key_id AND d.day <= t.day
              WHERE t.key_id IN ({", ".join(["%s"] * len(keys))}) AND t.day >= %s GROUP BY t.id),
        u AS (UPDATE {day_t} t SET {", ".join(f"{n} = t.{n} + s.{n}" for n in names)} FROM s WHERE t.id = s.id)
        INSERT INTO {day_t} (key_id, day, {", ".join(names)})
        SELECT n.key_id, n.day, {", ".join(f"COALESCE(p.{n}, 0) + n.{n}" for n in names)}
        FROM (SELECT a.key_id, a.day, {sums}
              FROM (SELECT DISTINCT key_id, day FROM d) a JOIN d ON d.key_id = a.key_id AND d.day <= a.day
              GROUP BY a.key_id, a.day) n
        LEFT JOIN LATERAL (SELECT {", ".join(names)} FROM {day_t} p1 WHERE p1.key_id = n.key_id AND p1.day < n.day
                           ORDER BY p1.day DESC LIMIT 1) p ON TRUE
        WHERE NOT EXISTS (SELECT 1 FROM {day_t} e WHERE e.key_id = n.key_id AND e.day = n.day)
    """  # noqa: S608 - identifiers from models, values are parameters
    with connection.cursor() as cursor:
        params: list[Any] = [v for r in rows for v in r]
        cursor.execute(sql, [*params, *keys, lo])
