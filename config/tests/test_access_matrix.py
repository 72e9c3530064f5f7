"""Every URL × every role × an object in and out of scope (DESIGN.md rule 1).

A URL pattern without an entry in MATRIX fails `test_every_url_has_an_entry`, so a new page
cannot ship without deciding who may open it. Out of scope answers 404, never 403.
"""

import json
from dataclasses import dataclass, field, replace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from config.testing import make_enterprise
from fugong.accounts import services as account_services
from fugong.accounts.models import Role
from fugong.core.models import ImportBatch
from fugong.enterprises import services
from fugong.enterprises.models import KeyProject

ALL = frozenset(Role.values)
OFFICIALS = frozenset({Role.REGION, Role.LEAGUE, Role.COUNTY})
AREA_READERS = OFFICIALS | {Role.WORKGROUP}


@dataclass(frozen=True)
class Case:
    """How to call one URL, and which roles get `ok` in scope; everyone else gets `denied`.

    `url(ctx, inside)` builds the URL for the in-scope object (inside=True) or the out-of-scope
    one; when out-of-scope is meaningless the entry sets `scoped=False`. Out of scope only the
    region official (who sees everything) gets `ok`.
    """

    url: object
    allowed: frozenset
    method: str = "get"
    ok: int = 200
    denied: int = 404
    scoped: bool = True
    body: object = None
    out_allowed: frozenset = field(default_factory=lambda: frozenset({Role.REGION}))


def _enterprise(ctx, inside):
    return ctx["inside"] if inside else ctx["outside"]


def _project(ctx, inside):
    return ctx["project_in"] if inside else ctx["project_out"]


def _weekly(ctx, inside):
    return ctx["weekly_in"] if inside else ctx["weekly_out"]


def _batch(ctx, inside):
    return ctx["batches"][ctx["role"]] if inside else ctx["batches"]["other"]


def _report_batch(ctx, inside):
    return ctx["report_batches"][ctx["role"]] if inside else ctx["report_batches"]["other"]


def _token(ctx, inside):
    return ctx["tokens"][ctx["role"]] if inside else ctx["tokens"]["other"]


MATRIX: dict[str, Case] = {
    "home": Case(lambda c, i: "/", ALL, scoped=False),
    "healthz": Case(lambda c, i: "/healthz", ALL, scoped=False),
    "livez": Case(lambda c, i: "/livez", ALL, scoped=False),
    "set_language": Case(
        lambda c, i: "/i18n/setlang/", ALL, method="post", ok=302, scoped=False, body={"language": "en", "next": "/"}
    ),
    # A signed-in user is sent on from the login page.
    "accounts:login": Case(lambda c, i: "/accounts/login/", ALL, ok=302, scoped=False),
    "accounts:logout": Case(lambda c, i: "/accounts/logout/", ALL, method="post", ok=302, scoped=False),
    "accounts:settings": Case(lambda c, i: "/accounts/settings/", ALL, scoped=False),
    "accounts:password_change": Case(lambda c, i: "/accounts/settings/password/", ALL, scoped=False),
    "accounts:token_create": Case(
        lambda c, i: "/accounts/tokens/new/", ALL, method="post", scoped=False, body={"name": "matrix"}
    ),
    # One's own token in scope, another user's out of scope: nobody may revoke someone else's.
    "accounts:token_revoke": Case(
        lambda c, i: f"/accounts/tokens/{_token(c, i).pk}/revoke/", ALL, method="post", ok=302, out_allowed=frozenset()
    ),
    "enterprises:list": Case(lambda c, i: "/enterprises/", ALL, scoped=False),
    "enterprises:mine": Case(lambda c, i: "/enterprises/mine/", frozenset({Role.ENTERPRISE}), ok=302, scoped=False),
    "enterprises:mine_data": Case(lambda c, i: "/enterprises/mine/data/", frozenset({Role.ENTERPRISE}), scoped=False),
    "enterprises:mine_data_export": Case(
        lambda c, i: "/enterprises/mine/data.json", frozenset({Role.ENTERPRISE}), scoped=False
    ),
    "enterprises:create": Case(lambda c, i: "/enterprises/new/", OFFICIALS, scoped=False),
    "enterprises:county_options": Case(lambda c, i: "/enterprises/counties/?league=150200", ALL, scoped=False),
    "enterprises:export": Case(lambda c, i: "/enterprises/export.xlsx", ALL, scoped=False),
    "enterprises:template": Case(lambda c, i: "/enterprises/template.xlsx", OFFICIALS, scoped=False),
    "enterprises:import": Case(lambda c, i: "/enterprises/import/", OFFICIALS, scoped=False),
    "enterprises:import_preview": Case(
        lambda c, i: f"/enterprises/import/{_batch(c, i).pk}/", OFFICIALS, out_allowed=frozenset()
    ),
    "enterprises:project_list": Case(lambda c, i: "/enterprises/projects/", ALL, scoped=False),
    "enterprises:project_create": Case(lambda c, i: "/enterprises/projects/new/", OFFICIALS, scoped=False),
    "enterprises:project_detail": Case(
        lambda c, i: f"/enterprises/projects/{_project(c, i).pk}/", AREA_READERS | {Role.ENTERPRISE}
    ),
    "enterprises:project_edit": Case(lambda c, i: f"/enterprises/projects/{_project(c, i).pk}/edit/", OFFICIALS),
    "enterprises:detail": Case(
        lambda c, i: f"/enterprises/{_enterprise(c, i).credit_code}/", AREA_READERS | {Role.ENTERPRISE}
    ),
    "enterprises:edit": Case(lambda c, i: f"/enterprises/{_enterprise(c, i).credit_code}/edit/", OFFICIALS),
    "api:openapi-json": Case(lambda c, i: "/api/openapi.json", ALL, scoped=False),
    "api:openapi-view": Case(lambda c, i: "/api/docs", ALL, scoped=False),
    "api:api-root": Case(lambda c, i: "/api/", frozenset(), scoped=False),
    "api:list_enterprises": Case(lambda c, i: "/api/v1/enterprises", ALL, scoped=False),
    "api:get_enterprise": Case(
        lambda c, i: f"/api/v1/enterprises/{_enterprise(c, i).credit_code}", AREA_READERS | {Role.ENTERPRISE}
    ),
    "api:update_enterprise": Case(
        lambda c, i: f"/api/v1/enterprises/{_enterprise(c, i).credit_code}",
        OFFICIALS,
        method="patch",
        body={"contact_name": "张三"},
    ),
    "api:put_daily": Case(
        lambda c, i: f"/api/v1/reports/daily/{_enterprise(c, i).credit_code}/{c['day']}",
        OFFICIALS | {Role.ENTERPRISE},
        method="put",
        ok=201,
        body=lambda c, i: c["report"],
    ),
    "api:put_weekly": Case(
        lambda c, i: f"/api/v1/reports/weekly/{_weekly(c, i).credit_code}/{c['monday']}",
        OFFICIALS,
        method="put",
        ok=201,
        body=lambda c, i: c["report"],
    ),
    "api:put_project": Case(
        lambda c, i: f"/api/v1/reports/projects/{_project(c, i).pk}/{c['monday']}",
        OFFICIALS | {Role.ENTERPRISE},
        method="put",
        ok=201,
        body=lambda c, i: c["project_report"],
    ),
    # Bulk answers per item: what is out of scope comes back as not_found inside a 200.
    "api:bulk_daily": Case(
        lambda c, i: "/api/v1/reports/daily/bulk", ALL, method="post", scoped=False, body=lambda c, i: {"items": []}
    ),
    "api:bulk_weekly": Case(
        lambda c, i: "/api/v1/reports/weekly/bulk", ALL, method="post", scoped=False, body=lambda c, i: {"items": []}
    ),
    "api:bulk_projects": Case(
        lambda c, i: "/api/v1/reports/projects/bulk", ALL, method="post", scoped=False, body=lambda c, i: {"items": []}
    ),
    "api:list_daily": Case(lambda c, i: "/api/v1/reports/daily", ALL, scoped=False),
    "api:list_weekly": Case(lambda c, i: "/api/v1/reports/weekly", ALL, scoped=False),
    "api:list_projects": Case(lambda c, i: "/api/v1/reports/projects", ALL, scoped=False),
    "dispatch:form": Case(lambda c, i: "/dispatch/report/", frozenset({Role.ENTERPRISE}), scoped=False),
    "dispatch:project_form": Case(
        lambda c, i: f"/dispatch/projects/{_project(c, i).pk}/report/", OFFICIALS | {Role.ENTERPRISE}
    ),
    "dispatch:grid": Case(lambda c, i: "/dispatch/grid/", OFFICIALS, scoped=False),
    "dispatch:grid_row": Case(lambda c, i: f"/dispatch/grid/{_enterprise(c, i).credit_code}/{c['day']}/", OFFICIALS),
    "dispatch:daily_detail": Case(
        lambda c, i: f"/dispatch/reports/daily/{c['reports']['daily', i].pk}/", AREA_READERS | {Role.ENTERPRISE}
    ),
    "dispatch:weekly_detail": Case(
        lambda c, i: f"/dispatch/reports/weekly/{c['reports']['weekly', i].pk}/", AREA_READERS
    ),
    "dispatch:project_report_detail": Case(
        lambda c, i: f"/dispatch/reports/projects/{c['reports']['project', i].pk}/", AREA_READERS | {Role.ENTERPRISE}
    ),
    "dispatch:excel_template": Case(lambda c, i: "/dispatch/excel/template.xlsx", OFFICIALS, scoped=False),
    "dispatch:excel_upload": Case(lambda c, i: "/dispatch/excel/upload/", OFFICIALS, scoped=False),
    "dispatch:excel_preview": Case(
        lambda c, i: f"/dispatch/excel/{_report_batch(c, i).pk}/", OFFICIALS, out_allowed=frozenset()
    ),
    "dispatch:completeness": Case(lambda c, i: "/dispatch/completeness/", AREA_READERS, scoped=False),
    "dispatch:review": Case(lambda c, i: "/dispatch/review/", frozenset({Role.REGION, Role.LEAGUE}), scoped=False),
    "dispatch:lock": Case(
        lambda c, i: "/dispatch/review/lock/",
        frozenset({Role.REGION, Role.LEAGUE}),
        method="post",
        ok=302,
        scoped=False,
        body=lambda c, i: {"date": c["day"], "league": "150200", "period_type": "daily"},
    ),
    "dispatch:unlock": Case(
        lambda c, i: "/dispatch/review/unlock/",
        frozenset({Role.REGION, Role.LEAGUE}),
        method="post",
        ok=302,
        scoped=False,
        body=lambda c, i: {"date": c["day"], "league": "150200", "period_type": "daily", "reason": "更正"},
    ),
    # Create: officials get 201 in their own area; the out-of-scope county is refused as a bad field.
    "api:create_enterprise": Case(
        lambda c, i: "/api/v1/enterprises",
        OFFICIALS,
        method="post",
        ok=201,
        scoped=False,
        body=lambda c, i: c["new_enterprise"],
    ),
}


