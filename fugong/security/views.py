"""The second-factor step of signing in, the user's own sessions, and the three administrators' pages."""

import time
from datetime import datetime
from datetime import time as dtime

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from fugong import access
from fugong.accounts.models import ADMIN_ROLES, Bank, Department, Role, User, WorkGroup
from fugong.accounts.services import user_create
from fugong.areas.models import Area
from fugong.core import bounds, excel
from fugong.enterprises.models import Enterprise
from fugong.security import services, totp, trail
from fugong.security.models import Action, AuditEntry, UserSession

PENDING = "security_pending_login"
PENDING_SECONDS = 300
MAX_TRIES = 5


# ---- Second factor -----------------------------------------------------------------------------------------


def login_gate(request, user, next_url):
    """After the password: officials and administrators (and anyone who enrolled) give a second factor."""
    required = getattr(settings, "TWO_FACTOR_REQUIRED", True) and access.needs_second_factor(user)
    if not required and services.confirmed_device(user) is None:
        return None
    request.session[PENDING] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
        "at": time.time(),
        "next": next_url,
        "tries": 0,
    }
    return redirect("security:two_factor")


def _pending_user(request):
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None, None
    return User.objects.filter(pk=pending["user"], is_active=True).first(), pending


def _finish(request, user, pending):
    request.session.pop(PENDING, None)
    login(request, user, backend=pending["backend"])


@never_cache
def two_factor(request):
    user, pending = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    device = services.confirmed_device(user)
    error = ""
    if request.method == "POST":
        code = request.POST.get("code", "")[:40]
        if device is None:
            try:
                codes = services.enrol_confirm(user=user, code=code)
            except ValidationError as e:
                error = " ".join(m for ms in e.message_dict.values() for m in ms)
            else:
                _finish(request, user, pending)
                return render(request, "security/recovery_codes.html", {"codes": codes, "next": _next(pending)})
        elif services.second_factor_check(user=user, code=code):
            _finish(request, user, pending)
            return redirect(_next(pending))
        else:
            error = _("The code is not right.")
        pending["tries"] += 1
        trail.note(Action.LOGIN_FAILED, username=user.username, model="accounts.user", detail={"step": "second factor"})
        if pending["tries"] >= MAX_TRIES:
            request.session.pop(PENDING, None)
            messages.error(request, _("Too many wrong codes. Sign in again."))
            return redirect("accounts:login")
        request.session[PENDING] = pending
    context = {"enrolling": device is None, "error": error, "username": user.username}
    if device is None:
        secret = services.device_for_enrolment(user).secret
        uri = totp.provisioning_uri(secret, account=user.username, issuer="fugong")
        context.update(secret=secret, qr=segno.make(uri, error="m").svg_data_uri(scale=5))
    return render(request, "security/two_factor.html", context)


def _next(pending) -> str:
    target = pending.get("next") or settings.LOGIN_REDIRECT_URL
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return "/"
    return target if target.startswith("/") else "/"


# ---- One's own sessions ------------------------------------------------------------------------------------


@login_required
def my_sessions(request):
    sessions = services.active_sessions(request.user)
    return render(request, "security/sessions.html", {"sessions": sessions, "current": request.session.session_key})


@login_required
@require_POST
def my_session_end(request, pk):
    session = UserSession.objects.filter(pk=pk, user=request.user, ended_at__isnull=True).first()
    if session is None:
        raise Http404
    services.session_end(session=session, actor=request.user)
    messages.success(request, _("The session is ended."))
    return redirect("security:sessions")


# ---- The system administrator: accounts ---------------------------------------------------------------------


def _require(gate, user):
    if not gate(user):
        raise Http404


