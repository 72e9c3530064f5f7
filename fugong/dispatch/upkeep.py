"""What the one-report write path (`dispatch.put`) lets an app above dispatch keep up, in its own statements.

The path reads everything in one statement and writes in one; an upkeep (the figures rollup) adds what it needs
to both: an expression to the read (evaluated on the enterprise's row), common table expressions to the write
on PostgreSQL (its locks and its check that nothing it read has changed since), and one step after the write.
An app registers its upkeep in its AppConfig.ready(), with the dispatch_uid of its `reports_written` receiver:
the path tells that receiver (`covered`) that it need not run. Layers: dispatch never imports the app above.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from django.db.models import Expression


@dataclass(frozen=True)
class Values:
    """What an upkeep reads of a report."""

    day: date  # its period
    status: str
    employees: int
    on_duty: int
    capacity_pct: Decimal
    late: bool


@dataclass(frozen=True)
class Change:
    """One report about to be written: its old values (None for a new one), its new values, the enterprise's report
    before it and the day of its report after it (None when there is none)."""

    kind: str  # "daily" or "weekly"
    enterprise_id: int
    old: Values | None
    new: Values
    before: Values | None
    after: date | None


@dataclass
class Step:
    """An upkeep's part of a write.

    `ctes` are (name, sql, params) added to the write statement on PostgreSQL after the report's own (named `r`,
    returning the report's id: a CTE that reads `r` runs after it); `checks` are (scalar SQL, expected value)
    pairs of that statement: any other value means something read has changed, and the write is rolled back and
    done again by the general path, which locks. `apply` runs after the write, in its transaction.
    """

    ctes: list[tuple[str, str, list]] = field(default_factory=list)
    checks: list[tuple[str, Any]] = field(default_factory=list)
    apply: Callable[[], None] | None = None


class Upkeep(Protocol):
    uid: str  # the dispatch_uid of the app's reports_written receiver

    def read(self, kind: str) -> Expression: ...

    def plan(self, read: Any, change: Change) -> Step | None: ...


_upkeeps: dict[str, Upkeep] = {}


def register(upkeep: Upkeep) -> None:
    _upkeeps[upkeep.uid] = upkeep


def registered() -> list[Upkeep]:
    return list(_upkeeps.values())
