from ninja import Schema


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
