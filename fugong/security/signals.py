"""Every write in every fugong app, and every sign-in, recorded without the apps doing anything.

Connected once in SecurityConfig.ready(): post_save, post_delete and m2m_changed for all senders, kept to the
project's own models (fugong.*), less the trail itself, simple-history's copies and the session bookkeeping.
Bulk writes (bulk_create, QuerySet.update) send no signal: the services that use them are recorded by the
request they serve (the middleware notes every write request that reached a view, see middleware.py).
"""

import time
from functools import cache

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save

from fugong.security import services, trail
from fugong.security.models import Action

NOT_AUDITED = {"security.auditentry", "security.auditanchor", "security.usersession"}
# Fields whose change alone is bookkeeping, not an act: the last sign-in, a second factor's last code.
QUIET_FIELDS = {"last_login", "last_step", "last_used_at"}


@cache
def audited(model) -> bool:
    meta = model._meta
    return (
        model.__module__.startswith("fugong.")
        and not meta.auto_created
        and meta.label_lower not in NOT_AUDITED
        and not model.__name__.startswith("Historical")
    )


def _enterprise_id(instance) -> int | None:
    if instance._meta.label_lower == "enterprises.enterprise":
        return instance.pk
    value = getattr(instance, "enterprise_id", None)
    return value if isinstance(value, int) else None


def on_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or not audited(sender):
        return
    if update_fields and set(update_fields) <= QUIET_FIELDS:
        return
    trail.note(
        Action.CREATE if created else Action.UPDATE,
        model=sender._meta.label_lower,
        object_id=instance.pk,
        enterprise_id=_enterprise_id(instance),
        detail={"fields": sorted(update_fields)} if update_fields else None,
    )


def on_delete(sender, instance, **kwargs):
    if audited(sender):
        trail.note(
            Action.DELETE,
            model=sender._meta.label_lower,
            object_id=instance.pk,
            enterprise_id=_enterprise_id(instance),
        )


def on_m2m(sender, instance, action, model, pk_set, **kwargs):
    if not action.startswith("post_") or not audited(type(instance)):
        return
    trail.note(
        Action.LINK,
        model=type(instance)._meta.label_lower,
        object_id=instance.pk,
        enterprise_id=_enterprise_id(instance),
        detail={"change": action[5:], "to": model._meta.label_lower, "ids": sorted(str(pk) for pk in pk_set or [])},
    )


def on_login(sender, request, user, **kwargs):
    trail.note(Action.LOGIN, user=user, model="accounts.user", object_id=user.pk)
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        # The signed-in browser is tracked from here (listed, endable); the middleware follows a cycled key.
        services.session_track(
            user=user,
            session_key=session.session_key,
            ip=trail.client_ip(request),
            user_agent=request.headers.get("User-Agent", "") if hasattr(request, "headers") else "",
        )
        session["_tracked"], session["_seen"] = session.session_key, time.time()


def on_login_failed(sender, credentials, request=None, **kwargs):
    trail.note(Action.LOGIN_FAILED, username=str(credentials.get("username", "")), model="accounts.user")


def on_logout(sender, request, user, **kwargs):
    if user is not None:
        trail.note(Action.LOGOUT, user=user, model="accounts.user", object_id=user.pk)


def connect() -> None:
    post_save.connect(on_save, dispatch_uid="security.audit.save")
    post_delete.connect(on_delete, dispatch_uid="security.audit.delete")
    m2m_changed.connect(on_m2m, dispatch_uid="security.audit.m2m")
    user_logged_in.connect(on_login, dispatch_uid="security.audit.login")
    user_login_failed.connect(on_login_failed, dispatch_uid="security.audit.login_failed")
    user_logged_out.connect(on_logout, dispatch_uid="security.audit.logout")
