"""A large registry import saved by a task (fugong/core/tasks.py): progress, result, failure, scope.

The threshold and the chunk are made tiny so that a few rows go the way of 100,000; bench/import_task_bench.py
measures the request that starts a 100,000-row save.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from config.testing import credit_code
from fugong.accounts.models import Role
from fugong.core import imports
from fugong.core.models import ImportBatch
from fugong.enterprises import excel
from fugong.enterprises.models import Enterprise
from fugong.enterprises.tests.test_excel import HEADER, decide, preview, row, xlsx

pytestmark = pytest.mark.django_db

ROWS = 8


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def background(settings, monkeypatch):
    settings.IMPORT_BACKGROUND_ROWS = 5
    monkeypatch.setattr(ImportBatch, "CHUNK", 3)


@pytest.fixture
def worker(settings, monkeypatch):
    """The database backend, as in production: the request only enqueues; run_worker() then does the work."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker checks its connection between tasks, which would close the test's own.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)

    def run_worker():
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    return run_worker


def sheet(n=ROWS, **cells):
    codes = [credit_code("150203") for _ in range(n)]
    return codes, xlsx([HEADER, *(row(code, f"企业{i}", "150203", **cells) for i, code in enumerate(codes))])


def page(client, batch, **query):
    return client.get(reverse("enterprises:import_preview", args=[batch.pk]), query)


def test_it_saves_a_large_batch_in_a_task_whose_progress_moves_and_ends(client, users, background, monkeypatch):
    client.force_login(users[Role.COUNTY])
    codes, content = sheet()
    batch = preview(client, content)
    seen = []
    commit_chunk = excel.IMPORTER.commit_chunk

    def watched(**kwargs):
        # What the page's bar shows while the chunk is being saved.
        seen.append(imports.progress_of(ImportBatch.objects.get(pk=batch.pk)))
        return commit_chunk(**kwargs)

    monkeypatch.setattr(excel.IMPORTER, "commit_chunk", watched)
    response = decide(client, batch, "commit")
    assert response.status_code == 302
    assert [(p["done"], p["total"], p["percent"]) for p in seen] == [(0, 8, 0), (3, 8, 37), (6, 8, 75)]
    assert imports.get_progress(batch.pk) == {"done": 8, "total": 8}
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.COMMITTED
    assert batch.result == {"created": ROWS, "updated": 0, "failed": []}
    assert Enterprise.objects.filter(credit_code__in=codes).count() == ROWS


def test_the_request_only_enqueues_and_the_page_shows_the_bar_until_the_worker_is_done(
    client, users, background, worker
):
    client.force_login(users[Role.COUNTY])
    codes, content = sheet()
    batch = preview(client, content)
    assert decide(client, batch, "commit").status_code == 302
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.SAVING
    assert DBTaskResult.objects.filter(task_path="fugong.core.tasks.commit_import").count() == 1
    assert not Enterprise.objects.filter(credit_code__in=codes).exists()

    shown = page(client, batch)
    assert 'data-testid="progress" data-done="0" data-total="8"' in shown.text
    assert 'data-testid="decision"' not in shown.text  # nobody can save it twice
    with CaptureQueriesContext(connection) as queries:
        polled = page(client, batch, progress=1)
    assert polled.status_code == 200 and "0 of 8 rows (0%)" in polled.text and "<html" not in polled.text
    # A poll only reads: on SQLite a write would wait for the worker's transaction (and it keeps no session alive).
    assert all(q["sql"].startswith("SELECT") for q in queries.captured_queries), queries.captured_queries
    assert decide(client, batch, "commit").status_code == 302  # a second click enqueues nothing
    assert DBTaskResult.objects.count() == 1

    imports.set_progress(batch.pk, 6, 8)
    assert "6 of 8 rows (75%)" in page(client, batch, progress=1).text

    worker()
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.COMMITTED and batch.result["created"] == ROWS
    assert Enterprise.objects.filter(credit_code__in=codes).count() == ROWS
    done = page(client, batch, progress=1)
    assert done["HX-Refresh"] == "true"  # the page reloads into the result
    result = page(client, batch)
    assert 'data-testid="result" data-state="committed"' in result.text and 'data-testid="progress"' not in result.text


