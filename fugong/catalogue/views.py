import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fugong import access
from fugong.catalogue import api, excel, selectors, services, voucher_selectors
from fugong.catalogue.forms import (
    CallForm,
    ClaimForm,
    ClaimMoveForm,
    FileForm,
    MoveForm,
    ProductForm,
    ProviderForm,
)
from fugong.catalogue.models import Call, Category, ClaimState, Delivery, ProductFile, ProductState
from fugong.core import bounds
from fugong.core.case_views import moves_view
from fugong.core.excel import xlsx_response
from fugong.core.forms import add_service_errors
from fugong.enterprises.models import Industry
from fugong.enterprises.views import filter_query

PAGE_SIZE = 30


def _catalogue_reader(user) -> None:
    if not access.can_see_catalogue(user):
        raise Http404


@login_required
def catalogue(request):
    _catalogue_reader(request.user)
    filters = selectors.ProductFilters.from_query(request.GET)
    qs = selectors.product_list(user=request.user, filters=filters)
    context = {
        "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": filter_query(request.GET),
        "filters": filters,
        "categories": Category.choices,
        "deliveries": Delivery.choices,
        "industries": Industry.objects.all(),
        "is_provider": access.is_provider(request.user),
        "is_reviewer": access.can_review_products(request.user),
        # An enterprise's cloud-service vouchers head its catalogue.
        "my_vouchers": list(voucher_selectors.voucher_list(user=request.user)[:10])
        if access.can_claim_products(request.user)
        else None,
    }
    return render(request, "catalogue/list.html", context)


@login_required
@require_GET
def catalogue_print(request):
    """The whole catalogue on paper, by category."""
    _catalogue_reader(request.user)
    filters = selectors.ProductFilters.from_query(request.GET)
    products = list(selectors.product_list(user=request.user, filters=filters))
    groups = [(label, [p for p in products if p.category == value]) for value, label in Category.choices]
    return render(
        request,
        "catalogue/print.html",
        {"groups": [g for g in groups if g[1]], "count": len(products), "today": timezone.localdate()},
    )


@login_required
def product_detail(request, pk):
    product = access.access_product(request.user, pk)
    user = request.user
    owner = access.is_provider_of(user, product)
    reviewer = access.can_review_products(user)
    files = product.files.all() if owner or reviewer else product.files.filter(approved=True)
    claim = None
    if access.can_claim_products(user):
        claim = product.claims.filter(enterprise_id=user.enterprise_id).first()
    context = {
        "p": product,
        "owner": owner,
        "reviewer": reviewer,
        "files": files,
        "industries": selectors.industry_names(product.industry_list),
        "pending": services.pending_changes(product) if owner or reviewer else [],
        "events": product.events.select_related("actor") if owner or reviewer else [],
        "actions": services.product_actions(user, product),
        "claim": claim,
        "claim_form": ClaimForm(initial=_claim_initial(user))
        if claim is None and product.is_listed and access.can_claim_products(user)
        else None,
        "file_form": FileForm() if owner and product.state in services.EDITABLE else None,
        "json_ld": _json_ld(request, product),
    }
    return render(request, "catalogue/product.html", context)


def _json_ld(request, product) -> str:
    """The product as schema.org JSON-LD for the page's head, safe inside a script element."""
    data = json.dumps(api.json_ld(product, api.product_url(product, request)), ensure_ascii=False)
    return mark_safe(data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))  # noqa: S308 - escaped above


def _claim_initial(user) -> dict:
    enterprise = access.own_enterprise(user)
    return {"contact_name": enterprise.contact_name, "contact_phone": enterprise.contact_phone} if enterprise else {}


product_move = moves_view(
    services.PRODUCT,
    form=MoveForm,
    detail="catalogue:product",
    answer=lambda p: _("The product is now: %(state)s.") % {"state": p.get_state_display()},
)


def _open_calls():
    return Call.objects.filter(closes_on__gte=timezone.localdate())


@login_required
def product_create(request):
    provider = access.provider_of(request.user)
    if provider is None:
        raise Http404
    form = ProductForm(request.POST or None, calls=_open_calls())
    if request.method == "POST" and form.is_valid():
        data = services.product_data(form.cleaned_data)
        try:
            product = services.product_save(
                actor=request.user, provider=provider, data=data, call=form.cleaned_data["call"]
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Product saved as a draft: submit it for review when it is ready."))
            return redirect("catalogue:product", pk=product.pk)
    return render(request, "catalogue/product_form.html", {"form": form, "product": None})


@login_required
def product_edit(request, pk):
    product = access.access_own_product(request.user, pk)
    initial = services.content_of(product)
    initial["industry_codes"] = [c for c in (initial.get("industry_codes") or "").split(",") if c]
    initial["call"] = product.call_id
    form = ProductForm(request.POST or None, initial=initial, calls=_open_calls())
    if request.method == "POST" and form.is_valid():
        try:
            services.product_save(
                actor=request.user,
                provider=product.provider,
                product=product,
                data=services.product_data(form.cleaned_data),
                call=form.cleaned_data["call"],
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            if product.published_at is not None:
                messages.success(request, _("Change saved: the published version shows until the change is approved."))
            else:
                messages.success(request, _("Saved."))
            return redirect("catalogue:product", pk=product.pk)
    return render(request, "catalogue/product_form.html", {"form": form, "product": product})


@login_required
@require_POST
def file_upload(request, pk):
    product = access.access_own_product(request.user, pk)
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return redirect("catalogue:product", pk=pk)
    upload = form.cleaned_data["file"]
    try:
        services.product_file_add(
            actor=request.user,
            product=product,
            kind=form.cleaned_data["kind"],
            name=upload.name,
            content=upload.read(services.MAX_FILE_BYTES + 1),
        )
    except ValidationError as e:
        messages.error(request, " ".join(m for ms in e.message_dict.values() for m in ms))
    else:
        messages.success(request, _("File added; others see it once the product is approved."))
    return redirect("catalogue:product", pk=pk)


@login_required
@require_GET
def file_download(request, pk):
    file = ProductFile.objects.select_related("product").filter(pk=pk).first()
    if file is None:
        raise Http404
    product = access.access_product(request.user, file.product_id)
    if not file.approved and not (
        access.is_provider_of(request.user, product) or access.can_review_products(request.user)
    ):
        raise Http404
    response = FileResponse(services.file_path(file).open("rb"), content_type=file.content_type)
    response["Content-Disposition"] = "inline" if file.content_type.startswith("image/") else "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def own_products(request):
    if not access.is_provider(request.user):
        raise Http404
    products = selectors.own_products(user=request.user)
    return render(request, "catalogue/mine.html", {"products": products, "provider": access.provider_of(request.user)})


@login_required
def review_queue(request):
    if not access.can_review_products(request.user):
        raise Http404
    filters = selectors.ProductFilters.from_query(request.GET)
    qs = selectors.product_list(user=request.user, filters=filters, listed=False) if filters.state else None
    context = {
        "queue": selectors.review_queue(user=request.user),
        "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")) if qs is not None else None,
        "filters": filters,
        "states": ProductState.choices,
        "query": filter_query(request.GET),
    }
    return render(request, "catalogue/review.html", context)


