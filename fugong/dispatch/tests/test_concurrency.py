"""Real threads against the database: run on SQLite and on PostgreSQL (DATABASE_URL).

The threads need real transactions; the flush after each such test empties the tables the
migrations filled (areas, industries, deadlines). A serialized rollback puts them back before each
test, and the module puts them back once more at its end for the tests that follow in this worker.
"""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from config.testing import make_enterprise, personas
from config.tests.browser_support import _restore_migrated_data
from fugong.accounts.models import Role
from fugong.dispatch import services
from fugong.dispatch.models import DailyReport, ReportVersion, Source

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TODAY = date(2020, 2, 22)
FIGURES = {"status": "production_resumed", "employees": 100, "on_duty": 70, "capacity_pct": Decimal("60"), "note": ""}


@pytest.fixture(scope="module", autouse=True)
def migrated_data_back_afterwards(django_db_setup, django_db_blocker):
    yield
    _restore_migrated_data(django_db_blocker)


def race(*calls):
    """Start every call at the same moment, each on its own connection; their results in order."""
    barrier = threading.Barrier(len(calls))
    results, failures = [None] * len(calls), []

    def run(n, call):
        try:
            barrier.wait()
            results[n] = call()
        except Exception as e:  # noqa: BLE001 - collected and asserted below
            failures.append(repr(e))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    return results


def save(enterprise, actor=None, base_version=None, **overrides):
    return services.report_save(
        actor=actor,
        kind=services.DAILY,
        subject=enterprise,
        period=TODAY,
        values={**FIGURES, **overrides},
        source=Source.API,
        base_version=base_version,
        today=TODAY,
    )


def test_two_editors_of_the_same_version_one_is_refused_with_the_others_values():
    enterprise = make_enterprise(county="150202", name="包头并发测试有限公司")
    users = personas(enterprise)
    assert save(enterprise).result == "created"
    league, owner = users[Role.LEAGUE], users[Role.ENTERPRISE]
    outcomes = race(
        lambda: save(enterprise, actor=league, base_version=1, on_duty=80),
        lambda: save(enterprise, actor=owner, base_version=1, on_duty=90),
    )
    assert sorted(o.result for o in outcomes) == ["conflict", "updated"]
    winner = next(o for o in outcomes if o.result == "updated")
    loser = next(o for o in outcomes if o.result == "conflict")
    report = DailyReport.objects.get(enterprise=enterprise)
    assert report.version == 2 and report.on_duty == winner.item.values["on_duty"]
    assert loser.current["on_duty"] == report.on_duty and loser.current["version"] == 2
    assert ReportVersion.objects.filter(kind="daily", report_id=report.pk).count() == 2


def test_twenty_different_enterprises_at_once_each_get_their_report():
    enterprises = [make_enterprise(county="150202") for _ in range(20)]
    outcomes = race(*[(lambda e=e: save(e)) for e in enterprises])
    assert [o.result for o in outcomes] == ["created"] * 20
    assert DailyReport.objects.count() == 20 and ReportVersion.objects.count() == 20


def test_twenty_identical_submissions_at_once_leave_one_report():
    enterprise = make_enterprise(county="150202")
    outcomes = race(*[(lambda: save(enterprise)) for _ in range(20)])
    assert sorted(o.result for o in outcomes) == ["created"] + ["unchanged"] * 19
    assert DailyReport.objects.filter(enterprise=enterprise).count() == 1
    assert ReportVersion.objects.filter(kind="daily").count() == 1
