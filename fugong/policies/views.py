from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
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
from fugong.policies.forms import (
    ApplicationForm,
    AttachmentForm,
    AutomaticNoticeForm,
    MoveForm,
    ObjectionForm,
    OutcomeForm,
    PolicyAttachmentForm,
    ProgrammeForm,
)
from fugong.policies.measure_problems import problems_about
from fugong.policies.models import BenefitType, Delivery, Objection, State

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
    day = timezone.localdate()
    context = {
        "guide_clock": next(
            (c for c in selectors.guide_clocks(user=request.user, day=day) if c.link.endswith(f"/{pk}/")), None
        ),
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
        "can_run": access.can_run_reviews(request.user),
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
        "can_run": access.can_run_reviews(request.user),
        "notices": programme.public_notices.all(),
    }
    if access.can_see_stages(request.user):
        context["stages"] = [
            (key, STAGE_LABELS[key], n)
            for key, n in selectors.stage_counts(user=request.user, programme=programme).items()
        ]
        context["experts"] = programme.experts.all()
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
    assignments = list(application.assignments.select_related("expert"))
    context = {
        "a": application,
        "events": application.events.select_related("actor"),
        "attachments": application.attachments.all(),
        "missing": services.missing_materials(application),
        "actions": services.move_choices(request.user, application),
        "scores": services.score_summary(assignments),
        "assignments": assignments if access.can_see_stages(request.user) else [],
        "panel": _assignable(request.user, application),
        "payment": next(
            (
                c
                for c in selectors.payment_clocks(user=request.user, day=timezone.localdate())
                if c.link.endswith(f"/{pk}/")
            ),
            None,
        ),
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


# --- Review in stages, experts, public notices, clocks (issue 14) ----------------------------------------------

STAGE_LABELS = {
    "league": _lazy("League pre-review"),
    "region": _lazy("Region review"),
    "scoring": _lazy("Expert scoring"),
    "shortlist": _lazy("Shortlist"),
    "notice": _lazy("Public notice"),
    "awarded": _lazy("Awarded"),
    "disbursed": _lazy("Disbursed"),
}


def _assignable(user, application):
    """The panel's experts the region may still give this application: not yet assigned, no conflict declared."""
    if not (access.can_run_reviews(user) and application.state == State.SCORING and application.programme):
        return []
    return _panel_left(application.programme, [application])[0]


def _panel_left(programme, applications) -> list[list]:
    """For each application in expert scoring, the panel's experts not yet assigned to it and without a conflict
    declared with its enterprise: one read of the panel and one of its conflicts for the whole list."""
    panel = list(programme.experts.all())
    conflicted: dict[int, set[int]] = {}
    for enterprise_id, expert_id in programme.conflicts.values_list("enterprise_id", "expert_id"):
        conflicted.setdefault(enterprise_id, set()).add(expert_id)
    left = []
    for a in applications:
        taken = {x.expert_id for x in a.assignments.all()} | conflicted.get(a.enterprise_id, set())
        left.append([e for e in panel if e.pk not in taken] if a.state == State.SCORING else [])
    return left


def _errors(request, e: ValidationError) -> None:
    messages.error(request, " ".join(m for ms in e.message_dict.values() for m in ms))


@login_required
def programme_create(request, pk):
    measure = access.access_measure(request.user, pk)
    if not access.can_edit_policies(request.user):
        raise Http404
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme = services.programme_save(
                actor=request.user,
                measure=measure,
                name=data["name"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                max_amount=data["max_amount"],
                materials=[m for m in data["materials"].splitlines() if m.strip()],
                score_sheet=services.parse_score_sheet(data["score_sheet"]),
                notice_days=data["notice_days"],
                guide=data["guide"],
            )
        except ValidationError as e:
            if hasattr(e, "error_dict"):
                add_service_errors(form, e)
            else:
                form.add_error("score_sheet", e)
        else:
            messages.success(request, _("Programme published."))
            return redirect("policies:programme", pk=programme.pk)
    return render(request, "policies/programme_form.html", {"form": form, "measure": measure})


@login_required
@require_POST
def programme_expert_add(request, pk):
    programme = access.access_programme(request.user, pk)
    if not access.can_run_reviews(request.user):
        raise Http404
    from fugong.accounts.models import User

    expert = User.objects.filter(username=(request.POST.get("username") or "").strip()[:150]).first()
    if expert is None:
        messages.error(request, _("No user of that name."))
    else:
        try:
            services.expert_add(actor=request.user, programme=programme, expert=expert)
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, _("Added to the panel."))
    return redirect("policies:programme", pk=pk)


@login_required
@require_GET
def stage_list(request, pk, stage):
    programme = access.access_programme(request.user, pk)
    if not access.can_see_stages(request.user) or stage not in selectors.STAGES:
        raise Http404
    rows = selectors.stage_list(user=request.user, programme=programme, stage=stage)
    can_run = access.can_run_reviews(request.user)
    if can_run and stage == "scoring":
        for a, experts in zip(rows, _panel_left(programme, rows), strict=True):
            a.assignable = experts  # type: ignore[attr-defined]
    context = {
        "programme": programme,
        "stage": stage,
        "stage_label": STAGE_LABELS[stage],
        "stages": [
            (key, STAGE_LABELS[key], n)
            for key, n in selectors.stage_counts(user=request.user, programme=programme).items()
        ],
        "rows": rows,
        "can_run": can_run,
    }
    return render(request, "policies/stage.html", context)


@login_required
@require_GET
def stage_export(request, pk, stage):
    programme = access.access_programme(request.user, pk)
    if not access.can_see_stages(request.user) or stage not in selectors.STAGES:
        raise Http404
    rows = selectors.stage_list(user=request.user, programme=programme, stage=stage)
    day = timezone.localdate()
    content = write_xlsx(
        excel.stage_columns(stage),
        excel.stage_rows(rows, stage),
        title=f"{programme.name}（{STAGE_LABELS[stage]}）",
        subtitle=day.isoformat(),
        footer=excel.FOOTER,
    )
    name = export_name(
        user=request.user,
        scope=Scope(above_scale=None),
        what=f"{programme.name}_{STAGE_LABELS[stage]}",
        day=day,
        ext="xlsx",
    )
    return xlsx_response(content, name)


@login_required
@require_POST
def assign_expert(request, pk):
    application = access.access_application(request.user, pk)
    if not access.can_run_reviews(request.user):
        raise Http404
    expert = (
        application.programme.experts.filter(pk=bounds.id_param(request.POST.get("expert"), "expert") or 0).first()
        if application.programme
        else None
    )
    if expert is None:
        messages.error(request, _("Choose an expert of the programme's panel."))
    else:
        try:
            services.expert_assign(actor=request.user, application=application, expert=expert)
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, _("Assigned to %(name)s.") % {"name": expert.get_full_name() or expert.username})
    return redirect(
        request.POST.get("next")
        if request.POST.get("next", "").startswith("/policies/")
        else reverse("policies:application", args=[pk])
    )


