"""The one module that decides who may read and write what (DESIGN.md, rule 1).

Every view, API endpoint, export and selector that touches enterprise-bound data starts here.
Anything out of scope is answered as if it did not exist: Http404, never 403.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from fugong.accounts.models import OFFICIAL_ROLES, Role, User, WorkGroup
from fugong.areas.models import Area, Park
from fugong.dispatch.models import DailyReport, ProjectReport, WeeklyReport
from fugong.enterprises.models import Enterprise, KeyProject
from fugong.finance.models import FinancingNeed, Referral, ReferralBatch
from fugong.problems.models import Problem
from fugong.workgroups.models import Photo, PlanItem, Visit, VisitPlan

# Officials and work-group members: their view of enterprises is exactly area_scope.
AREA_ROLES = OFFICIAL_ROLES | {Role.WORKGROUP}


def _first_or_404(qs: QuerySet):
    found = qs.first()
    if found is None:
        raise Http404
    return found


def area_scope(user: User) -> Q | None:
    """The area filter on objects carrying `league` and `county`; None means nothing is visible.

    The scope follows the level of the bound area, so a league official of a separately listed
    city (Manzhouli, Erenhot) sees that city, as a county official would.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    if user.role in (Role.REGION, Role.LEAGUE, Role.COUNTY) and user.area is not None:
        level = user.area.level
        if level == Area.Level.REGION:
            return Q()
        if level == Area.Level.LEAGUE:
            return Q(league_id=user.area_id)
        return Q(county_id=user.area_id)
    if user.role == Role.WORKGROUP and user.work_group is not None:
        return user.work_group.area_filter()
    return None


def visible_enterprises(user: User) -> QuerySet[Enterprise]:
    if user.is_authenticated and user.role == Role.ENTERPRISE and user.enterprise_id is not None:
        return Enterprise.objects.filter(pk=user.enterprise_id)
    # Handlers (problems routed to their department) and banks (referrals to them) get their
    # enterprises when the problem ledger and the financing referrals land.
    scope = area_scope(user)
    return Enterprise.objects.none() if scope is None else Enterprise.objects.filter(scope)


def scope_area(user: User) -> Area | None:
    """The area an official's scope is bound to; None for work groups and everyone else."""
    if user.is_authenticated and user.role in OFFICIAL_ROLES and user.area_id:
        return user.area
    return None


def scope_work_group(user: User) -> WorkGroup | None:
    """The work group whose leagues make the user's scope; None for everyone else."""
    if user.is_authenticated and user.role == Role.WORKGROUP and user.work_group_id:
        return user.work_group
    return None


def own_enterprise(user: User) -> Enterprise | None:
    """The enterprise an enterprise's user speaks for; None for everyone else (they name one)."""
    if user.is_authenticated and user.role == Role.ENTERPRISE:
        return user.enterprise
    return None


def access_own_enterprise(user: User) -> Enterprise:
    """The enterprise's own pages (its report form, "my enterprise"): 404 for everyone else."""
    if not (user.is_authenticated and user.role == Role.ENTERPRISE and user.enterprise_id is not None):
        raise Http404
    return _first_or_404(Enterprise.objects.select_related("league", "county").filter(pk=user.enterprise_id))


def is_own_enterprise(user: User | None, enterprise_id: int | None) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and user.role == Role.ENTERPRISE
        and enterprise_id is not None
        and user.enterprise_id == enterprise_id
    )


def files_on_behalf(user: User, enterprise_id: int | None) -> bool:
    """A report filed by anyone but the enterprise's own user is filed on its behalf."""
    return not is_own_enterprise(user, enterprise_id)


def can_edit_registry(user: User) -> bool:
    return user.is_authenticated and user.is_official and area_scope(user) is not None


def editable_enterprises(user: User) -> QuerySet[Enterprise]:
    return visible_enterprises(user) if can_edit_registry(user) else Enterprise.objects.none()


def access_enterprise(user: User, credit_code: str, *, write: bool = False) -> Enterprise:
    qs = editable_enterprises(user) if write else visible_enterprises(user)
    enterprise = qs.select_related("league", "county", "park", "industry").filter(credit_code=credit_code).first()
    if enterprise is None:
        raise Http404
    return enterprise


def visible_areas(user: User) -> QuerySet[Area]:
    """Areas the user may file under or filter by: their own area and everything below it."""
    scope = area_scope(user)
    if scope is None:
        return Area.objects.none()
    if user.role == Role.WORKGROUP and user.work_group is not None:
        leagues, cities = user.work_group.area_codes()
        return Area.objects.filter(Q(code__in=leagues | cities) | Q(parent_id__in=leagues))
    area = user.area
    if area is None:  # area_scope answers None for such a user: not reached
        return Area.objects.none()
    if area.level == Area.Level.REGION:
        return Area.objects.all()
    if area.level == Area.Level.LEAGUE:
        return Area.objects.filter(Q(code=area.code) | Q(parent_id=area.code))
    return Area.objects.filter(code=area.code)


def can_write_in_county(user: User, county: Area) -> bool:
    return can_edit_registry(user) and visible_areas(user).filter(code=county.code).exists()


def visible_key_projects(user: User) -> QuerySet[KeyProject]:
    if user.is_authenticated and user.role == Role.ENTERPRISE:
        return KeyProject.objects.filter(owner_id=user.enterprise_id)
    scope = area_scope(user)
    return KeyProject.objects.none() if scope is None else KeyProject.objects.filter(scope)


def access_key_project(user: User, pk: int, *, write: bool = False) -> KeyProject:
    qs = visible_key_projects(user)
    if write:
        qs = qs if can_edit_registry(user) else qs.none()
    project = qs.select_related("league", "county", "park", "owner").filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


def visible_parks(user: User) -> QuerySet[Park]:
    scope = area_scope(user)
    if scope is None:
        return Park.objects.none()
    return Park.objects.filter(scope)


def fileable_enterprises(user: User) -> QuerySet[Enterprise]:
    """Enterprises whose reports the user may file: their own, or those in an official's area."""
    if user.is_authenticated and user.role == Role.ENTERPRISE and user.enterprise_id is not None:
        return Enterprise.objects.filter(pk=user.enterprise_id)
    return editable_enterprises(user)


def fileable_key_projects(user: User) -> QuerySet[KeyProject]:
    if user.is_authenticated and user.role == Role.ENTERPRISE:
        return KeyProject.objects.filter(owner_id=user.enterprise_id)
    return visible_key_projects(user) if can_edit_registry(user) else KeyProject.objects.none()


def can_review(user: User) -> bool:
    """Review and lock belong to league officials (and the region above them)."""
    return user.is_authenticated and user.role in (Role.REGION, Role.LEAGUE) and bool(user.area_id)


def can_review_league(user: User, league_code: str) -> bool:
    area = scope_area(user)
    if not can_review(user) or area is None:
        return False
    return area.level == Area.Level.REGION or area.pk == league_code