def _problem(ctx, inside):
    return ctx["problem_in"] if inside else ctx["problem_out"]


def _referral(ctx, inside):
    return ctx["referral_in"] if inside else ctx["referral_out"]


def _upload(ctx, inside):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fugong.problems.tests.factories import PNG

    return {"file": SimpleUploadedFile("more.png", PNG, content_type="image/png")}


PROBLEM_VIEWERS = AREA_READERS | {Role.ENTERPRISE, Role.HANDLER}
REFERRAL_VIEWERS = AREA_READERS | {Role.ENTERPRISE, Role.BANK}
REFERRAL_RECORDERS = OFFICIALS | {Role.BANK}
MATRIX.update(
    {
        "problems:list": Case(lambda c, i: "/problems/", ALL, scoped=False),
        "problems:queue": Case(lambda c, i: "/problems/queue/", frozenset({Role.HANDLER}), scoped=False),
        "problems:create": Case(lambda c, i: "/problems/new/", AREA_READERS | {Role.ENTERPRISE}, scoped=False),
        "problems:export": Case(lambda c, i: "/problems/export.xlsx", ALL, scoped=False),
        "problems:stats": Case(lambda c, i: "/problems/stats/", AREA_READERS | {Role.HANDLER}, scoped=False),
        "problems:detail": Case(lambda c, i: f"/problems/{_problem(c, i).pk}/", PROBLEM_VIEWERS),
        "problems:attachment": Case(
            lambda c, i: f"/problems/attachments/{c['attachment_in' if i else 'attachment_out'].pk}/", PROBLEM_VIEWERS
        ),
        # A comment may be added by anyone who sees the problem; the other moves are tested in the app.
        "problems:move": Case(
            lambda c, i: f"/problems/{_problem(c, i).pk}/moves/",
            PROBLEM_VIEWERS,
            method="post",
            ok=302,
            body={"action": "comment", "comment": "矩阵"},
        ),
        "problems:attach": Case(
            lambda c, i: f"/problems/{_problem(c, i).pk}/attachments/",
            PROBLEM_VIEWERS,
            method="post",
            ok=302,
            body=_upload,
        ),
        "api:list_problems": Case(lambda c, i: "/api/v1/problems", ALL, scoped=False),
        "api:get_problem": Case(lambda c, i: f"/api/v1/problems/{_problem(c, i).pk}", PROBLEM_VIEWERS),
        "api:create_problem": Case(
            lambda c, i: "/api/v1/problems",
            AREA_READERS | {Role.ENTERPRISE},
            method="post",
            ok=201,
            scoped=False,
            body=lambda c, i: {"category": "labour", "description": "缺工", "credit_code": c["inside"].credit_code},
        ),
        "api:move_problem": Case(
            lambda c, i: f"/api/v1/problems/{_problem(c, i).pk}/moves",
            PROBLEM_VIEWERS,
            method="post",
            body={"action": "comment", "comment": "矩阵"},
        ),
        "finance:list": Case(lambda c, i: "/finance/", ALL, scoped=False),
        "finance:stats": Case(lambda c, i: "/finance/stats/", AREA_READERS | {Role.BANK}, scoped=False),
        "finance:needs": Case(lambda c, i: "/finance/needs/", AREA_READERS | {Role.ENTERPRISE}, scoped=False),
        "finance:need_create": Case(lambda c, i: "/finance/needs/new/", AREA_READERS | {Role.ENTERPRISE}, scoped=False),
        "finance:batch_create": Case(lambda c, i: "/finance/batches/new/", OFFICIALS, scoped=False),
        "finance:batch": Case(lambda c, i: f"/finance/batches/{_referral(c, i).batch_id}/", REFERRAL_VIEWERS),
        "finance:batch_export": Case(
            lambda c, i: f"/finance/batches/{_referral(c, i).batch_id}/export.xlsx", REFERRAL_VIEWERS
        ),
        "finance:detail": Case(lambda c, i: f"/finance/referrals/{_referral(c, i).pk}/", REFERRAL_VIEWERS),
        # Seen is not recorded: the enterprise and the work group get 404 on a move, as on any write.
        "finance:move": Case(
            lambda c, i: f"/finance/referrals/{_referral(c, i).pk}/moves/",
            REFERRAL_RECORDERS,
            method="post",
            ok=302,
            body={"action": "contact"},
        ),
        "api:list_referrals": Case(lambda c, i: "/api/v1/referrals", ALL, scoped=False),
        "api:get_referral": Case(lambda c, i: f"/api/v1/referrals/{_referral(c, i).pk}", REFERRAL_VIEWERS),
        "api:move_referral": Case(
            lambda c, i: f"/api/v1/referrals/{_referral(c, i).pk}/moves",
            REFERRAL_RECORDERS,
            method="post",
            # After finance:move has contacted it: approval follows.
            body={"action": "approve", "amount": "300"},
        ),
    }
)


def _figures(path):
    """A figures URL in scope (the user's own area) and out of it (filtered to Ordos, 150600)."""
    return lambda c, i: path if i else path + ("&" if "?" in path else "?") + "league=150600"


MATRIX.update(
    {
        "analytics:dashboard": Case(_figures("/analytics/"), AREA_READERS),
        "analytics:export": Case(_figures("/analytics/export/industry.xlsx"), AREA_READERS),
        "analytics:drill": Case(_figures("/analytics/drill/?measure=production_resumed"), AREA_READERS),
        "analytics:projects": Case(_figures("/analytics/projects/?measure=projects_started"), AREA_READERS),
        "analytics:brief": Case(_figures("/analytics/brief/"), AREA_READERS),
        "analytics:table": Case(_figures("/analytics/table/park/"), AREA_READERS),
        "analytics:panels": Case(_figures("/analytics/panels/"), AREA_READERS),
        "api:get_figures": Case(_figures("/api/v1/figures"), AREA_READERS),
        "api:get_brief": Case(_figures("/api/v1/brief"), AREA_READERS),
    }
)