@login_required
def calls(request):
    if not (access.can_review_products(request.user) or access.is_provider(request.user)):
        raise Http404
    return render(
        request,
        "catalogue/calls.html",
        {
            "calls": Call.objects.all(),
            "today": timezone.localdate(),
            "reviewer": access.can_review_products(request.user),
        },
    )


@login_required
def call_create(request):
    if not access.can_review_products(request.user):
        raise Http404
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_create(actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Call opened."))
            return redirect("catalogue:calls")
    return render(request, "catalogue/form.html", {"form": form, "title": _("Open a call for products")})


@login_required
def providers(request):
    if not access.can_review_products(request.user):
        raise Http404
    page = Paginator(selectors.provider_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalogue/providers.html", {"page": page, "query": filter_query(request.GET)})


@login_required
def provider_create(request):
    if not access.can_review_products(request.user):
        raise Http404
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_create(actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Provider registered."))
            return redirect("catalogue:providers")
    return render(request, "catalogue/form.html", {"form": form, "title": _("Register a provider")})


@login_required
@require_POST
def claim_create(request, pk):
    if not access.can_claim_products(request.user):
        raise Http404
    product = access.access_product(request.user, pk)
    form = ClaimForm(request.POST)
    if form.is_valid():
        try:
            claim = services.claim_create(
                actor=request.user,
                product=product,
                enterprise=access.access_own_enterprise(request.user),
                **form.cleaned_data,
            )
        except ValidationError as e:
            messages.error(request, " ".join(m for ms in e.message_dict.values() for m in ms))
        else:
            messages.success(request, _("Claim sent: the provider will contact you."))
            return redirect("catalogue:claim", pk=claim.pk)
    else:
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
    return redirect("catalogue:product", pk=pk)


@login_required
def claims(request):
    if access.is_platform(request.user) or not (
        access.can_claim_products(request.user)
        or access.is_provider(request.user)
        or access.can_see_catalogue_figures(request.user)
    ):
        raise Http404
    state = request.GET.get("state", "")
    page = Paginator(selectors.claim_list(user=request.user, state=state), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "state": state,
        "states": ClaimState.choices,
        "query": filter_query(request.GET),
        "provider_view": access.is_provider(request.user),
    }
    return render(request, "catalogue/claims.html", context)


@login_required
def claim_detail(request, pk):
    claim = access.access_claim(request.user, pk)
    context = {
        "c": claim,
        # A provider sees what the claim needs of the enterprise: its name and the contact it gave.
        "provider_view": access.is_provider_of_claim(request.user, claim),
        "events": claim.events.select_related("actor"),
        "actions": services.claim_actions(request.user, claim),
    }
    return render(request, "catalogue/claim.html", context)


claim_move = moves_view(
    services.CLAIM,
    form=ClaimMoveForm,
    detail="catalogue:claim",
    answer=lambda c: _("The claim is now: %(state)s.") % {"state": c.get_state_display()},
)


def _figures(request):
    if not access.can_see_catalogue_figures(request.user):
        raise Http404
    as_of = bounds.date_param(request.GET.get("as_of"), "as_of") or timezone.localdate()
    league = (request.GET.get("league") or "").strip()
    if league and not access.visible_areas(request.user).filter(code=league[:12]).exists():
        raise Http404
    return selectors.catalogue_figures(user=request.user, as_of=as_of, scope=league or None), as_of


def _voucher_figures(request, as_of):
    league = (request.GET.get("league") or "").strip()[:12]
    return voucher_selectors.voucher_figures(user=request.user, as_of=as_of, scope=league or None)


@login_required
@require_GET
def figures(request):
    stats, as_of = _figures(request)
    return render(
        request, "catalogue/figures.html", {"f": stats, "as_of": as_of, "v": _voucher_figures(request, as_of)}
    )


@login_required
@require_GET
def figures_export(request):
    stats, as_of = _figures(request)
    return xlsx_response(
        excel.figures_workbook(stats, _voucher_figures(request, as_of)),
        f"信息技术产品推广情况-{as_of.isoformat()}.xlsx",
    )
