"""Every write of a report. Form, grid, Excel, API and the demo all call `reports_save`.

One path for one report or five thousand: it validates, refuses a save based on a stale version,
keeps every version with who, when, how and what changed, and never duplicates a report when a
client retries or twenty identical submissions race (the unique constraint decides, the loser
retries as an update and finds nothing to change).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong import access
from fugong.accounts.models import User
from fugong.core import bounds, bulk, cases
from fugong.dispatch import duties, validation
from fugong.dispatch.models import (
    DailyReport,
    Deadline,
    PeriodLock,
    PeriodLockEvent,
    PeriodType,
    ProjectReport,
    ReportVersion,
    Source,
    WeeklyReport,
)
from fugong.dispatch.signals import reports_written
from fugong.enterprises.models import Enterprise, KeyProject


@dataclass(frozen=True)
class Kind:
    """What differs between the daily, weekly and key-project reports."""

    name: str
    model: type[DailyReport] | type[WeeklyReport] | type[ProjectReport]
    period_type: str
    period_field: str
    subject_field: str
    fields: tuple[str, ...]
    check: Callable

    def period_of(self, report) -> date:
        return getattr(report, self.period_field)


def _check_enterprise(kind_name):
    def check(*, values, period, today, locked, previous, unchanged_run):
        return validation.check_report(
            values=values,
            period=period,
            today=today,
            locked=locked,
            weekly=kind_name == "weekly",
            previous=previous,
            unchanged_run=unchanged_run,
        )

    return check


def _check_project(*, values, period, today, locked, previous, **_):  # no rule on unchanged runs for projects
    return validation.check_project_report(values=values, period=period, today=today, locked=locked, previous=previous)


ENTERPRISE_FIELDS = ("status", "employees", "on_duty", "capacity_pct", "note")
DAILY = Kind(
    "daily", DailyReport, PeriodType.DAILY, "date", "enterprise", ENTERPRISE_FIELDS, _check_enterprise("daily")
)
WEEKLY = Kind(
    "weekly", WeeklyReport, PeriodType.WEEKLY, "week", "enterprise", ENTERPRISE_FIELDS, _check_enterprise("weekly")
)
PROJECT = Kind(
    "project",
    ProjectReport,
    PeriodType.WEEKLY,
    "week",
    "project",
    ("status", "workers_on_site", "investment_week", "note"),
    _check_project,
)
KINDS = {k.name: k for k in (DAILY, WEEKLY, PROJECT)}


@dataclass(kw_only=True)
class Item:
    """One report to save. `subject` is an Enterprise (daily, weekly) or a KeyProject."""

    subject: Enterprise | KeyProject
    period: date
    values: dict
    base_version: int | None = None


@dataclass
class Outcome:
    item: Item
    result: str  # created | updated | unchanged | refused | conflict
    report: Any = None  # the saved report (DailyReport, WeeklyReport or ProjectReport), or the newer one
    errors: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    current: Any = None  # on a conflict, the newer report's values (a dict)
    before: dict | None = None  # an update's stored values before it, JSON-safe (an import's preview shows both)

    @property
    def ok(self) -> bool:
        return self.result in ("created", "updated", "unchanged")


def _normal(kind: Kind, values: dict) -> dict:
    """Values as stored and compared: decimals to one (capacity) or two (investment) places, note trimmed."""
    out = {name: values.get(name) for name in kind.fields}
    out["note"] = (out.get("note") or "").strip()
    if "capacity_pct" in out and out["capacity_pct"] is not None:
        out["capacity_pct"] = Decimal(str(out["capacity_pct"]))
    if "investment_week" in out and out["investment_week"] is not None:
        out["investment_week"] = _cents(Decimal(str(out["investment_week"])))
    return out


def _cents(value: Decimal) -> Decimal:
    """Two places when that loses nothing; otherwise as given, for the checks to refuse."""
    try:
        cents = value.quantize(Decimal("0.01"))
    except InvalidOperation:  # more digits than any sum of money
        return value
    return cents if cents == value else value


def _stored(kind: Kind, report) -> dict:
    return {name: getattr(report, name) for name in kind.fields}


def _json(values: dict) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in values.items()}


def _same(kind: Kind, a: dict, b: dict) -> bool:
    return all(
        (Decimal(str(a[f])) == Decimal(str(b[f]))) if isinstance(a[f], Decimal | float) else a[f] == b[f]
        for f in kind.fields
    )


def locked_periods(*, kind: Kind, leagues: set[str], periods: set[date]) -> set[tuple[str, date]]:
    rows = PeriodLock.objects.filter(
        league_id__in=leagues, period_type=kind.period_type, period__in=periods, locked=True
    ).values_list("league_id", "period")
    return set(rows)


def _history(kind: Kind, subject_ids: set[int], first: date, last: date) -> dict[int, list]:
    """The reports before each item's period, newest first, for the jump and copy-forward warnings."""
    window = first - timedelta(
        days=7 * (validation.UNCHANGED_REPORTS + 1) if kind.period_field == "week" else validation.UNCHANGED_REPORTS + 1
    )
    rows = (
        kind.model.objects.filter(
            **{
                f"{kind.subject_field}_id__in": subject_ids,
                f"{kind.period_field}__gte": window,
                f"{kind.period_field}__lt": last,
            }
        )
        .order_by(f"-{kind.period_field}")
        .values(f"{kind.subject_field}_id", kind.period_field, *kind.fields)
    )
    found: dict[int, list] = defaultdict(list)
    for row in rows:
        found[row[f"{kind.subject_field}_id"]].append(row)
    return found