# ---- daily ----
MATRIX.update(
    {
        # "Remind" on the missing list: officials whose scope holds the enterprise; work groups only read.
        "dispatch:remind": Case(
            lambda c, i: "/dispatch/completeness/remind/",
            OFFICIALS,
            method="post",
            ok=302,
            body=lambda c, i: {"credit_code": _enterprise(c, i).credit_code, "date": c["day"], "period_type": "daily"},
        ),
    }
)


# ---- relief ----
def _loan(ctx, inside):
    return ctx["loan_in"] if inside else ctx["loan_out"]


def _fund(ctx, inside):
    return ctx["fund_in"] if inside else ctx["fund_out"]


LOAN_VIEWERS = AREA_READERS | {Role.ENTERPRISE, Role.BANK, Role.GUARANTOR}
LOAN_RECORDERS = OFFICIALS | {Role.BANK, Role.GUARANTOR}
FUND_READERS = AREA_READERS | {Role.BANK}
MATRIX.update(
    {
        "relief:list": Case(lambda c, i: "/relief/loans/", ALL, scoped=False),
        "relief:export": Case(lambda c, i: "/relief/loans/export.xlsx", ALL, scoped=False),
        "relief:create": Case(lambda c, i: "/relief/loans/new/", OFFICIALS | {Role.ENTERPRISE}, scoped=False),
        "relief:watch": Case(lambda c, i: "/relief/loans/watch/", AREA_READERS | {Role.BANK}, scoped=False),
        "relief:stats": Case(lambda c, i: "/relief/loans/stats/", AREA_READERS, scoped=False),
        "relief:detail": Case(lambda c, i: f"/relief/loans/{_loan(c, i).pk}/", LOAN_VIEWERS),
        # Repaid is recorded by officials, the bank and the bridge's guarantor; the others get 404 on a write.
        "relief:move": Case(
            lambda c, i: f"/relief/loans/{_loan(c, i).pk}/moves/",
            LOAN_RECORDERS,
            method="post",
            ok=302,
            body={"action": "review"},
        ),
        "relief:funds": Case(lambda c, i: "/relief/funds/", FUND_READERS, scoped=False),
        "relief:fund_create": Case(
            lambda c, i: "/relief/funds/new/", frozenset({Role.REGION, Role.LEAGUE}), scoped=False
        ),
        "relief:fund": Case(lambda c, i: f"/relief/funds/{_fund(c, i).pk}/", FUND_READERS),
        "relief:fund_export": Case(lambda c, i: f"/relief/funds/{_fund(c, i).pk}/export.xlsx", FUND_READERS),
        # Officials of the fund's league (not its counties) and its partner banks record loans against it.
        "relief:fund_loan_create": Case(
            lambda c, i: f"/relief/funds/{_fund(c, i).pk}/loans/new/", frozenset({Role.REGION, Role.LEAGUE, Role.BANK})
        ),
        "api:list_loans": Case(lambda c, i: "/api/v1/loans", ALL, scoped=False),
        "api:declare_loan": Case(
            lambda c, i: "/api/v1/loans",
            OFFICIALS | {Role.ENTERPRISE},
            method="post",
            ok=201,
            scoped=False,
            body=lambda c, i: {
                "credit_code": c["inside"].credit_code,
                "bank": "中国银行内蒙古分行",
                "amount": "100",
                "granted_on": "2019-06-01",
                "due_on": c["day"],
                "requested": "renewal",
            },
        ),
        "api:loan_watch": Case(lambda c, i: "/api/v1/loans/watch", AREA_READERS | {Role.BANK}, scoped=False),
        "api:loan_figures": Case(lambda c, i: "/api/v1/loans/figures", AREA_READERS, scoped=False),
        "api:get_loan": Case(lambda c, i: f"/api/v1/loans/{_loan(c, i).pk}", LOAN_VIEWERS),
        "api:move_loan": Case(
            lambda c, i: f"/api/v1/loans/{_loan(c, i).pk}/moves",
            LOAN_RECORDERS,
            method="post",
            body={"action": "repay"},
        ),
        "api:list_funds": Case(lambda c, i: "/api/v1/guarantee-funds", ALL, scoped=False),
        "api:get_fund": Case(lambda c, i: f"/api/v1/guarantee-funds/{_fund(c, i).pk}", FUND_READERS),
        "api:list_fund_loans": Case(lambda c, i: f"/api/v1/guarantee-funds/{_fund(c, i).pk}/loans", FUND_READERS),
        "api:grant_fund_loan": Case(
            lambda c, i: f"/api/v1/guarantee-funds/{_fund(c, i).pk}/loans",
            frozenset({Role.REGION, Role.LEAGUE, Role.BANK}),
            method="post",
            ok=201,
            body=lambda c, i: {
                "credit_code": c["sme_in" if i else "sme_out"].credit_code,
                "bank": "中国银行内蒙古分行" if i else "中国工商银行内蒙古分行",
                "amount": "10",
                "rate": "4.35",
                "term_months": 12,
            },
        ),
    }
)


# ---- catalogue ----
def _catalogue(key):
    return lambda c, i: c["catalogue"][key + ("_in" if i else "_out")]


def _png_upload(ctx, inside):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fugong.problems.tests.factories import PNG

    return {"kind": "screenshot", "file": SimpleUploadedFile("shot.png", PNG, content_type="image/png")}


READERS = ALL - {Role.PLATFORM}
PROVIDER = frozenset({Role.PROVIDER})
REVIEWER = frozenset({Role.REGION})
FEED_READERS = frozenset({Role.PROVIDER, Role.PLATFORM})
MATRIX.update(
    {
        "catalogue:list": Case(lambda c, i: "/catalogue/", READERS, scoped=False),
        "catalogue:print": Case(lambda c, i: "/catalogue/print/", READERS, scoped=False),
        "catalogue:mine": Case(lambda c, i: "/catalogue/mine/", PROVIDER, scoped=False),
        "catalogue:review": Case(lambda c, i: "/catalogue/review/", REVIEWER, scoped=False),
        "catalogue:product_create": Case(lambda c, i: "/catalogue/products/new/", PROVIDER, scoped=False),
        # In: a listed product; out: another provider's draft, which only the reviewer sees.
        "catalogue:product": Case(lambda c, i: f"/catalogue/products/{_catalogue('product')(c, i).pk}/", READERS),
        "catalogue:product_edit": Case(
            lambda c, i: f"/catalogue/products/{_catalogue('product')(c, i).pk}/edit/",
            PROVIDER,
            out_allowed=frozenset(),
        ),
        # The provider submits its draft; the reviewer may move every product (a refused move answers 302 too).
        "catalogue:product_move": Case(
            lambda c, i: f"/catalogue/products/{_catalogue('draft')(c, i).pk}/moves/",
            PROVIDER | REVIEWER,
            method="post",
            ok=302,
            body={"action": "submit"},
        ),
        "catalogue:file_upload": Case(
            lambda c, i: f"/catalogue/products/{_catalogue('product')(c, i).pk}/files/",
            PROVIDER,
            method="post",
            ok=302,
            body=_png_upload,
            out_allowed=frozenset(),
        ),
        "catalogue:file": Case(lambda c, i: f"/catalogue/files/{_catalogue('file')(c, i).pk}/", READERS),
        "catalogue:claim_create": Case(
            lambda c, i: f"/catalogue/products/{c['catalogue']['product_in'].pk}/claim/",
            frozenset({Role.ENTERPRISE}),
            method="post",
            ok=302,
            scoped=False,
            body={"need": "远程办公", "contact_name": "赵六", "contact_phone": "13900002222"},
        ),
        "catalogue:calls": Case(lambda c, i: "/catalogue/calls/", PROVIDER | REVIEWER, scoped=False),
        "catalogue:call_create": Case(lambda c, i: "/catalogue/calls/new/", REVIEWER, scoped=False),
        "catalogue:providers": Case(lambda c, i: "/catalogue/providers/", REVIEWER, scoped=False),
        "catalogue:provider_create": Case(lambda c, i: "/catalogue/providers/new/", REVIEWER, scoped=False),
        "catalogue:claims": Case(
            lambda c, i: "/catalogue/claims/", AREA_READERS | {Role.ENTERPRISE, Role.PROVIDER}, scoped=False
        ),
        "catalogue:claim": Case(
            lambda c, i: f"/catalogue/claims/{_catalogue('claim')(c, i).pk}/",
            AREA_READERS | {Role.ENTERPRISE, Role.PROVIDER},
        ),
        # The provider moves it; the enterprise may rate (a move refused now answers 302 with the reason).
        "catalogue:claim_move": Case(
            lambda c, i: f"/catalogue/claims/{_catalogue('claim')(c, i).pk}/moves/",
            frozenset({Role.PROVIDER, Role.ENTERPRISE}),
            method="post",
            ok=302,
            body={"action": "contact"},
            out_allowed=frozenset(),
        ),
        "catalogue:figures": Case(_figures("/catalogue/figures/"), AREA_READERS),
        "catalogue:figures_export": Case(_figures("/catalogue/figures/export.xlsx"), AREA_READERS),
        "api:catalogue_feed": Case(lambda c, i: "/api/v1/catalogue", FEED_READERS, scoped=False),
        "api:catalogue_feed_export": Case(lambda c, i: "/api/v1/catalogue/export.xlsx", FEED_READERS, scoped=False),
        "api:catalogue_feed_item": Case(
            lambda c, i: f"/api/v1/catalogue/{c['catalogue']['product_in'].number}", FEED_READERS, scoped=False
        ),
        "api:catalogue_figures": Case(_figures("/api/v1/catalogue/figures"), AREA_READERS),
    }
)


