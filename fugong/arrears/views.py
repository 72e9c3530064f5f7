from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from fugong import access
from fugong.arrears import excel, selectors, services
from fugong.arrears.forms import ItemForm, MoveForm
from fugong.arrears.models import DebtorType, Source, State
from fugong.core import bounds, imports
from fugong.core.case_views import moves_view
from fugong.core.excel import write_xlsx, xlsx_response
from fugong.core.forms import add_service_errors
from fugong.enterprises.views import filter_query

PAGE_SIZE = 50


def _gate(user) -> None:
    if not access.can_see_arrears_ledger(user):
        raise Http404


@login_required
@vary_on_headers("HX-Request")
def item_list(request):
    _gate(request.user)
    filters = selectors.ArrearsFilters.from_query(request.GET)
    today = timezone.localdate()
    qs = selectors.arrears_list(user=request.user, filters=filters, today=today)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page:
        item.past_due = item.days_past_due(today)
    context = {
        "page": page,
        "query": filter_query(request.GET),
        "filters": filters,
        "states": State.choices,
        "debtor_types": DebtorType.choices,
        "leagues": access.visible_areas(request.user).filter(level="league"),
        "can_import": access.can_import_arrears(request.user),
        "can_record": access.can_import_arrears(request.user) or access.own_enterprise(request.user) is not None,
        "can_see_figures": access.can_see_arrears_figures(request.user),
    }
    template = "arrears/_table.html" if request.htmx else "arrears/list.html"
    return render(request, template, context)


@login_required
@require_GET
def item_export(request):
    _gate(request.user)
    filters = selectors.ArrearsFilters.from_query(request.GET)
    today = timezone.localdate()
    qs = selectors.arrears_list(user=request.user, filters=filters, today=today).select_related("debtor_area")
    content = write_xlsx(
        excel.EXPORT_COLUMNS,
        excel.export_rows(qs.iterator(chunk_size=2000), today=today),
        title=_("Arrears owed to small and medium enterprises"),
        subtitle=f"{request.user.binding}　{today.isoformat()}",
    )
    return xlsx_response(content, f"清欠台账-{today.isoformat()}.xlsx")


@login_required
def item_detail(request, pk):
    item = access.access_arrears(request.user, pk)
    today = timezone.localdate()
    context = {
        "item": item,
        "today": today,
        "past_due": item.days_past_due(today),
        "repayments": item.repayments.all(),
        "events": item.events.select_related("actor"),
        "actions": services.TRANSITIONS.choices(item, request.user),
    }
    return render(request, "arrears/detail.html", context)


item_move = moves_view(
    services.CASE,
    form=MoveForm,
    detail="arrears:detail",
    answer=lambda item: _("The item is now: %(state)s.") % {"state": item.get_state_display()},
)


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request):
    _gate(request.user)
    if not (access.can_import_arrears(request.user) or access.own_enterprise(request.user)):
        raise Http404
    form = ItemForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = services.ItemData(
            enterprise=form.enterprise(), **{k: v for k, v in form.cleaned_data.items() if k != "credit_code"}
        )
        try:
            item = services.item_create(actor=request.user, data=data, source=Source.FORM)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Recorded in the arrears ledger."))
            return redirect("arrears:detail", pk=item.pk)
    return render(request, "arrears/item_form.html", {"form": form})


@login_required
@require_GET
def figures(request):
    if not access.can_see_arrears_figures(request.user):
        raise Http404
    as_of = bounds.date_param(request.GET.get("as_of"), "as_of") or timezone.localdate()
    league = (request.GET.get("league") or "").strip()[:6]
    if league and not access.visible_areas(request.user).filter(code=league).exists():
        raise Http404
    found = selectors.arrears_figures(user=request.user, as_of=as_of, scope=league or None)
    return render(
        request,
        "arrears/figures.html",
        {
            "f": found,
            "as_of": as_of,
            "league": league,
            "leagues": access.visible_areas(request.user).filter(level="league"),
            "brief": "".join(selectors.brief_lines(user=request.user, as_of=as_of, scope=league or None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_import(request):
    if not access.can_import_arrears(request.user):
        raise Http404
    form = imports.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = imports.upload_to_preview(request, form, importer=excel.IMPORTER, url_name="arrears:import_preview")
        if done is not None:
            return done
    return render(request, "arrears/import.html", imports.upload_context(form, excel.COLUMNS, cancel="arrears:list"))


@login_required
@require_http_methods(["GET", "POST"])
def item_import_preview(request, batch_id):
    """The import flow's preview, all or nothing: a sheet with a row in error cannot be saved at all."""
    if not access.can_import_arrears(request.user):
        raise Http404
    batch, _importer = imports.own_batch(request.user, [excel.IMPORTER], batch_id)
    refused = (batch.counts or {}).get(excel.Action.ERROR, 0)
    if refused and request.method == "POST" and request.POST.get("action") == "commit":
        messages.error(request, _("The ledger is imported whole: fix the rows with errors and upload the sheet again."))
        return redirect(request.path)
    context = {"valid": 0, "optional": [], "whole": True} if refused else {}
    return imports.preview_page(
        request, importers=[excel.IMPORTER], batch_id=batch_id, upload_url=reverse("arrears:import"), context=context
    )
