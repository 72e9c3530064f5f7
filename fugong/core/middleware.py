"""Refusals that come before any view: a query or path with control characters, a body over the limit."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from fugong.core import bounds


def _refuse(request, status: int, errors: dict | str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": errors}, status=status)
    message = "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()) if isinstance(errors, dict) else errors
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class BoundsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._too_big(request):
            return _refuse(request, 413, _("The request body is too large."))
        # PostgreSQL refuses NUL in any string, and no filter or search holds a control character.
        if bounds.has_controls(request.path):
            return _refuse(request, 400, {"path": [_("Contains control characters.")]})
        if bounds.has_huge_id(request.path):
            # /problems/99999999999999999999/ names nothing: a number no table holds, answered before the database.
            return _refuse(request, 404, _("Not found."))
        if problem := bounds.query_problem(request.GET):
            param, message = problem
            return _refuse(request, 400, {param: [message]})
        return self.get_response(request)

    @staticmethod
    def _too_big(request) -> bool:
        # Said before anything reads the body: the CSRF check reading a form first would answer 400.
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        if request.content_type == "multipart/form-data":
            # Files have their own limit (UPLOAD_MAX_BYTES); the form fields around them are small.
            return length > settings.UPLOAD_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE is not None and length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig):
            return _refuse(request, 413, _("The request body is too large."))
        if isinstance(exception, bounds.BadParameter):
            return _refuse(request, 400, {exception.param: [exception.message]})
        return None
