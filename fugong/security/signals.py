"""Every write in every fugong app, and every sign-in, recorded without the apps doing anything.

Connected once in SecurityConfig.ready(): post_save and m2m_changed for all senders, kept to the
project's own models (fugong.*), less the trail itself, simple-history's copies and the session bookkeeping.
Bulk writes send no signal: QuerySet.bulk_create, bulk_update, update and delete, Model.delete and the executemany
writers of fugong.core.bulk are wrapped once, so that each call on a project model is recorded as one entry naming
its rows (the report PUT saves its report that way).
"""

import time
from functools import cache, wraps

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Model, QuerySet
from django.db.models.signals import m2m_changed, post_migrate, post_save, pre_migrate
from django.utils import timezone

from fugong.core import bulk
from fugong.security import services, trail
from fugong.security.models import Action, UserSession

NOT_AUDITED = {"security.auditentry", "security.auditanchor", "security.usersession"}
# Fields whose change alone is bookkeeping, not an act: the last sign-in, a second factor's last code.
QUIET_FIELDS = {"last_login", "last_step", "last_used_at"}


class _State:
    # Migrations write before the trail's table exists, through their own models: not recorded (a deployment's
    # migrations are recorded by the release, not the trail; the test database starts with an empty trail).
    migrating = False


@cache
def _audited_model(model) -> bool:
    meta = model._meta
    return (
        model.__module__.startswith("fugong.")
        and not meta.auto_created
        and meta.label_lower not in NOT_AUDITED
        and not model.__name__.startswith("Historical")
    )


def audited(model) -> bool:
    return not _State.migrating and _audited_model(model)


def on_pre_migrate(**kwargs):
    _State.migrating = True


def on_post_migrate(**kwargs):
    _State.migrating = False


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
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        UserSession.objects.filter(session_key=session.session_key, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )
    if user is not None:
        trail.note(Action.LOGOUT, user=user, model="accounts.user", object_id=user.pk)


BULK_IDS_KEPT = 100


def _bulk_entry(queryset, action: str, objs=None, fields=None, rows: int | None = None) -> None:
    model = queryset.model
    if not audited(model):
        return
    if fields and set(fields) <= QUIET_FIELDS:
        return
    ids = [obj.pk for obj in objs or [] if obj.pk is not None]
    enterprises = sorted({e for e in (_enterprise_id(obj) for obj in objs or []) if e is not None})
    detail: dict = {"bulk": True, "rows": rows if rows is not None else len(objs or [])}
    if ids:
        detail["ids"] = ids[:BULK_IDS_KEPT]
    if fields:
        detail["fields"] = sorted(fields)
    if len(enterprises) > 1:
        detail["enterprises"] = enterprises[:BULK_IDS_KEPT]
    trail.note(
        action,
        model=model._meta.label_lower,
        object_id=ids[0] if len(ids) == 1 else "",
        enterprise_id=enterprises[0] if len(enterprises) == 1 else None,
        detail=detail,
    )


def _rows_entry(model, action: str, fields: list[str], rows: list[tuple], ids: list | None) -> None:
    """An entry for rows written by fugong.core.bulk: their ids (or, for inserts, their subjects) and fields."""
    detail: dict = {"bulk": True, "rows": len(rows), "fields": sorted(fields)}
    enterprises: list = []
    if "enterprise" in fields:
        at = fields.index("enterprise")
        enterprises = sorted({row[at] for row in rows if row[at] is not None})
    if ids:
        detail["ids"] = ids[:BULK_IDS_KEPT]
    if len(enterprises) > 1:
        detail["enterprises"] = enterprises[:BULK_IDS_KEPT]
    trail.note(
        action,
        model=model._meta.label_lower,
        object_id=ids[0] if ids and len(ids) == 1 else "",
        enterprise_id=enterprises[0] if len(enterprises) == 1 else None,
        detail=detail,
    )


def wrap_bulk_writes() -> None:
    """Record QuerySet.bulk_create, bulk_update and update on project models (no signal is sent for them)."""
    if getattr(QuerySet, "_fugong_audited", False):
        return
    bulk_create, bulk_update, update = QuerySet.bulk_create, QuerySet.bulk_update, QuerySet.update

    @wraps(bulk_create)
    def audited_bulk_create(self, objs, *args, **kwargs):
        created = bulk_create(self, objs, *args, **kwargs)
        _bulk_entry(self, Action.CREATE, objs=created)
        return created

    @wraps(bulk_update)
    def audited_bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        rows = bulk_update(self, objs, fields, *args, **kwargs)
        _bulk_entry(self, Action.UPDATE, objs=objs, fields=fields, rows=rows)
        return rows

    @wraps(update)
    def audited_update(self, **kwargs):
        rows = update(self, **kwargs)
        if rows:
            _bulk_entry(self, Action.UPDATE, fields=list(kwargs), rows=rows)
        return rows

    # The project's own executemany writers (fugong/core/bulk.py, the report PUT and the bulk API) likewise.
    insert_rows, update_rows = bulk.insert_rows, bulk.update_rows

    @wraps(insert_rows)
    def audited_insert_rows(model, fields, rows):
        insert_rows(model, fields, rows)
        if rows and audited(model):
            _rows_entry(model, Action.CREATE, fields, rows, ids=None)

    @wraps(update_rows)
    def audited_update_rows(model, fields, rows):
        update_rows(model, fields, rows)
        if rows and audited(model):
            _rows_entry(model, Action.UPDATE, fields, rows, ids=[row[-1] for row in rows])

    bulk.insert_rows, bulk.update_rows = audited_insert_rows, audited_update_rows
    # Deletes: wrapped rather than signalled, since a post_delete receiver for every model would turn Django's fast
    # deletes (one DELETE statement) into loading every row; one entry per call, with the rows of each model.
    qs_delete, model_delete = QuerySet.delete, Model.delete

    @wraps(qs_delete)
    def audited_qs_delete(self):
        total, rows = qs_delete(self)
        if total and audited(self.model):
            trail.note(Action.DELETE, model=self.model._meta.label_lower, detail={"bulk": True, "rows": rows})
        return total, rows

    @wraps(model_delete)
    def audited_model_delete(self, *args, **kwargs):
        pk, enterprise_id = self.pk, _enterprise_id(self)
        total, rows = model_delete(self, *args, **kwargs)
        if audited(type(self)):
            trail.note(
                Action.DELETE,
                model=self._meta.label_lower,
                object_id=pk,
                enterprise_id=enterprise_id,
                detail={"rows": rows},
            )
        return total, rows

    QuerySet.delete = audited_qs_delete  # type: ignore[method-assign]
    Model.delete = audited_model_delete  # type: ignore[method-assign]
    QuerySet.bulk_create = audited_bulk_create  # type: ignore[method-assign]
    QuerySet.bulk_update = audited_bulk_update  # type: ignore[method-assign]
    QuerySet.update = audited_update  # type: ignore[method-assign]
    QuerySet._fugong_audited = True  # type: ignore[attr-defined]


def connect() -> None:
    wrap_bulk_writes()
    pre_migrate.connect(on_pre_migrate, dispatch_uid="security.audit.pre_migrate")
    post_migrate.connect(on_post_migrate, dispatch_uid="security.audit.post_migrate")
    post_save.connect(on_save, dispatch_uid="security.audit.save")
    m2m_changed.connect(on_m2m, dispatch_uid="security.audit.m2m")
    user_logged_in.connect(on_login, dispatch_uid="security.audit.login")
    user_login_failed.connect(on_login_failed, dispatch_uid="security.audit.login_failed")
    user_logged_out.connect(on_logout, dispatch_uid="security.audit.logout")
