"""The JSON API: one NinjaAPI, bearer tokens or the browser session, each app adding a router."""

import json
import time
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.signals import request_finished
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from fugong import access
from fugong.accounts.models import ApiToken
from fugong.core.bounds import BadParameter


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        found = (
            ApiToken.objects.select_related("user", "user__area")
            .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        _used(found)
        request.user = found.user
        # A platform account's token reads the catalogue feed and nothing else.
        match = request.resolver_match
        if match is not None and not access.platform_may_open(found.user, match.view_name):
            raise Http404
        return found.user


# "Last used", off the request's path: noted in the process, written when the request is done (after the answer),
# for a token's first use at once, otherwise for all the tokens used since at most once a minute per process.
_pending: dict[int, datetime] = {}
_written = {"at": 0.0, "first": False}
LAST_USED_EVERY = 60.0  # seconds


def _used(token: ApiToken) -> None:
    _pending[token.pk] = timezone.now()
    if token.last_used_at is None:
        _written["first"] = True


def write_last_used(sender=None, *, force: bool = False, **kwargs) -> int:  # noqa: ARG001 - a signal receiver
    """Write the pending "last used" times when due (or `force`); the number of tokens written."""
    now = time.monotonic()
    if not _pending or not (force or _written["first"] or now - _written["at"] >= LAST_USED_EVERY):
        return 0
    pending = dict(_pending)
    _pending.clear()
    _written.update(at=now, first=False)
    latest = max(pending.values())
    # One statement for all: the times differ by less than the interval, and "last used" is shown to the minute.
    return ApiToken.objects.filter(pk__in=list(pending)).update(last_used_at=latest)


request_finished.connect(write_last_used, dispatch_uid="config.api.last_used")


class OwnSwagger(Swagger):
    """Swagger UI from our own static files (npm swagger-ui-dist), started by a script file: runs under the CSP."""

    template = "api/docs.html"

    def render_page(self, request, api, **kwargs):
        # Ninja renders its CDN template unless "ninja" is an installed app; ours is a project template.
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        return render(request, self.template, {"swagger_settings": json.dumps(self.settings), "api": api})


api = NinjaAPI(
    title="fugong API",
    version="1",
    urls_namespace="api",
    auth=[BearerToken(), django_auth],
    docs=OwnSwagger(),
    docs_url="/docs",
    # The description and its page are for signed-in users only, like everything else.
    docs_decorator=login_required,
)


def validation_messages(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {name: [str(m) for e in errors for m in e.messages] for name, errors in exc.error_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    return api.create_response(request, {"error": validation_messages(exc)}, status=400)


@api.exception_handler(NinjaValidationError)
def on_schema_error(request, exc):
    where = ("body", "query", "path", "payload", "filters")
    fields = {".".join(str(p) for p in e.get("loc", []) if p not in where): e.get("msg") for e in exc.errors}
    # A body that is not the right shape is 422; a value out of its bounds (fugong.core.bounds) or a malformed
    # filter in the query is a bad request naming the field, like any value a service refuses.
    refused = all(e.get("type") == "bounds" or e.get("loc", ["body"])[0] == "query" for e in exc.errors)
    return api.create_response(request, {"error": fields}, status=400 if refused else 422)


@api.exception_handler(BadParameter)
def on_bad_parameter(request, exc):
    return api.create_response(request, {"error": {exc.param: [exc.message]}}, status=400)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):  # noqa: ARG001 - django-ninja's handler signature
    return api.create_response(request, {"error": _("The request body is too large.")}, status=413)


@api.exception_handler(Http404)
def on_not_found(request, exc):  # noqa: ARG001 - django-ninja's handler signature
    return api.create_response(request, {"error": _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):  # noqa: ARG001 - django-ninja's handler signature
    return api.create_response(request, {"error": _("Authentication required.")}, status=401)


api.add_router("/v1/enterprises", "fugong.enterprises.api.router")
api.add_router("/v1/reports", "fugong.dispatch.api.router")
api.add_router("/v1", "fugong.analytics.api.router")
api.add_router("/v1/problems", "fugong.problems.api.router")
api.add_router("/v1/referrals", "fugong.finance.api.router")
api.add_router("/v1/loans", "fugong.relief.api.loans")
api.add_router("/v1/guarantee-funds", "fugong.relief.api.funds")
api.add_router("/v1/catalogue", "fugong.catalogue.api.router")
api.add_router("/v1/vouchers", "fugong.catalogue.voucher_api.router")
api.add_router("/v1/arrears", "fugong.arrears.api.router")
api.add_router("/v1/chain-needs", "fugong.chains.api.needs_router")
api.add_router("/v1/chain-links", "fugong.chains.api.links_router")
api.add_router("/v1/chain-pairings", "fugong.chains.api.pairings_router")
api.add_router("/v1", "fugong.workgroups.api.router")
api.add_router("/v1/policies", "fugong.policies.api.policies")
api.add_router("/v1/measures", "fugong.policies.api.measures")
api.add_router("/v1/programmes", "fugong.policies.api.programmes")
api.add_router("/v1/applications", "fugong.policies.api.applications")
api.add_router("/v1/benefits", "fugong.policies.api.benefits")
api.add_router("/v1/public-notices", "fugong.policies.api.public_notices")
