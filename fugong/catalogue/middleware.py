from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _

from fugong import access


class PlatformOnlyFeedMiddleware:
    """A platform account (signed in with its session) opens the feed, its settings and nothing else: every other
    page answers 404. Bearer tokens are checked the same way by the API's authentication (config/api.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):  # noqa: ARG002 - Django's hook
        user = getattr(request, "user", None)
        match = request.resolver_match
        if user is not None and match is not None and not access.platform_may_open(user, match.view_name):
            if request.path.startswith("/api/"):
                return JsonResponse({"error": _("Not found.")}, status=404)
            raise Http404
        return None
