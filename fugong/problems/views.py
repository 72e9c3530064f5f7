import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from fugong import access
from fugong.accounts.models import Department, Role
from fugong.core import bounds
from fugong.core.excel import write_xlsx
from fugong.core.forms import add_service_errors
from fugong.dispatch.models import DailyReport
from fugong.enterprises.views import filter_query
from fugong.problems import attachments, excel, selectors, services
from fugong.problems.forms import AttachmentForm, MoveForm, ProblemForm
from fugong.problems.models import Attachment, Category, Source, State

PAGE_SIZE = 50
RAISERS = (Role.REGION, Role.LEAGUE, Role.COUNTY, Role.WORKGROUP, Role.ENTERPRISE)


def _list_context(request, qs):
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "query": filter_query(request.GET), "today": timezone.localdate()}


@login_required
@vary_on_headers("HX-Request")
def problem_list(request):
    filters = selectors.ProblemFilters.from_query(request.GET)
    context = _list_context(request, selectors.problem_list(user=request.user, filters=filters))
    if request.htmx:
        return render(request, "problems/_table.html", context)
    context.update(
        filters=filters,
        states=State.choices,
        categories=Category.choices,
        leagues=access.visible_areas(request.user).filter(level="league"),
        departments=Department.objects.all(),
        can_raise=request.user.role in RAISERS,
    )
    return render(request, "problems/list.html", context)


@login_required
def problem_queue(request):
    if request.user.role != Role.HANDLER:
        raise Http404
    context = _list_context(request, selectors.handler_queue(user=request.user))
    return render(request, "problems/queue.html", context)


def _report_of(request):
    report_id = request.GET.get("report") or request.POST.get("report")
    if not report_id:
        return None
    visible = access.visible_enterprises(request.user)
    report = (
        DailyReport.objects.filter(pk=bounds.id_param(report_id, "report"), enterprise__in=visible)
        .select_related("enterprise")
        .first()
    )
    if report is None:
        raise Http404
    return report


@login_required
def problem_create(request):
    if request.user.role not in RAISERS:
        raise Http404
    report = _report_of(request)
    initial = {"credit_code": report.enterprise.credit_code, "description": report.note} if report else None
    form = ProblemForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            with transaction.atomic():
                problem = services.problem_raise(
                    actor=request.user,
                    enterprise=form.enterprise(),
                    category=form.cleaned_data["category"],
                    urgency=form.cleaned_data["urgency"],
                    description=form.cleaned_data["description"],
                    source=Source.REPORT if report else Source.FORM,
                    daily_report=report,
                )
                if upload:
                    attachments.attachment_add(
                        actor=request.user, problem=problem, name=upload.name, content=upload.read()
                    )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(
                request,
                _("Problem #%(id)s raised and routed to %(dept)s.") % {"id": problem.pk, "dept": problem.department},
            )
            return redirect("problems:detail", pk=problem.pk)
    return render(request, "problems/form.html", {"form": form, "report": report})


@login_required
def problem_detail(request, pk):
    problem = access.access_problem(request.user, pk)
    contact_name, contact_phone = selectors.contact_of(request.user, problem.enterprise)
    actions = services.allowed_actions(request.user, problem)
    context = {
        "problem": problem,
        "today": timezone.localdate(),
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "timeline": problem.timeline.select_related("actor"),
        "attachments": problem.attachments.all(),
        "actions": [(name, services.TRANSITIONS[name].label) for name in actions],
        "move_form": MoveForm(),
        "departments": Department.objects.exclude(pk=problem.department_id),
        "handlers": problem.department.handlers.filter(is_active=True),
        "merge": selectors.merge_candidates(problem).filter(pk__in=access.visible_problems(request.user)),
        "attachment_form": AttachmentForm(),
    }
    return render(request, "problems/detail.html", context)


@login_required
@require_POST
def problem_move(request, pk):
    problem = access.access_problem(request.user, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return redirect("problems:detail", pk=pk)
    try:
        services.problem_move(
            actor=request.user,
            problem=problem,
            action=form.cleaned_data["action"],
            comment=form.cleaned_data["comment"],
            department=form.cleaned_data["department"],
            handler=form.cleaned_data["handler"],
        )
    except ValidationError as e:
        messages.error(request, " ".join(m for ms in e.message_dict.values() for m in ms))
    else:
        messages.success(request, _("Saved."))
    return redirect("problems:detail", pk=pk)


@login_required
@require_POST
def attachment_upload(request, pk):
    problem = access.access_problem(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            attachments.attachment_add(actor=request.user, problem=problem, name=upload.name, content=upload.read())
        except ValidationError as e:
            messages.error(request, " ".join(m for ms in e.message_dict.values() for m in ms))
        else:
            messages.success(request, _("Attached."))
    else:
        messages.error(request, _("Choose a file to attach."))
    return redirect("problems:detail", pk=pk)


@login_required
@require_GET
def attachment_download(request, pk):
    attachment = Attachment.objects.filter(pk=pk, problem__in=access.visible_problems(request.user)).first()
    if attachment is None:
        raise Http404
    path = attachments.path_of(attachment)
    if not path.exists():
        raise Http404
    response = FileResponse(path.open("rb"), content_type=attachment.content_type, filename=attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_GET
def problem_export(request):
    filters = selectors.ProblemFilters.from_query(request.GET)
    qs = selectors.problem_list(user=request.user, filters=filters).order_by("league_id", "raised_on", "pk")
    today = timezone.localdate()
    content = write_xlsx(
        excel.COLUMNS,
        excel.rows(qs.iterator(chunk_size=2000)),
        title=_("Problem list"),
        subtitle=_("%(scope)s, as of %(date)s") % {"scope": request.user.binding, "date": today.isoformat()},
    )
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=f"problems-{today.isoformat()}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_GET
def problem_stats(request):
    if request.user.role not in (Role.REGION, Role.LEAGUE, Role.COUNTY, Role.WORKGROUP, Role.HANDLER):
        raise Http404
    as_of = bounds.date_param(request.GET.get("as_of"), "as_of") or timezone.localdate()
    stats = selectors.problem_stats(user=request.user, as_of=as_of)
    return render(request, "problems/stats.html", {"stats": stats, "as_of": as_of})
