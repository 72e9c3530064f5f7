from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def enterprise_export(request):
    raise Http404


@login_required
def enterprise_template(request):
    raise Http404


@login_required
def enterprise_import(request):
    raise Http404


@login_required
def enterprise_import_preview(request, batch_id):
    raise Http404
