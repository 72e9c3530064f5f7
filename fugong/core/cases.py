"""The case base: an enterprise's case (a problem, a financing referral, and the case types to come) moving
through an explicit table of moves, with a timeline of who did what.

A new case type plugs in with five things (docs/cases.md):

1. a model that inherits `CaseModel` (the `league`/`county` copied from the enterprise, timestamps) and adds
   its `enterprise` foreign key and a `state` field on its own `TextChoices`, named in `states`;
2. an event model that inherits `CaseEvent`, with a foreign key to the case named in `case_field`;
3. in its services, a `Transitions` table: the moves, a `relations(user, case)` function that says how the
   user stands to the case (roles such as "official", "bank"; empty when the case is out of their sight),
   the names of those relations and the message for a move refused in the current state;
4. its service for a move calls `table.move(...)` with a function that applies what is specific to it;
5. a `CaseType(table, gate, move)` in its services (its access gate and its move service, whose case argument
   is named as the events' `case_field`), from which `fugong.core.case_views.moves_view` and
   `add_moves_endpoint` make its moves view and API endpoint.

When its enterprise moves to another county or league, `follow_enterprises` moves the open cases with it
(the app connects to `fugong.enterprises.signals.enterprises_moved`).

This module imports no app: the areas, enterprises and users are referred to by name.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.core.models import TimeStampedModel


class AreaCopyModel(models.Model):
    """The league and county of the enterprise, copied so that the area scope filters without a join."""

    league = models.ForeignKey("areas.Area", models.PROTECT, related_name="+", editable=False)
    county = models.ForeignKey("areas.Area", models.PROTECT, related_name="+", editable=False)

    class Meta:
        abstract = True


class CaseModel(AreaCopyModel, TimeStampedModel):
    """An enterprise's case. Subclasses add `enterprise`, `state` (choices from `states`) and their own facts."""

    states: type[models.TextChoices]

    class Meta:
        abstract = True


