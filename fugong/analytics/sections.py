"""Panels that other capabilities add to the dashboard, below the dispatch figures.

The dashboard belongs to analytics, which sits below the capabilities in the layers, so each capability
registers a function in its AppConfig.ready():

    sections.register("financing", financing_panel, order=61)

The function gets the dashboard's context (who is looking, the day, the scope) and returns a Panel
with its figures already formatted, or None when it has nothing to show in that scope. The figures come
from the capability's one figures function, the same one its page, export, API and brief paragraph read.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils.functional import Promise

from fugong.accounts.models import User
from fugong.analytics.figures import Scope


@dataclass(frozen=True)
class DashboardContext:
    user: User
    as_of: date
    scope: Scope


@dataclass(frozen=True)
class Panel:
    key: str
    title: str | Promise
    figures: Sequence[tuple[str | Promise, str]] = field(default_factory=list)  # (label, value with its unit)
    link: str = ""  # the capability's own page, where the figures come from
    note: str | Promise = ""  # the scope the counts are about, when it is not the dashboard's


PanelFunction = Callable[[DashboardContext], Panel | None]
_PANELS: list[tuple[int, str, PanelFunction]] = []


def register(key: str, function: PanelFunction, *, order: int) -> None:
    """Add (or replace) the panel `key`; panels show in `order`."""
    unregister(key)
    _PANELS.append((order, key, function))
    _PANELS.sort(key=lambda entry: (entry[0], entry[1]))


def unregister(key: str) -> None:
    _PANELS[:] = [entry for entry in _PANELS if entry[1] != key]


def keys() -> list[str]:
    return [key for _order, key, _function in _PANELS]


def panels(ctx: DashboardContext) -> list[Panel]:
    found = (function(ctx) for _order, _key, function in _PANELS)
    return [panel for panel in found if panel is not None]
