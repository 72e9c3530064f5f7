"""Problems raised about a measure: an enterprise that thinks the eligibility answer wrong raises it in the problem
ledger (category "policy"), and the link to the measure is kept here, above the ledger."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong import access
from fugong.accounts.models import User
from fugong.enterprises.models import Enterprise
from fugong.policies import eligibility
from fugong.policies.models import Measure, MeasureProblem
from fugong.problems import services as problems
from fugong.problems.models import Category, Problem, Urgency

VERDICTS = {True: "eligible", False: "not_eligible", None: "unknown"}


def prefilled_description(*, measure: Measure, verdict: eligibility.Verdict) -> str:
    """What the form starts with: the measure, the answer shown and the criteria not met, for the enterprise to
    complete with why it thinks the answer wrong."""
    policy = measure.policy
    head = f"{policy.number or policy.title} {measure.article}《{measure.title}》"
    if verdict.eligible:
        shown = _("The platform says we are eligible.")
    elif verdict.state is None:
        shown = _("The platform cannot tell whether we are eligible.")
    else:
        shown = _("The platform says we are not eligible.")
    lines = [f"{head}：{shown}"]
    for c in verdict.criteria:
        if c.met is not True:
            lines.append(f"- {c.label}（{c.article}）：{c.actual or '—'}")
    lines.append(_("Why we think this is wrong: "))
    return "\n".join(lines)


@transaction.atomic
def measure_problem_raise(
    *, actor: User, enterprise: Enterprise, measure: Measure, description: str, urgency: str = Urgency.NORMAL
) -> Problem:
    """The problem in the ledger (category "policy", routed as that category is) and its link to the measure."""
    verdict = eligibility.evaluate(measure.rule, enterprise, timezone.localdate())
    problem = problems.problem_raise(
        actor=actor, enterprise=enterprise, category=Category.POLICY, description=description, urgency=urgency
    )
    MeasureProblem.objects.create(measure=measure, problem=problem, verdict=VERDICTS[verdict.state])
    return problem


def problems_about(*, user: User, measure: Measure) -> QuerySet[Problem]:
    return (
        access.measure_problems(user, measure).select_related("enterprise", "department").order_by("-raised_on", "-pk")
    )
