from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fugong import access
from fugong.analytics.figures import Scope
from fugong.analytics.selectors import export_name
from fugong.core import bounds
from fugong.core.case_views import moves_view
from fugong.core.excel import write_xlsx, xlsx_response
from fugong.core.forms import add_service_errors
from fugong.enterprises.views import filter_query
from fugong.notices import selectors as notices
from fugong.policies import eligibility, excel, selectors, services
from fugong.policies.forms import ApplicationForm, AttachmentForm, MoveForm, PolicyAttachmentForm
from fugong.policies.measure_problems import problems_about
from fugong.policies.models import BenefitType, Delivery, State

PAGE_SIZE = 50
LISTS = {"eligible", "not_applied", "received", "not_reached"}


def _day(request):
    return bounds.date_param(request.GET.get("as_of"), "as_of") or timezone.localdate()


@login_required
@require_GET
def library(request):
    day = timezone.localdate()
    filters = selectors.LibraryFilters.from_query(request.GET)
    qs = selectors.policy_list(user=request.user, filters=filters, day=day)
    context = {
        "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": filter_query(request.GET),
        "filters": filters,
        "issuers": selectors.issuers(user=request.user),
        "benefit_types": BenefitType.choices,
        "today": day,
        "mine": access.own_enterprise(request.user) is not None,
    }
    return render(request, "policies/library.html", context)


@login_required
@require_GET
def policy_detail(request, pk):
    policy = access.access_policy(request.user, pk)
    context = {
        "policy": policy,
        "measures": policy.measures.all(),
        "attachments": policy.attachments.all(),
        "can_edit": access.can_edit_policies(request.user),
        "form": PolicyAttachmentForm(),
        "in_force": policy.in_force(timezone.localdate()),
    }
    return render(request, "policies/policy.html", context)


@login_required
@require_POST
def policy_attach(request, pk):
    policy = access.access_policy(request.user, pk)
    if not access.can_edit_policies(request.user):
        raise Http404
    form = PolicyAttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
        return redirect("policies:policy", pk=pk)
    upload = form.cleaned_data["file"]
    try:
        services.policy_attach(actor=request.user, policy=policy, name=upload.name, content=upload.read())
    except ValidationError as e:
        messages.error(request, " ".join(m for ms in e.message_dict.values() for m in ms))
    else:
        messages.success(request, _("Attached."))
    return redirect("policies:policy", pk=pk)


