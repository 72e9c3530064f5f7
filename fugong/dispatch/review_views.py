# Placeholders until the dispatch intake step replaces them; every one answers 404.
from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def completeness(request):
    raise Http404


@login_required
def review(request):
    raise Http404


@login_required
def lock(request):
    raise Http404


@login_required
def unlock(request):
    raise Http404
