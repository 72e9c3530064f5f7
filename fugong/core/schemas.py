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


class Pagination(LimitOffsetPagination):
    """Limit and offset, bounded so that no offset reaches the database as an overflow."""

    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=bounds.LIMIT_MAX)
        offset: int = Field(0, ge=0, le=bounds.OFFSET_MAX)