def _file_response(attachment):
    path = services.path_of(attachment)
    if not path.exists():
        raise Http404
    response = FileResponse(path.open("rb"), content_type=attachment.content_type, filename=attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_GET
def policy_file(request, pk):
    return _file_response(access.access_policy_attachment(request.user, pk))


@login_required
@require_GET
def measure_detail(request, pk):
    measure = access.access_measure(request.user, pk)
    day = timezone.localdate()
    enterprise = access.own_enterprise(request.user)
    context = {
        "measure": measure,
        "policy": measure.policy,
        "criteria": eligibility.criteria_labels(measure.rule),
        "combine": "any" if "any" in measure.rule else "all",
        "programmes": measure.programmes.all(),
        "today": day,
    }
    context["measure_problems"] = problems_about(user=request.user, measure=measure)[:20]
    if enterprise is not None:
        context["can_raise_problem"] = access.can_raise_measure_problems(request.user)
        context["verdict"] = eligibility.evaluate(measure.rule, enterprise, day)
        context["my_applications"] = access.visible_applications(request.user).filter(measure=measure)
        context["can_apply"] = measure.delivery == Delivery.APPLICATION
    if access.can_match(request.user):
        context["matching"] = selectors.matching(user=request.user, measure=measure, day=day)
        context["can_notify"] = access.can_notify_eligible(request.user)
        # Reach is what enterprises opened, not what was sent.
        context["reach"] = notices.reach(kind="policy_match", link=reverse("policies:measure", args=[measure.pk]))
    return render(request, "policies/measure.html", context)


@login_required
@require_GET
def measure_enterprises(request, pk):
    measure = access.access_measure(request.user, pk)
    if not access.can_match(request.user):
        raise Http404
    which = request.GET.get("which") if request.GET.get("which") in LISTS else "eligible"
    qs = selectors.eligible_list(user=request.user, measure=measure, day=timezone.localdate(), which=which)
    context = {
        "measure": measure,
        "which": which,
        "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": filter_query(request.GET),
    }
    return render(request, "policies/enterprises.html", context)


@login_required
@require_GET
def measure_export(request, pk):
    measure = access.access_measure(request.user, pk)
    if not access.can_match(request.user):
        raise Http404
    which = request.GET.get("which") if request.GET.get("which") in LISTS else "eligible"
    day = timezone.localdate()
    qs = selectors.eligible_list(user=request.user, measure=measure, day=day, which=which)
    content = write_xlsx(
        excel.ELIGIBLE_COLUMNS,
        excel.eligible_rows(qs),
        title=_("Enterprises eligible for a measure"),
        subtitle=f"{measure.policy.number} {measure.article} {measure.title}　{day.isoformat()}",
    )
    what = {
        "eligible": "符合条件企业", "not_applied": "符合条件未申报企业", "received": "已享受企业",
        "not_reached": "符合条件未享受企业",
    }[which]  # fmt: skip
    name = export_name(
        user=request.user, scope=Scope(above_scale=None), what=f"{measure.title}_{what}", day=day, ext="xlsx"
    )
    return xlsx_response(content, name)


@login_required
@require_POST
def measure_notify(request, pk):
    measure = access.access_measure(request.user, pk)
    if not access.can_notify_eligible(request.user):
        raise Http404
    sent = services.notify_eligible(actor=request.user, measure=measure)
    messages.success(
        request,
        _("Notified %(n)d users; %(sms)d SMS recorded, %(sent)d sent.")
        % {"n": sent.notices, "sms": sent.sms_recorded, "sent": sent.sms_sent},
    )
    return redirect("policies:measure", pk=pk)


@login_required
def apply(request, pk):
    measure = access.access_measure(request.user, pk)
    enterprise = access.access_own_enterprise(request.user)
    programme = None
    programme_id = bounds.id_param(request.GET.get("programme") or request.POST.get("programme"), "programme")
    if programme_id is not None:
        programme = measure.programmes.filter(pk=programme_id).first()
        if programme is None:
            raise Http404
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(
                actor=request.user, enterprise=enterprise, measure=measure, programme=programme, **form.cleaned_data
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Draft saved. Add the materials, then submit."))
            return redirect("policies:application", pk=application.pk)
    context = {"form": form, "measure": measure, "programme": programme, "enterprise": enterprise}
    return render(request, "policies/apply.html", context)


@login_required
@require_GET
def programme_detail(request, pk):
    programme = access.access_programme(request.user, pk)
    day = timezone.localdate()
    context = {
        "programme": programme,
        "measure": programme.measure,
        "open": programme.is_open(day),
        "mine": access.own_enterprise(request.user) is not None,
    }
    return render(request, "policies/programme.html", context)


@login_required
@require_GET
def mine(request):
    enterprise = access.access_own_enterprise(request.user)
    day = timezone.localdate()
    eligible, near = selectors.measures_for(enterprise=enterprise, day=day, user=request.user)
    context = {
        "enterprise": enterprise,
        "eligible": eligible,
        "near": near,
        "benefits": selectors.benefit_list(user=request.user)[:50],
        "programmes": selectors.open_programmes(user=request.user, day=day),
        "today": day,
    }
    return render(request, "policies/mine.html", context)


@login_required
@require_GET
def application_list(request):
    filters = selectors.ApplicationFilters.from_query(request.GET)
    qs = selectors.application_list(user=request.user, filters=filters)
    context = {
        "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": filter_query(request.GET),
        "filters": filters,
        "states": State.choices,
    }
    return render(request, "policies/applications.html", context)


@login_required
@require_GET
def application_detail(request, pk):
    application = access.access_application(request.user, pk)
    context = {
        "a": application,
        "events": application.events.select_related("actor"),
        "attachments": application.attachments.all(),
        "missing": services.missing_materials(application),
        "actions": services.TRANSITIONS.choices(application, request.user),
        "can_attach": access.is_applicant(request.user, application)
        and application.state in (State.DRAFT, State.RETURNED),
        "form": AttachmentForm(),
    }
    return render(request, "policies/application.html", context)


application_move = moves_view(
    services.CASE,
    form=MoveForm,
    detail="policies:application",
    answer=lambda a: _("The application is now: %(state)s.") % {"state": a.get_state_display()},
)


@login_required
@require_POST
def application_attach(request, pk):
    application = access.access_application(request.user, pk)
    if not access.is_applicant(request.user, application):
        raise Http404
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
        return redirect("policies:application", pk=pk)
    upload = form.cleaned_data["file"]
    try:
        services.application_attach(
            actor=request.user,
            application=application,
            material=form.cleaned_data["material"],
            name=upload.name,
            content=upload.read(),
        )
    except ValidationError as e:
        messages.error(request, " ".join(m for ms in e.message_dict.values() for m in ms))
    else:
        messages.success(request, _("Attached."))
    return redirect("policies:application", pk=pk)


@login_required
@require_GET
def application_file(request, pk):
    return _file_response(access.access_application_attachment(request.user, pk))


@login_required
@require_GET
def stats(request):
    if not access.can_match(request.user):
        raise Http404
    as_of = _day(request)
    figures = selectors.policy_figures(user=request.user, as_of=as_of)
    return render(request, "policies/stats.html", {"f": figures, "as_of": as_of})


@login_required
@require_GET
def benefit_list(request):
    """The ledger of what reached whom: an enterprise sees its own, officials their area."""
    qs = selectors.benefit_list(user=request.user, measure=request.GET.get("measure", ""))
    context = {
        "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": filter_query(request.GET),
        "can_import": access.can_import_benefits(request.user),
    }
    return render(request, "policies/benefits.html", context)


@login_required
@require_GET
def benefit_export(request):
    qs = selectors.benefit_list(user=request.user, measure=request.GET.get("measure", ""))
    day = timezone.localdate()
    content = write_xlsx(
        excel.BENEFIT_COLUMNS, excel.benefit_rows(qs), title=_("Benefits delivered"), subtitle=day.isoformat()
    )
    name = export_name(user=request.user, scope=Scope(above_scale=None), what="政策兑现台账", day=day, ext="xlsx")
    return xlsx_response(content, name)
