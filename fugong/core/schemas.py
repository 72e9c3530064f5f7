from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from fugong.core import bounds


class EnterpriseCaseOut(Schema):
    """The head of every API item that is one enterprise's case (a problem, a referral): which enterprise, where."""

    id: int
    credit_code: str
    enterprise: str
    league: str

    @staticmethod
    def resolve_credit_code(obj):
        return obj.enterprise.credit_code

    @staticmethod
    def resolve_enterprise(obj):
        return obj.enterprise.name

    @staticmethod
    def resolve_league(obj):
        return obj.league_id


class Error(Schema):
    """Every API error: `{"error": ...}`, a message or the messages by field."""

    error: dict | str


class CaseEventOut(Schema):
    """One line of a case's timeline (fugong.core.cases.CaseEvent)."""

    at: str
    actor: str | None
    action: str
    from_state: str
    to_state: str
    comment: str


def timeline_of(events) -> list[dict]:
    """A case's events (a queryset of a CaseEvent model) as CaseEventOut items, in order, in one query."""
    return [
        {"at": e.at.isoformat(), "actor": e.actor.username if e.actor_id else None, "action": e.action,
         "from_state": e.from_state, "to_state": e.to_state, "comment": e.comment}
        for e in events.select_related("actor")
    ]  # fmt: skip


class Pagination(LimitOffsetPagination):
    """Limit and offset, bounded so that no offset reaches the database as an overflow."""

    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=bounds.LIMIT_MAX)
        offset: int = Field(0, ge=0, le=bounds.OFFSET_MAX)