def can_see_figures(user: User) -> bool:
    """The dashboard, the brief and the drill-downs: officials and work groups, within area_scope."""
    return user.is_authenticated and user.role in AREA_ROLES


# --- Reports ---------------------------------------------------------------------------------------------------


def visible_reports(user: User, model: type[DailyReport | WeeklyReport | ProjectReport]) -> QuerySet:
    """Reports as the lists and the API take them: an enterprise its own; everyone else by the area recorded on
    the report when it was filed. (The detail pages below go by the subject as it is now.)"""
    if user.is_authenticated and user.role == Role.ENTERPRISE:
        subject = "project__owner_id" if model is ProjectReport else "enterprise_id"
        return model.objects.filter(**{subject: user.enterprise_id})
    scope = area_scope(user)
    return model.objects.none() if scope is None else model.objects.filter(scope)


# A report opens with its subject: whoever sees the enterprise (the key project) now sees its reports, as the
# links from the grid, the drill-downs and the forms assume.


def access_daily_report(user: User, pk: int) -> DailyReport:
    reports = DailyReport.objects.filter(pk=pk, enterprise__in=visible_enterprises(user))
    return _first_or_404(reports.select_related("enterprise", "filed_by"))


def access_weekly_report(user: User, pk: int) -> WeeklyReport:
    reports = WeeklyReport.objects.filter(pk=pk, enterprise__in=visible_enterprises(user))
    return _first_or_404(reports.select_related("enterprise", "filed_by"))


def access_project_report(user: User, pk: int) -> ProjectReport:
    reports = ProjectReport.objects.filter(pk=pk, project__in=visible_key_projects(user))
    return _first_or_404(reports.select_related("project", "filed_by"))


def _official_of_league(user: User, league_code: str) -> bool:
    """The region's officials, and the league's own (its county officials included)."""
    area = scope_area(user)
    return area is not None and (area.level == Area.Level.REGION or area.league_code == league_code)


def can_see_phones_in_league(user: User, league_code: str) -> bool:
    """The missing list: phones in full to officials of the enterprise's league and the region; work groups see
    them masked (docs/dispatch.md), unlike on problems and referrals (can_see_contacts)."""
    return _official_of_league(user, league_code)


# --- Problems and financing referrals -----------------------------------------------------------------------
# Handlers see the problems routed to their department and banks the referrals to their bank, with the
# enterprise's basic facts on those pages only: visible_enterprises stays closed to them, so the registry,
# the reports and the figures do not open through a single problem.


def in_area_scope(user: User, *, league_id: str, county_id: str) -> bool:
    """area_scope(user) applied to one object in memory, so a list can check each row without a query."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.role in (Role.REGION, Role.LEAGUE, Role.COUNTY) and user.area is not None:
        level = user.area.level
        if level == Area.Level.REGION:
            return True
        return league_id == user.area_id if level == Area.Level.LEAGUE else county_id == user.area_id
    if user.role == Role.WORKGROUP and user.work_group is not None:
        if not hasattr(user, "_work_group_areas"):  # cached on the user object: a list checks every row
            user._work_group_areas = user.work_group.area_codes()  # type: ignore[attr-defined]
        leagues, cities = user._work_group_areas  # type: ignore[attr-defined]
        return league_id in leagues or county_id in cities
    return False


def can_see_problem(user: User, problem) -> bool:
    """The row-level form of visible_problems."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.role == Role.ENTERPRISE:
        return problem.enterprise_id == user.enterprise_id
    if user.role == Role.HANDLER:
        return problem.department_id == user.department_id
    return in_area_scope(user, league_id=problem.league_id, county_id=problem.county_id)


def can_see_referral(user: User, referral) -> bool:
    """The row-level form of visible_referrals."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.role == Role.ENTERPRISE:
        return referral.enterprise_id == user.enterprise_id
    if user.role == Role.BANK:
        return referral.bank_id is not None and referral.bank_id == user.bank_id
    return in_area_scope(user, league_id=referral.league_id, county_id=referral.county_id)


def visible_problems(user: User) -> QuerySet[Problem]:
    if not (user.is_authenticated and user.is_active):
        return Problem.objects.none()
    if user.role == Role.ENTERPRISE and user.enterprise_id is not None:
        return Problem.objects.filter(enterprise_id=user.enterprise_id)
    if user.role == Role.HANDLER and user.department_id is not None:
        return Problem.objects.filter(department_id=user.department_id)
    scope = area_scope(user)
    return Problem.objects.none() if scope is None else Problem.objects.filter(scope)


def access_problem(user: User, pk: int) -> Problem:
    return _first_or_404(
        visible_problems(user)
        .select_related("enterprise", "enterprise__industry", "league", "county", "department", "handler")
        .filter(pk=pk)
    )


def can_raise_problem_for(user: User, enterprise: Enterprise) -> bool:
    """Enterprises raise their own; officials and work-group members for enterprises in their area."""
    if not user.is_authenticated:
        return False
    if user.role == Role.ENTERPRISE:
        return enterprise.pk == user.enterprise_id
    if user.role in (Role.REGION, Role.LEAGUE, Role.COUNTY, Role.WORKGROUP):
        return visible_enterprises(user).filter(pk=enterprise.pk).exists()
    return False


def can_see_contacts(user: User, enterprise: Enterprise) -> bool:
    """Phones are shown to the enterprise, the region, and officials and work groups of its league."""
    if not user.is_authenticated:
        return False
    if user.role == Role.ENTERPRISE:
        return enterprise.pk == user.enterprise_id
    if user.role == Role.WORKGROUP and user.work_group is not None:
        return in_area_scope(user, league_id=enterprise.league_id, county_id=enterprise.county_id)
    return _official_of_league(user, enterprise.league_id)


def can_raise_problems(user: User) -> bool:
    return user.is_authenticated and (user.role in AREA_ROLES or user.role == Role.ENTERPRISE)


def is_handler(user: User) -> bool:
    """Handlers work the problems routed to their department: the queue is theirs."""
    return user.is_authenticated and user.role == Role.HANDLER


def can_see_problem_stats(user: User) -> bool:
    return user.is_authenticated and (user.role in AREA_ROLES or user.role == Role.HANDLER)


def handles_for_department(user: User, department_id: int | None) -> bool:
    """A handler of the department a problem is routed to: the one who may accept, answer and be assigned it."""
    return user.is_authenticated and user.role == Role.HANDLER and user.department_id == department_id


def visible_referrals(user: User) -> QuerySet[Referral]:
    if not (user.is_authenticated and user.is_active):
        return Referral.objects.none()
    if user.role == Role.ENTERPRISE and user.enterprise_id is not None:
        return Referral.objects.filter(enterprise_id=user.enterprise_id)
    if user.role == Role.BANK and user.bank_id is not None:
        return Referral.objects.filter(bank_id=user.bank_id)
    scope = area_scope(user)
    return Referral.objects.none() if scope is None else Referral.objects.filter(scope)


def access_referral(user: User, pk: int) -> Referral:
    return _first_or_404(
        visible_referrals(user)
        .select_related("enterprise", "enterprise__industry", "league", "county", "batch", "bank", "need")
        .filter(pk=pk)
    )


def visible_financing_needs(user: User) -> QuerySet[FinancingNeed]:
    if not (user.is_authenticated and user.is_active):
        return FinancingNeed.objects.none()
    if user.role == Role.ENTERPRISE and user.enterprise_id is not None:
        return FinancingNeed.objects.filter(enterprise_id=user.enterprise_id)
    scope = area_scope(user)
    return FinancingNeed.objects.none() if scope is None else FinancingNeed.objects.filter(scope)


def can_refer(user: User) -> bool:
    """Referral batches are made by officials, within their area."""
    return can_edit_registry(user)


def can_see_financing_needs(user: User) -> bool:
    """Needs are raised by enterprises and gathered by officials and work groups; banks see referrals only."""
    return user.is_authenticated and (user.role in AREA_ROLES or user.role == Role.ENTERPRISE)


def can_see_referral_stats(user: User) -> bool:
    return user.is_authenticated and (user.role in AREA_ROLES or user.role == Role.BANK)


def is_bank(user: User) -> bool:
    """A bank's user: its home lists the referrals waiting on it."""
    return user.is_authenticated and user.role == Role.BANK and user.bank_id is not None


