"""Concurrent writers on PostgreSQL: reports for one county (one key) and for one enterprise, in parallel
transactions, leave the rollup exactly as a rebuild from the raw reports makes it."""

import random
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections

from config.testing import make_enterprise
from config.tests.browser_support import _restore_migrated_data
from fugong.analytics import rollup
from fugong.analytics.tests.test_rollup import compressed, rows_of_rollup
from fugong.dispatch import services

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")

START = date(2020, 2, 3)


@pytest.fixture(scope="module", autouse=True)
def migrated_data_back_afterwards(django_db_setup, django_db_blocker):
    # The flush after a transactional test empties what the migrations filled (areas, content types):
    # the serialized rollback restores it for each test here, this for the tests after them in the worker.
    yield
    _restore_migrated_data(django_db_blocker)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_writers_lose_nothing():
    rollup.rebuild()
    enterprises = [make_enterprise(county="150203", employees=200) for _ in range(4)]
    errors = []

    def writer(n: int, enterprise, days: list[int]):
        rng = random.Random(n)
        try:
            for day in days:
                on_duty = rng.randint(1, 200)
                values = {"status": "production_resumed", "employees": 200, "on_duty": on_duty,
                          "capacity_pct": Decimal(rng.randint(1, 999)) / 10, "note": ""}  # fmt: skip
                outcome = services.report_save(actor=None, kind=services.DAILY, subject=enterprise,
                                               period=START + timedelta(days=day), values=values, source="api",
                                               today=date(2030, 1, 1))  # fmt: skip
                assert outcome.ok, outcome.errors
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            connections.close_all()

    plans = [(n, enterprises[n % 4], random.Random(n).sample(range(20), 8)) for n in range(4)]
    plans += [(4, enterprises[0], [30, 22, 31, 25]), (5, enterprises[0], [21, 33, 24, 30])]  # one enterprise
    threads = [threading.Thread(target=writer, args=plan) for plan in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    kept = compressed(rows_of_rollup())
    rollup.rebuild()
    assert compressed(rows_of_rollup()) == kept