# ---- vouchers ----
def _pdf_upload(ctx, inside):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fugong.catalogue.tests.factories import PDF

    return {"kind": "invoice", "file": SimpleUploadedFile("invoice.pdf", PDF, content_type="application/pdf")}


VOUCHER_READERS = AREA_READERS | {Role.ENTERPRISE, Role.PROVIDER}
# The enterprise (redeem), the provider (ask for payment) and the department (review, pay) move a voucher; a move
# refused in the voucher's state answers 302 with the reason on a page, 400 over the API.
VOUCHER_MOVERS = frozenset({Role.ENTERPRISE, Role.PROVIDER, Role.REGION})
MATRIX.update(
    {
        "catalogue:vouchers": Case(lambda c, i: "/catalogue/vouchers/", VOUCHER_READERS, scoped=False),
        "catalogue:vouchers_export": Case(
            lambda c, i: "/catalogue/vouchers/export.xlsx", VOUCHER_READERS, scoped=False
        ),
        "catalogue:voucher_review": Case(lambda c, i: "/catalogue/vouchers/review/", REVIEWER, scoped=False),
        "catalogue:voucher_programmes": Case(lambda c, i: "/catalogue/vouchers/programmes/", REVIEWER, scoped=False),
        "catalogue:voucher_programme_create": Case(
            lambda c, i: "/catalogue/vouchers/programmes/new/", REVIEWER, scoped=False
        ),
        "catalogue:voucher_programme": Case(
            lambda c, i: f"/catalogue/vouchers/programmes/{c['catalogue']['programme'].pk}/", REVIEWER, scoped=False
        ),
        "catalogue:voucher": Case(
            lambda c, i: f"/catalogue/vouchers/{_catalogue('voucher')(c, i).pk}/", VOUCHER_READERS
        ),
        "catalogue:voucher_move": Case(
            lambda c, i: f"/catalogue/vouchers/{_catalogue('voucher')(c, i).pk}/moves/",
            VOUCHER_MOVERS,
            method="post",
            ok=302,
            body={"action": "approve"},
        ),
        "catalogue:voucher_file_upload": Case(
            lambda c, i: f"/catalogue/vouchers/{_catalogue('voucher')(c, i).pk}/files/",
            PROVIDER,
            method="post",
            ok=302,
            body=_pdf_upload,
            out_allowed=frozenset(),
        ),
        "catalogue:voucher_file": Case(
            lambda c, i: f"/catalogue/vouchers/files/{_catalogue('voucher_file')(c, i).pk}/", VOUCHER_READERS
        ),
        "api:vouchers": Case(lambda c, i: "/api/v1/vouchers", VOUCHER_READERS, scoped=False),
        "api:voucher": Case(lambda c, i: f"/api/v1/vouchers/{_catalogue('voucher')(c, i).pk}", VOUCHER_READERS),
        "api:move_voucher": Case(
            lambda c, i: f"/api/v1/vouchers/{_catalogue('voucher')(c, i).pk}/moves",
            VOUCHER_MOVERS,
            method="post",
            ok=400,
            body={"action": "approve"},
        ),
        "api:voucher_figures": Case(_figures("/api/v1/vouchers/figures"), AREA_READERS),
    }
)


# ---- arrears ----
def _arrears(ctx, inside):
    return ctx["arrears_in"] if inside else ctx["arrears_out"]


def _arrears_batch(ctx, inside):
    return ctx["arrears_batches"][ctx["role"]] if inside else ctx["arrears_batches"]["other"]


ARREARS_VIEWERS = AREA_READERS | {Role.ENTERPRISE}
ARREARS_WRITERS = OFFICIALS | {Role.ENTERPRISE}
MATRIX.update(
    {
        "arrears:list": Case(lambda c, i: "/arrears/", ARREARS_VIEWERS, scoped=False),
        "arrears:export": Case(lambda c, i: "/arrears/export.xlsx", ARREARS_VIEWERS, scoped=False),
        "arrears:figures": Case(_figures("/arrears/figures/"), AREA_READERS),
        "arrears:create": Case(lambda c, i: "/arrears/new/", ARREARS_WRITERS, scoped=False),
        "arrears:import": Case(lambda c, i: "/arrears/import/", OFFICIALS, scoped=False),
        # Batches are private to their uploader: someone else's is 404 even to the region.
        "arrears:import_preview": Case(
            lambda c, i: f"/arrears/import/{_arrears_batch(c, i).pk}/", OFFICIALS, out_allowed=frozenset()
        ),
        "arrears:detail": Case(lambda c, i: f"/arrears/{_arrears(c, i).pk}/", ARREARS_VIEWERS),
        # A comment may be added by the officials of the area and by the creditor; work groups only read.
        "arrears:move": Case(
            lambda c, i: f"/arrears/{_arrears(c, i).pk}/moves/",
            ARREARS_WRITERS,
            method="post",
            ok=302,
            body={"action": "comment", "comment": "矩阵"},
        ),
        "api:list_arrears": Case(lambda c, i: "/api/v1/arrears", ALL, scoped=False),
        "api:get_arrears": Case(lambda c, i: f"/api/v1/arrears/{_arrears(c, i).pk}", ARREARS_VIEWERS),
        "api:create_arrears": Case(
            lambda c, i: "/api/v1/arrears",
            ARREARS_WRITERS,
            method="post",
            ok=201,
            scoped=False,
            body=lambda c, i: {
                "credit_code": c["inside"].credit_code,
                "debtor": "包头市矩阵局",
                "debtor_type": "government",
                "debtor_area": "150200",
                "contract": "矩阵合同",
                "amount": "12.5",
                "accepted_on": "2020-01-02",
            },  # fmt: skip
        ),
        "api:move_arrears": Case(
            lambda c, i: f"/api/v1/arrears/{_arrears(c, i).pk}/moves",
            ARREARS_WRITERS,
            method="post",
            body={"action": "comment", "comment": "矩阵"},
        ),
    }
)


# ---- chains ----
def _chain(ctx, inside, what):
    return ctx[f"{what}_{'in' if inside else 'out'}"]


def _leader(ctx, inside):
    return ctx["inside"] if inside else ctx["chain_leader_out"]