def is_bank_of(user: User, referral: Referral) -> bool:
    """The bank a referral was sent to: the one who records contact, approval and loan."""
    return (
        user.is_authenticated
        and user.role == Role.BANK
        and referral.bank_id is not None
        and user.bank_id == referral.bank_id
    )


def visible_referral_batches(user: User) -> QuerySet[ReferralBatch]:
    """A batch is visible to whoever sees one of its referrals."""
    return ReferralBatch.objects.filter(pk__in=visible_referrals(user).values("batch_id")).select_related("bank")


def access_referral_batch(user: User, pk: int) -> ReferralBatch:
    return _first_or_404(visible_referral_batches(user).filter(pk=pk))


# --- Who calls the enterprise about a case -------------------------------------------------------------------


def can_call_about(user: User, enterprise: Enterprise, *, problem=None, referral=None) -> bool:
    """The contact's phone in full: whoever sees contacts anyway, and whoever must act on this very case.

    A handler calls about a problem routed to their department and a bank about a referral sent to it;
    for anyone else outside the enterprise's league the phone stays masked.
    """
    if can_see_contacts(user, enterprise):
        return True
    if problem is not None and user.is_authenticated and user.role == Role.HANDLER:
        return problem.enterprise_id == enterprise.pk and can_see_problem(user, problem)
    if referral is not None and user.is_authenticated and user.role == Role.BANK:
        return referral.enterprise_id == enterprise.pk and can_see_referral(user, referral)
    return False


# ---- daily ----


def can_remind(user: User) -> bool:
    """The completeness page's "remind": officials of an area (region, league, county), not work groups."""
    return can_edit_registry(user)


def access_remindable_enterprise(user: User, credit_code: str) -> Enterprise:
    """The enterprise an official reminds of its missing report: only one their own scope holds, 404 otherwise."""
    if not can_remind(user):
        raise Http404
    return _first_or_404(editable_enterprises(user).filter(credit_code=credit_code[:18]))


# ---- relief ----
# Loans falling due go to the bank they are owed to, and bridges to the guarantee institution named; the
# guarantee funds are read by officials and by their partner banks. Enterprises see their own items only.

from fugong.relief.models import FundLoan, GuaranteeFund, GuaranteeInstitution, Loan  # noqa: E402


def guarantor_institution_ids(user: User) -> list[int]:
    """The guarantee institutions a guarantor's user works for (bound by relief's membership table)."""
    if not (user.is_authenticated and user.is_active and user.role == Role.GUARANTOR):
        return []
    if not hasattr(user, "_guarantor_ids"):  # cached on the user object: a list checks every row
        user._guarantor_ids = list(user.guarantee_institutions.values_list("pk", flat=True))  # type: ignore[attr-defined]
    return user._guarantor_ids  # type: ignore[attr-defined]


def is_guarantor(user: User) -> bool:
    return bool(guarantor_institution_ids(user))


def visible_loans(user: User) -> QuerySet[Loan]:
    if not (user.is_authenticated and user.is_active):
        return Loan.objects.none()
    if user.role == Role.ENTERPRISE and user.enterprise_id is not None:
        return Loan.objects.filter(enterprise_id=user.enterprise_id)
    if user.role == Role.BANK and user.bank_id is not None:
        return Loan.objects.filter(bank_id=user.bank_id)
    if user.role == Role.GUARANTOR:
        return Loan.objects.filter(requested="bridge", guarantor_id__in=guarantor_institution_ids(user))
    scope = area_scope(user)
    return Loan.objects.none() if scope is None else Loan.objects.filter(scope)


