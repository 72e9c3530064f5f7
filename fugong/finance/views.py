from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from fugong import access
from fugong.core import bounds
from fugong.core.case_views import moves_view
from fugong.core.excel import write_xlsx, xlsx_response
from fugong.core.forms import add_service_errors
from fugong.enterprises.views import filter_query
from fugong.finance import excel, selectors, services
from fugong.finance.forms import BatchForm, MoveForm, NeedForm
from fugong.finance.models import State, Target
from fugong.problems.selectors import contact_of

PAGE_SIZE = 50


@login_required
@vary_on_headers("HX-Request")
def referral_list(request):
    filters = selectors.ReferralFilters.from_query(request.GET)
    qs = selectors.referral_list(user=request.user, filters=filters)
    context = {
        "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": filter_query(request.GET),
        "filters": filters,
        "states": State.choices,
        "targets": Target.choices,
        "leagues": access.visible_areas(request.user).filter(level="league"),
        "batches": access.visible_referral_batches(request.user),
        "can_refer": access.can_refer(request.user),
    }
    template = "finance/_table.html" if request.htmx else "finance/list.html"
    return render(request, template, context)


@login_required
def referral_detail(request, pk):
    referral = access.access_referral(request.user, pk)
    contact_name, contact_phone = contact_of(request.user, referral.enterprise, referral=referral)
    context = {
        "r": referral,
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "events": referral.events.select_related("actor"),
        "actions": services.TRANSITIONS.choices(referral, request.user),
        "today": timezone.localdate(),
    }
    return render(request, "finance/detail.html", context)


referral_move = moves_view(
    services.CASE,
    form=MoveForm,
    detail="finance:detail",
    answer=lambda referral: _("The referral is now: %(state)s.") % {"state": referral.get_state_display()},
)


@login_required
def need_list(request):
    if not access.can_see_financing_needs(request.user):
        raise Http404
    page = Paginator(selectors.need_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "finance/needs.html",
        {"page": page, "query": filter_query(request.GET), "can_refer": access.can_refer(request.user)},
    )


@login_required
def need_create(request):
    if not access.can_see_financing_needs(request.user):
        raise Http404
    form = NeedForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "credit_code"}
        try:
            services.need_create(actor=request.user, enterprise=form.enterprise(), **data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Financing need recorded."))
            return redirect("finance:needs")
    return render(request, "finance/need_form.html", {"form": form})


@login_required
def batch_create(request):
    if not access.can_refer(request.user):
        raise Http404
    form = BatchForm(request.POST or None, needs=selectors.need_list(user=request.user, unreferred=True))
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_create(
                actor=request.user,
                target=form.cleaned_data["target"],
                bank=form.cleaned_data["bank"],
                name=form.cleaned_data["name"],
                needs=list(form.cleaned_data["needs"]),
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Referral batch created."))
            return redirect("finance:batch", pk=batch.pk)
    return render(request, "finance/batch_form.html", {"form": form})


@login_required
def batch_detail(request, pk):
    batch = access.access_referral_batch(request.user, pk)
    qs = selectors.referral_list(user=request.user, filters=selectors.ReferralFilters(batch=str(batch.pk)))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "finance/batch.html", {"batch": batch, "page": page, "query": filter_query(request.GET)})


@login_required
@require_GET
def batch_export(request, pk):
    batch = access.access_referral_batch(request.user, pk)
    qs = selectors.referral_list(user=request.user, filters=selectors.ReferralFilters(batch=str(batch.pk)))
    qs = qs.select_related("county", "enterprise__industry").order_by("league_id", "pk")
    content = write_xlsx(
        excel.COLUMNS,
        excel.rows(qs, lambda e: contact_of(request.user, e)),
        title=_("Financing referral batch"),
        subtitle=f"{batch.name}　{batch.target_label}　{batch.referred_on.isoformat()}",
    )
    return xlsx_response(content, f"referral-batch-{batch.pk}.xlsx")


@login_required
@require_GET
def referral_stats(request):
    if not access.can_see_referral_stats(request.user):
        raise Http404
    as_of = bounds.date_param(request.GET.get("as_of"), "as_of") or timezone.localdate()
    stats = selectors.referral_stats(user=request.user, as_of=as_of)
    return render(request, "finance/stats.html", {"stats": stats, "as_of": as_of})