CHAIN_VIEWERS = AREA_READERS | {Role.ENTERPRISE}
CHAIN_WRITERS = OFFICIALS | {Role.ENTERPRISE}
MATRIX.update(
    {
        "chains:posts": Case(lambda c, i: "/chains/", CHAIN_VIEWERS, scoped=False),
        "chains:export": Case(lambda c, i: "/chains/export.xlsx", CHAIN_VIEWERS, scoped=False),
        "chains:post_create": Case(lambda c, i: "/chains/new/", CHAIN_WRITERS, scoped=False),
        "chains:post": Case(lambda c, i: f"/chains/{_chain(c, i, 'chain_post').pk}/", CHAIN_VIEWERS),
        "chains:post_action": Case(
            lambda c, i: f"/chains/{_chain(c, i, 'chain_post').pk}/action/",
            CHAIN_WRITERS,
            method="post",
            ok=302,
            body={"action": "reconfirm"},
        ),
        # Already paired: the pairing is refused with a message, after the gate let the official through.
        "chains:pair": Case(
            lambda c, i: "/chains/pair/",
            OFFICIALS,
            method="post",
            ok=302,
            body=lambda c, i: {"need": _chain(c, i, "pairing").need_id, "offer": _chain(c, i, "pairing").offer_id},
        ),
        "chains:pairings": Case(lambda c, i: "/chains/pairings/", CHAIN_VIEWERS, scoped=False),
        "chains:pairing": Case(lambda c, i: f"/chains/pairings/{_chain(c, i, 'pairing').pk}/", CHAIN_VIEWERS),
        "chains:pairing_move": Case(
            lambda c, i: f"/chains/pairings/{_chain(c, i, 'pairing').pk}/moves/",
            CHAIN_WRITERS,
            method="post",
            ok=302,
            body={"action": "comment", "comment": "矩阵"},
        ),
        "chains:links": Case(lambda c, i: "/chains/links/", CHAIN_VIEWERS, scoped=False),
        "chains:links_export": Case(lambda c, i: "/chains/links/export.xlsx", CHAIN_VIEWERS, scoped=False),
        "chains:chain": Case(lambda c, i: f"/chains/links/{_leader(c, i).credit_code}/", CHAIN_VIEWERS),
        "chains:figures": Case(_figures("/chains/figures/"), AREA_READERS),
        "chains:links_import": Case(lambda c, i: "/chains/links/import/", OFFICIALS, scoped=False),
        "chains:links_import_preview": Case(
            lambda c, i: f"/chains/links/import/{c['chain_batches'][c['role'] if i else 'other'].pk}/",
            OFFICIALS,
            out_allowed=frozenset(),
        ),
        "api:list_chain_posts": Case(lambda c, i: "/api/v1/chain-needs", ALL, scoped=False),
        "api:get_chain_post": Case(lambda c, i: f"/api/v1/chain-needs/{_chain(c, i, 'chain_post').pk}", CHAIN_VIEWERS),
        "api:create_chain_post": Case(
            lambda c, i: "/api/v1/chain-needs",
            CHAIN_WRITERS,
            method="post",
            ok=201,
            scoped=False,
            body=lambda c, i: {
                "credit_code": c["inside"].credit_code,
                "side": "need",
                "category": "part",
                "product": "矩阵零件",
                "on": "2020-03-01",
            },  # fmt: skip
        ),
        "api:list_chain_links": Case(lambda c, i: "/api/v1/chain-links", ALL, scoped=False),
        "api:create_chain_link": Case(
            lambda c, i: "/api/v1/chain-links",
            OFFICIALS,
            method="post",
            ok=201,
            scoped=False,
            body=lambda c, i: {
                "leader": c["inside"].credit_code,
                "partner": c["outside"].credit_code,
                "relation": "customer",
            },
        ),
        "chains:pairings_export": Case(lambda c, i: "/chains/pairings/export.xlsx", CHAIN_VIEWERS, scoped=False),
        "api:list_chain_pairings": Case(lambda c, i: "/api/v1/chain-pairings", CHAIN_VIEWERS, scoped=False),
        "api:get_chain_pairing": Case(
            lambda c, i: f"/api/v1/chain-pairings/{_chain(c, i, 'pairing').pk}", CHAIN_VIEWERS
        ),
        # Already paired: refused with 400 naming the field, after the gate let the official through.
        "api:create_chain_pairing": Case(
            lambda c, i: "/api/v1/chain-pairings",
            OFFICIALS,
            method="post",
            ok=400,
            body=lambda c, i: {"need": _chain(c, i, "pairing").need_id, "offer": _chain(c, i, "pairing").offer_id},
        ),
        "api:move_chain_pairing": Case(
            lambda c, i: f"/api/v1/chain-pairings/{_chain(c, i, 'pairing').pk}/moves",
            CHAIN_WRITERS,
            method="post",
            body={"action": "comment", "comment": "矩阵"},
        ),
        # Last: it removes the link the chain pages above show.
        "chains:link_delete": Case(
            lambda c, i: f"/chains/links/{_chain(c, i, 'chain_link').pk}/delete/", OFFICIALS, method="post", ok=302
        ),
    }
)


# ---- workgroups ----
def _wg(ctx, inside, name):
    return ctx["workgroups"][inside][name]


PLANNERS = frozenset({Role.REGION, Role.WORKGROUP})
RECORDERS = frozenset({Role.WORKGROUP})
GROUP_MANAGERS = frozenset({Role.REGION})
MATRIX.update(
    {
        "workgroups:coverage": Case(_figures("/workgroups/"), AREA_READERS),
        "workgroups:group": Case(lambda c, i: f"/workgroups/groups/{_wg(c, i, 'group').pk}/", AREA_READERS),
        # Only the region's officials form and change groups; the Ordos group (out of scope) too.
        "workgroups:group_create": Case(lambda c, i: "/workgroups/groups/new/", GROUP_MANAGERS, scoped=False),
        "workgroups:group_edit": Case(lambda c, i: f"/workgroups/groups/{_wg(c, i, 'group').pk}/edit/", GROUP_MANAGERS),
        "workgroups:weekly_report": Case(
            lambda c, i: f"/workgroups/groups/{_wg(c, i, 'group').pk}/weekly.docx", AREA_READERS
        ),
        "workgroups:plans": Case(lambda c, i: "/workgroups/plans/", AREA_READERS, scoped=False),
        "workgroups:plan_create": Case(lambda c, i: "/workgroups/plans/new/", PLANNERS, scoped=False),
        "workgroups:plan": Case(lambda c, i: f"/workgroups/plans/{_wg(c, i, 'plan').pk}/", AREA_READERS),
        "workgroups:plan_add": Case(
            lambda c, i: f"/workgroups/plans/{_wg(c, i, 'plan').pk}/add/",
            PLANNERS,
            method="post",
            ok=302,
            body=lambda c, i: {"enterprise": _enterprise(c, i).pk, "day": c["day"]},
        ),
        "workgroups:plan_remove": Case(
            lambda c, i: f"/workgroups/plans/{_wg(c, i, 'plan').pk}/items/{_wg(c, i, 'plan').items.first().pk}/remove/",
            PLANNERS,
            method="post",
            ok=302,
        ),
        "workgroups:plan_export": Case(
            lambda c, i: f"/workgroups/plans/{_wg(c, i, 'plan').pk}/export.xlsx", AREA_READERS
        ),
        "workgroups:visits": Case(lambda c, i: "/workgroups/visits/", AREA_READERS, scoped=False),
        "workgroups:visit_create": Case(lambda c, i: "/workgroups/visits/new/", RECORDERS, scoped=False),
        "workgroups:visit_check": Case(
            lambda c, i: (
                f"/workgroups/visits/check/?group={_wg(c, True, 'group').pk}&enterprise={c['inside'].pk}"
                f"&visited_on={c['day']}"
            ),
            RECORDERS,
            scoped=False,
        ),
        "workgroups:visit": Case(lambda c, i: f"/workgroups/visits/{_wg(c, i, 'visit').pk}/", AREA_READERS),
        "workgroups:photo": Case(lambda c, i: f"/workgroups/photos/{_wg(c, i, 'photo').pk}/", AREA_READERS),
        "api:list_work_groups": Case(lambda c, i: "/api/v1/workgroups", ALL, scoped=False),
        "api:get_coverage": Case(_figures("/api/v1/workgroups/coverage"), AREA_READERS),
        "api:get_work_group": Case(lambda c, i: f"/api/v1/workgroups/{_wg(c, i, 'group').pk}", AREA_READERS),
        "api:list_visits": Case(lambda c, i: "/api/v1/visits", ALL, scoped=False),
        "api:get_visit": Case(lambda c, i: f"/api/v1/visits/{_wg(c, i, 'visit').pk}", AREA_READERS),
        "api:create_visit": Case(
            lambda c, i: "/api/v1/visits",
            RECORDERS,
            method="post",
            ok=201,
            scoped=False,
            body=lambda c, i: {
                "client_key": "matrix-visit-key",
                "credit_code": c["inside"].credit_code,
                "visited_on": c["day"],
                "status": "production_resumed",
                "employees": 100,
                "on_duty": 60,
                "capacity_pct": "50",
                "again": True,
            },
        ),
        "api:list_visit_plans": Case(lambda c, i: "/api/v1/visit-plans", ALL, scoped=False),
        "api:get_visit_plan": Case(lambda c, i: f"/api/v1/visit-plans/{_wg(c, i, 'plan').pk}", AREA_READERS),
    }
)


# ---- policies ----
def _application(ctx, inside):
    return ctx["application_in"] if inside else ctx["application_out"]


def _policy_upload(ctx, inside):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fugong.policies.tests.factories import PDF

    return {"file": SimpleUploadedFile("附件.pdf", PDF, content_type="application/pdf")}