def can_see_loan(user: User, loan: Loan) -> bool:
    """The row-level form of visible_loans."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.role == Role.ENTERPRISE:
        return loan.enterprise_id == user.enterprise_id
    if user.role == Role.BANK:
        return user.bank_id is not None and loan.bank_id == user.bank_id
    if user.role == Role.GUARANTOR:
        return loan.requested == "bridge" and loan.guarantor_id in guarantor_institution_ids(user)
    return in_area_scope(user, league_id=loan.league_id, county_id=loan.county_id)


def access_loan(user: User, pk: int) -> Loan:
    return _first_or_404(
        visible_loans(user)
        .select_related("enterprise", "enterprise__industry", "league", "county", "bank", "guarantor")
        .filter(pk=pk)
    )


def is_bank_of_loan(user: User, loan: Loan) -> bool:
    return (
        user.is_authenticated and user.role == Role.BANK and user.bank_id is not None and user.bank_id == loan.bank_id
    )


def is_guarantor_of_loan(user: User, loan: Loan) -> bool:
    return loan.requested == "bridge" and loan.guarantor_id in guarantor_institution_ids(user)


def can_declare_loan(user: User, enterprise: Enterprise) -> bool:
    """An enterprise declares its own loans; an official on behalf of an enterprise in their area."""
    if not user.is_authenticated:
        return False
    if user.role == Role.ENTERPRISE:
        return enterprise.pk == user.enterprise_id
    return can_edit_registry(user) and visible_enterprises(user).filter(pk=enterprise.pk).exists()


def can_declare_loans(user: User) -> bool:
    return user.is_authenticated and (user.role == Role.ENTERPRISE or can_edit_registry(user))


def can_see_loan_watch(user: User) -> bool:
    """The maturity watch: officials and work groups over their area, banks over the loans owed to them."""
    return user.is_authenticated and (user.role in AREA_ROLES or is_bank(user))


def visible_guarantee_funds(user: User) -> QuerySet[GuaranteeFund]:
    """Officials and work groups: the region's fund and those of the leagues in their scope; banks: their partners'."""
    if not (user.is_authenticated and user.is_active):
        return GuaranteeFund.objects.none()
    if is_bank(user):
        return GuaranteeFund.objects.filter(banks=user.bank_id)
    if area_scope(user) is None:
        return GuaranteeFund.objects.none()
    area = scope_area(user)
    if area is not None and area.level == Area.Level.REGION:
        return GuaranteeFund.objects.all()
    leagues = visible_areas(user).filter(level=Area.Level.LEAGUE).values("code")
    if area is not None and area.level != Area.Level.LEAGUE:
        leagues = Area.objects.filter(code=area.league_code).values("code")
    return GuaranteeFund.objects.filter(Q(league__isnull=True) | Q(league_id__in=leagues))


def access_guarantee_fund(user: User, pk: int) -> GuaranteeFund:
    return _first_or_404(visible_guarantee_funds(user).select_related("league").filter(pk=pk))


def visible_fund_loans(user: User) -> QuerySet[FundLoan]:
    if not (user.is_authenticated and user.is_active):
        return FundLoan.objects.none()
    if user.role == Role.ENTERPRISE and user.enterprise_id is not None:
        return FundLoan.objects.filter(enterprise_id=user.enterprise_id)
    if is_bank(user) and user.bank_id is not None:
        return FundLoan.objects.filter(bank_id=user.bank_id)
    scope = area_scope(user)
    return FundLoan.objects.none() if scope is None else FundLoan.objects.filter(scope)


def can_see_guarantee_funds(user: User) -> bool:
    return user.is_authenticated and (user.role in AREA_ROLES or is_bank(user))


def can_grant_fund_loan(user: User, fund: GuaranteeFund) -> bool:
    """A partner bank records what it lent against the fund; so do officials of the fund's area."""
    if is_bank(user):
        return user.bank_id is not None and fund.banks.filter(pk=user.bank_id).exists()
    area = scope_area(user)
    if area is None or area.level == Area.Level.COUNTY:
        return False
    return area.level == Area.Level.REGION or fund.league_id == area.pk


def visible_guarantee_institutions(user: User) -> QuerySet[GuaranteeInstitution]:
    return GuaranteeInstitution.objects.all() if user.is_authenticated else GuaranteeInstitution.objects.none()


def fund_borrowers(user: User) -> QuerySet[Enterprise]:
    """Whom a loan against a fund may be recorded for: a partner bank names its borrower, whichever it is;
    an official an enterprise of their area."""
    if is_bank(user):
        return Enterprise.objects.all()
    return editable_enterprises(user)


def fund_leagues(user: User) -> QuerySet[Area] | None:
    """The leagues a user may set up a guarantee fund for: the region's officials any (and the region's own fund,
    league left empty), a league's officials their own; None for everyone else."""
    area = scope_area(user)
    if area is None or area.level == Area.Level.COUNTY:
        return None
    if area.level == Area.Level.REGION:
        return Area.objects.filter(level=Area.Level.LEAGUE)
    return Area.objects.filter(code=area.code)


def can_see_all_funds(user: User) -> bool:
    """The region's officials: every fund, and the region's own."""
    area = scope_area(user)
    return area is not None and area.level == Area.Level.REGION


# ---- catalogue ----
# Free IT products. The department's reviewer (who opens calls, registers providers and approves, returns or
# rejects products) is a region official: the 工信厅 runs the solicitation for the whole region. Providers see
# and edit their own products and the claims made on them; every other signed-in user but a platform account
# reads the published catalogue; enterprises claim; platform accounts read the feed and nothing else.

from fugong.catalogue.models import Claim, Product, ProductState, Provider  # noqa: E402 - the block stays together

# What a platform account may open: signing in and out, its settings and tokens, the API description, the feed.
PLATFORM_OPEN = frozenset(
    {
        "home",
        "healthz",
        "livez",
        "set_language",
        "accounts:login",
        "accounts:logout",
        "accounts:settings",
        "accounts:password_change",
        "accounts:token_create",
        "accounts:token_revoke",
        "api:openapi-json",
        "api:openapi-view",
        "api:api-root",
        "api:catalogue_feed",
        "api:catalogue_feed_item",
        "api:catalogue_feed_export",
    }
)


def is_platform(user: User) -> bool:
    return user.is_authenticated and user.role == Role.PLATFORM


def platform_may_open(user: User, view_name: str) -> bool:
    """False for a platform account on any page or endpoint but the feed (and its own sign-in and tokens)."""
    return not is_platform(user) or view_name in PLATFORM_OPEN


def provider_of(user: User) -> Provider | None:
    """The provider organisation a provider's user works for (its membership); None for everyone else."""
    if not (user.is_authenticated and user.is_active and user.role == Role.PROVIDER):
        return None
    if not hasattr(user, "_provider"):
        membership = getattr(user, "provider_membership", None)
        user._provider = membership.provider if membership is not None else None  # type: ignore[attr-defined]
    return user._provider  # type: ignore[attr-defined]


def may_join_provider(user: User) -> bool:
    """A user of the provider role, not yet bound: the one a provider's membership may take."""
    return user.role == Role.PROVIDER


def is_provider(user: User) -> bool:
    return provider_of(user) is not None


def can_review_products(user: User) -> bool:
    """The department's reviewer: a region official."""
    return user.is_authenticated and user.is_active and user.role == Role.REGION and bool(user.area_id)


