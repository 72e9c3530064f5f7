"""The notification centre: in-app notices, and SMS through the sender named by settings.SMS_SENDER (the same
interface as the dispatch reminders: an object with `send(phone, message)`). Later capabilities call `notify`.

This app sits low in the layers (just above accounts) so that every capability may call it; it therefore
reads the sender from the settings rather than importing dispatch.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from fugong.accounts.models import User
from fugong.core.text import mask_phone
from fugong.notices.models import Notice, SmsMessage

logger = logging.getLogger(__name__)
DEFAULT_SMS_SENDER = "fugong.dispatch.reminders.LoggingSmsSender"


@dataclass
class Sent:
    notices: int = 0
    sms_recorded: int = 0
    sms_sent: int = 0
    sms_failed: int = 0


def sms_sender():
    return import_string(getattr(settings, "SMS_SENDER", DEFAULT_SMS_SENDER))()


def notify(
    *, recipients: Iterable[User], text: str, link: str = "", kind: str, phones: Iterable[str] = (), at=None
) -> Sent:
    """One notice in each recipient's inbox (a user once however often named), and one SMS per distinct phone.
    A sender delivers only when its class says `delivers = True` (a contracted gateway); otherwise the SMS
    is recorded, not sent."""
    at = at or timezone.now()
    text = str(text)[:500]
    users = {u.pk: u for u in recipients if u is not None and u.is_active}
    result = Sent()
    with transaction.atomic():
        Notice.objects.bulk_create(
            Notice(user_id=pk, kind=kind, text=text, link=link[:300], created_at=at) for pk in users
        )
    result.notices = len(users)
    numbers = sorted({p.strip() for p in phones if p and p.strip()})
    if not numbers:
        return result
    sender = sms_sender()
    delivers = bool(getattr(sender, "delivers", False))
    rows = []
    for phone in numbers:
        try:
            sender.send(phone, text)
        except Exception:
            logger.exception("SMS to %s failed", mask_phone(phone))
            status = SmsMessage.Status.FAILED
        else:
            status = SmsMessage.Status.SENT if delivers else SmsMessage.Status.RECORDED
        rows.append(SmsMessage(phone=phone[:20], text=text, kind=kind, status=status, created_at=at))
    SmsMessage.objects.bulk_create(rows)
    result.sms_sent = sum(r.status == SmsMessage.Status.SENT for r in rows)
    result.sms_recorded = sum(r.status == SmsMessage.Status.RECORDED for r in rows)
    result.sms_failed = sum(r.status == SmsMessage.Status.FAILED for r in rows)
    return result


def notice_read(*, user: User, notice: Notice) -> Notice:
    if notice.user_id == user.pk and notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


def notices_read_all(*, user: User) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
