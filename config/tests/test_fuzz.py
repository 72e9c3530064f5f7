"""A property-based run over the whole API: every operation, as every role, with data generated from the
OpenAPI description (schemathesis), valid and invalid alike. Nothing may answer 5xx, and afterwards the
pages and lists of every role still answer 200.

`make test` runs a short pass; `make fuzz` sets FUZZ_EXAMPLES for the long one.
"""

import os
from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from config.api import api
from config.testing import make_enterprise
from fugong.accounts import services as account_services
from fugong.accounts.models import Role
from fugong.dispatch import services as dispatch_services
from fugong.dispatch.models import Source
from fugong.enterprises.models import KeyProject
from fugong.problems.tests.factories import make_problem, make_referral

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("fuzz")]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema())
OPERATIONS = sorted(op.ok().label for op in SCHEMA.get_all_operations())

PAGES = [
    "/", "/enterprises/", "/enterprises/projects/", "/dispatch/report/", "/dispatch/grid/", "/dispatch/completeness/",
    "/dispatch/review/", "/analytics/", "/analytics/drill/", "/analytics/brief/", "/problems/", "/problems/queue/",
    "/problems/stats/", "/finance/", "/finance/stats/", "/finance/needs/", "/accounts/settings/",
]  # fmt: skip
LISTS = [
    "/api/v1/enterprises", "/api/v1/reports/daily", "/api/v1/reports/weekly", "/api/v1/reports/projects",
    "/api/v1/problems", "/api/v1/referrals", "/api/v1/figures", "/api/v1/brief",
]  # fmt: skip


@pytest.fixture
def world(users, baotou_enterprise, ordos_enterprise):
    """Something of each kind, in and out of every persona's scope, and a token per persona."""
    park_enterprise = make_enterprise(county="150203", above_scale=False, park=None)
    project = KeyProject.objects.create(
        name="包头稀土新材料项目", league_id="150200", county_id="150203", total_investment=50000,
        planned_start=date(2020, 3, 1), owner=baotou_enterprise,
    )  # fmt: skip
    dispatch_services.report_save(
        actor=users[Role.REGION], kind=dispatch_services.DAILY, subject=baotou_enterprise, period=date(2020, 2, 20),
        values={"status": "work_resumed", "employees": 100, "on_duty": 60, "capacity_pct": 50, "note": ""},
        source=Source.API,
    )  # fmt: skip
    problems = [make_problem(baotou_enterprise), make_problem(ordos_enterprise)]
    referrals = [make_referral(baotou_enterprise), make_referral(ordos_enterprise)]
    tokens = {role: account_services.token_create(user=user, name="fuzz")[1] for role, user in users.items()}
    return {
        "users": users,
        "tokens": tokens,
        "credit_code": [baotou_enterprise.credit_code, ordos_enterprise.credit_code, park_enterprise.credit_code],
        "project_id": [project.pk],
        "problem_id": [p.pk for p in problems],
        "referral_id": [r.pk for r in referrals],
    }


def _known_paths(world) -> st.SearchStrategy:
    """Real identifiers half the time, so that writes reach the services rather than stopping at 404."""
    return st.fixed_dictionaries(
        {},
        optional={
            name: st.sampled_from(world[name]) for name in ("credit_code", "project_id", "problem_id", "referral_id")
        }
        | {"day": st.dates(date(2020, 2, 1), date(2020, 3, 31)).map(str)}
        | {"week": st.sampled_from(["2020-02-17", "2020-02-24"])},
    )


def _send(client, case, token):
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    method = kwargs["method"].lower()
    url = kwargs["url"].removeprefix("http://testserver")
    headers = {k: v for k, v in (kwargs.get("headers") or {}).items() if k.lower() not in ("authorization", "cookie")}
    extra = {f"HTTP_{k.upper().replace('-', '_')}": str(v) for k, v in headers.items() if k.lower() != "content-type"}
    extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    query = kwargs.get("params") or {}
    if "json" in kwargs:
        import json

        body = json.dumps(kwargs["json"])
        if query:
            from urllib.parse import urlencode

            url = f"{url}?{urlencode(query, doseq=True)}"
        return getattr(client, method)(url, data=body, content_type="application/json", **extra)
    if method == "get":
        return client.get(url, query, **extra)
    if query:
        from urllib.parse import urlencode

        url = f"{url}?{urlencode(query, doseq=True)}"
    return getattr(client, method)(url, **extra)


@pytest.mark.parametrize("label", OPERATIONS)
def test_no_input_makes_the_api_fail(client, world, label):
    method, path = label.split(" ", 1)
    operation = SCHEMA[path][method]
    strategies = [
        operation.as_strategy(generation_mode=mode, path_parameters=None)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    ]
    failures, seen = [], {}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=os.environ.get("FUZZ_SEED") is None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(case=st.one_of(strategies), role=st.sampled_from(sorted(world["tokens"])), known=_known_paths(world))
    def run(case, role, known):
        if case.path_parameters:
            for name in case.path_parameters:
                if name in known:
                    case.path_parameters[name] = known[name]
        response = _send(client, case, world["tokens"][role])
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            failures.append((role, case.as_curl_command(), response.status_code))
        assert response.status_code < 500, (role, case.as_curl_command())

    run()
    if os.environ.get("FUZZ_VERBOSE"):
        print(label, dict(sorted(seen.items())))  # noqa: T201
    assert not failures


def test_after_a_run_every_role_still_sees_its_pages(client, world):
    """A short run of every write, then every page and list as every role."""
    for label in OPERATIONS:
        if label.startswith("GET"):
            continue
        method, path = label.split(" ", 1)
        operation = SCHEMA[path][method]

        @settings(max_examples=max(10, EXAMPLES // 4), deadline=None, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.generate])  # fmt: skip
        @given(case=operation.as_strategy(), role=st.sampled_from(sorted(world["tokens"])), known=_known_paths(world))
        def write(case, role, known):
            for name in case.path_parameters or {}:
                if name in known:
                    case.path_parameters[name] = known[name]
            assert _send(client, case, world["tokens"][role]).status_code < 500

        write()
    for role, user in world["users"].items():
        client.force_login(user)
        for url in PAGES:
            response = client.get(url)
            assert response.status_code in (200, 302, 404), (role, url, response.status_code)
        for url in LISTS:
            response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {world['tokens'][role]}")
            assert response.status_code in (200, 404), (role, url, response.status_code)
        client.logout()