@login_required
def score(request, pk):
    """The expert's score sheet for one application assigned to them (404 for anyone else)."""
    assignment = access.access_assignment(request.user, pk)
    application = assignment.application
    sheet = application.programme.score_sheet if application.programme else []
    values = {item["item"]: assignment.scores.get(item["item"], "") for item in sheet}
    if request.method == "POST":
        values = {item["item"]: (request.POST.get(f"item-{i}") or "").strip()[:20] for i, item in enumerate(sheet)}
        try:
            services.scores_save(actor=request.user, assignment=assignment, points=values)
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, _("Scores saved."))
            return redirect("policies:reviews")
    context = {
        "a": application,
        "assignment": assignment,
        "items": [(i, item["item"], item["max"], values.get(item["item"], "")) for i, item in enumerate(sheet)],
        "attachments": application.attachments.all(),
    }
    return render(request, "policies/score.html", context)


@login_required
@require_GET
def reviews(request):
    """An expert's page: the programmes of their panels, the applications assigned, the conflicts to declare."""
    if not access.can_be_expert(request.user):
        raise Http404
    programmes = []
    for programme in access.expert_programmes(request.user).select_related("measure"):
        declared = programme.conflicts.filter(expert=request.user)
        applicants = (
            programme.applications.exclude(state__in=[State.DRAFT, State.RETURNED])
            .exclude(enterprise_id__in=declared.values("enterprise_id"))
            .values_list("enterprise_id", "enterprise__name")
            .distinct()
            .order_by("enterprise__name")
        )
        programmes.append(
            {
                "programme": programme,
                "assigned": access.expert_applications(request.user)
                .filter(programme=programme)
                .select_related("enterprise")
                .prefetch_related("assignments"),
                "declared": declared.select_related("enterprise"),
                "applicants": list(applicants),
            }
        )
    for p in programmes:
        for a in p["assigned"]:  # type: ignore[attr-defined]
            a.mine = next((x for x in a.assignments.all() if x.expert_id == request.user.pk), None)
    return render(request, "policies/reviews.html", {"programmes": programmes})


