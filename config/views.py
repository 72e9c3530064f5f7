"""Views that need every app: the home page each role lands on."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from fugong import access
from fugong.analytics.views import dashboard


@login_required
def home(request):
    user = request.user
    if access.can_see_figures(user):
        # Officials land on the live picture of their area.
        return dashboard(request)
    return render(request, "home.html", {"enterprise": access.own_enterprise(user)})
