import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fugong import access
from fugong.analytics.docx import brief_docx
from fugong.core import bounds
from fugong.core.excel import write_xlsx, xlsx_response
from fugong.core.forms import add_service_errors
from fugong.enterprises.views import filter_query
from fugong.workgroups import excel, selectors, services
from fugong.workgroups.forms import AddEnterpriseForm, AddParkForm, PlanForm, VisitForm, WorkGroupForm
from fugong.workgroups.models import Source

PAGE_SIZE = 50


def _area_param(value) -> str:
    """An area code given in a query ('' for none): six digits, or 400 naming the parameter."""
    text = str(value or "").strip()
    if text and not (len(text) == 6 and text.isascii() and text.isdigit()):
        raise bounds.BadParameter("league", _("Give an area code of six digits."))
    return text


@login_required
@require_GET
def coverage(request):
    if not access.can_see_coverage(request.user):
        raise Http404
    as_of = bounds.lenient_date_param(request.GET.get("as_of"), "as_of", future=False) or timezone.localdate()
    league = _area_param(request.GET.get("league"))
    if league and not access.visible_areas(request.user).filter(code=league).exists():
        raise Http404
    data = selectors.coverage(user=request.user, as_of=as_of, scope=league or None)
    map_rows = [
        {
            "code": a.code,
            "name": a.name,
            "map_name": names.get(a.code, a.code),
            "groups": a.groups,
            "uncovered": a.uncovered,
            "enterprises": a.enterprises,
            "visited": a.tally.enterprises_visited,
            "parks": a.tally.parks_fully_visited,
            "problems": a.tally.problems_found,
        }
        for names in [selectors.chinese_names()]
        for a in data.areas
        if not a.separately_listed
    ]
    return render(
        request,
        "workgroups/coverage.html",
        {
            "c": data,
            "as_of": as_of,
            "differences": data.differences[:100],
            "map_rows": map_rows,
            "can_plan": access.plannable_groups(request.user).exists(),
            "can_manage": access.can_manage_work_groups(request.user),
        },
    )


@login_required
@require_GET
def group_detail(request, pk):
    group = access.access_work_group(request.user, pk)
    members = group.members.filter(is_active=True).order_by("username")
    plans = selectors.plan_list(user=request.user, group=group)
    return render(
        request,
        "workgroups/group.html",
        {
            "group": group,
            "members": members,
            "officials": group.officials.all(),
            "plans": plans,
            "can_manage": access.can_manage_work_groups(request.user),
        },
    )


