"""One enterprise report (daily or weekly) in as few SQL statements as its guarantees allow (docs/scaling.md).

`services.report_save` and the API's PUT come here; many reports at once, key projects and an import's preview go
through `services.reports_save`, whose checks, outcomes and writes this path gives exactly.

A new daily report by its enterprise's token on PostgreSQL is six statements: the token (config/api.py); one read
of the enterprise in the caller's scope with its duty, the period's lock, the deadline, the report if it exists,
the reports before it (the warnings, and the rollup's neighbour), the day of the next one and what the upkeeps
above dispatch need (the rollup's member row, `dispatch.upkeep`); then BEGIN; one statement that writes the
report and its version and takes the upkeeps' locks; one per upkeep (the rollup's totals, set-based); COMMIT.

The read takes no lock. The write checks that nothing it relied on has changed (a new report is still new, an
existing one still has the version read, each upkeep's own check): otherwise it is rolled back and the general
path, which locks, saves the report instead. So retries, races and twenty identical submissions end as they do
there. On SQLite, whose writers are serialised, the read and the writes share one BEGIN IMMEDIATE transaction.
"""

import contextlib
import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, QuerySet, Subquery, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from fugong.dispatch import duties, upkeep, validation
from fugong.dispatch.models import Deadline, PeriodLock, ReportVersion
from fugong.dispatch.services import (
    REPORT_WRITE_FIELDS,
    Item,
    Kind,
    Outcome,
    _is_on_behalf,
    _json,
    _normal,
    _not_owed,
    _previous,
    _same,
    _same_field,
    _stored,
)
from fugong.dispatch.signals import reports_written
from fugong.enterprises.models import Enterprise
from fugong.security import trail
from fugong.security.models import Action

HISTORY = validation.UNCHANGED_REPORTS + 1  # reports before the period read: the checks look at no more
REPORT_FIELDS = ("status", "employees", "on_duty", "capacity_pct", "note")


_general = 0


@contextlib.contextmanager
def general() -> Iterator[None]:
    """Inside, every report goes the general way (the benchmark's baseline)."""
    global _general
    _general += 1
    try:
        yield
    finally:
        _general -= 1


def short() -> bool:
    return not _general


class Stale(Exception):  # noqa: N818 - not an error: a signal to take the general path
    """Something the write relied on changed after the read."""