def _material(ctx, inside):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fugong.policies.tests.factories import PNG

    return {"material": "营业执照", "file": SimpleUploadedFile("执照.png", PNG, content_type="image/png")}


ENTERPRISE_ONLY = frozenset({Role.ENTERPRISE})
APPLICATION_VIEWERS = AREA_READERS | ENTERPRISE_ONLY
# Who may make a move (a comment) on an application: its enterprise, its league's officials, the region.
APPLICATION_MOVERS = frozenset({Role.REGION, Role.LEAGUE, Role.ENTERPRISE})
COMMENT = {"action": "comment", "comment": "矩阵"}
MATRIX.update(
    {
        "notices:inbox": Case(lambda c, i: "/notices/", ALL, scoped=False),
        "notices:badge": Case(lambda c, i: "/notices/badge/", ALL, scoped=False),
        "notices:read_all": Case(lambda c, i: "/notices/read-all/", ALL, method="post", ok=302, scoped=False),
        # One's own notice opens (and goes to its link); another user's is not found, for everyone.
        "notices:open": Case(
            lambda c, i: f"/notices/{(c['notices'][c['role']] if i else c['notice_out']).pk}/",
            ALL,
            ok=302,
            out_allowed=frozenset(),
        ),
        "policies:library": Case(lambda c, i: "/policies/", ALL, scoped=False),
        "policies:mine": Case(lambda c, i: "/policies/mine/", ENTERPRISE_ONLY, scoped=False),
        "policies:stats": Case(lambda c, i: "/policies/stats/", AREA_READERS, scoped=False),
        "policies:policy": Case(lambda c, i: f"/policies/{c['policy'].pk}/", ALL, scoped=False),
        "policies:policy_attach": Case(
            lambda c, i: f"/policies/{c['policy'].pk}/attach/",
            frozenset({Role.REGION}),
            method="post",
            ok=302,
            scoped=False,
            body=_policy_upload,
        ),
        "policies:policy_file": Case(lambda c, i: f"/policies/files/{c['policy_file'].pk}/", ALL, scoped=False),
        "policies:measure": Case(lambda c, i: f"/policies/measures/{c['measure'].pk}/", ALL, scoped=False),
        "policies:enterprises": Case(
            lambda c, i: f"/policies/measures/{c['measure'].pk}/enterprises/", AREA_READERS, scoped=False
        ),
        "policies:export": Case(
            lambda c, i: f"/policies/measures/{c['measure'].pk}/enterprises.xlsx", AREA_READERS, scoped=False
        ),
        "policies:notify": Case(
            lambda c, i: f"/policies/measures/{c['measure'].pk}/notify/", OFFICIALS, method="post", ok=302, scoped=False
        ),
        "policies:apply": Case(
            lambda c, i: f"/policies/measures/{c['spare_measure'].pk}/apply/", ENTERPRISE_ONLY, scoped=False
        ),
        "policies:programme": Case(lambda c, i: f"/policies/programmes/{c['programme'].pk}/", ALL, scoped=False),
        "policies:applications": Case(lambda c, i: "/policies/applications/", ALL, scoped=False),
        "policies:application": Case(
            lambda c, i: f"/policies/applications/{_application(c, i).pk}/", APPLICATION_VIEWERS
        ),
        "policies:move": Case(
            lambda c, i: f"/policies/applications/{_application(c, i).pk}/moves/",
            APPLICATION_MOVERS,
            method="post",
            ok=302,
            body=COMMENT,
        ),
        "policies:attach": Case(
            lambda c, i: f"/policies/applications/{_application(c, i).pk}/attach/",
            ENTERPRISE_ONLY,
            method="post",
            ok=302,
            body=_material,
        ),
        "policies:application_file": Case(
            lambda c, i: (
                f"/policies/applications/files/{c['application_file_in' if i else 'application_file_out'].pk}/"
            ),
            APPLICATION_VIEWERS,
        ),
        "api:list_policies": Case(lambda c, i: "/api/v1/policies", ALL, scoped=False),
        "api:get_policy": Case(lambda c, i: f"/api/v1/policies/{c['policy'].pk}", ALL, scoped=False),
        "api:create_policy": Case(
            lambda c, i: "/api/v1/policies",
            frozenset({Role.REGION}),
            method="post",
            ok=201,
            scoped=False,
            body={"title": "矩阵政策", "issuer": "自治区工业和信息化厅", "issued_on": "2020-02-10"},
        ),
        "api:list_measures": Case(lambda c, i: "/api/v1/measures", ALL, scoped=False),
        "api:get_measure": Case(lambda c, i: f"/api/v1/measures/{c['measure'].pk}", ALL, scoped=False),
        "api:create_measure": Case(
            lambda c, i: "/api/v1/measures",
            frozenset({Role.REGION}),
            method="post",
            ok=201,
            scoped=False,
            body=lambda c, i: {
                "policy": c["policy"].pk,
                "article": "第五条",
                "title": "矩阵措施",
                "benefit_type": "subsidy",
                "delivery": "application",
                "department": "自治区工业和信息化厅",
                "rule": {"all": [{"fact": "industry", "op": "in", "value": ["31"], "article": "第五条"}]},
            },
        ),
        "api:list_eligible": Case(
            lambda c, i: f"/api/v1/measures/{c['measure'].pk}/eligible", AREA_READERS, scoped=False
        ),
        "api:get_eligibility": Case(
            lambda c, i: f"/api/v1/measures/{c['measure'].pk}/eligibility/{_enterprise(c, i).credit_code}",
            AREA_READERS | ENTERPRISE_ONLY,
        ),
        "api:list_programmes": Case(lambda c, i: "/api/v1/programmes", ALL, scoped=False),
        "api:list_applications": Case(lambda c, i: "/api/v1/applications", ALL, scoped=False),
        "api:get_application": Case(lambda c, i: f"/api/v1/applications/{_application(c, i).pk}", APPLICATION_VIEWERS),
        "api:create_application": Case(
            lambda c, i: "/api/v1/applications",
            ENTERPRISE_ONLY,
            method="post",
            ok=201,
            scoped=False,
            body=lambda c, i: {"measure": c["spare_measure"].pk, "requested_amount": "20"},
        ),
        "api:move_application": Case(
            lambda c, i: f"/api/v1/applications/{_application(c, i).pk}/moves",
            APPLICATION_MOVERS,
            method="post",
            body=COMMENT,
        ),
        "api:list_benefits": Case(lambda c, i: "/api/v1/benefits", ALL, scoped=False),
        "policies:benefits": Case(lambda c, i: "/policies/benefits/", ALL, scoped=False),
        "policies:benefits_export": Case(lambda c, i: "/policies/benefits/export.xlsx", ALL, scoped=False),
    }
)
# ---- policies: review in stages, experts, public notices, clocks ----
# The region runs the review; the handler persona sits on the programme's panel and is assigned the inside
# enterprise's application only; a public notice is public.
EXPERT = frozenset({Role.HANDLER})


def _scoring(ctx, inside):
    return ctx["scoring_in"] if inside else ctx["scoring_out"]


