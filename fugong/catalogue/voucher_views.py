"""The pages of the cloud-service vouchers: the department's programmes, issuing and review queue; the vouchers
of an enterprise, of a provider (its payment requests) and of an official's area; one voucher with its moves."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fugong import access
from fugong.catalogue import excel, services, voucher_selectors, vouchers
from fugong.catalogue.forms import EvidenceForm, IssueForm, ProgrammeForm, VoucherMoveForm
from fugong.catalogue.models import VoucherFile, VoucherState
from fugong.core import bounds
from fugong.core.case_views import moves_view
from fugong.core.excel import xlsx_response
from fugong.core.forms import add_service_errors
from fugong.enterprises.views import filter_query
from fugong.problems import attachments

PAGE_SIZE = 30


def _manager(user) -> None:
    if not access.can_manage_vouchers(user):
        raise Http404


@login_required
@require_GET
def programmes(request):
    _manager(request.user)
    return render(
        request,
        "catalogue/voucher_programmes.html",
        {"programmes": voucher_selectors.programme_list(), "today": timezone.localdate()},
    )


@login_required
def programme_create(request):
    _manager(request.user)
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = vouchers.ProgrammeData(**form.cleaned_data)
        try:
            programme = vouchers.programme_create(actor=request.user, data=data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Programme created: issue its vouchers."))
            return redirect("catalogue:voucher_programme", pk=programme.pk)
    return render(request, "catalogue/form.html", {"form": form, "title": _("New voucher programme")})


@login_required
def programme_detail(request, pk):
    """A programme, its budget and its vouchers by state; a POST issues vouchers."""
    programme = access.access_voucher_programme(request.user, pk)
    form = IssueForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            result = vouchers.vouchers_issue(actor=request.user, programme=programme, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(
                request,
                _("Issued %(n)d vouchers, %(amount)s (10k yuan); %(unchanged)d enterprises held one already.")
                % {"n": len(result.issued), "amount": vouchers.wan(result.amount), "unchanged": result.unchanged},
            )
            return redirect("catalogue:voucher_programme", pk=pk)
    held = vouchers.committed(programme)
    by_state = voucher_selectors.voucher_list(user=request.user, programme=programme.pk)
    counts = dict.fromkeys(VoucherState.values, 0)
    for state in by_state.values_list("state", flat=True):
        counts[state] += 1
    context = {
        "p": programme,
        "form": form,
        "held": held,
        "left": programme.budget - held,
        "eligible": vouchers.eligible_enterprises(programme).count(),
        "counts": [(label, counts[value], value) for value, label in VoucherState.choices if counts[value]],
        "leagues": ", ".join(a.display_name for a in programme.leagues.all()),
    }
    return render(request, "catalogue/voucher_programme.html", context)


def _list_reader(user) -> None:
    if access.is_platform(user) or not access.can_see_vouchers(user):
        raise Http404


def _filters(request) -> dict:
    programme = bounds.id_param(request.GET.get("programme"), "programme")
    return {
        "state": (request.GET.get("state") or "")[:20],
        "programme": programme,
        "league": (request.GET.get("league") or "")[:12] if access.can_see_catalogue_figures(request.user) else "",
    }


@login_required
@require_GET
def voucher_list(request):
    """An enterprise's vouchers, a provider's payment requests, the vouchers of an official's area."""
    _list_reader(request.user)
    filters = _filters(request)
    qs = voucher_selectors.voucher_list(user=request.user, **filters)
    context = {
        "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": filter_query(request.GET),
        "state": filters["state"],
        "states": VoucherState.choices,
        "provider_view": access.is_provider(request.user),
        "enterprise_view": access.can_claim_products(request.user),
    }
    return render(request, "catalogue/vouchers.html", context)


@login_required
@require_GET
def vouchers_export(request):
    _list_reader(request.user)
    filters = _filters(request)
    qs = voucher_selectors.voucher_list(user=request.user, **filters).select_related("county")
    today = timezone.localdate()
    return xlsx_response(excel.vouchers_workbook(qs, subtitle=today.isoformat()), f"云服务券-{today.isoformat()}.xlsx")


@login_required
@require_GET
def review_queue(request):
    _manager(request.user)
    page = Paginator(voucher_selectors.review_queue(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalogue/voucher_review.html", {"page": page, "query": filter_query(request.GET)})


@login_required
@require_GET
def voucher_detail(request, pk):
    voucher = access.access_voucher(request.user, pk)
    user = request.user
    actions = vouchers.voucher_actions(user, voucher)
    provider = access.is_provider_of_voucher(user, voucher)
    context = {
        "v": voucher,
        # A provider sees of the enterprise what the claim shows it: its name.
        "provider_view": provider,
        "events": voucher.events.select_related("actor"),
        "files": voucher.files.all(),
        "actions": actions,
        "claims": list(vouchers.redeemable_claims(voucher)) if any(a == "redeem" for a, _l in actions) else [],
        "evidence_form": EvidenceForm() if provider and voucher.state in vouchers.EVIDENCE_STATES else None,
        "today": timezone.localdate(),
    }
    return render(request, "catalogue/voucher.html", context)


voucher_move = moves_view(
    vouchers.VOUCHER,
    form=VoucherMoveForm,
    detail="catalogue:voucher",
    answer=lambda v: _("The voucher is now: %(state)s.") % {"state": v.get_state_display()},
)


@login_required
@require_POST
def evidence_upload(request, pk):
    voucher = access.access_voucher(request.user, pk)
    if not access.is_provider_of_voucher(request.user, voucher):
        raise Http404
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return redirect("catalogue:voucher", pk=pk)
    upload = form.cleaned_data["file"]
    try:
        vouchers.voucher_file_add(
            actor=request.user,
            voucher=voucher,
            kind=form.cleaned_data["kind"],
            name=upload.name,
            content=upload.read(services.MAX_FILE_BYTES + 1),
        )
    except ValidationError as e:
        messages.error(request, " ".join(m for ms in e.message_dict.values() for m in ms))
    else:
        messages.success(request, _("Evidence added."))
    return redirect("catalogue:voucher", pk=pk)


@login_required
@require_GET
def evidence_download(request, pk):
    file = VoucherFile.objects.filter(pk=pk).first()
    if file is None:
        raise Http404
    access.access_voucher(request.user, file.voucher_id)
    path = attachments.path_of(file)
    if not path.is_file():  # gone from the disk: as if it did not exist
        raise Http404
    response = FileResponse(path.open("rb"), content_type=file.content_type)
    response["Content-Disposition"] = "inline" if file.content_type.startswith("image/") else "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response