def test_a_failing_row_saves_nothing_and_the_page_shows_the_error(client, users, background, monkeypatch):
    client.force_login(users[Role.COUNTY])
    codes, content = sheet()
    batch = preview(client, content)
    commit_chunk = excel.IMPORTER.commit_chunk

    def failing(*, user, rows):
        if any(r["row"] == 8 for r in rows):  # the third chunk, after two were written
            raise ValueError("disk full on row 8")
        return commit_chunk(user=user, rows=rows)

    monkeypatch.setattr(excel.IMPORTER, "commit_chunk", failing)
    assert decide(client, batch, "commit").status_code == 302
    assert not Enterprise.objects.filter(credit_code__in=codes).exists()
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.PREVIEW and batch.result == {"error": "disk full on row 8"}
    shown = page(client, batch)
    assert "Saving failed, and nothing was saved: disk full on row 8" in shown.text
    assert 'data-testid="decision"' in shown.text  # fixed, it may be saved again, or discarded

    monkeypatch.setattr(excel.IMPORTER, "commit_chunk", commit_chunk)
    decide(client, batch, "commit")
    assert Enterprise.objects.filter(credit_code__in=codes).count() == ROWS


def test_a_task_failing_in_the_worker_saves_nothing(client, users, background, worker, monkeypatch):
    client.force_login(users[Role.COUNTY])
    codes, content = sheet()
    batch = preview(client, content)
    decide(client, batch, "commit")

    def failing(*, user, rows):
        raise RuntimeError("the worker lost its database")

    monkeypatch.setattr(excel.IMPORTER, "commit_chunk", failing)
    worker()
    assert DBTaskResult.objects.get().status == "FAILED"
    assert not Enterprise.objects.filter(credit_code__in=codes).exists()
    assert "the worker lost its database" in page(client, batch).text


def test_a_row_refused_at_the_save_is_listed_as_before(client, users, background):
    # A row valid at the preview but refused when saved (the registry changed meanwhile) is reported, as when
    # saved within the request; the all-or-nothing holds for errors, not for rows the checks refuse.
    client.force_login(users[Role.COUNTY])
    codes, content = sheet()
    batch = preview(client, content)
    stored = list(batch.row_set.order_by("pk"))
    stored[1].data["raw"]["name"] = ""  # as if it had changed; the save plans again from the cells
    stored[1].save()
    decide(client, batch, "commit")
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.COMMITTED
    assert [f["row"] for f in batch.result["failed"]] == [3]
    assert Enterprise.objects.filter(credit_code__in=codes).count() == ROWS - 1


def test_a_small_batch_is_saved_within_the_request(client, users, settings, worker):
    settings.IMPORT_BACKGROUND_ROWS = 3000
    client.force_login(users[Role.COUNTY])
    codes, content = sheet()
    batch = preview(client, content)
    decide(client, batch, "commit")
    assert DBTaskResult.objects.count() == 0
    assert Enterprise.objects.filter(credit_code__in=codes).count() == ROWS


def test_another_users_task_is_404(client, users, background, worker):
    client.force_login(users[Role.COUNTY])
    _codes, content = sheet()
    batch = preview(client, content)
    decide(client, batch, "commit")
    for role in (Role.REGION, Role.LEAGUE):
        client.force_login(users[role])
        assert page(client, batch, progress=1).status_code == 404
        assert page(client, batch).status_code == 404
        assert decide(client, batch, "discard").status_code == 404
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.SAVING


def test_rows_refused_by_the_worker_are_told_in_the_language_of_who_saved(client, users, background, worker):
    client.force_login(users[Role.COUNTY])
    _codes, content = sheet()
    batch = preview(client, content)
    stored = batch.row_set.order_by("pk").first()
    stored.data["raw"]["name"] = ""
    stored.save()
    decide(client, batch, "commit")  # in English (the cookie)
    with translation.override("zh-hans"):  # the worker's own language
        worker()
    batch.refresh_from_db()
    [failure] = batch.result["failed"]
    assert failure["row"] == 2 and failure["message"].isascii(), failure