@login_required
def accounts(request):
    _require(access.is_sysadmin, request.user)
    if request.method == "POST":
        username = request.POST.get("username", "").strip()[:150]
        try:
            user = user_create(username=username, role="", password=request.POST.get("password", ""))
        except ValidationError as e:
            messages.error(request, " ".join(m for ms in e.message_dict.values() for m in ms))
        else:
            messages.success(
                request,
                _("The account %(name)s is open; the security administrator gives it a role.")
                % {"name": user.username},
            )
            return redirect("security:accounts")
    users = User.objects.order_by("username")
    q = request.GET.get("q", "").strip()[:60]
    if q:
        users = users.filter(username__icontains=q)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    rows = [(u, access.can_manage_account(request.user, u)) for u in page]
    return render(request, "security/accounts.html", {"page": page, "rows": rows, "q": q})


@login_required
@require_POST
def account_active(request, pk):
    _require(access.is_sysadmin, request.user)
    user = User.objects.filter(pk=pk).first()
    if user is None or not access.can_manage_account(request.user, user):
        raise Http404
    services.user_set_active(user=user, active=request.POST.get("active") == "1", actor=request.user)
    return redirect("security:accounts")


@login_required
def areas(request):
    _require(access.is_sysadmin, request.user)
    rows = Area.objects.order_by("code")
    return render(request, "security/areas.html", {"areas": rows})


# ---- The security administrator: roles, bindings, sessions, tokens, policy ---------------------------------


@login_required
def roles(request):
    _require(access.is_secadmin, request.user)
    users = User.objects.select_related("area", "enterprise", "work_group", "department", "bank").order_by("username")
    q = request.GET.get("q", "").strip()[:60]
    if q:
        users = users.filter(username__icontains=q)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "security/roles.html", {"page": page, "q": q})


ROLE_CHOICES = [("", "—"), *Role.choices]


@login_required
def role_edit(request, pk):
    _require(access.is_secadmin, request.user)
    user = User.objects.filter(pk=pk).first()
    if user is None or not access.can_assign_role(request.user, user):
        raise Http404
    error = ""
    if request.method == "POST":
        data = request.POST
        try:
            binding = _binding(data)
            services.role_assign(user=user, role=data.get("role", ""), actor=request.user, **binding)
        except ValidationError as e:
            error = " ".join(m for ms in e.message_dict.values() for m in ms)
        else:
            messages.success(request, _("The role of %(name)s is saved.") % {"name": user.username})
            return redirect("security:roles")
    context = {
        "target": user,
        "roles": ROLE_CHOICES,
        "error": error,
        "sessions": services.active_sessions(user),
        "tokens": user.api_tokens.filter(revoked_at__isnull=True),
        "work_groups": WorkGroup.objects.all(),
        "departments": Department.objects.all(),
        "banks": Bank.objects.all(),
        "has_second_factor": services.confirmed_device(user) is not None,
    }
    return render(request, "security/role_edit.html", context)


def _binding(data) -> dict:
    """The binding named in the form, looked up; an unknown one is refused naming the field."""
    found: dict = {}
    lookups: dict[str, tuple[type[Model], str]] = {
        "area": (Area, "code"),
        "enterprise": (Enterprise, "credit_code"),
        "work_group": (WorkGroup, "pk"),
        "department": (Department, "pk"),
        "bank": (Bank, "pk"),
    }
    for name, (model, field) in lookups.items():
        value = (data.get(name) or "").strip()[:40]
        if not value:
            continue
        if field == "pk" and not value.isdigit():
            raise ValidationError({name: [_("Not found.")]})
        obj = model._default_manager.filter(**{field: value}).first()
        if obj is None:
            raise ValidationError({name: [_("Not found.")]})
        found[name] = obj
    return found


@login_required
@require_POST
def revoke_access(request, pk):
    """End every session and revoke every token of a user (a lost laptop, a leaver)."""
    _require(access.is_secadmin, request.user)
    user = User.objects.filter(pk=pk).first()
    if user is None or not access.can_assign_role(request.user, user):
        raise Http404
    ended = services.sessions_end(user=user, actor=request.user)
    revoked = services.tokens_revoke(user=user)
    if request.POST.get("second_factor") == "1":
        services.second_factor_reset(user=user, actor=request.user)
    trail.note(
        Action.ADMIN,
        model="accounts.user",
        object_id=user.pk,
        summary="access revoked",
        detail={"sessions": ended, "tokens": revoked, "second_factor_reset": request.POST.get("second_factor") == "1"},
    )
    messages.success(request, _("Sessions ended: %(s)d; tokens revoked: %(t)d.") % {"s": ended, "t": revoked})
    return redirect("security:role_edit", pk=user.pk)


