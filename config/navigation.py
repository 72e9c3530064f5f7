"""The side navigation: the one place that lists every app's pages, by role."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fugong.accounts.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset

    @property
    def url(self) -> str:
        return reverse(self.url_name)


ALL_ROLES = frozenset(Role.values)
OFFICIALS = frozenset({Role.REGION, Role.LEAGUE, Role.COUNTY})
AREA_ROLES = OFFICIALS | {Role.WORKGROUP}
# A platform account reads the catalogue feed and nothing else (the catalogue's middleware holds it so).
PEOPLE = ALL_ROLES - {Role.PLATFORM}

# One entry per page in the side navigation; each later app adds its own rows here.
NAVIGATION = [
    NavItem(_("Home"), "home", ALL_ROLES),
    NavItem(_("Dashboard"), "analytics:dashboard", AREA_ROLES),
    NavItem(_("Brief"), "analytics:brief", AREA_ROLES),
    NavItem(_("Enterprises"), "enterprises:list", AREA_ROLES),
    NavItem(_("My enterprise"), "enterprises:mine", frozenset({Role.ENTERPRISE})),
    NavItem(_("Key projects"), "enterprises:project_list", AREA_ROLES | {Role.ENTERPRISE}),
    NavItem(_("Import enterprises"), "enterprises:import", frozenset({Role.REGION, Role.LEAGUE, Role.COUNTY})),
    NavItem(_("File a report"), "dispatch:form", frozenset({Role.ENTERPRISE})),
    NavItem(_("Dispatch grid"), "dispatch:grid", OFFICIALS),
    NavItem(_("Upload reports (Excel)"), "dispatch:excel_upload", OFFICIALS),
    NavItem(_("Completeness"), "dispatch:completeness", AREA_ROLES),
    NavItem(_("Review and lock"), "dispatch:review", frozenset({Role.REGION, Role.LEAGUE})),
    NavItem(_("Problems"), "problems:list", AREA_ROLES | {Role.ENTERPRISE, Role.HANDLER}),
    NavItem(_("My queue"), "problems:queue", frozenset({Role.HANDLER})),
    NavItem(_("Problem statistics"), "problems:stats", AREA_ROLES | {Role.HANDLER}),
    NavItem(_("Financing referrals"), "finance:list", AREA_ROLES | {Role.ENTERPRISE, Role.BANK}),
    NavItem(_("Financing needs"), "finance:needs", AREA_ROLES | {Role.ENTERPRISE}),
    NavItem(_("Settings and API tokens"), "accounts:settings", ALL_ROLES),
    NavItem(_("Loans falling due"), "relief:list", AREA_ROLES | {Role.ENTERPRISE, Role.BANK, Role.GUARANTOR}),
    NavItem(_("Maturity watch"), "relief:watch", AREA_ROLES | {Role.BANK}),
    NavItem(_("Loan relief figures"), "relief:stats", AREA_ROLES),
    NavItem(_("Guarantee funds"), "relief:funds", AREA_ROLES | {Role.BANK}),
    # ---- catalogue ----
    NavItem(_("IT product catalogue"), "catalogue:list", ALL_ROLES - {Role.PLATFORM}),
    NavItem(_("My products"), "catalogue:mine", frozenset({Role.PROVIDER})),
    NavItem(_("Product claims"), "catalogue:claims", AREA_ROLES | {Role.ENTERPRISE, Role.PROVIDER}),
    NavItem(_("Product review"), "catalogue:review", frozenset({Role.REGION})),
    NavItem(_("IT product uptake"), "catalogue:figures", AREA_ROLES),
    NavItem(_("Cloud-service vouchers"), "catalogue:vouchers", AREA_ROLES | {Role.ENTERPRISE, Role.PROVIDER}),
    NavItem(_("Voucher programmes"), "catalogue:voucher_programmes", frozenset({Role.REGION})),
    # ---- arrears ----
    NavItem(_("Arrears ledger"), "arrears:list", AREA_ROLES | {Role.ENTERPRISE}),
    NavItem(_("Arrears clearing figures"), "arrears:figures", AREA_ROLES),
    # ---- chains ----
    NavItem(_("Needs and offers"), "chains:posts", AREA_ROLES | {Role.ENTERPRISE}),
    NavItem(_("Chains of leading enterprises"), "chains:links", AREA_ROLES | {Role.ENTERPRISE}),
    NavItem(_("Work-group coverage"), "workgroups:coverage", AREA_ROLES),
    NavItem(_("Visit plans"), "workgroups:plans", AREA_ROLES),
    NavItem(_("Visits"), "workgroups:visits", AREA_ROLES),
    # ---- notices, policies ----
    NavItem(_("Notices"), "notices:inbox", PEOPLE),
    NavItem(_("Support policies"), "policies:library", PEOPLE),
    NavItem(_("Policies for me"), "policies:mine", frozenset({Role.ENTERPRISE})),
    NavItem(_("Policy applications"), "policies:applications", AREA_ROLES | {Role.ENTERPRISE}),
    NavItem(_("Benefits delivered"), "policies:benefits", AREA_ROLES | {Role.ENTERPRISE}),
    NavItem(_("Policy figures"), "policies:stats", AREA_ROLES),
    NavItem(_("Public notices"), "policies:public_notices", PEOPLE),
    NavItem(_("Expert reviews"), "policies:reviews", frozenset({Role.HANDLER})),
    NavItem(_("Policy clocks"), "policies:clocks", frozenset({Role.REGION})),
    # ---- security ----
    NavItem(_("Signed-in sessions"), "security:sessions", PEOPLE),
    NavItem(_("Accounts"), "security:accounts", frozenset({Role.SYSADMIN})),
    NavItem(pgettext_lazy("administrative", "Areas"), "security:areas", frozenset({Role.SYSADMIN})),
    NavItem(_("Roles and bindings"), "security:roles", frozenset({Role.SECADMIN})),
    NavItem(_("Security policy"), "security:policy", frozenset({Role.SECADMIN})),
    NavItem(_("Audit trail"), "security:audit", frozenset({Role.AUDITADMIN})),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    current = request.resolver_match.view_name if request.resolver_match else ""
    return {
        "navigation": [
            {"label": item.label, "url": item.url, "active": item.url_name == current}
            for item in NAVIGATION
            if user.role in item.roles
        ]
    }