def report_put(
    *,
    actor,
    kind: Kind,
    enterprises: QuerySet[Enterprise],
    period: date,
    values: dict,
    source: str,
    base_version: int | None = None,
    today: date | None = None,
    now: datetime | None = None,
    item: Item | None = None,
) -> Outcome | None:
    """Save one report of the enterprise `enterprises` selects (in the caller's scope); None when there is none.

    The period must be inside the platform's window (services.reports_save refuses it otherwise).
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    try:
        # SQLite: the read in the writing transaction (writers are serialised); PostgreSQL: the read before it.
        with transaction.atomic() if connection.vendor == "sqlite" else contextlib.nullcontext():
            row = _read(kind, enterprises, period)
            if row is None:
                return None
            outcome, write = _decide(kind, row, actor, period, values, source, base_version, today, now, item)
            if write is not None:
                with contextlib.nullcontext() if connection.vendor == "sqlite" else transaction.atomic():
                    write()
            return outcome
    except Stale:
        from fugong.dispatch import services

        subject = item.subject if item else enterprises.get()
        item = item or Item(subject=subject, period=period, values=values, base_version=base_version)
        return services.reports_save(
            actor=actor, kind=kind, items=[item], source=source, today=today, now=now, general=True
        )[0]


# The read.


def _read(kind: Kind, enterprises: QuerySet[Enterprise], period: date) -> dict | None:
    model: Any = kind.model  # an enterprise report: daily or weekly
    p = kind.period_field
    mine = model.objects.filter(enterprise_id=OuterRef("pk"))
    report = mine.filter(**{p: period}).values(
        j=JSONObject(**{name: name for name in ("id", *REPORT_FIELDS, *REPORT_WRITE_FIELDS, "late")})
    )[:1]
    after = mine.filter(**{f"{p}__gt": period}).order_by(p).values(p)[:1]
    deadline = Deadline.objects.filter(period_type=kind.period_type).values(
        j=JSONObject(offset_days="offset_days", at="at", stale_after_days="stale_after_days")
    )[:1]
    duty = duties.daily_q() if kind.name == "daily" else duties.weekly_q()
    locked = PeriodLock.objects.filter(
        league_id=OuterRef("league_id"), period_type=kind.period_type, period=period, locked=True
    )
    extra = {f"upkeep_{n}": u.read(kind.name) for n, u in enumerate(upkeep.registered())}
    rows: list[Any] = list(
        enterprises.values(
            "pk",
            "credit_code",
            "name",
            "league_id",
            "county_id",
            owes=ExpressionWrapper(duty, output_field=BooleanField()),
            locked=Exists(locked),
            deadline=Subquery(deadline),
            report=Subquery(report),
            history=_history(kind, period),
            after=Subquery(after),
            **extra,
        )[:2]
    )
    return rows[0] if len(rows) == 1 else None


def _history(kind: Kind, period: date) -> RawSQL:
    """The enterprise's last reports before the period, newest first, as a JSON array (text)."""
    quote = connection.ops.quote_name
    table, p = quote(kind.model._meta.db_table), quote(kind.period_field)
    outer = f"{quote(Enterprise._meta.db_table)}.{quote('id')}"
    cols = (p, "status", "employees", "on_duty", "capacity_pct", "note", "late")
    inner = f"""SELECT {", ".join(f"h.{c} AS c{n}" for n, c in enumerate(cols))} FROM {table} h
                WHERE h.enterprise_id = {outer} AND h.{p} < %s ORDER BY h.{p} DESC LIMIT {HISTORY}"""  # noqa: S608
    if connection.vendor == "postgresql":
        sql = f"(SELECT CAST(json_agg(json_build_array({', '.join(f'x.c{n}' for n in range(len(cols)))})) AS text) FROM ({inner}) x)"  # noqa: E501, S608
    else:
        sql = (
            f"(SELECT json_group_array(json_array({', '.join(f'x.c{n}' for n in range(len(cols)))})) FROM ({inner}) x)"  # noqa: E501, S608
        )
    return RawSQL(sql, [period], output_field=TextField())  # noqa: S611 - identifiers from models, values are params


def _loaded(value: Any) -> Any:
    """A JSON value as the database gave it: decoded by Django already, or text (a nested object on SQLite)."""
    return json.loads(value) if isinstance(value, str) else value


def _decimal(value: Any) -> Decimal:
    """A capacity as the database stores it (one decimal place), from JSON's number."""
    return Decimal(str(value)).quantize(Decimal("0.1"))


def _moment(value: str) -> datetime:
    moment = parse_datetime(value)
    if moment is None:
        raise ValueError(value)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, UTC)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# Deciding: the general path's checks, in its order.