def can_see_catalogue(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role != Role.PLATFORM


def can_read_feed(user: User) -> bool:
    return is_provider(user) or (is_platform(user) and user.is_active)


def can_claim_products(user: User) -> bool:
    return user.is_authenticated and user.role == Role.ENTERPRISE and user.enterprise_id is not None


def can_see_catalogue_figures(user: User) -> bool:
    return user.is_authenticated and user.role in AREA_ROLES


def listed_products() -> QuerySet[Product]:
    """The catalogue as everyone reads it: published and not withdrawn."""
    return Product.objects.filter(published_at__isnull=False).exclude(state=ProductState.WITHDRAWN)


def feed_products(user: User) -> QuerySet[Product]:
    """Every product ever published, withdrawn ones included (the feed marks them), to feed readers."""
    if not can_read_feed(user):
        return Product.objects.none()
    return Product.objects.filter(published_at__isnull=False)


def visible_products(user: User) -> QuerySet[Product]:
    """The listed catalogue; a provider also its own products in every state; the reviewer every product."""
    if not can_see_catalogue(user):
        return Product.objects.none()
    if can_review_products(user):
        return Product.objects.all()
    provider = provider_of(user)
    if provider is not None:
        return Product.objects.filter(Q(pk__in=listed_products().values("pk")) | Q(provider_id=provider.pk))
    return listed_products()


def access_product(user: User, pk: int) -> Product:
    return _first_or_404(visible_products(user).select_related("provider", "call").filter(pk=pk))


def is_provider_of(user: User, product: Product) -> bool:
    provider = provider_of(user)
    return provider is not None and product.provider_id == provider.pk


def access_own_product(user: User, pk: int) -> Product:
    """A product its provider edits: 404 for anyone else, the reviewer included."""
    provider = provider_of(user)
    if provider is None:
        raise Http404
    return _first_or_404(Product.objects.select_related("provider", "call").filter(pk=pk, provider_id=provider.pk))


def can_see_claim(user: User, claim: Claim) -> bool:
    """The row-level form of visible_claims."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.role == Role.ENTERPRISE:
        return claim.enterprise_id == user.enterprise_id
    if user.role == Role.PROVIDER:
        provider = provider_of(user)
        return provider is not None and claim.provider_id == provider.pk
    return in_area_scope(user, league_id=claim.league_id, county_id=claim.county_id)


def visible_claims(user: User) -> QuerySet[Claim]:
    """An enterprise its own claims; a provider the claims on its products; officials and work groups by area."""
    if not (user.is_authenticated and user.is_active):
        return Claim.objects.none()
    if user.role == Role.ENTERPRISE and user.enterprise_id is not None:
        return Claim.objects.filter(enterprise_id=user.enterprise_id)
    if user.role == Role.PROVIDER:
        provider = provider_of(user)
        return Claim.objects.none() if provider is None else Claim.objects.filter(provider_id=provider.pk)
    scope = area_scope(user)
    return Claim.objects.none() if scope is None else Claim.objects.filter(scope)


def access_claim(user: User, pk: int) -> Claim:
    return _first_or_404(
        visible_claims(user).select_related("product", "provider", "enterprise", "league", "county").filter(pk=pk)
    )


def is_provider_of_claim(user: User, claim: Claim) -> bool:
    provider = provider_of(user)
    return provider is not None and claim.provider_id == provider.pk


# Cloud-service vouchers (云服务券): the department (a region official, as for the catalogue's review) runs the
# programmes, issues vouchers, reviews payment requests and pays; an enterprise sees and redeems its own; a provider
# sees the vouchers redeemed with it and asks for their payment; league and county officials and work groups read
# the vouchers of their area.

from fugong.catalogue.models import Voucher, VoucherProgramme  # noqa: E402 - the block stays together


def can_manage_vouchers(user: User) -> bool:
    """The department: programmes, issuing, the review of payment requests and payment."""
    return can_review_products(user)


def can_see_vouchers(user: User) -> bool:
    """Whether the user has a list of vouchers at all (its contents are visible_vouchers)."""
    return can_claim_products(user) or is_provider(user) or can_see_catalogue_figures(user)


def visible_vouchers(user: User) -> QuerySet[Voucher]:
    """An enterprise its own vouchers; a provider the vouchers redeemed with it; officials and work groups by area."""
    if not (user.is_authenticated and user.is_active):
        return Voucher.objects.none()
    if user.role == Role.ENTERPRISE:
        return Voucher.objects.none() if user.enterprise_id is None else Voucher.objects.filter(
            enterprise_id=user.enterprise_id)  # fmt: skip
    if user.role == Role.PROVIDER:
        provider = provider_of(user)
        return Voucher.objects.none() if provider is None else Voucher.objects.filter(provider_id=provider.pk)
    scope = area_scope(user)
    return Voucher.objects.none() if scope is None else Voucher.objects.filter(scope)


def can_see_voucher(user: User, voucher: Voucher) -> bool:
    """The row-level form of visible_vouchers."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.role == Role.ENTERPRISE:
        return user.enterprise_id is not None and voucher.enterprise_id == user.enterprise_id
    if user.role == Role.PROVIDER:
        return is_provider_of_voucher(user, voucher)
    return in_area_scope(user, league_id=voucher.league_id, county_id=voucher.county_id)


def access_voucher(user: User, pk: int) -> Voucher:
    return _first_or_404(
        visible_vouchers(user)
        .select_related("programme", "enterprise", "provider", "claim__product", "league", "county")
        .filter(pk=pk)
    )


def is_provider_of_voucher(user: User, voucher: Voucher) -> bool:
    provider = provider_of(user)
    return provider is not None and voucher.provider_id == provider.pk


def access_voucher_programme(user: User, pk: int) -> VoucherProgramme:
    if not can_manage_vouchers(user):
        raise Http404
    return _first_or_404(VoucherProgramme.objects.filter(pk=pk))


# ---- arrears ----
# The arrears ledger: the creditor enterprise sees its own items; officials and work groups by area scope;
# officials verify and record repayments in their area; banks, providers and the others see nothing.

from fugong.arrears.models import ArrearsItem  # noqa: E402 - kept with the block of its gates


def visible_arrears(user: User) -> QuerySet[ArrearsItem]:
    if not (user.is_authenticated and user.is_active):
        return ArrearsItem.objects.none()
    if user.role == Role.ENTERPRISE:
        if user.enterprise_id is None:
            return ArrearsItem.objects.none()
        return ArrearsItem.objects.filter(enterprise_id=user.enterprise_id)
    scope = area_scope(user)
    return ArrearsItem.objects.none() if scope is None else ArrearsItem.objects.filter(scope)


def access_arrears(user: User, pk: int) -> ArrearsItem:
    return _first_or_404(
        visible_arrears(user)
        .select_related("enterprise", "league", "county", "debtor_area", "created_by")
        .filter(pk=pk)
    )


def can_see_arrears(user: User, item: ArrearsItem) -> bool:
    """The row-level form of visible_arrears."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.role == Role.ENTERPRISE:
        return user.enterprise_id is not None and item.enterprise_id == user.enterprise_id
    return in_area_scope(user, league_id=item.league_id, county_id=item.county_id)


def can_see_arrears_ledger(user: User) -> bool:
    return user.is_authenticated and (user.role in AREA_ROLES or user.role == Role.ENTERPRISE)


def can_verify_arrears(user: User, item: ArrearsItem) -> bool:
    """Verification, the repayment plan and repayments: officials of the item's area."""
    return can_edit_registry(user) and can_see_arrears(user, item)


def can_record_arrears_for(user: User, enterprise: Enterprise) -> bool:
    """An enterprise records what it is owed; officials for the enterprises of their area."""
    if not user.is_authenticated:
        return False
    if user.role == Role.ENTERPRISE:
        return enterprise.pk == user.enterprise_id
    return can_edit_registry(user) and visible_enterprises(user).filter(pk=enterprise.pk).exists()


def can_import_arrears(user: User) -> bool:
    return can_edit_registry(user)


def can_see_arrears_figures(user: User) -> bool:
    return user.is_authenticated and user.role in AREA_ROLES


# ---- chains ----
# Needs and offers: the posting enterprise sees its own, officials and work groups by area scope; officials
# pair them and keep the chains of the leading enterprises of their area. Banks and providers see nothing.

from fugong.chains.models import ChainLink, ChainPost, Pairing  # noqa: E402 - kept with the block of its gates


def visible_chain_posts(user: User) -> QuerySet[ChainPost]:
    if not (user.is_authenticated and user.is_active):
        return ChainPost.objects.none()
    if user.role == Role.ENTERPRISE:
        if user.enterprise_id is None:
            return ChainPost.objects.none()
        return ChainPost.objects.filter(enterprise_id=user.enterprise_id)
    scope = area_scope(user)
    return ChainPost.objects.none() if scope is None else ChainPost.objects.filter(scope)


def access_chain_post(user: User, pk: int) -> ChainPost:
    return _first_or_404(
        visible_chain_posts(user).select_related("enterprise", "league", "county", "industry").filter(pk=pk)
    )


def can_see_chains(user: User) -> bool:
    return user.is_authenticated and (user.role in AREA_ROLES or user.role == Role.ENTERPRISE)


def can_post_chain_for(user: User, enterprise: Enterprise) -> bool:
    """An enterprise posts its own needs and offers; officials for the enterprises of their area."""
    if not user.is_authenticated:
        return False
    if user.role == Role.ENTERPRISE:
        return enterprise.pk == user.enterprise_id
    return can_edit_registry(user) and visible_enterprises(user).filter(pk=enterprise.pk).exists()


def can_manage_chain_post(user: User, post: ChainPost) -> bool:
    """Reconfirm or close: the posting enterprise, or an official of its area."""
    if is_own_enterprise(user, post.enterprise_id):
        return True
    return can_edit_registry(user) and in_area_scope(user, league_id=post.league_id, county_id=post.county_id)


def can_pair(user: User) -> bool:
    """Pairings are made by officials, between needs and offers they see."""
    return can_edit_registry(user)


def visible_pairings(user: User) -> QuerySet[Pairing]:
    if not (user.is_authenticated and user.is_active):
        return Pairing.objects.none()
    if user.role == Role.ENTERPRISE:
        if user.enterprise_id is None:
            return Pairing.objects.none()
        return Pairing.objects.filter(Q(enterprise_id=user.enterprise_id) | Q(supplier_id=user.enterprise_id))
    scope = area_scope(user)
    return Pairing.objects.none() if scope is None else Pairing.objects.filter(scope)


def access_pairing(user: User, pk: int) -> Pairing:
    return _first_or_404(
        visible_pairings(user)
        .select_related("enterprise", "supplier", "need", "offer", "league", "county")
        .filter(pk=pk)
    )


def can_see_pairing(user: User, pairing: Pairing) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.role == Role.ENTERPRISE:
        return user.enterprise_id is not None and user.enterprise_id in (pairing.enterprise_id, pairing.supplier_id)
    return in_area_scope(user, league_id=pairing.league_id, county_id=pairing.county_id)


def can_follow_pairing(user: User, pairing: Pairing) -> bool:
    return can_edit_registry(user) and can_see_pairing(user, pairing)


def visible_chain_links(user: User) -> QuerySet[ChainLink]:
    """Links by their leading enterprise: its own user sees its chain, officials and work groups their area's."""
    if not (user.is_authenticated and user.is_active):
        return ChainLink.objects.none()
    if user.role == Role.ENTERPRISE:
        if user.enterprise_id is None:
            return ChainLink.objects.none()
        return ChainLink.objects.filter(leader_id=user.enterprise_id)
    scope = area_scope(user)
    return ChainLink.objects.none() if scope is None else ChainLink.objects.filter(scope)


def can_edit_chain_links(user: User, leader: Enterprise) -> bool:
    return can_edit_registry(user) and in_area_scope(user, league_id=leader.league_id, county_id=leader.county_id)


def can_see_chain_figures(user: User) -> bool:
    return user.is_authenticated and user.role in AREA_ROLES


# ---- workgroups ----
# A member of a work group sees its areas (area_scope) read-only, and the group's plans and visits. Officials who
# join a group keep their own scope and may also record and plan the group's visits. Officials see the groups
# sent to their league and every visit in their area; the region sees all.


def recording_groups(user: User) -> QuerySet[WorkGroup]:
    """The groups whose visits the user records and plans: a member's own group, the groups an official joined."""
    if not (user.is_authenticated and user.is_active):
        return WorkGroup.objects.none()
    if user.role == Role.WORKGROUP and user.work_group_id:
        return WorkGroup.objects.filter(pk=user.work_group_id)
    if user.is_official:
        return WorkGroup.objects.filter(officials=user)
    return WorkGroup.objects.none()


def can_record_visits(user: User) -> bool:
    return recording_groups(user).exists()


def visible_work_groups(user: User) -> QuerySet[WorkGroup]:
    if not (user.is_authenticated and user.is_active):
        return WorkGroup.objects.none()
    if user.role == Role.WORKGROUP:
        return recording_groups(user)
    area = scope_area(user)
    if area is None:
        return WorkGroup.objects.none()
    if area.level == Area.Level.REGION:
        return WorkGroup.objects.all()
    league = area.league_code
    sent_here = Q(leagues=league) | (Q(cities__parent_id=league) if area.level == Area.Level.LEAGUE else Q(cities=area))
    ids = WorkGroup.objects.filter(sent_here | Q(officials=user)).values("pk")
    return WorkGroup.objects.filter(pk__in=ids)


def access_work_group(user: User, pk: int) -> WorkGroup:
    return _first_or_404(visible_work_groups(user).filter(pk=pk))


def group_enterprises(group: WorkGroup) -> QuerySet[Enterprise]:
    """The enterprises a group may visit and plan: those of its leagues and separately listed cities."""
    return Enterprise.objects.filter(group.area_filter())


def can_see_coverage(user: User) -> bool:
    return user.is_authenticated and user.role in AREA_ROLES


def plannable_groups(user: User) -> QuerySet[WorkGroup]:
    """Groups the user may make plans for: their own, and every group for the region's officials."""
    area = scope_area(user)
    if area is not None and area.level == Area.Level.REGION and user.role == Role.REGION:
        return WorkGroup.objects.all()
    return recording_groups(user)


def can_manage_work_groups(user: User) -> bool:
    """Only the region's officials form work groups and change them (name, areas, leader, period, officials)."""
    if not (user.is_authenticated and user.is_active and user.role == Role.REGION):
        return False
    area = scope_area(user)
    return area is not None and area.level == Area.Level.REGION


def managed_work_group(user: User, pk: int) -> WorkGroup:
    if not can_manage_work_groups(user):
        raise Http404
    return _first_or_404(WorkGroup.objects.filter(pk=pk))


def visible_visit_plans(user: User) -> QuerySet[VisitPlan]:
    return VisitPlan.objects.filter(group__in=visible_work_groups(user).values("pk"))


def access_visit_plan(user: User, pk: int, *, write: bool = False) -> VisitPlan:
    qs = VisitPlan.objects.filter(group__in=plannable_groups(user).values("pk")) if write else visible_visit_plans(user)
    return _first_or_404(qs.select_related("group").filter(pk=pk))


def visible_plan_items(user: User, plan: VisitPlan) -> QuerySet[PlanItem]:
    """A plan's enterprises: all of them for those who plan with the group, those in their area for officials."""
    items = PlanItem.objects.filter(plan=plan)
    if plannable_groups(user).filter(pk=plan.group_id).exists():
        return items
    scope = area_scope(user)
    return items.none() if scope is None else items.filter(scope)


def visible_items_of_plans(user: User, plans: list[VisitPlan]) -> QuerySet[PlanItem]:
    """visible_plan_items for many plans in one query (the plans list): the same rule, plan by plan."""
    plannable = set(plannable_groups(user).values_list("pk", flat=True))
    condition = Q(plan__in=[p.pk for p in plans if p.group_id in plannable])
    scope = area_scope(user)
    if scope is not None:
        condition |= Q(plan__in=[p.pk for p in plans if p.group_id not in plannable]) & scope
    return PlanItem.objects.filter(condition)


def visible_visits(user: User) -> QuerySet[Visit]:
    if not (user.is_authenticated and user.is_active):
        return Visit.objects.none()
    if user.role == Role.WORKGROUP:
        return Visit.objects.filter(group_id=user.work_group_id) if user.work_group_id else Visit.objects.none()
    if not user.is_official:
        return Visit.objects.none()
    scope = area_scope(user)
    joined = Q(group__in=WorkGroup.objects.filter(officials=user).values("pk"))
    if scope is None:
        return Visit.objects.filter(joined)
    # Q() | joined would be joined alone: the region's empty filter means every visit.
    return Visit.objects.all() if not scope else Visit.objects.filter(scope | joined)


def access_visit(user: User, pk: int) -> Visit:
    return _first_or_404(
        visible_visits(user)
        .select_related("group", "enterprise", "park", "league", "county", "recorded_by")
        .filter(pk=pk)
    )


def access_photo(user: User, pk: int) -> Photo:
    return _first_or_404(Photo.objects.filter(pk=pk, visit__in=visible_visits(user).values("pk")))


# ---- notices ----
from fugong.notices.models import Notice  # noqa: E402 - kept in this block to ease merging


def visible_notices(user: User) -> QuerySet[Notice]:
    """A user's own inbox; nobody reads another's."""
    if not (user.is_authenticated and user.is_active):
        return Notice.objects.none()
    return Notice.objects.filter(user_id=user.pk)


def access_notice(user: User, pk: int) -> Notice:
    return _first_or_404(visible_notices(user).filter(pk=pk))


# ---- policies ----
from fugong.policies.models import (  # noqa: E402 - kept in this block to ease merging
    Application,
    ApplicationAttachment,
    Benefit,
    Conflict,
    ExpertAssignment,
    Measure,
    NoticeEntry,
    Objection,
    Policy,
    PolicyAttachment,
    Programme,
    PublicNotice,
)


def visible_policies(user: User) -> QuerySet[Policy]:
    """Policies are public documents: every signed-in user reads the library."""
    if not (user.is_authenticated and user.is_active):
        return Policy.objects.none()
    return Policy.objects.all()


def access_policy(user: User, pk: int) -> Policy:
    return _first_or_404(visible_policies(user).filter(pk=pk))


def visible_measures(user: User) -> QuerySet[Measure]:
    return Measure.objects.filter(policy__in=visible_policies(user))


def access_measure(user: User, pk: int) -> Measure:
    return _first_or_404(visible_measures(user).select_related("policy").filter(pk=pk))


def access_programme(user: User, pk: int) -> Programme:
    return _first_or_404(
        Programme.objects.filter(measure__in=visible_measures(user)).select_related("measure__policy").filter(pk=pk)
    )


def access_policy_attachment(user: User, pk: int) -> PolicyAttachment:
    return _first_or_404(PolicyAttachment.objects.filter(policy__in=visible_policies(user), pk=pk))


def can_edit_policies(user: User) -> bool:
    """The library is kept by the region's department."""
    return user.is_authenticated and user.is_active and user.role == Role.REGION and user.area_id is not None


def can_match(user: User) -> bool:
    """Officials and work groups see which enterprises of their area a measure is for."""
    return user.is_authenticated and user.role in AREA_ROLES and area_scope(user) is not None


def can_notify_eligible(user: User) -> bool:
    return can_edit_registry(user)


def visible_applications(user: User) -> QuerySet[Application]:
    if not (user.is_authenticated and user.is_active):
        return Application.objects.none()
    if user.role == Role.ENTERPRISE and user.enterprise_id is not None:
        return Application.objects.filter(enterprise_id=user.enterprise_id)
    if can_be_expert(user):
        return expert_applications(user)
    scope = area_scope(user)
    return Application.objects.none() if scope is None else Application.objects.filter(scope)


def access_application(user: User, pk: int) -> Application:
    return _first_or_404(
        visible_applications(user)
        .select_related("enterprise", "measure__policy", "programme", "league", "county")
        .filter(pk=pk)
    )


def access_application_attachment(user: User, pk: int) -> ApplicationAttachment:
    return _first_or_404(ApplicationAttachment.objects.filter(application__in=visible_applications(user), pk=pk))


def can_apply_for(user: User, enterprise: Enterprise) -> bool:
    """An enterprise applies online for itself; officials review, they do not apply."""
    if not (user.is_authenticated and user.is_active and user.role == Role.ENTERPRISE):
        return False
    return enterprise.pk == user.enterprise_id


def is_applicant(user: User, application: Application) -> bool:
    return can_apply_for(user, application.enterprise)


def reviews_for_league(user: User, application: Application) -> bool:
    """League pre-review: an official of the application's league, or of the region."""
    if not (user.is_authenticated and user.is_active and user.area_id):
        return False
    if user.role == Role.REGION:
        return True
    return user.role == Role.LEAGUE and user.area_id == application.league_id


def awards_applications(user: User) -> bool:
    return can_edit_policies(user)


def can_see_application(user: User, application: Application) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.role == Role.ENTERPRISE:
        return application.enterprise_id == user.enterprise_id
    if can_be_expert(user):
        return expert_applications(user).filter(pk=application.pk).exists()
    return in_area_scope(user, league_id=application.league_id, county_id=application.county_id)


# Review in stages (issue 14 §3): the region runs a programme's review after the league; experts score. An expert is a
# department handler (责任部门专人; outside experts get a handler account of an experts' department) named to a
# programme's panel: they see the applications assigned to them and nothing else, never one they declared a
# conflict with. Officials never sit on a panel: they see their area's applications anyway.


def can_be_expert(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.HANDLER


def can_run_reviews(user: User) -> bool:
    """Region review, experts, shortlist, public notice, objections handled, award and disbursement."""
    return can_edit_policies(user)


def expert_applications(user: User) -> QuerySet[Application]:
    """The applications assigned to the expert, less any they declared a conflict with (by application or by
    enterprise): the declaration removes the assignment, the filter holds even if one were left behind."""
    if not can_be_expert(user):
        return Application.objects.none()
    conflicts = Conflict.objects.filter(expert_id=user.pk)
    return (
        Application.objects.filter(assignments__expert_id=user.pk)
        .exclude(pk__in=conflicts.filter(application__isnull=False).values("application_id"))
        .exclude(
            pk__in=Application.objects.filter(
                enterprise_id__in=conflicts.values("enterprise_id"), programme_id__in=conflicts.values("programme_id")
            ).values("pk")
        )
    )


def access_assignment(user: User, application_pk: int) -> ExpertAssignment:
    """The expert's own assignment on an application: 404 for everyone else, and for a conflicted one."""
    return _first_or_404(
        ExpertAssignment.objects.select_related("application__enterprise", "application__programme").filter(
            application__in=expert_applications(user), application_id=application_pk, expert_id=user.pk
        )
    )


def expert_programmes(user: User) -> QuerySet[Programme]:
    if not can_be_expert(user):
        return Programme.objects.none()
    return Programme.objects.filter(experts=user)


def access_expert_programme(user: User, pk: int) -> Programme:
    return _first_or_404(expert_programmes(user).select_related("measure__policy").filter(pk=pk))


def can_see_stages(user: User) -> bool:
    """The stage lists of a programme and their exports: officials, over their area."""
    return user.is_authenticated and user.is_active and user.is_official and area_scope(user) is not None


def visible_public_notices(user: User) -> QuerySet[PublicNotice]:
    """A public notice (公示) is public: every signed-in person reads it."""
    if not (user.is_authenticated and user.is_active):
        return PublicNotice.objects.none()
    return PublicNotice.objects.all()


def access_public_notice(user: User, pk: int) -> PublicNotice:
    return _first_or_404(visible_public_notices(user).select_related("measure__policy", "programme").filter(pk=pk))


def can_see_objections(user: User, entry: NoticeEntry) -> bool:
    """Who objected and why: officials of the entry's area (and the region)."""
    return user.is_official and in_area_scope(user, league_id=entry.league_id, county_id=entry.county_id)


def can_record_objection(user: User, entry: NoticeEntry) -> bool:
    """Objections come to the department by letter, phone or in person: an official of the area records them."""
    return can_edit_registry(user) and can_see_objections(user, entry)


def access_notice_entry(user: User, pk: int) -> NoticeEntry:
    """An entry whose objections the user may record: 404 for anyone else."""
    entry = _first_or_404(NoticeEntry.objects.select_related("notice", "enterprise").filter(pk=pk))
    if not can_record_objection(user, entry):
        raise Http404
    return entry


def access_objection(user: User, pk: int) -> Objection:
    """An objection the region handles: 404 for everyone else."""
    if not can_run_reviews(user):
        raise Http404
    return _first_or_404(Objection.objects.select_related("entry__notice", "entry__application").filter(pk=pk))


def visible_benefits(user: User) -> QuerySet[Benefit]:
    if not (user.is_authenticated and user.is_active):
        return Benefit.objects.none()
    if user.role == Role.ENTERPRISE and user.enterprise_id is not None:
        return Benefit.objects.filter(enterprise_id=user.enterprise_id)
    scope = area_scope(user)
    return Benefit.objects.none() if scope is None else Benefit.objects.filter(scope)


def can_import_benefits(user: User) -> bool:
    """The lists of what other departments delivered are imported by the officials who keep the registry."""
    return can_edit_registry(user)


def can_raise_measure_problems(user: User) -> bool:
    """An enterprise that thinks a measure's answer wrong raises it as a problem of its own enterprise."""
    return user.is_authenticated and user.is_active and user.role == Role.ENTERPRISE and user.enterprise_id is not None


def measure_problems(user: User, measure: Measure) -> QuerySet[Problem]:
    """The problems raised about a measure that the user may see: an enterprise its own, officials their area."""
    return visible_problems(user).filter(measure_link__measure=measure)


# ---- security ----
# The three administrators (三员分立), each with its own pages and nothing of the others' or of the business:
# area_scope answers None for them, so no enterprise, report, case or figure opens to them.

ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN})
# Who signs in with a second factor (TOTP): government staff and the administrators; enterprises may opt in.
SECOND_FACTOR_ROLES = OFFICIAL_ROLES | {Role.WORKGROUP, Role.HANDLER} | ADMIN_ROLES