@login_required
@require_POST
def conflict_declare(request, pk):
    programme = access.access_expert_programme(request.user, pk)
    from fugong.enterprises.models import Enterprise

    enterprise_id = bounds.id_param(request.POST.get("enterprise"), "enterprise") or 0
    enterprise = (
        Enterprise.objects.filter(pk=enterprise_id, policy_applications__programme=programme).distinct().first()
    )
    if enterprise is None:
        messages.error(request, _("Choose an applicant of the programme."))
    else:
        services.conflict_declare(
            actor=request.user, programme=programme, enterprise=enterprise, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Conflict declared: you will not be given its applications."))
    return redirect("policies:reviews")


@login_required
@require_POST
def publish_shortlist(request, pk):
    programme = access.access_programme(request.user, pk)
    if not access.can_run_reviews(request.user):
        raise Http404
    try:
        notice = services.notice_publish_shortlist(actor=request.user, programme=programme)
    except ValidationError as e:
        _errors(request, e)
        return redirect("policies:programme", pk=pk)
    messages.success(request, _("Published for public notice until %(day)s.") % {"day": notice.ends_on.isoformat()})
    return redirect("policies:public_notice", pk=notice.pk)


@login_required
@require_POST
def propose_automatic(request, pk):
    measure = access.access_measure(request.user, pk)
    if not access.can_run_reviews(request.user):
        raise Http404
    form = AutomaticNoticeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
        return redirect("policies:measure", pk=pk)
    try:
        notice = services.notice_propose_automatic(
            actor=request.user, measure=measure, days=form.cleaned_data["days"], amount=form.cleaned_data["amount"]
        )
    except ValidationError as e:
        _errors(request, e)
        return redirect("policies:measure", pk=pk)
    messages.success(request, _("Published for public notice until %(day)s.") % {"day": notice.ends_on.isoformat()})
    return redirect("policies:public_notice", pk=notice.pk)


@login_required
@require_GET
def public_notices(request):
    qs = access.visible_public_notices(request.user).select_related("measure", "programme")
    return render(
        request,
        "policies/public_notices.html",
        {"page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")), "today": timezone.localdate()},
    )


@login_required
@require_GET
def public_notice(request, pk):
    notice = access.access_public_notice(request.user, pk)
    day = timezone.localdate()
    entries = list(selectors.notice_entries(user=request.user, notice=notice).prefetch_related("objections"))
    for e in entries:
        e.show_objections = access.can_see_objections(request.user, e)
        e.may_object = access.can_record_objection(request.user, e) and notice.published_on <= day <= notice.ends_on
    from fugong.problems.deadlines import working_days_between

    context = {
        "notice": notice,
        "entries": entries,
        "today": day,
        "days_left": working_days_between(day, notice.ends_on) if day < notice.ends_on else 0,
        "over": notice.period_over(day),
        "can_run": access.can_run_reviews(request.user),
        "objection_form": ObjectionForm(),
        "pending": Objection.Outcome.PENDING,
    }
    return render(request, "policies/public_notice.html", context)


@login_required
@require_GET
def public_notice_export(request, pk):
    notice = access.access_public_notice(request.user, pk)
    day = timezone.localdate()
    content = write_xlsx(
        excel.NOTICE_COLUMNS,
        excel.notice_rows(selectors.notice_entries(user=request.user, notice=notice)),
        title=f"{notice.title}（公示）",
        subtitle=f"{notice.published_on.isoformat()} – {notice.ends_on.isoformat()}",
        footer=excel.FOOTER,
    )
    name = export_name(
        user=request.user, scope=Scope(above_scale=None), what=f"{notice.title}_公示名单", day=day, ext="xlsx"
    )
    return xlsx_response(content, name)


@login_required
@require_POST
def objection_record(request, pk):
    entry = access.access_notice_entry(request.user, pk)
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
    else:
        try:
            services.objection_record(actor=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, _("Objection recorded."))
    return redirect("policies:public_notice", pk=entry.notice_id)


@login_required
@require_POST
def objection_handle(request, pk):
    objection = access.access_objection(request.user, pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Uphold or dismiss, and give the reason."))
    else:
        try:
            services.objection_handle(actor=request.user, objection=objection, **form.cleaned_data)
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, _("Objection handled."))
    return redirect("policies:public_notice", pk=objection.entry.notice_id)


@login_required
@require_POST
def notice_award(request, pk):
    notice = access.access_public_notice(request.user, pk)
    if not access.can_run_reviews(request.user):
        raise Http404
    try:
        n = services.notice_award(actor=request.user, notice=notice)
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, _("Awarded to %(n)d enterprises.") % {"n": n})
    return redirect("policies:public_notice", pk=pk)


@login_required
@require_GET
def clocks(request):
    """The region's clocks: application guides due after their policies, payments due after awards."""
    if not access.can_run_reviews(request.user):
        raise Http404
    day = _day(request)
    context = {
        "day": day,
        "overrun": selectors.overrun_clocks(user=request.user, day=day),
        "open": [
            c
            for c in selectors.guide_clocks(user=request.user, day=day)
            + selectors.payment_clocks(user=request.user, day=day)
            if c.open and not c.overrun
        ],
    }
    return render(request, "policies/clocks.html", context)