def _decide(
    kind: Kind, row, actor, period, values, source, base_version, today, now, item
) -> tuple[Outcome, Callable[[], None] | None]:
    """The outcome, and the write that makes it so (None when nothing is written)."""
    p = kind.period_field
    enterprise = Enterprise(
        pk=row["pk"], credit_code=row["credit_code"], name=row["name"], league_id=row["league_id"],
        county_id=row["county_id"],
    )  # fmt: skip
    item = item or Item(subject=enterprise, period=period, values=values, base_version=base_version)
    normal = _normal(kind, item.values)
    if not row["owes"]:
        return Outcome(item, "refused", errors={"__all__": [_not_owed(kind, item.subject)]}), None
    history = [
        {p: _day(d), "status": s, "employees": e, "on_duty": o, "capacity_pct": _decimal(c), "note": n,
         "late": bool(late)}
        for d, s, e, o, c, n, late in _loaded(row["history"]) or []
    ]  # fmt: skip
    history.sort(key=lambda h: h[p], reverse=True)
    window = period - timedelta(days=HISTORY * 7 if p == "week" else HISTORY)
    previous, run = _previous(kind, [h for h in history if h[p] >= window], period, normal)
    checked = kind.check(
        values=normal, period=period, today=today, locked=bool(row["locked"]), previous=previous, unchanged_run=run
    )
    if checked.errors:
        return Outcome(item, "refused", errors=checked.errors), None
    report = _existing(kind, _loaded(row["report"]), enterprise, period)
    if report is not None and item.base_version is not None and item.base_version != report.version:
        message = _("Someone else changed this report (now version %(v)d) after you opened it.")
        return Outcome(
            item,
            "conflict",
            report=report,
            current={**_json(_stored(kind, report)), "version": report.version},
            errors={"version": [message % {"v": report.version}]},
        ), None
    if report is not None and _same(kind, _stored(kind, report), normal):
        return Outcome(item, "unchanged", report=report, warnings=report.warnings), None
    common = {
        "warnings": checked.warnings,
        "source": source,
        "on_behalf": _is_on_behalf(actor, kind, item.subject),
        "filed_by": actor,
        "filed_at": now,
    }
    before = history[0] if history else None
    old = report and _values(report, period)
    if report is None:
        deadline = _deadline(kind, _loaded(row["deadline"]))
        model: Any = kind.model
        report = model(
            enterprise=enterprise, **{p: period}, **normal, **common, league_id=enterprise.league_id,
            county_id=enterprise.county_id, version=1, late=now > deadline.due_at(period),
        )  # fmt: skip
        outcome = Outcome(item, "created", report=report, warnings=checked.warnings)
        changed: dict = {}
    else:
        stored = _stored(kind, report)
        for name, value in {**normal, **common}.items():
            setattr(report, name, value)
        report.version += 1
        changed = {
            f: [_json(stored)[f], _json(normal)[f]] for f in kind.fields if not _same_field(stored[f], normal[f])
        }
        outcome = Outcome(item, "updated", report=report, warnings=checked.warnings, before=_json(stored))
    change = upkeep.Change(
        kind=kind.name,
        enterprise_id=enterprise.pk,
        old=old,
        new=_values(report, period),
        before=_history_values(p, before),
        after=row["after"] and _day(row["after"]),
    )
    steps = [
        s for n, u in enumerate(upkeep.registered()) if (s := u.plan(_loaded(row[f"upkeep_{n}"]), change)) is not None
    ]
    covered = frozenset(u.uid for u in upkeep.registered())

    def write() -> None:
        creates, updates = ([report], []) if outcome.result == "created" else ([], [report])
        reports_written.send(sender=kind.model, kind=kind.name, creates=creates, updates=updates, covered=covered)
        _write(kind, report, created=outcome.result == "created", changed=changed, actor=actor, steps=steps)
        for step in steps:
            if step.apply is not None:
                step.apply()

    return outcome, write


def _history_values(p: str, found: dict | None) -> upkeep.Values | None:
    if found is None:
        return None
    return upkeep.Values(
        found[p], found["status"], found["employees"], found["on_duty"], found["capacity_pct"], found["late"]
    )


def _existing(kind: Kind, found: dict | None, enterprise: Enterprise, period: date):
    if not found:
        return None
    model: Any = kind.model
    report = model(
        pk=found["id"], enterprise=enterprise, **{kind.period_field: period}, status=found["status"],
        employees=found["employees"], on_duty=found["on_duty"], capacity_pct=_decimal(found["capacity_pct"]),
        note=found["note"], warnings=_loaded(found["warnings"]) or [], source=found["source"],
        on_behalf=bool(found["on_behalf"]), filed_by_id=found["filed_by"], filed_at=_moment(found["filed_at"]),
        version=found["version"], late=bool(found["late"]), league_id=enterprise.league_id,
        county_id=enterprise.county_id,
    )  # fmt: skip
    report._state.adding = False
    return report


def _values(report, period: date) -> upkeep.Values:
    return upkeep.Values(
        period, report.status, int(report.employees), int(report.on_duty), Decimal(str(report.capacity_pct)),
        bool(report.late),
    )  # fmt: skip