class CaseEvent(models.Model):
    """One line of a case's timeline: who, when, which move, from which state to which, and why."""

    case_field: str  # the name of the subclass's foreign key to its case

    at = models.DateTimeField(gettext_lazy("when"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.CharField(gettext_lazy("action"), max_length=16)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    comment = models.TextField(gettext_lazy("comment"), blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{getattr(self, self.case_field + '_id')} {self.action}"

    @classmethod
    def for_case(cls, case, *, actor, action, from_state="", comment="", detail=None, at=None) -> Self:
        """The event of a move just made on `case` (unsaved: the caller saves it or bulk-creates many)."""
        return cls(
            **{cls.case_field: case},
            at=at or timezone.now(),
            actor=actor,
            action=action,
            from_state=from_state,
            to_state=case.state,
            comment=comment,
            detail=detail or {},
        )

    @property
    def to_state_label(self) -> str:
        states = self._meta.get_field(self.case_field).related_model.states  # type: ignore[union-attr]  # a case model
        return str(states(self.to_state).label) if self.to_state in states.values else ""


@dataclass(frozen=True)
class Move:
    """One row of a transition table: from which states, to which (None keeps it), who may, and what it needs."""

    sources: frozenset
    target: str | None
    who: frozenset
    label: object
    # The message asking for the comment when the move needs one; empty when it does not.
    needs_comment: object = ""


@dataclass(frozen=True)
class Transitions:
    """A case type's table of moves, and the checks every move goes through."""

    moves: dict[str, Move]
    states: type[models.TextChoices]
    event_model: type[CaseEvent]
    relations: Callable  # (user, case) -> set of relation names; empty: the case is out of the user's sight
    who_labels: dict  # relation name -> how a refusal names it ("an official")
    not_now: object  # the refusal of a move from the wrong state, with %(action)s, %(state)s and %(allowed)s

    def __getitem__(self, action: str) -> Move:
        return self.moves[action]

    @property
    def case_field(self) -> str:
        """How the case is named in its events and in its move service's arguments ("problem", "referral")."""
        return self.event_model.case_field

    def allowed_actions(self, case, user) -> list[str]:
        mine = self.relations(user, case)
        return [name for name, m in self.moves.items() if case.state in m.sources and mine & m.who]

    def choices(self, case, user) -> list[tuple[str, object]]:
        """The moves the user may make now, with their labels: the buttons of a detail page."""
        return [(name, self.moves[name].label) for name in self.allowed_actions(case, user)]

    def may_move(self, case, user) -> bool:
        """Whether the user may make any move of the table on this case (else a write is out of their scope)."""
        mine = self.relations(user, case)
        return any(mine & m.who for m in self.moves.values())

    def refusal(self, case, action: str, user) -> str | None:
        """Why the move is refused, translated; None when it may be made. `user=None` is the system."""
        move = self.moves.get(action)
        if move is None:
            return _("Unknown action “%(action)s”.") % {"action": action}
        if case.state not in move.sources:
            allowed = ", ".join(str(label) for value, label in self.states.choices if value in move.sources)
            state = self.states(case.state).label if case.state in self.states.values else case.state
            return str(self.not_now) % {"action": move.label, "state": state, "allowed": allowed}
        if user is not None and not (self.relations(user, case) & move.who):
            names = _(" or ").join(str(self.who_labels[w]) for w in sorted(move.who))
            return _("Only %(who)s may do “%(action)s”.") % {"who": names, "action": move.label}
        return None

    def move(self, case, *, action: str, actor, comment: str = "", apply: Callable | None = None, at=None):
        """Make one move, or refuse it with a ValidationError naming the field. In one transaction: lock the case,
        check the move, `apply(case, move)` what is specific to the case type (it may raise ValidationError and
        returns the event's detail), set the target state, save, and add the timeline event."""
        with transaction.atomic():
            case = type(case).objects.select_for_update().get(pk=case.pk)
            reason = self.refusal(case, action, actor)
            if reason is not None:
                raise ValidationError({"action": [reason]})
            move = self.moves[action]
            comment = text(comment)
            if move.needs_comment and not comment:
                raise ValidationError({"comment": [str(move.needs_comment)]})
            before = case.state
            detail = (apply(case, move) if apply else None) or {}
            if move.target is not None:
                case.state = move.target
            case.save()
            self.event_model.for_case(
                case, actor=actor, action=action, from_state=before, comment=comment, detail=detail, at=at
            ).save()
            return case


@dataclass(frozen=True)
class CaseType:
    """What the moves view and the API endpoint need of a case type: its table, its access gate
    (`gate(user, pk)`, Http404 out of sight) and its move service (`move(*, actor, <case_field>, action, ...)`)."""

    table: Transitions
    gate: Callable
    move: Callable

    def make_move(self, *, actor, case, **arguments):
        return self.move(actor=actor, **{self.table.case_field: case}, **arguments)


def text(value) -> str:
    """A free-text comment as stored: full-width punctuation kept (core.text.clean is for keys and names)."""
    return str(value or "").replace("\r\n", "\n").strip()


def follow_enterprises(queryset, ids, *, owner: str = "enterprise") -> int:
    """Copy the current league and county of their enterprises onto the rows of `queryset` whose enterprise is
    in `ids` (an enterprise moved): the new area's officials see them, the old area's no longer do. `owner`
    names the foreign key to follow when it is not the enterprise (a key project's reports)."""
    ids = list(ids)
    if not ids:
        return 0
    owner_model = queryset.model._meta.get_field(owner).related_model
    own = owner_model.objects.filter(pk=OuterRef(f"{owner}_id"))
    return queryset.filter(**{f"{owner}_id__in": ids}).update(
        league_id=Subquery(own.values("league_id")[:1]), county_id=Subquery(own.values("county_id")[:1])
    )
