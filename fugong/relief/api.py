from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from fugong import access
from fugong.accounts.models import Bank
from fugong.core.bounds import Amount, Day, Filter, Id, Int, Text
from fugong.core.case_views import add_moves_endpoint
from fugong.core.schemas import CaseEventOut, EnterpriseCaseOut, Error, Pagination, timeline_of
from fugong.relief import selectors, services
from fugong.relief.models import GuaranteeInstitution

loans = Router(tags=["loans"])
funds = Router(tags=["guarantee funds"])


class LoanOut(EnterpriseCaseOut):
    bank: str
    amount: Decimal
    granted_on: date
    due_on: date
    purpose: str
    requested: str
    guarantor: str | None
    declared_on: date
    state: str
    arranged: str
    arranged_amount: Decimal | None
    new_due_on: date | None
    arranged_on: date | None
    declined_reason: str
    outcome_on: date | None
    allowed_actions: list[str]

    @staticmethod
    def resolve_bank(obj):
        return obj.bank.name

    @staticmethod
    def resolve_guarantor(obj):
        return obj.guarantor.name if obj.guarantor_id else None

    @staticmethod
    def resolve_allowed_actions(obj, context):
        return services.allowed_actions(context["request"].auth, obj)


class LoanDetailOut(LoanOut):
    timeline: list[CaseEventOut]

    @staticmethod
    def resolve_timeline(obj):
        return timeline_of(obj.events)


class LoanFilterIn(Schema):
    state: Filter = ""
    requested: Filter = ""
    arranged: Filter = ""
    league: Filter = ""
    bank: Filter = ""
    q: Filter = ""


class LoanIn(Schema):
    credit_code: Text(18) = ""
    bank: Text(80)
    amount: Amount(12, 2)
    granted_on: Day()
    due_on: Day(future=True)
    requested: Text(10)
    purpose: Text(200) = ""
    guarantor: Text(80) = ""


class MoveIn(Schema):
    action: Text(20)
    arrangement: Text(10) = ""
    amount: Amount(12, 2) | None = None
    new_due_on: Day(future=True) | None = None
    on: Day() | None = None
    reason: Text(300) = ""
    comment: Text(multiline=True) = ""


class AsOfIn(Schema):
    as_of: Day(future=True) | None = None


@loans.get("", response=list[LoanOut])
@paginate(Pagination)
def list_loans(request, filters: Query[LoanFilterIn]):
    return selectors.loan_list(user=request.auth, filters=selectors.LoanFilters(**filters.dict()))


@loans.post("", response={200: LoanDetailOut, 201: LoanDetailOut, 400: Error, 404: Error})
def declare_loan(request, payload: LoanIn):
    user = request.auth
    if not access.can_declare_loans(user):
        raise Http404
    enterprise = access.own_enterprise(user)
    if enterprise is None:
        if not payload.credit_code:
            raise ValidationError({"credit_code": [_("Name the enterprise by its credit code.")]})
        enterprise = access.access_enterprise(user, payload.credit_code.strip().upper())
    bank = Bank.objects.filter(name=payload.bank.strip()).first()
    if bank is None:
        raise ValidationError({"bank": [_("Unknown bank “%(name)s”.") % {"name": payload.bank}]})
    guarantor = None
    if payload.guarantor:
        guarantor = GuaranteeInstitution.objects.filter(name=payload.guarantor.strip()).first()
        if guarantor is None:
            raise ValidationError(
                {"guarantor": [_("Unknown guarantee institution “%(name)s”.") % {"name": payload.guarantor}]}
            )
    loan, created = services.loan_declare(
        actor=user,
        enterprise=enterprise,
        bank=bank,
        amount=payload.amount,
        granted_on=payload.granted_on,
        due_on=payload.due_on,
        requested=payload.requested,
        purpose=payload.purpose,
        guarantor=guarantor,
    )
    # The same declaration sent again answers the stored loan, unchanged.
    return 201 if created else 200, access.access_loan(user, loan.pk)


class WatchRowOut(EnterpriseCaseOut):
    bank: str
    amount: Decimal
    due_on: date = Field(alias="due_then")
    days_left: int
    overdue: bool
    state: str

    @staticmethod
    def resolve_bank(obj):
        return obj.bank.name

    @staticmethod
    def resolve_overdue(obj):
        return obj.overdue_flag


class WatchGroupOut(Schema):
    key: str
    label: str
    count: int
    amount: Decimal
    overdue: int


class WatchOut(Schema):
    as_of: date
    count: int
    amount: Decimal
    overdue: int
    by_league: list[WatchGroupOut]
    by_bank: list[WatchGroupOut]
    loans: list[WatchRowOut]


@loans.get("/watch", response={200: WatchOut, 404: Error})
def loan_watch(request, params: Query[AsOfIn]):
    if not access.can_see_loan_watch(request.auth):
        raise Http404
    watch = selectors.maturity_watch(user=request.auth, as_of=params.as_of or timezone.localdate())
    return {
        "as_of": watch.as_of,
        "count": len(watch.rows),
        "amount": watch.amount,
        "overdue": watch.overdue,
        "by_league": watch.by_league,
        "by_bank": watch.by_bank,
        "loans": watch.rows,
    }


class TypeOut(Schema):
    arrangement: str
    label: str
    count: int
    amount: Decimal


class TallyOut(Schema):
    key: str
    label: str
    declared: int
    amount: Decimal
    arranged: int
    arranged_amount: Decimal
    fell_due: int
    avoided: int
    defaults: int


