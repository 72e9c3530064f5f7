from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from fugong import access
from fugong.chains import excel, selectors, services
from fugong.chains.forms import LinkForm, MoveForm, PostForm
from fugong.chains.models import Category, PairingState, Side
from fugong.core import bounds, imports
from fugong.core.case_views import moves_view
from fugong.core.excel import export_rows, write_xlsx, xlsx_response
from fugong.core.forms import add_service_errors
from fugong.dispatch.models import Status
from fugong.enterprises.models import Enterprise, Tag
from fugong.enterprises.views import filter_query

PAGE_SIZE = 50
STATUS_LABELS = {**dict(Status.choices), selectors.NOT_REPORTED: gettext_lazy("Not reported")}


def _gate(user) -> None:
    if not access.can_see_chains(user):
        raise Http404


def _day(request):
    return bounds.date_param(request.GET.get("as_of"), "as_of") or timezone.localdate()


@login_required
@vary_on_headers("HX-Request")
def post_list(request):
    _gate(request.user)
    filters = selectors.PostFilters.from_query(request.GET)
    qs = selectors.post_list(user=request.user, filters=filters)
    context = {
        "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": filter_query(request.GET),
        "filters": filters,
        "sides": Side.choices,
        "categories": Category.choices,
        "today": timezone.localdate(),
        "can_post": access.can_pair(request.user) or access.own_enterprise(request.user) is not None,
        "can_see_figures": access.can_see_chain_figures(request.user),
    }
    return render(request, "chains/_posts.html" if request.htmx else "chains/posts.html", context)


@login_required
@require_GET
def post_export(request):
    _gate(request.user)
    qs = selectors.post_list(user=request.user, filters=selectors.PostFilters.from_query(request.GET))
    today = timezone.localdate()
    content = write_xlsx(
        excel.POST_COLUMNS,
        export_rows(excel.POST_COLUMNS, qs.iterator(chunk_size=2000)),
        title=_("Industrial-chain needs and offers"),
        subtitle=f"{request.user.binding}　{today.isoformat()}",
    )
    return xlsx_response(content, f"产业链供需-{today.isoformat()}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def post_create(request):
    _gate(request.user)
    if not (access.can_pair(request.user) or access.own_enterprise(request.user)):
        raise Http404
    form = PostForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "credit_code"}
        try:
            post = services.post_create(actor=request.user, enterprise=form.enterprise(), **data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Posted."))
            return redirect("chains:post", pk=post.pk)
    return render(request, "chains/post_form.html", {"form": form})


@login_required
def post_detail(request, pk):
    post = access.access_chain_post(request.user, pk)
    today = timezone.localdate()
    pairings = selectors.pairing_list(user=request.user).filter(**{"need" if post.side == Side.NEED else "offer": post})
    context = {
        "post": post,
        "listed": post.is_listed(today),
        "can_manage": access.can_manage_chain_post(request.user, post),
        "can_pair": access.can_pair(request.user),
        "matches": selectors.suggest_matches(user=request.user, post=post) if access.can_pair(request.user) else [],
        "pairings": pairings,
    }
    return render(request, "chains/post.html", context)


@login_required
@require_POST
def post_action(request, pk):
    post = access.access_chain_post(request.user, pk)
    if not access.can_manage_chain_post(request.user, post):
        raise Http404
    action = request.POST.get("action")
    try:
        if action == "reconfirm":
            services.post_reconfirm(actor=request.user, post=post)
            messages.success(request, _("Reconfirmed: listed until %(day)s.") % {"day": post.expires_on.isoformat()})
        elif action == "close":
            services.post_close(actor=request.user, post=post)
            messages.success(request, _("Closed."))
        else:
            raise Http404
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("chains:post", pk=pk)


@login_required
@require_POST
def pair(request):
    if not access.can_pair(request.user):
        raise Http404
    posts = access.visible_chain_posts(request.user)
    need = posts.filter(pk=bounds.id_param(request.POST.get("need"), "need") or 0).first()
    offer = posts.filter(pk=bounds.id_param(request.POST.get("offer"), "offer") or 0).first()
    if need is None or offer is None:
        raise Http404
    try:
        pairing = services.pairing_create(actor=request.user, need=need, offer=offer)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("chains:post", pk=need.pk)
    messages.success(request, _("Paired: follow it to the end."))
    return redirect("chains:pairing", pk=pairing.pk)


@login_required
def pairing_list(request):
    _gate(request.user)
    state = request.GET.get("state", "")
    qs = selectors.pairing_list(user=request.user, state=state)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "chains/pairings.html",
        {"page": page, "query": filter_query(request.GET), "state": state, "states": PairingState.choices},
    )


@login_required
@require_GET
def pairing_export(request):
    _gate(request.user)
    qs = selectors.pairing_list(user=request.user, state=request.GET.get("state", ""))
    today = timezone.localdate()
    content = write_xlsx(
        excel.PAIRING_COLUMNS,
        export_rows(excel.PAIRING_COLUMNS, qs.iterator(chunk_size=2000)),
        title=_("Industrial-chain pairings"),
        subtitle=f"{request.user.binding}　{today.isoformat()}",
    )
    return xlsx_response(content, f"产业链供需对接-{today.isoformat()}.xlsx")


