from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from fugong.accounts.models import Role


@login_required
def home(request):
    user = request.user
    context = {}
    if user.role == Role.ENTERPRISE:
        context["enterprise"] = user.enterprise
    elif user.role in (Role.REGION, Role.LEAGUE, Role.COUNTY, Role.WORKGROUP):
        # Officials land on the live picture of their area.
        from fugong.analytics.views import dashboard

        return dashboard(request)
    return render(request, "core/home.html", context)


def livez(request):
    """Liveness: the process answers, without touching the database. Also the bare-view baseline of bench/peak.py."""
    return JsonResponse({"ok": True})


def healthz(request):
    """Readiness: the process answers and the database does too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})


def not_found(request, exception=None):
    response = render(request, "404.html", status=404)
    return response if isinstance(response, HttpResponse) else HttpResponse(status=404)
