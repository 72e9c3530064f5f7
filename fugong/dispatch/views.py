# Placeholders until the dispatch intake step replaces them; every one answers 404.
from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def report_form(request):
    raise Http404


@login_required
def project_report_form(request, pk):
    raise Http404


@login_required
def grid(request):
    raise Http404


@login_required
def grid_row(request, credit_code, day):
    raise Http404


@login_required
def daily_detail(request, pk):
    raise Http404


@login_required
def weekly_detail(request, pk):
    raise Http404


@login_required
def project_report_detail(request, pk):
    raise Http404
