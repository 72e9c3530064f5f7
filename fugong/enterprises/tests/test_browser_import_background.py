"""A large registry import in a real browser: save, watch the progress bar move, land on the result.

The worker is django-tasks' database worker, run by the test once the browser shows the bar; the threshold and
the chunk are tiny, and each chunk is slowed so that the page's polling sees the bar between its ends.
Screenshots land in test-artifacts/screenshots/ as enterprises-import-progress-<lang>-<size>.png.
"""

import time

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from config.testing import credit_code
from config.tests import browser_support
from config.tests.browser_support import SIZES, horizontal_overflow, log_in, screenshot
from fugong.core.models import ImportBatch
from fugong.enterprises import excel
from fugong.enterprises.models import Enterprise
from fugong.enterprises.tests.test_excel import HEADER, row, xlsx

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

browser = browser_support.browser
watched = browser_support.watched

ROWS = 8

# Each value of the bar the page shows, kept across the reload that ends the polling.
RECORD_BAR = """
document.body.addEventListener("htmx:afterSettle", () => {
  const bar = document.getElementById("import-progress");
  if (bar) {
    const seen = JSON.parse(sessionStorage.getItem("bar") || "[]");
    seen.push(Number(bar.dataset.done));
    sessionStorage.setItem("bar", JSON.stringify(seen));
  }
});
"""


@pytest.fixture
def background(transactional_db, live_server, users, settings, monkeypatch):
    settings.IMPORT_BACKGROUND_ROWS = 5
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(ImportBatch, "CHUNK", 3)
    commit_chunk = excel.IMPORTER.commit_chunk

    def slow(**kwargs):
        time.sleep(1.5)
        return commit_chunk(**kwargs)

    monkeypatch.setattr(excel.IMPORTER, "commit_chunk", slow)
    return users


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_progress_bar_moves_until_the_import_is_saved(watched, background, lang, tmp_path):
    watch = watched(size="desktop")
    page = watch.new_page()
    log_in(page, "carol_county")
    if lang == "en":
        page.get_by_test_id("lang-en").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    codes = [credit_code("150203") for _ in range(ROWS)]
    path = tmp_path / "registry.xlsx"
    path.write_bytes(xlsx([HEADER, *(row(code, f"企业{n}", "150203") for n, code in enumerate(codes))]))
    page.goto("/enterprises/import/")
    page.locator("input[name=file]").set_input_files(path)
    page.get_by_test_id("upload").click()
    page.get_by_test_id("commit").click()

    bar = page.get_by_test_id("progress")
    expect(bar).to_have_attribute("data-done", "0")
    expect(bar).to_have_attribute("data-total", str(ROWS))
    page.evaluate(RECORD_BAR)
    for size in ("phone", "desktop"):
        page.set_viewport_size(SIZES[size])
        screenshot(page, "enterprises-import-progress", size)
        assert horizontal_overflow(page) <= 0
    assert not Enterprise.objects.filter(credit_code__in=codes).exists()

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    result = page.get_by_test_id("result")
    expect(result).to_have_attribute("data-state", "committed")
    expect(bar).to_have_count(0)
    seen = page.evaluate("JSON.parse(sessionStorage.getItem('bar') || '[]')")
    assert seen == sorted(seen) and any(0 < n < ROWS for n in seen), seen
    assert Enterprise.objects.filter(credit_code__in=codes).count() == ROWS
    screenshot(page, "enterprises-import-progress-done", "desktop")
    watch.assert_clean()