SCORES = {"scores": {"技术创新能力": 30, "市场前景": 20, "财务状况": 25}}
MATRIX.update(
    {
        "policies:programme_create": Case(
            lambda c, i: f"/policies/measures/{c['review_programme'].measure_id}/programmes/new/",
            frozenset({Role.REGION}),
            scoped=False,
        ),
        "policies:propose_automatic": Case(
            lambda c, i: f"/policies/measures/{c['automatic'].pk}/public-notice/",
            frozenset({Role.REGION}),
            method="post",
            ok=302,
            scoped=False,
            body={"days": "5"},
        ),
        "policies:expert_add": Case(
            lambda c, i: f"/policies/programmes/{c['review_programme'].pk}/experts/",
            frozenset({Role.REGION}),
            method="post",
            ok=302,
            scoped=False,
            body={"username": "erin_handler"},
        ),
        "policies:stage": Case(
            lambda c, i: f"/policies/programmes/{c['review_programme'].pk}/stages/scoring/", OFFICIALS, scoped=False
        ),
        "policies:stage_export": Case(
            lambda c, i: f"/policies/programmes/{c['review_programme'].pk}/stages/scoring.xlsx", OFFICIALS, scoped=False
        ),
        "policies:publish_shortlist": Case(
            lambda c, i: f"/policies/programmes/{c['review_programme'].pk}/public-notice/",
            frozenset({Role.REGION}),
            method="post",
            ok=302,
            scoped=False,
        ),
        "policies:conflict": Case(
            lambda c, i: f"/policies/programmes/{c['review_programme'].pk}/conflicts/",
            EXPERT,
            method="post",
            ok=302,
            scoped=False,
            body=lambda c, i: {"enterprise": c["outside"].pk, "reason": "矩阵"},
        ),
        "policies:assign": Case(
            lambda c, i: f"/policies/applications/{_scoring(c, i).pk}/experts/",
            frozenset({Role.REGION}),
            method="post",
            ok=302,
            body=lambda c, i: {"expert": c["expert"].pk},
        ),
        # Only the expert assigned opens the score sheet; the other application is not found, for everyone.
        "policies:score": Case(
            lambda c, i: f"/policies/applications/{_scoring(c, i).pk}/score/", EXPERT, out_allowed=frozenset()
        ),
        "policies:reviews": Case(lambda c, i: "/policies/reviews/", EXPERT, scoped=False),
        "policies:public_notices": Case(lambda c, i: "/policies/public-notices/", ALL, scoped=False),
        "policies:public_notice": Case(
            lambda c, i: f"/policies/public-notices/{c['public_notice'].pk}/", ALL, scoped=False
        ),
        "policies:public_notice_export": Case(
            lambda c, i: f"/policies/public-notices/{c['public_notice'].pk}.xlsx", ALL, scoped=False
        ),
        "policies:notice_award": Case(
            lambda c, i: f"/policies/public-notices/{c['public_notice'].pk}/award/",
            frozenset({Role.REGION}),
            method="post",
            ok=302,
            scoped=False,
        ),
        "policies:objection": Case(
            lambda c, i: f"/policies/public-notices/entries/{c['entry_in' if i else 'entry_out'].pk}/objections/",
            OFFICIALS,
            method="post",
            ok=302,
            body={"objector": "匿名", "text": "矩阵异议"},
        ),
        "policies:objection_handle": Case(
            lambda c, i: f"/policies/objections/{c['objection'].pk}/",
            frozenset({Role.REGION}),
            method="post",
            ok=302,
            scoped=False,
            body={"outcome": "dismissed", "reason": "经核实无误"},
        ),
        "policies:clocks": Case(lambda c, i: "/policies/clocks/", frozenset({Role.REGION}), scoped=False),
        "api:assign_expert": Case(
            lambda c, i: f"/api/v1/applications/{_scoring(c, i).pk}/experts",
            frozenset({Role.REGION}),
            method="post",
            body=lambda c, i: {"expert": "erin_handler"},
        ),
        "api:put_scores": Case(
            lambda c, i: f"/api/v1/applications/{_scoring(c, i).pk}/scores",
            EXPERT,
            method="put",
            body=SCORES,
            out_allowed=frozenset(),
        ),
        "api:list_public_notices": Case(lambda c, i: "/api/v1/public-notices", ALL, scoped=False),
        "api:get_public_notice": Case(
            lambda c, i: f"/api/v1/public-notices/{c['public_notice'].pk}", ALL, scoped=False
        ),
    }
)


def _benefit_batch(ctx, inside):
    """A benefits import batch of the caller's own (inside), or of another official (outside)."""
    from fugong.core.models import ImportBatch

    user = ctx["users"][ctx["role"]] if inside else ctx["tokens"]["other"].user
    return ImportBatch.objects.create(kind="policies.benefits", user=user, filename="b.xlsx")


MATRIX.update(
    {
        "policies:benefits_import": Case(lambda c, i: "/policies/benefits/import/", OFFICIALS, scoped=False),
        # Batches are private to their uploader: someone else's is 404 even to the region.
        "policies:benefits_import_preview": Case(
            lambda c, i: f"/policies/benefits/import/{_benefit_batch(c, i).pk}/", OFFICIALS, out_allowed=frozenset()
        ),
        "policies:measure_problem": Case(
            lambda c, i: f"/policies/measures/{c['measure'].pk}/problem/", ENTERPRISE_ONLY, scoped=False
        ),
    }
)


# ---- security ----
# The three administrators each open their own pages and nothing of the others'; everyone lists and ends their own
# signed-in sessions, never someone else's.
SYSADMIN, SECADMIN, AUDITADMIN = (frozenset({r}) for r in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN))


def _tracked_session(ctx, inside):
    import secrets

    from fugong.security.models import UserSession

    user = ctx["users"][ctx["role"]] if inside else ctx["tokens"]["other"].user
    return UserSession.objects.create(user=user, session_key=secrets.token_hex(16))


def _outsider(ctx):
    return ctx["tokens"]["other"].user


MATRIX.update(
    {
        # Nothing is waiting for a second factor: the step sends everyone back to the login page.
        "security:two_factor": Case(lambda c, i: "/security/two-factor/", ALL, ok=302, scoped=False),
        "security:sessions": Case(lambda c, i: "/security/sessions/", ALL, scoped=False),
        "security:session_end": Case(
            lambda c, i: f"/security/sessions/{_tracked_session(c, i).pk}/end/",
            ALL,
            method="post",
            ok=302,
            out_allowed=frozenset(),
        ),
        "security:accounts": Case(lambda c, i: "/security/accounts/", SYSADMIN, scoped=False),
        "security:account_active": Case(
            lambda c, i: f"/security/accounts/{_outsider(c).pk}/active/",
            SYSADMIN,
            method="post",
            ok=302,
            scoped=False,
            body={"active": "1"},
        ),
        "security:areas": Case(lambda c, i: "/security/areas/", SYSADMIN, scoped=False),
        "security:roles": Case(lambda c, i: "/security/roles/", SECADMIN, scoped=False),
        "security:role_edit": Case(lambda c, i: f"/security/roles/{_outsider(c).pk}/", SECADMIN, scoped=False),
        "security:revoke_access": Case(
            lambda c, i: f"/security/roles/{_outsider(c).pk}/revoke/", SECADMIN, method="post", ok=302, scoped=False
        ),
        "security:policy": Case(lambda c, i: "/security/policy/", SECADMIN, scoped=False),
        "security:audit": Case(lambda c, i: "/security/audit/", AUDITADMIN, scoped=False),
        "security:audit_export": Case(lambda c, i: "/security/audit/export.xlsx", AUDITADMIN, scoped=False),
    }
)


# A platform account reads the feed and nothing else: every other page and endpoint answers it 404.
PLATFORM_OPENS = {
    "home", "healthz", "livez", "set_language", "accounts:login", "accounts:logout", "accounts:settings",
    "accounts:password_change", "accounts:token_create", "accounts:token_revoke", "api:openapi-json",
    "api:openapi-view", "api:api-root", "api:catalogue_feed", "api:catalogue_feed_export", "api:catalogue_feed_item",
}  # fmt: skip
for _name, _case in list(MATRIX.items()):
    if _name not in PLATFORM_OPENS and Role.PLATFORM in _case.allowed:
        MATRIX[_name] = replace(_case, allowed=_case.allowed - {Role.PLATFORM})


def url_names(patterns=None, namespace=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}:{p.namespace}" if namespace and p.namespace else p.namespace or namespace
            yield from url_names(p.url_patterns, inner or "")
        elif isinstance(p, URLPattern):
            yield f"{namespace}:{p.name}" if namespace else str(p.name)


def test_every_url_has_an_entry():
    names = set(url_names())
    assert names - set(MATRIX) == set(), "URL patterns without an access-matrix entry"
    assert set(MATRIX) - names == set(), "access-matrix entries for URLs that no longer exist"