class LoanFiguresOut(Schema):
    as_of: date
    declared: int
    enterprises: int
    amount: Decimal
    arranged: int
    arranged_enterprises: int
    arranged_share: Decimal | None
    arranged_amount: Decimal
    by_type: list[TypeOut]
    fell_due: int
    defaults_avoided: int
    defaults: int
    by_league: list[TallyOut]


@loans.get("/figures", response={200: LoanFiguresOut, 404: Error})
def loan_figures(request, params: Query[AsOfIn]):
    if not access.can_see_figures(request.auth):
        raise Http404
    f = selectors.loan_figures(user=request.auth, as_of=params.as_of or timezone.localdate())
    t = f.total
    return {
        "as_of": f.as_of,
        "declared": t.declared,
        "enterprises": f.enterprises,
        "amount": t.amount,
        "arranged": t.arranged,
        "arranged_enterprises": f.arranged_enterprises,
        "arranged_share": None if t.arranged_share is None else round(t.arranged_share, 1),
        "arranged_amount": t.arranged_amount,
        "by_type": [{"arrangement": k, "label": label, "count": n, "amount": a} for k, label, n, a in f.by_type],
        "fell_due": t.fell_due,
        "defaults_avoided": t.avoided,
        "defaults": t.defaults,
        "by_league": f.by_league,
    }


@loans.get("/{int:loan_id}", response={200: LoanDetailOut, 404: Error})
def get_loan(request, loan_id: Id):
    return access.access_loan(request.auth, loan_id)


move_loan = add_moves_endpoint(loans, services.CASE, name="move_loan", move_in=MoveIn, case_out=LoanDetailOut)


# --- Guarantee funds ---------------------------------------------------------------------------------------


class FundOut(Schema):
    id: int
    name: str
    league: str | None
    amount: Decimal
    leverage: Decimal
    capacity: Decimal
    granted: Decimal
    loans: int
    utilisation: Decimal | None
    scale: str
    banks: list[str]
    established_on: date


CENT = Decimal("0.01")


def _fund_out(row: selectors.FundRow) -> dict:
    f = row.fund
    return {
        "id": f.pk,
        "name": f.name,
        "league": f.league_id,
        "amount": f.amount,
        "leverage": f.leverage,
        "capacity": row.capacity.quantize(CENT),
        "granted": Decimal(row.granted).quantize(CENT),
        "loans": row.loans,
        "utilisation": None if row.utilisation is None else round(row.utilisation, 1),
        "scale": f.scale,
        "banks": row.banks,
        "established_on": f.established_on,
    }


class FundLoanOut(Schema):
    id: int
    credit_code: str
    enterprise: str
    league: str
    bank: str
    amount: Decimal
    rate: Decimal
    term_months: int
    granted_on: date

    @staticmethod
    def resolve_credit_code(obj):
        return obj.enterprise.credit_code

    @staticmethod
    def resolve_enterprise(obj):
        return obj.enterprise.name

    @staticmethod
    def resolve_league(obj):
        return obj.league_id

    @staticmethod
    def resolve_bank(obj):
        return obj.bank.name


class FundLoanIn(Schema):
    credit_code: Text(18)
    bank: Text(80)
    amount: Amount(12, 2)
    rate: Amount(5, 2, max_value=36)
    term_months: Int(360, min_value=1)
    granted_on: Day() | None = None


@funds.get("", response=list[FundOut])
def list_funds(request, params: Query[AsOfIn]):
    if not access.can_see_guarantee_funds(request.auth):
        return []
    return [_fund_out(r) for r in selectors.fund_rows(user=request.auth, as_of=params.as_of or timezone.localdate())]


@funds.get("/{int:fund_id}", response={200: FundOut, 404: Error})
def get_fund(request, fund_id: Id):
    fund = access.access_guarantee_fund(request.auth, fund_id)
    rows = selectors.fund_rows(user=request.auth, as_of=timezone.localdate())
    return _fund_out(next(r for r in rows if r.fund.pk == fund.pk))


@funds.get("/{int:fund_id}/loans", response={200: list[FundLoanOut], 404: Error})
@paginate(Pagination)
def list_fund_loans(request, fund_id: Id):
    fund = access.access_guarantee_fund(request.auth, fund_id)
    return selectors.fund_loan_list(user=request.auth, fund=fund)


@funds.post("/{int:fund_id}/loans", response={200: FundLoanOut, 201: FundLoanOut, 400: Error, 404: Error})
def grant_fund_loan(request, fund_id: Id, payload: FundLoanIn):
    user = request.auth
    fund = access.access_guarantee_fund(user, fund_id)
    if not access.can_grant_fund_loan(user, fund):
        raise Http404
    enterprise = access.fund_borrowers(user).filter(credit_code=payload.credit_code.strip().upper()).first()
    if enterprise is None:
        raise ValidationError({"credit_code": [_("No enterprise with this credit code in your area.")]})
    bank = Bank.objects.filter(name=payload.bank.strip()).first()
    if bank is None:
        raise ValidationError({"bank": [_("Unknown bank “%(name)s”.") % {"name": payload.bank}]})
    loan, created = services.fund_loan_grant(
        actor=user,
        fund=fund,
        enterprise=enterprise,
        bank=bank,
        amount=payload.amount,
        rate=payload.rate,
        term_months=payload.term_months,
        granted_on=payload.granted_on,
    )
    return 201 if created else 200, selectors.fund_loan_list(user=user, fund=fund).get(pk=loan.pk)
