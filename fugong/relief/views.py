from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fugong import access
from fugong.accounts.models import Bank
from fugong.analytics import selectors as analytics
from fugong.core import bounds
from fugong.core.case_views import moves_view
from fugong.core.chosen import chosen_day
from fugong.core.excel import export_rows, write_xlsx, xlsx_response
from fugong.core.forms import add_service_errors
from fugong.enterprises.views import filter_query
from fugong.problems.selectors import contact_of
from fugong.relief import excel, selectors, services
from fugong.relief.forms import FundForm, FundLoanForm, LoanForm, MoveForm
from fugong.relief.models import Arrangement, State

PAGE_SIZE = 50


def _as_of(request, *, figures: bool = False):
    """The day asked for; else the day the official last chose elsewhere; else, for figures, the dashboard's day
    (the last whose reports are complete), and for the watch today."""
    asked = bounds.date_param(request.GET.get("as_of"), "as_of", future=True)
    if asked is not None:
        return asked
    if access.can_see_figures(request.user):
        chosen = chosen_day(request)
        if chosen is not None:
            return chosen
        if figures:
            return analytics.default_as_of(user=request.user)
    return timezone.localdate()


def _list_context(request) -> dict:
    filters = selectors.LoanFilters.from_query(request.GET)
    return {
        "filters": filters,
        "qs": selectors.loan_list(user=request.user, filters=filters),
        "states": State.choices,
        "arrangements": Arrangement.choices,
        "leagues": access.visible_areas(request.user).filter(level="league"),
        "banks": Bank.objects.all(),
    }


@login_required
def loan_list(request):
    context = _list_context(request)
    context.update(
        page=Paginator(context.pop("qs"), PAGE_SIZE).get_page(request.GET.get("page")),
        query=filter_query(request.GET),
        can_declare=access.can_declare_loans(request.user),
        can_watch=access.can_see_loan_watch(request.user),
    )
    return render(request, "relief/list.html", context)


@login_required
@require_GET
def loan_export(request):
    qs = _list_context(request)["qs"].order_by("league_id", "due_on", "pk")
    content = write_xlsx(excel.LOAN_COLUMNS, export_rows(excel.LOAN_COLUMNS, qs), title=_("Loans falling due"))
    return xlsx_response(content, "到期贷款转续贷台账.xlsx")


@login_required
def loan_create(request):
    if not access.can_declare_loans(request.user):
        raise Http404
    form = LoanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "credit_code"}
        try:
            loan, created = services.loan_declare(actor=request.user, enterprise=form.enterprise(), **data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            if created:
                messages.success(request, _("Loan declared; it has gone to the bank."))
            else:
                messages.info(request, _("This loan was already declared; nothing changed."))
            return redirect("relief:detail", pk=loan.pk)
    return render(request, "relief/loan_form.html", {"form": form})


@login_required
def loan_detail(request, pk):
    loan = access.access_loan(request.user, pk)
    contact_name, contact_phone = contact_of(request.user, loan.enterprise)
    context = {
        "loan": loan,
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "events": loan.events.select_related("actor"),
        "actions": services.TRANSITIONS.choices(loan, request.user),
        "arrangements": Arrangement.choices,
        "today": timezone.localdate(),
    }
    return render(request, "relief/detail.html", context)


loan_move = moves_view(
    services.CASE,
    form=MoveForm,
    detail="relief:detail",
    answer=lambda loan: _("The loan is now: %(state)s.") % {"state": loan.get_state_display()},
)


@login_required
@require_GET
def watch(request):
    if not access.can_see_loan_watch(request.user):
        raise Http404
    as_of = _as_of(request)
    league = (request.GET.get("league") or "").strip()
    bank = bounds.id_param(request.GET.get("bank"), "bank")
    result = selectors.maturity_watch(user=request.user, as_of=as_of, league=league, bank=bank)
    context = {
        "watch": result,
        "as_of": as_of,
        "league": league,
        "bank": bank,
        "leagues": access.visible_areas(request.user).filter(level="league"),
    }
    return render(request, "relief/watch.html", context)


@login_required
@require_GET
def loan_stats(request):
    if not access.can_see_figures(request.user):
        raise Http404
    as_of = _as_of(request, figures=True)
    figures = selectors.loan_figures(user=request.user, as_of=as_of)
    funds = selectors.fund_figures(user=request.user, as_of=as_of)
    return render(request, "relief/stats.html", {"figures": figures, "funds": funds, "as_of": as_of})


@login_required
@require_GET
def fund_list(request):
    if not access.can_see_guarantee_funds(request.user):
        raise Http404
    as_of = _as_of(request)
    rows = selectors.fund_rows(user=request.user, as_of=as_of)
    can_create = access.fund_leagues(request.user) is not None
    return render(request, "relief/funds.html", {"rows": rows, "as_of": as_of, "can_create": can_create})


@login_required
def fund_create(request):
    leagues = access.fund_leagues(request.user)
    if leagues is None:
        raise Http404
    form = FundForm(request.POST or None, leagues=leagues, initial={"established_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            fund = services.fund_create(actor=request.user, **{**data, "banks": list(data["banks"])})
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("Guarantee fund set up."))
            return redirect("relief:fund", pk=fund.pk)
    return render(request, "relief/fund_form.html", {"form": form})


@login_required
def fund_detail(request, pk):
    fund = access.access_guarantee_fund(request.user, pk)
    eligible = selectors.eligible_not_applied(user=request.user, fund=fund)
    row = next(r for r in selectors.fund_rows(user=request.user, as_of=timezone.localdate()) if r.fund.pk == fund.pk)
    context = {
        "fund": fund,
        "row": row,
        "loans": Paginator(selectors.fund_loan_list(user=request.user, fund=fund), PAGE_SIZE).get_page(
            request.GET.get("page")
        ),
        "eligible": eligible[:PAGE_SIZE],
        "eligible_count": eligible.count(),
        "can_grant": access.can_grant_fund_loan(request.user, fund),
    }
    return render(request, "relief/fund.html", context)


@login_required
@require_GET
def fund_export(request, pk):
    fund = access.access_guarantee_fund(request.user, pk)
    qs = selectors.fund_loan_list(user=request.user, fund=fund).order_by("league_id", "granted_on", "pk")
    content = write_xlsx(
        excel.FUND_LOAN_COLUMNS,
        export_rows(excel.FUND_LOAN_COLUMNS, qs),
        title=_("Guarantee-fund loans"),
        subtitle=fund.name,
    )
    return xlsx_response(content, f"助保金贷款-{fund.pk}.xlsx")


@login_required
def fund_loan_create(request, pk):
    fund = access.access_guarantee_fund(request.user, pk)
    if not access.can_grant_fund_loan(request.user, fund):
        raise Http404
    banks = fund.banks.all()
    if access.is_bank(request.user):
        banks = banks.filter(pk=request.user.bank_id)
    form = FundLoanForm(
        request.POST or None,
        banks=banks,
        borrowers=access.fund_borrowers(request.user),
        initial={"granted_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            _loan, created = services.fund_loan_grant(
                actor=request.user, fund=fund, enterprise=data.pop("credit_code"), **data
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            if created:
                messages.success(request, _("Loan recorded against the fund."))
            else:
                messages.info(request, _("This loan was already recorded; nothing changed."))
            return redirect("relief:fund", pk=fund.pk)
    return render(request, "relief/fund_loan_form.html", {"form": form, "fund": fund})
