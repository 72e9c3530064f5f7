from django.db.models import QuerySet

from fugong import access
from fugong.accounts.models import User
from fugong.notices.models import Notice


def inbox(*, user: User) -> QuerySet[Notice]:
    return access.visible_notices(user)


def unread_count(*, user: User) -> int:
    return access.visible_notices(user).filter(read_at__isnull=True).count()


def reach(*, kind: str, link: str) -> tuple[int, int]:
    """(sent, read) of the notices of one kind pointing at one page: what reached people, not what was sent."""
    qs = Notice.objects.filter(kind=kind, link=link)
    return qs.count(), qs.filter(read_at__isnull=False).count()