def _group_form(request, group):
    """The form of a new group (group None) or of a group to change; the region's officials only."""
    form = WorkGroupForm(
        request.POST or None,
        initial=_group_initial(group),
        officials=selectors.official_choices(),
        leaders=selectors.leader_choices(group),
    )
    version = services.group_version(group) if group is not None else ""
    conflict = ""
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = services.GroupData(
            name=d["name"],
            leagues=list(d["leagues"]),
            cities=list(d["cities"]),
            officials=list(d["officials"]),
            leader=d["leader"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
        )
        seen = request.POST.get("version") if group is not None else None
        try:
            saved = services.work_group_save(actor=request.user, group=group, data=data, seen_version=seen)
        except ValidationError as e:
            if getattr(e, "code", None) == "conflict" and group is not None:
                # The group as it is now, to change again: the editor's values would overwrite the other change.
                conflict = e.messages[0]
                form = WorkGroupForm(
                    initial=_group_initial(group),
                    officials=selectors.official_choices(),
                    leaders=selectors.leader_choices(group),
                )
            else:
                add_service_errors(form, e)
        else:
            messages.success(request, _("Work group saved."))
            return redirect("workgroups:group", pk=saved.pk)
    context = {"form": form, "group": group, "version": version, "conflict": conflict}
    return render(request, "workgroups/group_form.html", context, status=409 if conflict else 200)


def _group_initial(group) -> dict:
    if group is None:
        return {}
    return {
        "name": group.name,
        "leagues": group.leagues.all(),
        "cities": group.cities.all(),
        "officials": group.officials.all(),
        "leader": group.leader_id,
        "starts_on": group.starts_on,
        "ends_on": group.ends_on,
    }


@login_required
def group_create(request):
    if not access.can_manage_work_groups(request.user):
        raise Http404
    return _group_form(request, None)


@login_required
def group_edit(request, pk):
    return _group_form(request, access.managed_work_group(request.user, pk))


@login_required
@require_GET
def weekly_report(request, pk):
    """The group's weekly report (工作组周报) as .docx: the week of `week` (any day of it), this week by default."""
    group = access.access_work_group(request.user, pk)
    day = bounds.date_param(request.GET.get("week"), "week") or timezone.localdate()
    monday = day - timedelta(days=day.weekday())
    report = selectors.weekly_report(user=request.user, group=group, monday=monday)
    response = HttpResponse(
        brief_docx(report), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    filename = quote(f"{group.name}工作周报-{monday.isoformat()}.docx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


# --- Plans ---------------------------------------------------------------------------------------------------


@login_required
@require_GET
def plan_list(request):
    if not (access.can_see_coverage(request.user) or access.can_record_visits(request.user)):
        raise Http404
    return render(
        request,
        "workgroups/plans.html",
        {"plans": selectors.plan_list(user=request.user), "can_plan": access.plannable_groups(request.user).exists()},
    )


@login_required
def plan_create(request):
    groups = access.plannable_groups(request.user)
    if not groups.exists():
        raise Http404
    form = PlanForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Visit plan created."))
            return redirect("workgroups:plan", pk=plan.pk)
    return render(request, "workgroups/plan_form.html", {"form": form})


@login_required
@require_GET
def plan_detail(request, pk):
    plan = access.access_visit_plan(request.user, pk)
    progress = selectors.plan_progress(user=request.user, plan=plan)
    can_edit = access.plannable_groups(request.user).filter(pk=plan.group_id).exists()
    context = {"plan": plan, "progress": progress, "can_edit": can_edit}
    if can_edit:
        enterprises = access.group_enterprises(plan.group)
        context["park_form"] = AddParkForm(parks=_group_parks(plan.group), initial={"day": plan.starts_on})
        context["enterprise_form"] = AddEnterpriseForm(
            enterprises=enterprises.order_by("name"), initial={"day": plan.starts_on}
        )
    return render(request, "workgroups/plan.html", context)


def _group_parks(group):
    from fugong.areas.models import Park

    return Park.objects.filter(pk__in=access.group_enterprises(group).filter(park__isnull=False).values("park_id"))


@login_required
@require_POST
def plan_add(request, pk):
    plan = access.access_visit_plan(request.user, pk, write=True)
    try:
        if "park" in request.POST:
            form: forms.Form = AddParkForm(request.POST, parks=_group_parks(plan.group))
            if form.is_valid():
                added = services.plan_add_park(actor=request.user, plan=plan, **form.cleaned_data)
        else:
            form = AddEnterpriseForm(request.POST, enterprises=access.group_enterprises(plan.group))
            if form.is_valid():
                added = services.plan_add_enterprise(actor=request.user, plan=plan, **form.cleaned_data)
    except ValidationError as e:
        messages.error(request, " ".join(str(m) for ms in e.message_dict.values() for m in ms))
        return redirect("workgroups:plan", pk=plan.pk)
    if form.is_valid():
        messages.success(request, _("%(n)d enterprises added to the plan.") % {"n": added})
    else:
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
    return redirect("workgroups:plan", pk=plan.pk)


@login_required
@require_POST
def plan_remove(request, pk, item_id):
    plan = access.access_visit_plan(request.user, pk, write=True)
    services.plan_remove_item(actor=request.user, plan=plan, item_id=item_id)
    return redirect("workgroups:plan", pk=plan.pk)


@login_required
@require_GET
def plan_export(request, pk):
    plan = access.access_visit_plan(request.user, pk)
    progress = selectors.plan_progress(user=request.user, plan=plan)
    content = write_xlsx(
        excel.PLAN_COLUMNS,
        excel.plan_rows(progress),
        title=_("Visit plan"),
        subtitle=f"{plan.group.name}　{plan.name}　{plan.starts_on.isoformat()}—{plan.ends_on.isoformat()}",
    )
    return xlsx_response(content, f"走访计划表-{plan.group.name}-{plan.pk}.xlsx")


# --- Visits --------------------------------------------------------------------------------------------------


@login_required
@require_GET
def visit_list(request):
    if not (access.can_see_coverage(request.user) or access.can_record_visits(request.user)):
        raise Http404
    filters = selectors.VisitFilters(
        group=str(bounds.id_param(request.GET.get("group"), "group") or ""),
        league=_area_param(request.GET.get("league")),
        date_from=bounds.date_param(request.GET.get("date_from"), "date_from"),
        date_to=bounds.date_param(request.GET.get("date_to"), "date_to"),
    )
    qs = selectors.visit_list(user=request.user, filters=filters).prefetch_related("problems")
    context = {
        "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": filter_query(request.GET),
        "groups": access.visible_work_groups(request.user),
        "filters": filters,
        "can_record": access.can_record_visits(request.user),
    }
    return render(request, "workgroups/visits.html", context)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _visit_data(form, files) -> services.VisitData:
    d = form.cleaned_data
    problems = []
    if d.get("problem_category"):
        problems.append(
            services.FoundProblem(d["problem_category"], d["problem_description"], d.get("problem_urgency") or "normal")
        )
    return services.VisitData(
        enterprise=d["enterprise"],
        visited_on=d["visited_on"],
        status=d["status"],
        employees=d["employees"],
        on_duty=d["on_duty"],
        capacity_pct=d["capacity_pct"],
        met=d["met"],
        guidance=d["guidance"],
        problems=problems,
        photos=[(f.name, f.read()) for f in files.getlist("photos")[: services.PHOTOS_MAX + 1]],
        again=d["again"],
    )


def _chosen_group(groups, value):
    try:
        pk = bounds.id_param(value, "group")
    except bounds.BadParameter:
        return None  # the form names the field
    return groups.filter(pk=pk).first() if pk else None


@login_required
def visit_create(request):
    """The phone form. The page's script keeps a visit typed offline and posts it here, asking for JSON."""
    groups = access.recording_groups(request.user)
    if not groups.exists():
        raise Http404
    group = groups.first()
    if group is None:
        raise Http404
    if request.method == "POST":
        group = _chosen_group(groups, request.POST.get("group")) or group
    enterprises = selectors.enterprises_for_visit(group=group)
    initial = {"visited_on": timezone.localdate(), "group": group}
    form = VisitForm(request.POST or None, groups=groups, enterprises=enterprises, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                visit, created = services.visit_record(
                    actor=request.user,
                    group=form.cleaned_data["group"],
                    data=_visit_data(form, request.FILES),
                    client_key=request.POST.get("client_key", ""),
                    source=Source.FORM,
                )
            except ValidationError as e:
                add_service_errors(form, e)
            else:
                url = reverse("workgroups:visit", args=[visit.pk])
                if _wants_json(request):
                    return JsonResponse(
                        {"id": visit.pk, "url": url, "created": created}, status=201 if created else 200
                    )
                messages.success(request, _("Visit recorded.") if created else _("This visit was already recorded."))
                return redirect(url)
        if _wants_json(request):
            errors = {name: [str(m) for m in msgs] for name, msgs in form.errors.items()}
            return JsonResponse({"error": errors}, status=400)
    # Without the page's script the form still works: the key is made here, and kept when the form comes back.
    client_key = request.POST.get("client_key") or uuid.uuid4().hex
    context = {"form": form, "photos_max": services.PHOTOS_MAX, "client_key": client_key}
    return render(request, "workgroups/visit_form.html", context)


@login_required
@require_GET
def visit_check(request):
    """Points out a visit of the same enterprise on the same day by the same group, before a second one is made."""
    groups = access.recording_groups(request.user)
    if not groups.exists():
        raise Http404
    group_id = bounds.id_param(request.GET.get("group"), "group")
    enterprise_id = bounds.id_param(request.GET.get("enterprise"), "enterprise")
    day = bounds.date_param(request.GET.get("visited_on"), "visited_on")
    group = groups.filter(pk=group_id).first() if group_id else None
    if group is None or enterprise_id is None or day is None:
        return JsonResponse({"visits": []})
    found = services.same_day_visits(group=group, enterprise_id=enterprise_id, day=day)
    return JsonResponse(
        {"visits": [{"id": v.pk, "url": reverse("workgroups:visit", args=[v.pk])} for v in found.order_by("pk")]}
    )


@login_required
@require_GET
def visit_detail(request, pk):
    visit = access.access_visit(request.user, pk)
    report = selectors.report_of(visit)
    return render(
        request,
        "workgroups/visit.html",
        {
            "v": visit,
            "report": report,
            "differs": selectors.differing_fields(visit, report) if report else [],
            "problems": visit.problems.filter(pk__in=access.visible_problems(request.user).values("pk")),
            "photos": visit.photos.all(),
        },
    )


@login_required
@require_GET
def photo(request, pk):
    found = access.access_photo(request.user, pk)
    root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    path = (root / found.path).resolve()
    if root not in path.parents or not path.exists():
        raise Http404
    response = FileResponse(path.open("rb"), content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
