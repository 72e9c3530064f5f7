from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render


def livez(request):  # noqa: ARG001 - a Django view
    """Liveness: the process answers, without touching the database. Also the bare-view baseline of bench/peak.py."""
    return JsonResponse({"ok": True})


def healthz(request):  # noqa: ARG001 - a Django view
    """Readiness: the process answers and the database does too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})


def not_found(request, exception=None):  # noqa: ARG001 - Django's handler404 signature
    response = render(request, "404.html", status=404)
    return response if isinstance(response, HttpResponse) else HttpResponse(status=404)
