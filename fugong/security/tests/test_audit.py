import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config.testing import PASSWORD, make_enterprise
from fugong.accounts.models import Role
from fugong.security import trail
from fugong.security.models import Action, AuditAnchor, AuditEntry

pytestmark = pytest.mark.django_db


def entries(**filters):
    return list(AuditEntry.objects.filter(**filters).order_by("seq"))


def test_a_write_in_another_app_is_recorded_with_its_enterprise(users):
    enterprise = make_enterprise(county="150203", name="审计测试企业有限公司")
    created = entries(action=Action.CREATE, model="enterprises.enterprise", object_id=str(enterprise.pk))
    assert len(created) == 1
    assert created[0].enterprise_id == enterprise.pk


def test_a_request_records_its_user_address_and_path_in_one_insert(client, users, baotou_enterprise):
    client.force_login(users[Role.LEAGUE])
    before = AuditEntry.objects.count()
    with CaptureQueriesContext(connection) as queries:
        response = client.patch(
            f"/api/v1/enterprises/{baotou_enterprise.credit_code}",
            json.dumps({"contact_name": "王五"}),
            content_type="application/json",
            REMOTE_ADDR="10.1.2.3",
        )
    assert response.status_code == 200
    new = entries(seq__gt=0)[before:]
    assert new, "the change was not recorded"
    assert {e.username for e in new} == {"bob_league"}
    assert {e.ip for e in new} == {"10.1.2.3"}
    assert all(e.path.startswith("/api/v1/enterprises/") for e in new)
    assert any(e.enterprise_id == baotou_enterprise.pk for e in new)
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "security_auditentry"')]
    assert len(inserts) == 1, "the request's entries go in with one INSERT"


def test_sign_ins_and_failures_are_recorded(client, users):
    client.post(reverse("accounts:login"), {"username": "bob_league", "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    client.post(reverse("accounts:login"), {"username": "bob_league", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    failed = entries(action=Action.LOGIN_FAILED)
    assert [(e.username, e.ip) for e in failed] == [("bob_league", "10.9.9.9")]
    assert [e.username for e in entries(action=Action.LOGIN)] == ["bob_league"]


def test_an_export_is_recorded_by_the_middleware(client, users, baotou_enterprise):
    client.force_login(users[Role.LEAGUE])
    response = client.get("/enterprises/export.xlsx")
    assert response.status_code == 200
    exported = entries(action=Action.EXPORT)
    assert len(exported) == 1
    assert exported[0].path == "/enterprises/export.xlsx"
    assert exported[0].username == "bob_league"


def test_a_page_that_unmasks_a_phone_is_recorded(client, users, baotou_enterprise):
    from fugong.problems.tests.factories import make_problem

    problem = make_problem(baotou_enterprise)
    client.force_login(users[Role.LEAGUE])
    assert client.get(f"/problems/{problem.pk}/").status_code == 200
    shown = entries(action=Action.PERSONAL)
    assert len(shown) == 1
    assert baotou_enterprise.credit_code in shown[0].detail["enterprise"]


def test_the_chain_verifies_and_names_a_row_altered_in_the_database(users):
    make_enterprise(county="150203")
    count, broken = trail.verify()
    assert broken is None and count == AuditEntry.objects.count() > 3
    victim = entries()[2]
    # An attacker with the database's owner rights turns the trigger off and edits an entry.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE security_auditentry DISABLE TRIGGER security_audit_append_only")
        else:
            cursor.execute("DROP TRIGGER security_audit_no_update")
        cursor.execute("UPDATE security_auditentry SET username = 'nobody' WHERE seq = %s", [victim.seq])
    _count, broken = trail.verify()
    assert broken is not None and broken.seq == victim.seq
    with pytest.raises(CommandError, match=f"broken at entry {victim.seq}"):
        call_command("audit_verify", stdout=StringIO())


def test_the_command_says_the_chain_is_intact(users):
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact" in out.getvalue()


def test_the_database_refuses_to_update_or_delete_an_entry(users):
    entry = entries()[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(username="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk, username=entry.username).exists()


def test_old_entries_are_archived_to_a_file_and_the_chain_goes_on(tmp_path, monkeypatch):
    assert not AuditEntry.objects.exists()
    long_ago = timezone.now() - timedelta(days=200)
    with monkeypatch.context() as m:
        m.setattr(timezone, "now", lambda: long_ago)
        for n in range(3):
            trail.note(Action.ADMIN, summary=f"old {n}")
    trail.note(Action.ADMIN, summary="new")
    out = StringIO()
    call_command("audit_archive", to=str(tmp_path), stdout=out)
    anchor = AuditAnchor.objects.get()
    assert (anchor.through_seq, anchor.count) == (3, 3)
    archived = [json.loads(line) for line in (tmp_path / "audit-1-3.jsonl").read_text().splitlines()]
    assert [e["summary"] for e in archived] == ["old 0", "old 1", "old 2"]
    assert [e.summary for e in entries()] == ["new"]
    assert trail.verify() == (1, None)
    # Within the retention nothing moves, and the database refuses to drop a recent entry.
    call_command("audit_archive", to=str(tmp_path), stdout=out)
    assert AuditEntry.objects.count() == 1
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.all().delete()


def test_the_audit_administrator_searches_and_exports(client, users, baotou_enterprise):
    client.post(reverse("accounts:login"), {"username": "carol_county", "password": "wrong"})
    client.force_login(users[Role.AUDITADMIN])
    page = client.get("/security/audit/", {"user": "carol_county", "action": "login_failed"})
    assert page.status_code == 200
    assert page.text.count('data-testid="audit-row"') == 1
    by_enterprise = client.get("/security/audit/", {"enterprise": baotou_enterprise.credit_code})
    assert by_enterprise.text.count('data-testid="audit-row"') >= 1
    export = client.get("/security/audit/export.xlsx", {"user": "carol_county"})
    assert export.status_code == 200
    assert "attachment" in export["Content-Disposition"]
    # The audit administrator's own export is itself recorded.
    assert entries(action=Action.EXPORT, username="mia_auditadmin")


def test_the_report_put_costs_the_trail_a_head_read_and_one_insert(client, users, baotou_enterprise):
    """The deadline peak's request: every write it makes is recorded, in one INSERT after one read of the head."""
    from datetime import timedelta

    client.force_login(users[Role.ENTERPRISE])
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    body = {"status": "production_resumed", "employees": 100, "on_duty": 60, "capacity_pct": 50}
    with CaptureQueriesContext(connection) as queries:
        response = client.put(
            f"/api/v1/reports/daily/{baotou_enterprise.credit_code}/{day}", json.dumps(body), "application/json"
        )
    assert response.status_code == 201
    sql = [q["sql"] for q in queries.captured_queries]
    trail_sql = [s for s in sql if "security_auditentry" in s or "pg_advisory_xact_lock" in s]
    assert len(trail_sql) == (3 if connection.vendor == "postgresql" else 2), trail_sql
    recorded = entries(model="dispatch.dailyreport", action=Action.CREATE)
    assert [(e.username, e.enterprise_id) for e in recorded] == [("frank_enterprise", baotou_enterprise.pk)]
    print(f"report PUT: {len(sql)} statements, {len(trail_sql)} of them the audit trail's")  # noqa: T201
