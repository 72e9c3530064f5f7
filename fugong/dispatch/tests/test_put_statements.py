"""The report PUT's SQL statements (issue 16's budget: at most 6 for a new daily report by its enterprise's token on
PostgreSQL, BEGIN and COMMIT included), and the short path's fallback when something changes under it.

Counted in real transactions (as in production, not inside a test's transaction): on PostgreSQL a new report is
the token, the read, BEGIN, the write (report, version, the rollup's locks), the rollup's totals, COMMIT; Django
logs BEGIN on SQLite (BEGIN IMMEDIATE, which the read joins) but not on PostgreSQL, where the driver sends it.
"""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.tests.browser_support import _restore_migrated_data
from fugong.accounts import services as account_services
from fugong.accounts.models import Role
from fugong.analytics import rollup
from fugong.analytics.tests.test_rollup import compressed, rows_of_rollup
from fugong.dispatch import put, services
from fugong.dispatch.models import DailyReport, ReportVersion

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BODY = {"status": "production_resumed", "employees": 100, "on_duty": 64, "capacity_pct": 55.5, "note": "正常"}
POSTGRES = connection.vendor == "postgresql"


@pytest.fixture(scope="module", autouse=True)
def migrated_data_back_afterwards(django_db_setup, django_db_blocker):
    yield
    _restore_migrated_data(django_db_blocker)


def day(n: int) -> str:
    return (timezone.localdate() - timedelta(days=n)).isoformat()


