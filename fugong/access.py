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
        return Q(league_id__in=user.work_group.leagues.values("code"))
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
        codes = list(user.work_group.leagues.values_list("code", flat=True))
        return Area.objects.filter(Q(code__in=codes) | Q(parent_id__in=codes))
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
        if not hasattr(user, "_work_group_leagues"):  # cached on the user object: a list checks every row
            user._work_group_leagues = set(user.work_group.leagues.values_list("code", flat=True))  # type: ignore[attr-defined]
        return league_id in user._work_group_leagues  # type: ignore[attr-defined]
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
        return user.work_group.leagues.filter(code=enterprise.league_id).exists()
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
