# Placeholders until the dispatch intake step replaces them; every one answers 404.
from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def report_template(request):
    raise Http404


@login_required
def report_upload(request):
    raise Http404


@login_required
def report_preview(request, batch_id):
    raise Http404