@login_required
def policy(request):
    _require(access.is_secadmin, request.user)
    validators = [str(v["NAME"]).rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS]  # type: ignore[index]
    context = {
        "validators": validators,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "spray_limit": settings.LOGIN_SPRAY_LIMIT,
        "idle": settings.SESSION_COOKIE_AGE // 60,
        "two_factor": settings.TWO_FACTOR_REQUIRED,
        "rate_token": settings.API_RATE_PER_TOKEN,
        "rate_address": settings.API_RATE_PER_ADDRESS,
        "admin_roles": [label for value, label in Role.choices if value in ADMIN_ROLES],
    }
    return render(request, "security/policy.html", context)


# ---- The audit administrator: search and export ------------------------------------------------------------


def _day(value: str, param: str):
    try:
        day = datetime.strptime(value[:10], "%Y-%m-%d").date()  # noqa: DTZ007 - a calendar day, not a moment
    except ValueError:
        return None
    # Year 1 at midnight in Shanghai is before the first moment a database holds: 400 naming the parameter.
    return bounds.date_param(day.isoformat(), param)


def audit_entries(request):
    entries = AuditEntry.objects.all()
    params = {k: request.GET.get(k, "").strip()[:150] for k in ("user", "enterprise", "action", "start", "end")}
    if params["user"]:
        entries = entries.filter(username=params["user"])
    if params["enterprise"]:
        found = Enterprise.objects.filter(credit_code=params["enterprise"].upper()).values_list("pk", flat=True).first()
        entries = entries.filter(enterprise_id=found if found is not None else -1)
    if params["action"] in Action.values:
        entries = entries.filter(action=params["action"])
    start, end = _day(params["start"], "start"), _day(params["end"], "end")
    tz = timezone.get_current_timezone()
    if start:
        entries = entries.filter(at__gte=datetime.combine(start, dtime.min, tzinfo=tz))
    if end:
        entries = entries.filter(at__lte=datetime.combine(end, dtime.max, tzinfo=tz))
    return entries.order_by("-seq"), params


@login_required
def audit(request):
    _require(access.is_auditadmin, request.user)
    entries, params = audit_entries(request)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in params.items() if v})
    return render(
        request, "security/audit.html", {"page": page, "params": params, "actions": Action.choices, "query": query}
    )


AUDIT_COLUMNS = [
    excel.Column("seq", gettext_lazy("number"), width=10),
    excel.Column(
        "at", gettext_lazy("when"), width=22, export=lambda e: timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S")
    ),
    excel.Column("username", gettext_lazy("user"), width=16),
    excel.Column("role", gettext_lazy("role"), width=10),
    excel.Column("ip", gettext_lazy("address"), width=16),
    excel.Column("action", gettext_lazy("action"), width=14, export=lambda e: e.get_action_display()),
    excel.Column("model", gettext_lazy("object type"), width=22),
    excel.Column("object_id", gettext_lazy("object"), width=12),
    excel.Column("summary", gettext_lazy("summary"), width=24),
    excel.Column("path", gettext_lazy("path"), width=40),
    excel.Column("detail", gettext_lazy("detail"), width=40, export=lambda e: str(e.detail or "")),
    excel.Column("hash", "hash", width=30),
]
AUDIT_EXPORT_MAX = 100_000


@login_required
def audit_export(request):
    _require(access.is_auditadmin, request.user)
    entries, _params = audit_entries(request)
    rows = excel.export_rows(AUDIT_COLUMNS, entries[:AUDIT_EXPORT_MAX].iterator(chunk_size=2000))
    content = excel.write_xlsx(AUDIT_COLUMNS, rows, title=_("Audit trail"))
    return excel.xlsx_response(content, f"{_('Audit trail')}-{timezone.localdate():%Y%m%d}.xlsx")