@login_required
def pairing_detail(request, pk):
    pairing = access.access_pairing(request.user, pk)
    context = {
        "p": pairing,
        "events": pairing.events.select_related("actor"),
        "actions": services.TRANSITIONS.choices(pairing, request.user),
    }
    return render(request, "chains/pairing.html", context)


pairing_move = moves_view(
    services.CASE,
    form=MoveForm,
    detail="chains:pairing",
    answer=lambda p: _("The pairing is now: %(state)s.") % {"state": p.get_state_display()},
)


def _status_rows(chains):
    for chain in chains:
        for row in [*chain.suppliers, *chain.customers]:
            row.status_label = STATUS_LABELS.get(row.status, row.status)
            yield row


@login_required
def chain_list(request):
    _gate(request.user)
    day = _day(request)
    found = selectors.chains(user=request.user, day=day)
    list(_status_rows(found))
    context = {
        "day": day,
        "chains": found,
        "bottlenecks": [c for c in found if c.blocking],
        "can_import": access.can_pair(request.user),
        "leaders": access.visible_enterprises(request.user).filter(tags=Tag.Code.LEADING).order_by("name")[:500]
        if access.can_pair(request.user)
        else [],
    }
    return render(request, "chains/links.html", context)


@login_required
@require_GET
def link_export(request):
    _gate(request.user)
    day = _day(request)
    rows = list(_status_rows(selectors.chains(user=request.user, day=day)))
    content = write_xlsx(
        excel.LINK_COLUMNS,
        export_rows(excel.LINK_COLUMNS, rows),
        title=_("Chains of the leading enterprises"),
        subtitle=f"{request.user.binding}　{day.isoformat()}",
    )
    return xlsx_response(content, f"龙头企业产业链-{day.isoformat()}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def chain_detail(request, credit_code):
    _gate(request.user)
    leader = access.visible_enterprises(request.user).filter(credit_code=credit_code, tags=Tag.Code.LEADING).first()
    if leader is None:
        raise Http404
    can_edit = access.can_edit_chain_links(request.user, leader)
    form = LinkForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            partner = Enterprise.objects.filter(credit_code=form.cleaned_data["partner"].strip().upper()).first()
            if partner is None:
                form.add_error("partner", _("No enterprise with this credit code in the registry."))
            else:
                try:
                    services.link_create(
                        actor=request.user, leader=leader, partner=partner,
                        relation=form.cleaned_data["relation"], product=form.cleaned_data["product"],
                    )  # fmt: skip
                except ValidationError as e:
                    add_service_errors(form, e)
                else:
                    messages.success(request, _("Added to the chain."))
                    return redirect("chains:chain", credit_code=credit_code)
    day = _day(request)
    found = selectors.chains(user=request.user, day=day, leader_id=leader.pk)
    list(_status_rows(found))
    context = {
        "leader": leader,
        "chain": found[0] if found else None,
        "day": day,
        "form": form,
        "can_edit": can_edit,
        "leader_status": STATUS_LABELS.get(selectors.status_on([leader.pk], day)[leader.pk]),
    }
    return render(request, "chains/chain.html", context)


@login_required
@require_POST
def link_delete(request, pk):
    link = access.visible_chain_links(request.user).select_related("leader").filter(pk=pk).first()
    if link is None or not access.can_edit_chain_links(request.user, link.leader):
        raise Http404
    services.link_delete(actor=request.user, link=link)
    messages.success(request, _("Removed from the chain."))
    return redirect("chains:chain", credit_code=link.leader.credit_code)


@login_required
@require_GET
def figures(request):
    if not access.can_see_chain_figures(request.user):
        raise Http404
    as_of = _day(request)
    league = (request.GET.get("league") or "").strip()[:6]
    if league and not access.visible_areas(request.user).filter(code=league).exists():
        raise Http404
    scope = league or None
    context = {
        "f": selectors.chain_figures(user=request.user, as_of=as_of, scope=scope),
        "as_of": as_of,
        "brief": "".join(selectors.brief_lines(user=request.user, as_of=as_of, scope=scope)),
        "bottlenecks": selectors.bottlenecks(user=request.user, day=as_of, scope=scope),
    }
    return render(request, "chains/figures.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def link_import(request):
    if not access.can_pair(request.user):
        raise Http404
    form = imports.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = imports.upload_to_preview(
            request, form, importer=excel.LINK_IMPORTER, url_name="chains:links_import_preview"
        )
        if done is not None:
            return done
    return render(
        request, "chains/import.html", imports.upload_context(form, excel.IMPORT_COLUMNS, cancel="chains:links")
    )


@login_required
@require_http_methods(["GET", "POST"])
def link_import_preview(request, batch_id):
    """The import flow's preview, whole or not at all, as the arrears ledger's."""
    if not access.can_pair(request.user):
        raise Http404
    batch, _importer = imports.own_batch(request.user, [excel.LINK_IMPORTER], batch_id)
    refused = (batch.counts or {}).get("error", 0)
    if refused and request.method == "POST" and request.POST.get("action") == "commit":
        messages.error(request, _("The sheet is imported whole: fix the rows with errors and upload it again."))
        return redirect(request.path)
    context = {"valid": 0, "optional": [], "whole": True} if refused else {}
    return imports.preview_page(
        request,
        importers=[excel.LINK_IMPORTER],
        batch_id=batch_id,
        upload_url=reverse("chains:links_import"),
        context=context,
    )
