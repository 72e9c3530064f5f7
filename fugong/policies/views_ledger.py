"""The benefits import (the one import flow) and the problems raised about a measure."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fugong import access
from fugong.core import imports
from fugong.core.forms import add_service_errors
from fugong.policies import benefit_import, eligibility
from fugong.policies.forms import MeasureProblemForm
from fugong.policies.measure_problems import measure_problem_raise, prefilled_description


@login_required
@require_http_methods(["GET", "POST"])
def benefit_import_upload(request):
    if not access.can_import_benefits(request.user):
        raise Http404
    form = imports.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = imports.upload_to_preview(
            request, form, importer=benefit_import.IMPORTER, url_name="policies:benefits_import_preview"
        )
        if done is not None:
            return done
    context = imports.upload_context(form, benefit_import.COLUMNS, cancel="policies:benefits")
    return render(request, "policies/benefit_import.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def benefit_import_preview(request, batch_id):
    """The import flow's preview, all or nothing: a sheet with a row in error cannot be saved at all."""
    if not access.can_import_benefits(request.user):
        raise Http404
    importer = benefit_import.IMPORTER
    batch, _importer = imports.own_batch(request.user, [importer], batch_id)
    refused = (batch.counts or {}).get(benefit_import.Action.ERROR, 0)
    if refused and request.method == "POST" and request.POST.get("action") == "commit":
        messages.error(request, _("The list is imported whole: fix the rows with errors and upload the sheet again."))
        return redirect(request.path)
    context = {"valid": 0, "optional": [], "whole": True} if refused else {}
    return imports.preview_page(
        request,
        importers=[importer],
        batch_id=batch_id,
        upload_url=reverse("policies:benefits_import"),
        context=context,
    )


@login_required
@require_http_methods(["GET", "POST"])
def measure_problem(request, pk):
    """From the explanation of a measure: raise the answer as a problem, prefilled with the measure."""
    measure = access.access_measure(request.user, pk)
    if not access.can_raise_measure_problems(request.user):
        raise Http404
    enterprise = access.access_own_enterprise(request.user)
    verdict = eligibility.evaluate(measure.rule, enterprise, timezone.localdate())
    initial = {"description": prefilled_description(measure=measure, verdict=verdict)}
    form = MeasureProblemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            problem = measure_problem_raise(
                actor=request.user,
                enterprise=enterprise,
                measure=measure,
                description=form.cleaned_data["description"],
                urgency=form.cleaned_data["urgency"],
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(
                request,
                _("Problem #%(id)s raised and routed to %(dept)s.") % {"id": problem.pk, "dept": problem.department},
            )
            return redirect("problems:detail", pk=problem.pk)
    context = {"form": form, "measure": measure, "verdict": verdict, "enterprise": enterprise}
    return render(request, "policies/measure_problem.html", context)