def is_sysadmin(user: User) -> bool:
    """Accounts (open, close), areas and settings; never the audit trail."""
    return user.is_authenticated and user.is_active and user.role == Role.SYSADMIN


def is_secadmin(user: User) -> bool:
    """Roles and bindings, the password and lockout policy, others' sessions and tokens."""
    return user.is_authenticated and user.is_active and user.role == Role.SECADMIN


def is_auditadmin(user: User) -> bool:
    """Reads and exports the audit trail; changes nothing else."""
    return user.is_authenticated and user.is_active and user.role == Role.AUDITADMIN


def is_administrator(user: User) -> bool:
    return user.is_authenticated and user.role in ADMIN_ROLES


def can_manage_account(actor: User, target: User) -> bool:
    """The system administrator opens and closes accounts, but not administrators' accounts nor their own."""
    return is_sysadmin(actor) and target.pk != actor.pk and target.role not in ADMIN_ROLES


def can_assign_role(actor: User, target: User) -> bool:
    """The security administrator sets roles and bindings, of anyone but themselves."""
    return is_secadmin(actor) and target.pk != actor.pk


def separation_refusal(actor: User, target: User, role: str) -> str | None:
    """Why giving `role` to `target` would break the separation of the three administrators (三员分立), or None:
    no one changes their own role; an administrator's account keeps its role; an administrator's role goes only to
    an account that holds no other role (and is no Django superuser)."""
    if target.pk == actor.pk:
        return "self"
    if target.role in ADMIN_ROLES and role != target.role:
        return "admin_keeps"
    if role in ADMIN_ROLES and (target.role not in ("", role) or target.is_superuser):
        return "admin_fresh"
    return None


def needs_second_factor(user) -> bool:
    return user.role in SECOND_FACTOR_ROLES


def _marks_personal(kind: str, gate):
    """An access gate that unmasks personal data, recorded in the request's audit trail when it answers yes."""
    from functools import wraps

    from fugong.security.models import note_personal

    @wraps(gate)
    def marked(user, subject, *args, **kwargs):
        shown = gate(user, subject, *args, **kwargs)
        if shown:
            note_personal(kind, getattr(subject, "credit_code", subject))
        return shown

    return marked


# Every page that shows a phone in full asks one of these gates first (docs/security.md).
for _name, _kind in (
    ("can_see_contacts", "enterprise"),
    ("can_call_about", "enterprise"),
    ("can_see_phones_in_league", "league"),
):
    globals()[_name] = _marks_personal(_kind, globals()[_name])
