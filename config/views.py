"""Views that need every app: the home page each role lands on."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from fugong.accounts.models import Role
from fugong.analytics.views import dashboard


@login_required
def home(request):
    user = request.user
    if user.role in (Role.REGION, Role.LEAGUE, Role.COUNTY, Role.WORKGROUP):
        # Officials land on the live picture of their area.
        return dashboard(request)
    context = {"enterprise": user.enterprise} if user.role == Role.ENTERPRISE else {}
    return render(request, "home.html", context)