def _previous(kind: Kind, history: list, period: date, values: dict) -> tuple[dict | None, int]:
    before = [r for r in history if r[kind.period_field] < period]
    if not before:
        return None, 0
    run = 0
    for row in before:
        if not _same(kind, _normal(kind, row), values):
            break
        run += 1
    return before[0], run


def _owing(kind: Kind, subject_ids: set[int]) -> set[int]:
    if kind.name == "project":
        return subject_ids
    duty = duties.daily_q() if kind.name == "daily" else duties.weekly_q()
    return set(Enterprise.objects.filter(duty, pk__in=subject_ids).values_list("pk", flat=True))


def _not_owed(kind: Kind, subject) -> str:
    if kind.name == "daily":
        return _("%(name)s is not under daily dispatch.") % {"name": subject}
    return _("%(name)s is not under weekly dispatch.") % {"name": subject}


def _is_on_behalf(actor: User | None, kind: Kind, subject) -> bool:
    if actor is None:
        return False
    owner_id = subject.owner_id if kind.name == "project" else subject.pk
    return access.files_on_behalf(actor, owner_id)


def reports_save(
    *,
    actor: User | None,
    kind: Kind,
    items: list[Item],
    source: str,
    today: date | None = None,
    now=None,
    dry_run: bool = False,
    general: bool = False,
) -> list[Outcome]:
    """Save many reports of one kind. Items refused or in conflict change nothing; the rest are saved.

    `dry_run` runs every check and answers the same outcomes without writing: an import's preview. One
    enterprise report goes the short way (`dispatch.put`) unless `general`.
    """
    # A period outside the platform's window is refused alone, before the window reads around it can overflow.
    outside = {
        n: Outcome(item, "refused", errors={"date": [_period_outside(item.period)]})
        for n, item in enumerate(items)
        if not bounds.in_window(item.period)
    }
    if outside:
        kept = iter(
            reports_save(
                actor=actor, kind=kind, items=[i for n, i in enumerate(items) if n not in outside],
                source=source, today=today, now=now, dry_run=dry_run,
            )
        )  # fmt: skip
        return [outside.get(n) or next(kept) for n in range(len(items))]
    from fugong.dispatch import put  # noqa: PLC0415 - put builds on this module

    if len(items) == 1 and kind.name != "project" and not dry_run and not general and put.short():
        item = items[0]
        found = put.report_put(
            actor=actor, kind=kind, enterprises=Enterprise.objects.filter(pk=item.subject.pk), period=item.period,
            values=item.values, source=source, base_version=item.base_version, today=today, now=now, item=item,
        )  # fmt: skip
        if found is not None:
            return [found]
    for attempt in range(3):
        try:
            return _save_once(actor=actor, kind=kind, items=items, source=source, today=today, now=now, dry_run=dry_run)
        except IntegrityError:
            # Another request created one of these reports between our read and our insert.
            # Run again: that report now exists and is treated as an update (or as unchanged).
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _period_outside(day: date) -> str:
    try:
        bounds.check_date(day)
    except ValidationError as e:
        return e.messages[0]
    return ""