@pytest.fixture
def filer(client, users, baotou_enterprise):
    rollup.rebuild()  # the figures' rollup kept, as in production
    token = account_services.token_create(user=users[Role.ENTERPRISE], name="t")[1]

    def send(n: int, body=BODY, code=baotou_enterprise.credit_code):
        url = f"/api/v1/reports/daily/{code}/{day(n)}"
        with CaptureQueriesContext(connection) as captured:
            response = client.put(url, json.dumps(body), content_type="application/json",
                                  HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip
        return response, [q["sql"] for q in captured.captured_queries]

    send(5)  # the token's first use writes "last used" (once in its life; then once a minute a process)
    return send


def audit_statements(queries: list[str]) -> list[str]:
    """The level-3 audit trail's share (fugong/security): the chain's head, its lock on PostgreSQL, one INSERT, and
    the savepoint its request transaction makes of the PUT's own; counted apart from issue 16's budget."""
    return [q for q in queries if "security_auditentry" in q or "pg_advisory" in q or "SAVEPOINT" in q]


def statements(queries: list[str]) -> int:
    """The PUT's own statements: PostgreSQL's BEGIN is sent by the driver, not logged by Django."""
    began = any(q.startswith("BEGIN") for q in queries)
    own = [q for q in queries if q not in audit_statements(queries)]
    return len(own) + (1 if POSTGRES and not began and any(q == "COMMIT" for q in queries) else 0)


def test_the_audit_trail_adds_its_entry_and_no_more(filer):
    from fugong.security.models import AuditEntry

    response, queries = filer(2)
    assert response.status_code == 201, response.content
    trail = audit_statements(queries)
    assert sum("INSERT" in q for q in trail) == 1 and len(trail) <= (5 if POSTGRES else 4), trail
    entry = AuditEntry.objects.filter(model="dispatch.dailyreport").latest("seq")
    assert (entry.action, entry.enterprise_id) == ("create", DailyReport.objects.get(date=day(2)).enterprise_id)


def test_a_new_daily_report_by_its_enterprises_token_is_within_the_budget(filer):
    response, queries = filer(3)
    assert response.status_code == 201, response.content
    assert statements(queries) <= (6 if POSTGRES else 9), queries
    if POSTGRES:  # the budget: token, read, BEGIN, write, rollup, COMMIT
        assert statements(queries) == 6, queries
    body = response.json()
    assert body["version"] == 1 and body["late"] is True and body["name"] and body["credit_code"]
    assert ReportVersion.objects.filter(kind="daily", report_id=DailyReport.objects.get(date=day(3)).pk).count() == 1


def test_an_unchanged_re_put_reads_and_writes_nothing(filer):
    filer(3)
    response, queries = filer(3)
    assert response.status_code == 200 and response.json()["version"] == 1
    # The token and the read; the request's transaction and the audit trail's entry of the attempt apart.
    own = [q for q in queries if q not in audit_statements(queries) and not q.startswith(("BEGIN", "COMMIT"))]
    assert len(own) == 2, queries
    assert not [q for q in own if q.startswith(("INSERT", "UPDATE", "WITH"))]


def test_an_update_keeps_its_version_and_the_figures_current(filer):
    filer(3)
    response, queries = filer(3, {**BODY, "on_duty": 70})
    assert response.status_code == 200 and response.json()["version"] == 2
    assert statements(queries) <= (6 if POSTGRES else 9), queries
    report = DailyReport.objects.get(date=day(3))
    assert [v.version for v in ReportVersion.objects.filter(report_id=report.pk)] == [2, 1]
    assert ReportVersion.objects.get(report_id=report.pk, version=2).changed == {"on_duty": [64, 70]}
    kept = compressed(rows_of_rollup())
    rollup.rebuild()
    assert compressed(rows_of_rollup()) == kept


def test_a_refusal_and_a_conflict_write_nothing(filer):
    response, queries = filer(3, {**BODY, "on_duty": 101})
    assert response.status_code == 400 and "on_duty" in response.json()["error"]
    # Nothing of the report; the audit trail records the refused write (level 3 keeps refused attempts).
    assert not [q for q in queries if q.startswith(("INSERT", "UPDATE", "WITH")) and q not in audit_statements(queries)]
    filer(3)
    filer(3, {**BODY, "on_duty": 70})
    response, _queries = filer(3, {**BODY, "on_duty": 80, "version": 1})
    assert response.status_code == 409 and response.json()["current"]["on_duty"] == 70


def test_out_of_scope_is_404_in_the_same_read(filer, ordos_enterprise):
    response, queries = filer(3, code=ordos_enterprise.credit_code)
    assert response.status_code == 404
    # The token and the read; the request's transaction and the audit trail's entry of the attempt apart.
    own = [q for q in queries if q not in audit_statements(queries) and not q.startswith(("BEGIN", "COMMIT"))]
    assert len(own) <= 2, queries


ONLY_POSTGRES = pytest.mark.skipif(not POSTGRES, reason="on SQLite the read is in the writing transaction")


@ONLY_POSTGRES
def test_a_report_created_between_the_read_and_the_write_takes_the_general_path(monkeypatch, users, baotou_enterprise):
    """Another request files the same report after our read: our insert finds it, and the general path answers."""
    rollup.rebuild()
    read = put._read

    def read_then_someone_files(kind, enterprises, period):
        row = read(kind, enterprises, period)
        monkeypatch.setattr(put, "_read", read)
        services.reports_save(actor=None, kind=kind, items=[services.Item(subject=baotou_enterprise, period=period,
                              values={**BODY, "capacity_pct": 55.5})], source="api", general=True)  # fmt: skip
        return row

    monkeypatch.setattr(put, "_read", read_then_someone_files)
    period = timezone.localdate() - timedelta(days=2)
    outcome = services.report_save(
        actor=users[Role.ENTERPRISE], kind=services.DAILY, subject=baotou_enterprise, period=period,
        values={**BODY, "on_duty": 70}, source="api",
    )  # fmt: skip
    assert outcome.result == "updated" and outcome.report.version == 2
    assert DailyReport.objects.filter(date=period).count() == 1 and ReportVersion.objects.count() == 2
    kept = compressed(rows_of_rollup())
    rollup.rebuild()
    assert compressed(rows_of_rollup()) == kept


@ONLY_POSTGRES
def test_a_neighbouring_report_filed_between_the_read_and_the_write_takes_the_general_path(
    monkeypatch, users, baotou_enterprise
):
    """The enterprise's report of the day before arrives after our read: the rollup's member row changed (PostgreSQL),
    our write is rolled back, and the general path saves ours with the right neighbours."""
    rollup.rebuild()
    read = put._read
    period = timezone.localdate() - timedelta(days=2)

    def read_then_the_day_before(kind, enterprises, day):
        row = read(kind, enterprises, day)
        monkeypatch.setattr(put, "_read", read)
        before = services.Item(subject=baotou_enterprise, period=period - timedelta(days=1), values=BODY)
        services.reports_save(actor=None, kind=kind, items=[before], source="api", general=True)
        return row

    monkeypatch.setattr(put, "_read", read_then_the_day_before)
    outcome = services.report_save(
        actor=users[Role.ENTERPRISE], kind=services.DAILY, subject=baotou_enterprise, period=period,
        values={**BODY, "on_duty": 70}, source="api",
    )  # fmt: skip
    assert outcome.result == "created"
    assert DailyReport.objects.count() == 2 and ReportVersion.objects.count() == 2
    kept = compressed(rows_of_rollup())
    rollup.rebuild()
    assert compressed(rows_of_rollup()) == kept
