from dataclasses import asdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from fugong import access
from fugong.areas import selectors as area_selectors
from fugong.core.forms import add_service_errors
from fugong.enterprises import selectors, services
from fugong.enterprises.filters import query_text
from fugong.enterprises.forms import EnterpriseForm, KeyProjectForm
from fugong.enterprises.models import Industry, SizeClass, Tag

PAGE_SIZE = 50


def _filter_choices(user):
    areas = access.visible_areas(user)
    return {
        "leagues": areas.filter(level="league"),
        "counties": areas.filter(level="county"),
        "parks": access.visible_parks(user),
        "industries": Industry.objects.all(),
        "tags": Tag.Code.choices,
        "sizes": SizeClass.choices,
    }


def filter_query(params) -> str:
    """The filters of a list as a query string, without paging or htmx's cache-buster."""
    kept = params.copy()
    for name in ("page", "org.htmx.cache-buster"):
        kept.pop(name, None)
    return kept.urlencode()


@login_required
@vary_on_headers("HX-Request")
def enterprise_list(request):
    filters = selectors.EnterpriseFilters.from_query(request.GET)
    qs = selectors.enterprise_list(user=request.user, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "query": filter_query(request.GET),
        "can_edit": access.can_edit_registry(request.user),
    }
    if request.htmx:
        return render(request, "enterprises/_table.html", context)
    context.update(_filter_choices(request.user))
    return render(request, "enterprises/list.html", context)


@login_required
def enterprise_mine(request):
    enterprise = access.access_own_enterprise(request.user)
    return redirect("enterprises:detail", credit_code=enterprise.credit_code)


@login_required
def enterprise_mine_data(request):
    """What the platform holds about the user's own enterprise: the record, and how many rows of each kind."""
    enterprise = access.access_own_enterprise(request.user)
    context = {
        "enterprise": enterprise,
        "record": selectors.held_record(enterprise, names=True),
        "tables": selectors.held_tables(enterprise, with_rows=False),
    }
    return render(request, "enterprises/mine_data.html", context)


@login_required
def enterprise_mine_data_export(request):
    """The same, every row, as one JSON file."""
    enterprise = access.access_own_enterprise(request.user)
    body = {
        "enterprise": enterprise.credit_code,
        "exported_at": timezone.now().isoformat(),
        "record": dict(selectors.held_record(enterprise)),
        "tables": [asdict(t) for t in selectors.held_tables(enterprise, with_rows=True)],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="fugong-{enterprise.credit_code}.json"'
    return response


@login_required
def enterprise_detail(request, credit_code):
    enterprise = access.access_enterprise(request.user, credit_code)
    context = {
        "enterprise": enterprise,
        "tags": enterprise.tags.all(),
        "history": enterprise.history.select_related("history_user").order_by("-history_date")[:20],
        "can_edit": access.editable_enterprises(request.user).filter(pk=enterprise.pk).exists(),
        "is_own": access.is_own_enterprise(request.user, enterprise.pk),
    }
    return render(request, "enterprises/detail.html", context)


def _enterprise_form_view(request, enterprise=None):
    initial = None
    if enterprise is not None:
        initial = {**services.enterprise_data_from(enterprise).__dict__}
    form = EnterpriseForm(request.POST or None, user=request.user, enterprise=enterprise, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data}
        if enterprise is not None:
            data["credit_code"] = enterprise.credit_code
        try:
            if enterprise is None:
                enterprise = services.enterprise_create(
                    actor=request.user, data=services.EnterpriseData(**data), source=services.Source.FORM
                )
            else:
                services.enterprise_update(
                    actor=request.user,
                    enterprise=enterprise,
                    data=services.EnterpriseData(**data),
                    source=services.Source.FORM,
                )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Saved."))
            return redirect("enterprises:detail", credit_code=enterprise.credit_code)
    return render(request, "enterprises/form.html", {"form": form, "enterprise": enterprise})


@login_required
def enterprise_create(request):
    if not access.can_edit_registry(request.user):
        raise Http404
    return _enterprise_form_view(request)


@login_required
def enterprise_edit(request, credit_code):
    enterprise = access.access_enterprise(request.user, credit_code, write=True)
    return _enterprise_form_view(request, enterprise)


@login_required
def county_options(request):
    """The county <option>s of a league, for the filter form's dependent select."""
    counties = access.visible_areas(request.user).filter(level="county")
    league = query_text(request.GET, "league")
    if league:
        counties = counties.filter(parent_id=league)
    return render(request, "enterprises/_county_options.html", {"counties": counties})


@login_required
def project_list(request):
    league, county, q = (query_text(request.GET, k) for k in ("league", "county", "q"))
    qs = selectors.key_project_list(user=request.user, league=league, county=county, q=q)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "league": league,
        "county": county,
        "q": q,
        "leagues": area_selectors.leagues().filter(code__in=access.visible_areas(request.user).values("code")),
        "can_edit": access.can_edit_registry(request.user),
        "query": request.GET.urlencode(),
    }
    return render(request, "enterprises/project_list.html", context)


@login_required
def project_detail(request, pk):
    project = access.access_key_project(request.user, pk)
    context = {
        "project": project,
        "history": project.history.select_related("history_user").order_by("-history_date")[:20],
        "can_edit": access.can_edit_registry(request.user),
    }
    return render(request, "enterprises/project_detail.html", context)


def _project_form_view(request, project=None):
    initial = None
    if project is not None:
        initial = {
            "name": project.name,
            "county": project.county,
            "park": project.park,
            "total_investment": project.total_investment,
            "planned_start": project.planned_start,
            "owner": project.owner.credit_code if project.owner else "",
        }
    form = KeyProjectForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.key_project_save(
                actor=request.user,
                data=services.KeyProjectData(**form.cleaned_data),
                source=services.Source.FORM,
                project=project,
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Saved."))
            return redirect("enterprises:project_detail", pk=project.pk)
    return render(request, "enterprises/project_form.html", {"form": form, "project": project})


@login_required
def project_create(request):
    if not access.can_edit_registry(request.user):
        raise Http404
    return _project_form_view(request)


@login_required
def project_edit(request, pk):
    project = access.access_key_project(request.user, pk, write=True)
    return _project_form_view(request, project)
