"""Which enterprises owe which reports, derived from the registry (DESIGN.md, dispatch semantics).

Daily: every above-scale industrial enterprise, and every enterprise tagged leading or backbone
in a key industry. Weekly: park enterprises not under daily dispatch, and key projects.
"""

from django.db.models import Exists, OuterRef, Q

from fugong.enterprises.models import Enterprise, Tag

Through = Enterprise.tags.through


def _tagged(*codes: str) -> Exists:
    return Exists(Through.objects.filter(enterprise_id=OuterRef("pk"), tag_id__in=codes))


def daily_q() -> Q:
    key_leader = Q(_tagged(Tag.Code.LEADING, Tag.Code.BACKBONE)) & Q(_tagged(Tag.Code.KEY_INDUSTRY))
    return Q(above_scale=True) | key_leader


def weekly_q() -> Q:
    return Q(park__isnull=False) & ~daily_q()


def duty_of(enterprise: Enterprise) -> str | None:
    """The period type one enterprise reports on, or None."""
    tags = {t.code for t in enterprise.tags.all()}
    if enterprise.above_scale or (tags & {Tag.Code.LEADING, Tag.Code.BACKBONE} and Tag.Code.KEY_INDUSTRY in tags):
        return "daily"
    if enterprise.park_id:
        return "weekly"
    return None
