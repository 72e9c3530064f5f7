"""Every URL × every role × an object in and out of scope (DESIGN.md rule 1).

A URL pattern without an entry in MATRIX fails `test_every_url_has_an_entry`, so a new page
cannot ship without deciding who may open it. Out of scope answers 404, never 403.
"""

import json
from dataclasses import dataclass, field

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
        "api:get_figures": Case(_figures("/api/v1/figures"), AREA_READERS),
        "api:get_brief": Case(_figures("/api/v1/brief"), AREA_READERS),
    }
)


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
        "api:get_figures": Case(_figures("/api/v1/figures"), AREA_READERS),
        "api:get_brief": Case(_figures("/api/v1/brief"), AREA_READERS),
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
    from fugong.problems.tests.factories import matrix_context

    return {
        **matrix_context(baotou_enterprise, ordos_enterprise),
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
    codes = {item["credit_code"] for item in api["items"]}
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