@transaction.atomic
def _save_once(*, actor, kind: Kind, items: list[Item], source: str, today, now, dry_run=False) -> list[Outcome]:
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    deadline = Deadline.for_type(kind.period_type)
    subject_key = f"{kind.subject_field}_id"
    subject_ids = {item.subject.pk for item in items}
    periods = {item.period for item in items}
    existing = {
        (getattr(r, subject_key), kind.period_of(r)): r
        for r in kind.model.objects.select_for_update().filter(
            **{f"{subject_key}__in": subject_ids, f"{kind.period_field}__in": periods}
        )
    }
    locks = locked_periods(kind=kind, leagues={i.subject.league_id for i in items}, periods=periods)
    owing = _owing(kind, subject_ids)
    history = _history(kind, subject_ids, min(periods), max(periods)) if items else {}

    outcomes: list[Outcome] = []
    creates: list = []
    updates: list = []
    versions: list[tuple] = []  # (report, changes)
    seen: set[tuple[int, date]] = set()
    for item in items:
        key = (item.subject.pk, item.period)
        values = _normal(kind, item.values)
        if key in seen:
            outcomes.append(
                Outcome(item, "refused", errors={"__all__": [_("The same report appears twice in this submission.")]})
            )
            continue
        seen.add(key)
        if item.subject.pk not in owing:
            outcomes.append(Outcome(item, "refused", errors={"__all__": [_not_owed(kind, item.subject)]}))
            continue
        previous, run = _previous(kind, history.get(item.subject.pk, []), item.period, values)
        checked = kind.check(
            values=values,
            period=item.period,
            today=today,
            locked=(item.subject.league_id, item.period) in locks,
            previous=previous,
            unchanged_run=run,
        )
        if checked.errors:
            outcomes.append(Outcome(item, "refused", errors=checked.errors))
            continue
        report = existing.get(key)
        if report is not None and item.base_version is not None and item.base_version != report.version:
            outcomes.append(
                Outcome(
                    item,
                    "conflict",
                    report=report,
                    current={**_json(_stored(kind, report)), "version": report.version},
                    errors={
                        "version": [
                            _("Someone else changed this report (now version %(v)d) after you opened it.")
                            % {"v": report.version}
                        ]
                    },
                )
            )
            continue
        if report is not None and _same(kind, _stored(kind, report), values):
            outcomes.append(Outcome(item, "unchanged", report=report, warnings=report.warnings))
            continue
        on_behalf = _is_on_behalf(actor, kind, item.subject)
        common = {
            "warnings": checked.warnings,
            "source": source,
            "on_behalf": on_behalf,
            "filed_by": actor,
            "filed_at": now,
        }
        if report is None:
            report = kind.model(
                **{kind.subject_field: item.subject, kind.period_field: item.period},
                **values,
                **common,
                league_id=item.subject.league_id,
                county_id=item.subject.county_id,
                version=1,
                late=now > deadline.due_at(item.period),
            )
            creates.append(report)
            outcomes.append(Outcome(item, "created", report=report, warnings=checked.warnings))
            versions.append((report, {}))
        else:
            before = _stored(kind, report)
            for name, value in {**values, **common}.items():
                setattr(report, name, value)
            report.version += 1
            updates.append(report)
            changed = {
                f: [_json(before)[f], _json(values)[f]] for f in kind.fields if not _same_field(before[f], values[f])
            }
            outcomes.append(Outcome(item, "updated", report=report, warnings=checked.warnings, before=_json(before)))
            versions.append((report, changed))

    if not dry_run:
        _write(kind, creates=creates, updates=updates, versions=versions, actor=actor, source=source, now=now)
    return outcomes


REPORT_WRITE_FIELDS = ("warnings", "source", "on_behalf", "filed_by", "filed_at", "version")