@pytest.fixture
def ctx(users, baotou_enterprise, ordos_enterprise):
    from decimal import Decimal

    from config.testing import credit_code
    from fugong.areas.models import Area

    project_in = services.key_project_save(
        actor=None,
        source="command",
        data=services.KeyProjectData(
            name="包头稀土新材料项目",
            county=Area.objects.get(code="150203"),
            total_investment=Decimal("50000"),
            planned_start="2020-03-01",
            owner=baotou_enterprise,
        ),
    )
    project_out = services.key_project_save(
        actor=None,
        source="command",
        data=services.KeyProjectData(
            name="准格尔煤制烯烃项目",
            county=Area.objects.get(code="150622"),
            total_investment=Decimal("900000"),
            planned_start="2020-03-01",
        ),
    )
    other = users[Role.REGION]
    tokens = {role: account_services.token_create(user=user, name="t")[0] for role, user in users.items()}
    tokens["other"] = account_services.token_create(user=make_other_user(), name="other")[0]
    batches = {
        role: ImportBatch.objects.create(kind="enterprises", user=user, filename="a.xlsx")
        for role, user in users.items()
    }
    batches["other"] = ImportBatch.objects.create(kind="enterprises", user=tokens["other"].user, filename="b.xlsx")
    report_batches = {
        role: ImportBatch.objects.create(kind="dispatch.daily", user=user, filename="r.xlsx")
        for role, user in users.items()
    }
    report_batches["other"] = ImportBatch.objects.create(
        kind="dispatch.daily", user=tokens["other"].user, filename="s.xlsx"
    )
    assert KeyProject.objects.count() == 2 and other
    from datetime import timedelta

    from django.utils import timezone

    from fugong.areas.models import Park

    today = timezone.localdate()
    weekly_in = make_enterprise(county="150203", above_scale=False, park=Park.objects.get(name="包头铝业产业园区"))
    weekly_out = make_enterprise(county="150622", above_scale=False, park=Park.objects.get(name="准格尔经济开发区"))
    from fugong.dispatch import services as dispatch

    day, monday = today - timedelta(days=1), today - timedelta(days=today.weekday())
    figures = {"status": "production_resumed", "employees": 100, "on_duty": 60, "capacity_pct": 50}
    project_figures = {"status": "started", "workers_on_site": 30, "investment_week": 120}
    reports = {}
    for inside, enterprise, weekly, project in (
        (True, baotou_enterprise, weekly_in, project_in),
        (False, ordos_enterprise, weekly_out, project_out),
    ):
        save = dispatch.report_save
        reports["daily", inside] = save(
            actor=None,
            kind=dispatch.DAILY,
            subject=enterprise,
            period=day - timedelta(days=1),
            values=figures,
            source="api",
        ).report
        reports["weekly", inside] = save(
            actor=None,
            kind=dispatch.WEEKLY,
            subject=weekly,
            period=monday - timedelta(days=7),
            values=figures,
            source="api",
        ).report
        reports["project", inside] = save(
            actor=None,
            kind=dispatch.PROJECT,
            subject=project,
            period=monday - timedelta(days=7),
            values=project_figures,
            source="api",
        ).report
    # ---- arrears ----
    from fugong.arrears.tests.factories import arrears_matrix_context
    from fugong.catalogue.tests.factories import matrix_context as catalogue_context
    from fugong.policies.tests.factories import matrix_context as policies_context
    from fugong.problems.tests.factories import matrix_context
    from fugong.workgroups.tests.factories import matrix_context as workgroups_context

    arrears = arrears_matrix_context(baotou_enterprise, ordos_enterprise)
    arrears["arrears_batches"] = {
        role: ImportBatch.objects.create(kind="arrears", user=user, filename="q.xlsx") for role, user in users.items()
    }
    arrears["arrears_batches"]["other"] = ImportBatch.objects.create(
        kind="arrears", user=tokens["other"].user, filename="q.xlsx"
    )
    # ---- chains ----
    from fugong.chains.tests.factories import chains_matrix_context

    chains = chains_matrix_context(baotou_enterprise, ordos_enterprise)
    chains["chain_batches"] = {
        role: ImportBatch.objects.create(kind="chains.links", user=user, filename="l.xlsx")
        for role, user in users.items()
    }
    chains["chain_batches"]["other"] = ImportBatch.objects.create(
        kind="chains.links", user=tokens["other"].user, filename="l.xlsx"
    )
    return {
        **matrix_context(baotou_enterprise, ordos_enterprise),
        "catalogue": catalogue_context(users, baotou_enterprise, ordos_enterprise),  # ---- catalogue ----
        **chains,
        **arrears,
        **workgroups_context(baotou_enterprise, ordos_enterprise),
        **policies_context(baotou_enterprise, ordos_enterprise, users),  # ---- policies ----
        "reports": reports,
        "day": (today - timedelta(days=1)).isoformat(),
        "monday": (today - timedelta(days=today.weekday())).isoformat(),
        "report": {"status": "production_resumed", "employees": 100, "on_duty": 60, "capacity_pct": 50},
        "project_report": {"status": "started", "workers_on_site": 30, "investment_week": 120},
        "weekly_in": weekly_in,
        "weekly_out": weekly_out,
        "users": users,
        "inside": baotou_enterprise,
        "outside": ordos_enterprise,
        "project_in": project_in,
        "project_out": project_out,
        "tokens": tokens,
        "batches": batches,
        "report_batches": report_batches,
        **_relief_context(users, baotou_enterprise, ordos_enterprise),
        "new_enterprise": {
            "credit_code": credit_code("150203"),
            "name": "矩阵测试企业",
            "county": "150203",
            "industry": "31",
            "size_class": "small",
            "employees": 10,
            "normal_output": "10",
        },
    }


def make_other_user():
    from config.testing import make_user
    from fugong.areas.models import Area

    return make_user("oscar_outsider", Role.LEAGUE, area=Area.objects.get(code="150600"))


def call(client, case, ctx, inside):
    url = case.url(ctx, inside)
    body = case.body(ctx, inside) if callable(case.body) else case.body
    if case.method == "get":
        return client.get(url)
    if case.method == "post" and url.startswith("/api/"):
        return client.post(url, json.dumps(body), content_type="application/json")
    if case.method in ("patch", "put"):
        return getattr(client, case.method)(url, json.dumps(body), content_type="application/json")
    return client.post(url, body or {})


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_matrix(client, ctx, role):
    ctx["role"] = role
    user = ctx["users"][role]
    token = account_services.token_create(user=user, name="matrix")[1]
    wrong = []
    for name, case in MATRIX.items():
        for inside in (True, False) if case.scoped else (True,):
            client.force_login(user)
            allowed = case.allowed if inside else case.allowed & case.out_allowed
            expected = case.ok if role in allowed else case.denied
            if name.startswith("api:") and name not in ("api:openapi-json", "api:openapi-view", "api:api-root"):
                client.logout()
                client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
            response = call(client, case, ctx, inside)
            client.defaults.pop("HTTP_AUTHORIZATION", None)
            if response.status_code != expected:
                wrong.append(f"{name} {'in' if inside else 'out'}: {response.status_code}, expected {expected}")
            if response.status_code == 403:
                wrong.append(f"{name}: 403 tells that the object exists; answer 404")
    assert wrong == []


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_lists_never_show_out_of_scope_objects(client, ctx, role):
    user = ctx["users"][role]
    client.force_login(user)
    outside, inside = ctx["outside"], ctx["inside"]
    page = client.get("/enterprises/").text
    api = client.get("/api/v1/enterprises").json()
    codes = {item["credit_code"] for item in api.get("items", [])}  # a platform account gets 404
    projects = client.get("/enterprises/projects/").text
    assert outside.name not in page or role == Role.REGION
    assert outside.credit_code not in codes or role == Role.REGION
    assert ctx["project_out"].name not in projects or role == Role.REGION
    sees_inside = role in (AREA_READERS | {Role.ENTERPRISE})
    assert (inside.name in page) == sees_inside
    assert (inside.credit_code in codes) == sees_inside


@pytest.mark.django_db
def test_anonymous_is_sent_to_login_or_refused(client, ctx):
    for name, case in MATRIX.items():
        if name in (
            "healthz",
            "livez",
            "set_language",
            "accounts:login",
            "api:openapi-json",
            "api:openapi-view",
            "api:api-root",
        ):
            continue
        ctx["role"] = Role.REGION
        response = call(client, case, ctx, True)
        assert response.status_code in (302, 401), f"{name}: {response.status_code}"
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), name


@pytest.mark.django_db
def test_an_unbound_enterprise_in_another_league_stays_hidden_from_the_work_group(client, users):
    far = make_enterprise(county="152921", name="阿拉善化工有限公司", industry="26")
    client.force_login(users[Role.WORKGROUP])
    assert client.get(f"/enterprises/{far.credit_code}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_the_menu_offers_only_pages_that_open(rf, users, role):
    from django.urls import resolve

    from config.navigation import navigation

    request = rf.get("/")
    request.user, request.resolver_match = users[role], None
    offered = [resolve(entry["url"]).view_name for entry in navigation(request)["navigation"]]
    assert offered, role
    assert [name for name in offered if role not in MATRIX[name].allowed] == []


# ---- relief ----
def _relief_context(users, inside, outside) -> dict:
    from fugong.relief.tests.factories import matrix_context

    return {
        **matrix_context(inside, outside, users[Role.GUARANTOR]),
        "sme_in": make_enterprise(county="150203", size_class="small"),
        "sme_out": make_enterprise(county="150622", size_class="small"),
    }
