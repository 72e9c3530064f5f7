"""The same loan sent twice at the same moment, each on its own connection: one row, on SQLite and on PostgreSQL.

Real transactions, as in fugong/dispatch/tests/test_concurrency.py: the flush after each test empties the tables the
migrations filled, which a serialized rollback puts back, and the module once more at its end.
"""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from config.testing import make_enterprise
from config.tests.browser_support import _restore_migrated_data
from fugong.relief import services
from fugong.relief.models import FundLoan, Loan, LoanEvent
from fugong.relief.tests.factories import bank, make_fund

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(scope="module", autouse=True)
def migrated_data_back_afterwards(django_db_setup, django_db_blocker):
    yield
    _restore_migrated_data(django_db_blocker)


def race(*calls):
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


def test_the_same_loan_declared_twice_at_once_is_stored_once():
    enterprise = make_enterprise(county="150202", name="包头并发贷款有限公司", size_class="small")
    lender = bank()
    values = {"enterprise": enterprise, "bank": lender, "amount": Decimal(500), "granted_on": date(2019, 5, 1),
              "due_on": date(2020, 3, 1), "requested": "renewal", "declared_on": date(2020, 2, 10)}  # fmt: skip
    outcomes = race(*[lambda: services.loan_declare(actor=None, **values)] * 3)
    assert sorted(created for _loan, created in outcomes) == [False, False, True]
    assert {loan.pk for loan, _created in outcomes} == {Loan.objects.get().pk}
    assert LoanEvent.objects.count() == 1


def test_the_same_fund_loan_recorded_twice_at_once_is_stored_once():
    fund = make_fund("150200")
    sme = make_enterprise(county="150202", name="包头并发助保金有限公司", size_class="small")
    lender = bank()
    values = {"fund": fund, "enterprise": sme, "bank": lender, "amount": Decimal(120), "rate": Decimal("4.35"),
              "term_months": 12, "granted_on": date(2020, 2, 14)}  # fmt: skip
    outcomes = race(*[lambda: services.fund_loan_grant(actor=None, **values)] * 3)
    assert sorted(created for _loan, created in outcomes) == [False, False, True]
    assert FundLoan.objects.count() == 1
