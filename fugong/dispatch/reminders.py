"""Reminders to enterprises whose report is missing when the deadline passes.

`dispatch_remind` (cron, just after each deadline) enqueues `tasks.send_reminders`, which calls
`remind_missing`. Each enterprise is reminded once per period: a Reminder row is claimed before
anything is sent, so a second run, or two running at once, send nothing twice.

`reminder_send` is the official's "remind" on the completeness page: one enterprise, by the same
channels, recorded with the official; a second click within REMIND_AGAIN_AFTER sends nothing.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from fugong.accounts.models import Role, User
from fugong.core.text import mask_phone
from fugong.dispatch import duties
from fugong.dispatch.models import Deadline, PeriodLock, PeriodType, Reminder, week_start
from fugong.dispatch.selectors import period_of, unreported
from fugong.enterprises.models import Enterprise

logger = logging.getLogger(__name__)
DEFAULT_SMS_SENDER = "fugong.dispatch.reminders.LoggingSmsSender"
# Within this time of the last reminder for the same period, "remind" again does not send.
REMIND_AGAIN_AFTER = timedelta(minutes=30)


class SmsSender(Protocol):
    def send(self, phone: str, message: str) -> None: ...


class LoggingSmsSender:
    """Writes each SMS to the log instead of sending it: the default until a gateway is contracted."""

    def send(self, phone: str, message: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), message)


def sms_sender() -> SmsSender:
    return import_string(getattr(settings, "SMS_SENDER", DEFAULT_SMS_SENDER))()


@dataclass
class RemindResult:
    period_type: str
    period: date
    missing: int = 0
    reminded: int = 0
    emails: int = 0
    sms: int = 0
    unreachable: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {**self.__dict__, "period": self.period.isoformat()}


def last_closed_period(period_type: str, now: datetime | None = None) -> date:
    """The newest period whose deadline has passed at `now`."""
    now = now or timezone.now()
    deadline = Deadline.for_type(period_type)
    step = timedelta(days=1 if period_type == PeriodType.DAILY else 7)
    candidate = period_of(period_type, timezone.localdate(now) - timedelta(days=deadline.offset_days))
    while deadline.due_at(candidate) > now:
        candidate -= step
    return candidate


def to_remind(*, period_type: str, period: date):
    """Due enterprises without a report, not yet reminded, outside leagues that locked the period."""
    duty = duties.daily_q() if period_type == PeriodType.DAILY else duties.weekly_q()
    locked = PeriodLock.objects.filter(period_type=period_type, period=period, locked=True).values("league_id")
    reminded = Reminder.objects.filter(period_type=period_type, period=period).values("enterprise_id")
    return (
        unreported(Enterprise.objects.filter(duty), period_type=period_type, period=period)
        .exclude(league_id__in=locked)
        .exclude(pk__in=reminded)
        .order_by("pk")
    )


def _message(enterprise: Enterprise, period_type: str, period: date, due_at: datetime) -> tuple[str, str]:
    kind = _("daily report") if period_type == PeriodType.DAILY else _("weekly report")
    args = {
        "name": enterprise.name,
        "kind": kind,
        "period": period.isoformat(),
        "due": timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M"),
    }
    subject = _("Reminder: the %(kind)s for %(period)s is missing") % args
    body = (
        _(
            "%(name)s: the %(kind)s for %(period)s was due by %(due)s and has not been filed. "
            "Please file it now, or ask your league's dispatch office to file it for you."
        )
        % args
    )
    return subject, body


def _claim(enterprise: Enterprise, period_type: str, period: date) -> Reminder | None:
    try:
        with transaction.atomic():
            return Reminder.objects.create(enterprise=enterprise, period_type=period_type, period=period)
    except IntegrityError:
        return None  # another run reminded this enterprise a moment ago


def remind_missing(*, period_type: str, period: date, sms: SmsSender | None = None) -> RemindResult:
    if period_type not in PeriodType.values:
        raise ValueError(f"unknown period type {period_type!r}")
    period = week_start(period) if period_type == PeriodType.WEEKLY else period
    sms = sms or sms_sender()
    result = RemindResult(period_type=period_type, period=period)
    enterprises = list(to_remind(period_type=period_type, period=period))
    result.missing = len(enterprises)
    emails: dict[int, list[str]] = {}
    for user_enterprise, email in (
        User.objects.filter(enterprise_id__in=[e.pk for e in enterprises], role=Role.ENTERPRISE, is_active=True)
        .exclude(email="")
        .values_list("enterprise_id", "email")
    ):
        emails.setdefault(user_enterprise, []).append(email)
    due_at = Deadline.for_type(period_type).due_at(period)
    connection = get_connection()
    # Enterprises read the reminder in the site's language, not the one of whoever runs the command.
    with translation.override(settings.LANGUAGE_CODE):
        for enterprise in enterprises:
            reminder = _claim(enterprise, period_type, period)
            if reminder is None:
                continue
            subject, body = _message(enterprise, period_type, period, due_at)
            channels = []
            try:
                if emails.get(enterprise.pk):
                    send_mail(subject, body, None, emails[enterprise.pk], connection=connection)
                    channels.append("email")
                if enterprise.contact_phone:
                    sms.send(enterprise.contact_phone, body)
                    channels.append("sms")
            except Exception:
                # Release the claim so that the next run tries again; the rest go on.
                logger.exception("Reminder to enterprise %s for %s failed", enterprise.pk, period)
                if not channels:
                    reminder.delete()
                    result.failed.append(enterprise.credit_code)
                    continue
            reminder.channels = channels
            reminder.save(update_fields=["channels"])
            result.reminded += 1
            result.emails += "email" in channels
            result.sms += "sms" in channels
            if not channels:
                result.unreachable.append(enterprise.credit_code)
    logger.info(
        "Reminders for %s %s: %d missing, %d reminded, %d unreachable",
        period_type,
        period,
        result.missing,
        result.reminded,
        len(result.unreachable),
    )
    return result


@dataclass(frozen=True)
class Reminded:
    """The answer to one "remind": `sent` is False when a reminder went out a moment ago (or none could)."""

    reminder: Reminder | None
    sent: bool
    channels: list[str] = field(default_factory=list)
    already_filed: bool = False
    unreachable: bool = False  # neither an e-mail address nor a phone on record
    failed: bool = False  # the gateway refused


def _emails_of(enterprise: Enterprise) -> list[str]:
    users = User.objects.filter(enterprise=enterprise, role=Role.ENTERPRISE, is_active=True).exclude(email="")
    return list(users.values_list("email", flat=True))


def reminder_send(
    *, actor: User, enterprise: Enterprise, period_type: str, period: date, sms: SmsSender | None = None
) -> Reminded:
    """Remind one enterprise of its missing report, now, on an official's request.

    The claim is taken under a lock on the enterprise's row, so two clicks at once send one reminder;
    a reminder for the same period within REMIND_AGAIN_AFTER (the automatic one included) is answered
    instead of sending again. Nothing is sent for a report already filed.
    """
    if period_type not in PeriodType.values:
        raise ValueError(f"unknown period type {period_type!r}")
    period = week_start(period) if period_type == PeriodType.WEEKLY else period
    due = Enterprise.objects.filter(pk=enterprise.pk)
    if not unreported(due, period_type=period_type, period=period).exists():
        return Reminded(reminder=None, sent=False, already_filed=True)
    now = timezone.now()
    with transaction.atomic():
        Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
        recent = (
            Reminder.objects.filter(enterprise=enterprise, period_type=period_type, period=period)
            .filter(sent_at__gt=now - REMIND_AGAIN_AFTER)
            .order_by("-sent_at")
            .first()
        )
        if recent is not None:
            return Reminded(reminder=recent, sent=False, channels=recent.channels)
        reminder = Reminder.objects.create(enterprise=enterprise, period_type=period_type, period=period, sent_by=actor)
    sms = sms or sms_sender()
    emails = _emails_of(enterprise)
    due_at = Deadline.for_type(period_type).due_at(period)
    channels = []
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _message(enterprise, period_type, period, due_at)
        try:
            if emails:
                send_mail(subject, body, None, emails)
                channels.append("email")
            if enterprise.contact_phone:
                sms.send(enterprise.contact_phone, body)
                channels.append("sms")
        except Exception:
            logger.exception("Reminder to enterprise %s for %s failed", enterprise.pk, period)
            failed = True
        else:
            failed = False
    if not channels:
        reminder.delete()  # nothing went out: the next click tries again
        return Reminded(reminder=None, sent=False, failed=failed, unreachable=not failed)
    reminder.channels = channels
    reminder.save(update_fields=["channels"])
    return Reminded(reminder=reminder, sent=bool(channels), channels=channels)


def last_reminded(*, enterprise_ids, period_type: str, period: date) -> dict[int, datetime]:
    """The time of the latest reminder of each enterprise for the period, automatic or by an official."""
    rows = (
        Reminder.objects.filter(enterprise_id__in=list(enterprise_ids), period_type=period_type, period=period)
        .exclude(channels=[])
        .values("enterprise_id")
        .annotate(last=Max("sent_at"))
    )
    return {r["enterprise_id"]: r["last"] for r in rows}
