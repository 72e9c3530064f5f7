from datetime import date

from django_tasks import task

from fugong.catalogue import vouchers


@task()
def expire_vouchers(day: str = "") -> dict:
    """Expire or carry over the unused vouchers of every programme whose window ended before `day` (ISO date;
    empty: today). Running it again changes nothing."""
    return vouchers.vouchers_expire(today=date.fromisoformat(day) if day else None)