def _write(kind: Kind, *, creates: list, updates: list, versions: list, actor, source: str, now) -> None:
    """Write with plain executemany (fugong.core.bulk): the ORM's bulk_create costs too much per row here."""
    # Keep the figures rollup live: in this transaction, before the writes (it reads the old values).
    reports_written.send(sender=kind.model, kind=kind.name, creates=creates, updates=updates)
    subject = kind.subject_field
    insert_fields = [subject, kind.period_field, "league", "county", *kind.fields, *REPORT_WRITE_FIELDS, "late"]
    bulk.insert_rows(
        kind.model,
        insert_fields,
        [
            (getattr(r, f"{subject}_id"), kind.period_of(r), r.league_id, r.county_id,
             *(getattr(r, f) for f in kind.fields), r.warnings, r.source, r.on_behalf, r.filed_by_id, r.filed_at,
             r.version, r.late)
            for r in creates
        ],
    )  # fmt: skip
    if creates:
        # executemany returns no ids: read them back by the unique (subject, period) key.
        by_key = {(getattr(r, f"{subject}_id"), kind.period_of(r)): r for r in creates}
        for period in {kind.period_of(r) for r in creates}:
            rows = kind.model.objects.filter(
                **{f"{subject}_id__in": [k[0] for k in by_key if k[1] == period], kind.period_field: period}
            ).values_list("pk", f"{subject}_id")
            for pk, subject_id in rows:
                by_key[(subject_id, period)].pk = pk
    bulk.update_rows(
        kind.model,
        [*kind.fields, *REPORT_WRITE_FIELDS],
        [
            (*(getattr(r, f) for f in kind.fields), r.warnings, r.source, r.on_behalf, r.filed_by_id, r.filed_at,
             r.version, r.pk)
            for r in updates
        ],
    )  # fmt: skip
    bulk.insert_rows(
        ReportVersion,
        ["kind", "report_id", "version", "values", "changed", "source", "on_behalf", "user", "at"],
        [
            (kind.name, r.pk, r.version, _json(_stored(kind, r)), changed, source, r.on_behalf,
             actor.pk if actor else None, now)
            for r, changed in versions
        ],
    )  # fmt: skip


def _same_field(a, b) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return Decimal(str(a)) == Decimal(str(b))
    return a == b


def report_save(
    *,
    actor: User | None,
    kind: Kind,
    subject,
    period: date,
    values: dict,
    source: str,
    base_version: int | None = None,
    today: date | None = None,
) -> Outcome:
    return reports_save(
        actor=actor,
        kind=kind,
        items=[Item(subject=subject, period=period, values=values, base_version=base_version)],
        source=source,
        today=today,
    )[0]


@transaction.atomic
def period_lock(*, actor: User, league_code: str, period_type: str, period: date) -> PeriodLock:
    lock, _created = PeriodLock.objects.select_for_update().get_or_create(
        league_id=league_code, period_type=period_type, period=period, defaults={"locked": True}
    )
    if not _created and lock.locked:
        return lock
    lock.locked = True
    lock.save(update_fields=["locked"])
    PeriodLockEvent.objects.create(lock=lock, action=PeriodLockEvent.Action.LOCK, user=actor)
    return lock


class UnlockRefused(ValueError):
    pass


@transaction.atomic
def period_unlock(*, actor: User, league_code: str, period_type: str, period: date, reason: str) -> PeriodLock:
    reason = (reason or "").strip()
    if not reason:
        raise UnlockRefused(_("Say why the period is reopened."))
    lock = (
        PeriodLock.objects.select_for_update()
        .filter(league_id=league_code, period_type=period_type, period=period, locked=True)
        .first()
    )
    if lock is None:
        raise UnlockRefused(_("This period is not locked."))
    lock.locked = False
    lock.save(update_fields=["locked"])
    PeriodLockEvent.objects.create(lock=lock, action=PeriodLockEvent.Action.UNLOCK, reason=reason[:500], user=actor)
    return lock


__all__ = ["DAILY", "KINDS", "PROJECT", "WEEKLY", "Item", "Outcome", "Source", "report_save", "reports_save"]


def follow_enterprises(*, ids) -> int:
    """Every report of a moved enterprise follows it to its new area, past ones too: the figures already count its
    whole contribution in the new area (the rollup moves it, the raw path reads the registry), so the report
    lists behind a figure must hold them there as well."""
    return sum(cases.follow_enterprises(model.objects.all(), ids) for model in (DailyReport, WeeklyReport))


def on_enterprises_moved(sender, *, ids, **kwargs) -> None:  # noqa: ARG001 - a signal receiver
    follow_enterprises(ids=ids)


def on_key_projects_moved(sender, *, ids, **kwargs) -> None:  # noqa: ARG001 - a signal receiver
    """A key project's reports follow it to its new county, as an enterprise's do."""
    cases.follow_enterprises(ProjectReport.objects.all(), ids, owner="project")
