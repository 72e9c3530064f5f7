"""The request side of level-3 protection, for every app at once.

AuditMiddleware: opens the request's audit scope; a write request (POST, PUT, PATCH, DELETE) runs in one
transaction with its audit entries, written by one INSERT just before it commits; a response that is a file
(Content-Disposition: attachment, or a FileResponse) is recorded as an export or download; the access gates that
unmask personal data mark the request, recorded as one entry. It also keeps the tracked session's last-seen time
and ends a session the user or the security administrator ended.

RateLimitMiddleware: per API token and per address, answering 429 with Retry-After.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import FileResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import ApiToken
from fugong.security import services, trail
from fugong.security.models import Action, AuditEntry, Scope, UserSession, current_scope

SAFE = {"GET", "HEAD", "OPTIONS", "TRACE"}
LAST_SEEN_EVERY = 300  # seconds between two updates of a session's last-seen time


def file_name(response) -> str:
    disposition = response.get("Content-Disposition", "") if hasattr(response, "get") else ""
    if isinstance(response, FileResponse) or "attachment" in disposition:
        return disposition[:200] or getattr(response, "filename", "") or "file"
    return ""


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        scope = Scope(request)
        token = current_scope.set(scope)
        try:
            if request.method in SAFE:
                scope.buffer = []
                response = self.get_response(request)
                self._after(request, response, scope, write=False)
                trail.write(scope.buffer)
                return response
            with transaction.atomic():
                scope.buffer = []
                response = self.get_response(request)
                if response.status_code >= 500:
                    # The view failed: what it wrote is rolled back, and so are its entries.
                    transaction.set_rollback(True)
                    return response
                self._after(request, response, scope, write=True)
                trail.write(scope.buffer)
            return response
        finally:
            scope.buffer = None
            current_scope.reset(token)

    def _after(self, request, response, scope: Scope, *, write: bool) -> None:
        name = file_name(response)
        if name and response.status_code < 400:
            trail.note(Action.EXPORT, detail={"file": name, "status": response.status_code})
        if scope.personal:
            shown: dict[str, list[str]] = {}
            for kind, key in sorted(scope.personal):
                shown.setdefault(kind, []).append(key)
            trail.note(Action.PERSONAL, detail=shown)
        if write and not scope.buffer and request.resolver_match is not None:
            # A write request with no model write behind it (refused, or bulk writes that send no signal).
            trail.note(
                Action.REFUSED if response.status_code >= 400 else Action.UPDATE,
                model=request.resolver_match.view_name[:80],
                detail={"method": request.method, "status": response.status_code},
            )
        self._session(request)

    def _session(self, request) -> None:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None or not user.is_authenticated or not session.session_key:
            return
        now, key = time.time(), session.session_key
        tracked = session.get("_tracked")
        if tracked != key:
            # A new sign-in, or a session whose key was cycled (password change): track it under its key.
            if tracked:
                UserSession.objects.filter(session_key=tracked, ended_at__isnull=True).update(ended_at=timezone.now())
            services.session_track(
                user=user,
                session_key=key,
                ip=trail.client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
            )
            session["_tracked"], session["_seen"] = key, now
        elif now - session.get("_seen", 0) >= LAST_SEEN_EVERY:
            session["_seen"] = now
            UserSession.objects.filter(session_key=key).update(last_seen=timezone.now())


# ---- Rate limits -------------------------------------------------------------------------------------------


def _limited(key: str, limit: int, window: int) -> int:
    """Count one call against `key`; the seconds to wait when over `limit` in the current window, else 0."""
    now = int(time.time())
    bucket = now - now % window
    cache_key = f"rl:{key}:{bucket}"
    if cache.add(cache_key, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window + 1)
            count = 1
    return bucket + window - now if count > limit else 0


class RateLimitMiddleware:
    """API calls per token and per address, per minute (settings.API_RATE_PER_TOKEN, API_RATE_PER_ADDRESS)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and getattr(settings, "API_RATE_LIMITS", True):
            window = 60
            wait = 0
            auth = request.META.get("HTTP_AUTHORIZATION", "")
            if auth.startswith("Bearer "):
                key = ApiToken.digest_of(auth[7:].strip())[:32]
                wait = _limited(f"t:{key}", settings.API_RATE_PER_TOKEN, window)
            wait = wait or _limited(f"a:{trail.client_ip(request)}", settings.API_RATE_PER_ADDRESS, window)
            if wait:
                response = JsonResponse({"error": _("Too many requests: try again in %(n)d seconds.") % {"n": wait}})
                response.status_code = 429
                response["Retry-After"] = str(wait)
                return response
        return self.get_response(request)


# ---- Password spraying ------------------------------------------------------------------------------------


class SprayLockMiddleware:
    """Many usernames tried from one address: the address is locked out of signing in for a while.

    django-axes locks one username from one address; spraying tries a few passwords on many usernames. The
    failed sign-ins in the audit trail are the count: LOGIN_SPRAY_LIMIT distinct usernames failed from one
    address within LOGIN_SPRAY_MINUTES, and every sign-in from it answers the lockout page (429) until they age.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path in (reverse("accounts:login"), reverse("security:two_factor")):
            since = timezone.now() - timedelta(minutes=settings.LOGIN_SPRAY_MINUTES)
            names = (
                AuditEntry.objects.filter(action=Action.LOGIN_FAILED, ip=trail.client_ip(request), at__gte=since)
                .values("username")
                .distinct()
            )
            if names.count() >= settings.LOGIN_SPRAY_LIMIT:
                trail.note(Action.REFUSED, summary="address locked out (spraying)")
                response = render(request, "accounts/locked.html", status=429)
                response["Retry-After"] = str(settings.LOGIN_SPRAY_MINUTES * 60)
                return response
        return self.get_response(request)
