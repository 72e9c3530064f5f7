"""Views that need every app: the home page each role lands on, showing the work that role does today."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from fugong import access
from fugong.analytics import selectors as analytics
from fugong.analytics.figures import Scope
from fugong.catalogue import selectors as catalogue
from fugong.core.chosen import chosen_day
from fugong.dispatch import selectors as dispatch
from fugong.dispatch.models import Deadline, PeriodType
from fugong.finance import selectors as finance
from fugong.policies import selectors as policies
from fugong.problems import selectors as problems
from fugong.relief import selectors as relief

MISSING_SHOWN = 10
# The headline counts above-scale enterprises; completeness above counts every enterprise under daily
# dispatch, so its reporting rate is the one shown, not the dashboard's (a second, different rate).
HEADLINE = ["production_resumed", "resumption_rate", "on_duty", "on_duty_rate"]


@login_required
def home(request):
    user = request.user
    today = timezone.localdate()
    context = {"today": today, "role": user.role}
    if access.own_enterprise(user) is not None:
        context.update(_enterprise(user, today))
    elif access.is_handler(user):
        context["groups"] = problems.handler_home(user=user, today=today)
    elif access.is_bank(user):
        context["referral_groups"] = finance.referrals_by_state(user=user)
        context["loan_groups"] = relief.loans_by_state(user=user)
    elif access.is_guarantor(user):
        context["loan_groups"] = relief.loans_by_state(user=user)
    elif access.is_provider(user):
        context["provider_home"] = catalogue.provider_home(user=user)
    elif access.area_scope(user) is not None:
        context.update(_area(request, user, today))
    return render(request, "home.html", context)


def _enterprise(user, today) -> dict:
    enterprise = user.enterprise
    return {
        "enterprise": enterprise,
        "own": dispatch.own_report(enterprise=enterprise),
        "problems": problems.open_problems(user=user, today=today),
        "referral_groups": [g for g in finance.referrals_by_state(user=user, states=finance.State.values) if g.count],
        "needs": finance.need_list(user=user, unreferred=True).order_by("-raised_on")[:5],
        "loan_groups": [g for g in relief.loans_by_state(user=user, states=relief.OPEN_FOR_ENTERPRISE) if g.count],
        "policies_for_me": policies.measures_for(enterprise=enterprise, day=today, user=user)[0],
    }


def _area(request, user, today) -> dict:
    """Officials and work groups: the day's completeness with who is missing, open problems, the headline."""
    # The day the official last chose elsewhere, else the last day whose deadline has passed.
    day = chosen_day(request) or analytics.default_as_of(user=user)
    scope = {"user": user, "period_type": PeriodType.DAILY}
    missing = dispatch.missing_enterprises(period=day, **scope)
    now = analytics.figures(user=user, as_of=day, scope=Scope())
    before = analytics.figures(user=user, as_of=day - analytics.period_step(Scope()), scope=Scope())
    return {
        "day": day,
        "day_iso": day.isoformat(),
        "now_dt": timezone.now(),
        "deadline": Deadline.for_type(PeriodType.DAILY).due_at(day),
        "completeness": dispatch.completeness(period=day, **scope),
        "missing": list(missing[:MISSING_SHOWN]),
        "problems": problems.open_problems(user=user, today=today),
        "headline": analytics.kpis(now, before, keys=HEADLINE),
        "can_file": access.can_edit_registry(user),
    }
