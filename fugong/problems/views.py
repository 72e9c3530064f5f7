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
from fugong.accounts.models import Department
from fugong.core import bounds
from fugong.core.case_views import moves_view
from fugong.core.excel import write_xlsx, xlsx_response
from fugong.core.forms import add_service_errors
from fugong.enterprises.views import filter_query
from fugong.problems import attachments, excel, selectors, services
from fugong.problems.forms import AttachmentForm, MoveForm, ProblemForm
from fugong.problems.models import Attachment, Category, Source, State

PAGE_SIZE = 50


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
        can_raise=access.can_raise_problems(request.user),
    )
    return render(request, "problems/list.html", context)


@login_required
def problem_queue(request):
    if not access.is_handler(request.user):
        raise Http404
    context = _list_context(request, selectors.handler_queue(user=request.user))
    return render(request, "problems/queue.html", context)


def _report_of(request):
    report_id = request.GET.get("report") or request.POST.get("report")
    if not report_id:
        return None
    return access.access_daily_report(request.user, bounds.id_param(report_id, "report") or 0)


@login_required
def problem_create(request):
    if not access.can_raise_problems(request.user):
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
    context = {"form": form, "report": report, "own_enterprise": access.own_enterprise(request.user)}
    return render(request, "problems/form.html", context)


@login_required
def problem_detail(request, pk):
    problem = access.access_problem(request.user, pk)
    contact_name, contact_phone = selectors.contact_of(request.user, problem.enterprise, problem=problem)
    context = {
        "problem": problem,
        "today": timezone.localdate(),
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "timeline": problem.timeline.select_related("actor"),
        "attachments": problem.attachments.all(),
        "actions": services.TRANSITIONS.choices(problem, request.user),
        "move_form": MoveForm(),
        "departments": Department.objects.exclude(pk=problem.department_id),
        "handlers": problem.department.handlers.filter(is_active=True),
        "merge": selectors.merge_candidates(problem).filter(pk__in=access.visible_problems(request.user)),
        "attachment_form": AttachmentForm(),
    }
    return render(request, "problems/detail.html", context)


problem_move = moves_view(services.CASE, form=MoveForm, detail="problems:detail", answer=lambda p: move_answer(p))


def move_answer(problem) -> str:
    """What a move did, in a sentence: "已受理，办理时限3月2日。", not only "saved"."""
    problem.refresh_from_db()
    args = {"state": problem.get_state_display(), "dept": problem.department}
    if problem.is_open:
        args["due"] = _("%(month)s/%(day)s") % {"month": problem.due_on.month, "day": problem.due_on.day}
        return _("%(state)s, with %(dept)s; deadline %(due)s.") % args
    return _("%(state)s.") % args


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
    return xlsx_response(content, f"problems-{today.isoformat()}.xlsx")


@login_required
@require_GET
def problem_stats(request):
    if not access.can_see_problem_stats(request.user):
        raise Http404
    as_of = bounds.date_param(request.GET.get("as_of"), "as_of") or timezone.localdate()
    stats = selectors.problem_stats(user=request.user, as_of=as_of)
    return render(request, "problems/stats.html", {"stats": stats, "as_of": as_of})