def _deadline(kind: Kind, found: dict | None) -> Deadline:
    if not found:
        return Deadline.for_type(kind.period_type)  # no row: the default (one more statement, never in practice)
    at = found["at"] if isinstance(found["at"], time) else time.fromisoformat(str(found["at"]))
    return Deadline(
        period_type=kind.period_type, offset_days=found["offset_days"], at=at,
        stale_after_days=found["stale_after_days"],
    )  # fmt: skip


# The write.


def _prepared(model, names: list[str], values: list) -> tuple[list[str], list, list[str]]:
    """Columns, values as the ORM would store them, and each column's type (for casts)."""
    fields = [model._meta.get_field(name) for name in names]
    return (
        [connection.ops.quote_name(f.column) for f in fields],
        [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)],
        [f.db_type(connection) or "text" for f in fields],
    )


def _value(report, name: str) -> Any:
    return getattr(report, report._meta.get_field(name).attname)


def _write(kind: Kind, report, *, created: bool, changed: dict, actor, steps: list[upkeep.Step]) -> None:
    """The report and its version (and on PostgreSQL the upkeeps' locks and checks) in one statement."""
    quote = connection.ops.quote_name
    table = quote(kind.model._meta.db_table)
    names = [*kind.fields, *REPORT_WRITE_FIELDS]
    if created:
        names = ["enterprise", kind.period_field, "league", "county", *names, "late"]
        columns, params, _types = _prepared(kind.model, names, [_value(report, n) for n in names])
        sql = f"""INSERT INTO {table} ({", ".join(columns)}) VALUES ({", ".join(["%s"] * len(columns))})
                  ON CONFLICT DO NOTHING RETURNING id"""  # noqa: S608
    else:
        columns, params, _types = _prepared(kind.model, names, [_value(report, n) for n in names])
        sql = f"""UPDATE {table} SET {", ".join(f"{c} = %s" for c in columns)}
                  WHERE id = %s AND version = %s RETURNING id"""  # noqa: S608
        params += [report.pk, report.version - 1]
    v_names = ["kind", "version", "values", "changed", "source", "on_behalf", "user", "at"]
    v_columns, v_params, v_types = _prepared(
        ReportVersion,
        v_names,
        [kind.name, report.version, _json(_stored(kind, report)), changed, report.source, report.on_behalf,
         actor.pk if actor else None, report.filed_at],
    )  # fmt: skip
    version_table = quote(ReportVersion._meta.db_table)
    v_insert = f"INSERT INTO {version_table} ({quote('report_id')}, {', '.join(v_columns)})"
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            found = cursor.fetchone()
            if found is None:
                raise Stale
            cursor.execute(f"{v_insert} VALUES (%s, {', '.join(['%s'] * len(v_columns))})", [found[0], *v_params])
            report.pk = found[0]
            _audit(kind, report, created=created)
            return
        casts = ", ".join(f"CAST(%s AS {t})" for t in v_types)
        ctes = [("r", sql, params), ("v", f"{v_insert} SELECT r.id, {casts} FROM r RETURNING 1", v_params)]  # noqa: S608
        checks: list[tuple[str, Any]] = []
        for step in steps:
            ctes += step.ctes
            checks += step.checks
        cte_sql = ",\n".join(f"{name} AS ({body})" for name, body, _ in ctes)
        select = ", ".join(["r.id", *(c for c, _ in checks)])
        cursor.execute(
            f"WITH {cte_sql} SELECT {select} FROM r",  # noqa: S608 - SQL from this module and the upkeeps
            [p for _, _, ps in ctes for p in ps],
        )
        found = cursor.fetchone()
    if found is None or any(got != want for got, (_, want) in zip(found[1:], checks, strict=True)):
        raise Stale
    report.pk = found[0]
    _audit(kind, report, created=created)


def _audit(kind: Kind, report, *, created: bool) -> None:
    """The audit trail's entry for the report: the raw statements above send no model signal. The request's entries
    are written with one INSERT at its end (fugong/security/middleware.py), in the same transaction."""
    trail.note(
        Action.CREATE if created else Action.UPDATE,
        model=kind.model._meta.label_lower,
        object_id=report.pk,
        enterprise_id=report.enterprise_id,
    )
