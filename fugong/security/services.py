"""Writes of level-3 protection: second factors, sessions, tokens, the administrators' acts."""

import hashlib
import secrets
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong import access
from fugong.accounts.models import ApiToken, Bank, Department, User, WorkGroup
from fugong.accounts.services import check_binding
from fugong.areas.models import Area
from fugong.security import totp, trail
from fugong.security.models import Action, RecoveryCode, TotpDevice, UserSession, current_scope

RECOVERY_CODES = 10


# ---- Sessions and tokens ------------------------------------------------------------------------------------


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_track(*, user: User, session_key: str, ip: str = "", user_agent: str = "") -> None:
    UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={"user": user, "ip": ip[:45], "user_agent": user_agent[:200], "last_seen": timezone.now()},
    )


# A session seen last longer ago than the idle timeout (plus the interval of last-seen updates) has expired.
SEEN_WITHIN = timedelta(seconds=settings.SESSION_COOKIE_AGE + 300)


def active_sessions(user: User):
    return UserSession.objects.filter(user=user, ended_at__isnull=True, last_seen__gte=timezone.now() - SEEN_WITHIN)


def session_end(*, session: UserSession, actor: User | None = None) -> None:
    """End one signed-in browser: its session is deleted from the store, so its next request signs in again."""
    _store()(session_key=session.session_key).delete()
    if session.ended_at is None:
        session.ended_at = timezone.now()
        session.save(update_fields=["ended_at"])
    trail.note(Action.ADMIN, user=actor, model="accounts.user", object_id=session.user_id, summary="session ended")


def sessions_end(*, user: User, keep: str | None = None, actor: User | None = None) -> int:
    ended = 0
    for session in active_sessions(user).exclude(session_key=keep or ""):
        session_end(session=session, actor=actor)
        ended += 1
    return ended


def tokens_revoke(*, user: User) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def _current_session_key() -> str | None:
    scope = current_scope.get()
    session = getattr(scope.request, "session", None) if scope is not None else None
    return session.session_key if session is not None else None


def password_changed(user: User) -> None:
    """A changed or reset password closes every other way in: API tokens and other sessions."""
    revoked = tokens_revoke(user=user)
    current = _current_session_key()
    ended = sessions_end(user=user, keep=current)
    trail.note(
        Action.ADMIN,
        model="accounts.user",
        object_id=user.pk,
        summary="password changed",
        detail={"tokens_revoked": revoked, "sessions_ended": ended, "current_session_kept": bool(current)},
    )


# ---- Second factor ------------------------------------------------------------------------------------------


def device_for_enrolment(user: User) -> TotpDevice:
    """The unconfirmed device being enrolled (a new secret each time enrolment starts over)."""
    device = TotpDevice.objects.filter(user=user).first()
    if device is None:
        return TotpDevice.objects.create(user=user, secret=totp.new_secret())
    if device.confirmed_at is None:
        return device
    raise ValidationError(_("A second factor is already enrolled."))


def confirmed_device(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def _digest(code: str) -> str:
    return hashlib.sha256("".join(code.split()).lower().encode()).hexdigest()


def new_recovery_code() -> str:
    raw = secrets.token_hex(5)
    return f"{raw[:5]}-{raw[5:]}"


@transaction.atomic
def enrol_confirm(*, user: User, code: str) -> list[str]:
    """Confirm the device with a first code; answer the recovery codes, shown once."""
    device = TotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=True).first()
    step = totp.match(device.secret, code) if device is not None else None
    if device is None or step is None:
        raise ValidationError({"code": [_("The code is not right. Type the six digits your authenticator shows now.")]})
    device.confirmed_at, device.last_step = timezone.now(), step
    device.save(update_fields=["confirmed_at", "last_step"])
    RecoveryCode.objects.filter(user=user).delete()
    codes = [new_recovery_code() for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, digest=_digest(c)) for c in codes)
    trail.note(Action.ADMIN, user=user, model="accounts.user", object_id=user.pk, summary="second factor enrolled")
    return codes


@transaction.atomic
def second_factor_check(*, user: User, code: str) -> bool:
    """A code from the authenticator (each good once) or an unused recovery code (then used up)."""
    device = TotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        return False
    step = totp.match(device.secret, code, after_step=device.last_step)
    if step is not None:
        device.last_step = step
        device.save(update_fields=["last_step"])
        return True
    recovery = RecoveryCode.objects.filter(user=user, digest=_digest(code), used_at__isnull=True).first()
    if recovery is not None:
        recovery.used_at = timezone.now()
        recovery.save(update_fields=["used_at"])
        return True
    return False


def second_factor_reset(*, user: User, actor: User) -> None:
    """The security administrator resets a lost second factor: the user enrols again at the next sign-in."""
    TotpDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    sessions_end(user=user, actor=actor)


# ---- The administrators' acts -------------------------------------------------------------------------------


@transaction.atomic
def user_set_active(*, user: User, active: bool, actor: User) -> None:
    """The system administrator opens or closes an account (administrators' accounts excepted)."""
    if not access.can_manage_account(actor, user):
        raise ValidationError(_("This account is not yours to change."))
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        sessions_end(user=user, actor=actor)
        tokens_revoke(user=user)


SEPARATION_MESSAGES = {
    "self": gettext_lazy("No one may change their own role."),
    "admin_keeps": gettext_lazy(
        "An administrator's account keeps its role: create a separate account for another role."
    ),
    "admin_fresh": gettext_lazy("An administrator's role goes only to an account with no other role (三员分立)."),
}


@transaction.atomic
def role_assign(
    *,
    user: User,
    role: str,
    actor: User,
    area: Area | None = None,
    enterprise=None,
    work_group: WorkGroup | None = None,
    department: Department | None = None,
    bank: Bank | None = None,
) -> User:
    """The security administrator gives a user a role and its binding, holding the separation of the three
    administrators: no one changes their own role, and no one who held one administrator's role takes another."""
    binding = check_binding(  # an unknown role, or a binding that does not fit the role, is refused here
        role=role, area=area, enterprise=enterprise, work_group=work_group, department=department, bank=bank
    )
    refusal = access.separation_refusal(actor, user, role)
    if refusal is not None:
        raise ValidationError({"role": [str(SEPARATION_MESSAGES[refusal])]})
    before = (user.role, user.binding)
    user.role = role
    for name, value in binding.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    sessions_end(user=user, actor=actor)  # the new role applies from the next sign-in
    trail.note(
        Action.ADMIN,
        model="accounts.user",
        object_id=user.pk,
        summary="role assigned",
        detail={"before": list(before), "after": [user.role, user.binding]},
    )
    return user
