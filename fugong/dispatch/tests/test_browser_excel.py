"""Reports by Excel in a real browser: download the template, fill it, upload, read the preview, save.

Screenshots land in test-artifacts/screenshots/ as dispatch-excel-<page>-<lang>-<size>.png.
"""

import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from config.testing import make_enterprise
from config.tests import browser_support
from config.tests.browser_support import horizontal_overflow, log_in, screenshot
from fugong.accounts.models import Role
from fugong.dispatch import services
from fugong.dispatch.models import DailyReport, Source

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

browser = browser_support.browser
watched = browser_support.watched


@pytest.fixture
def excel_data(transactional_db, live_server, users, baotou_enterprise):
    yesterday = timezone.localdate() - timedelta(days=1)
    outcome = services.report_save(
        actor=None,
        kind=services.DAILY,
        subject=baotou_enterprise,
        period=yesterday,
        values={"status": "work_resumed", "employees": 100, "on_duty": 40, "capacity_pct": Decimal(30), "note": ""},
        source=Source.API,
    )
    assert outcome.ok
    aluminium = make_enterprise(county="150202", name="包头铝业有限公司", employees=250)
    return {"users": users, "steel": baotou_enterprise, "aluminium": aluminium}


def _fill(content: bytes, figures: dict[str, tuple]) -> tuple[bytes, dict[str, int]]:
    """Type figures into the template's rows by credit code; returns the file and each code's row number."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.active
    rows = {}
    for row in sheet.iter_rows(min_row=3):
        code = row[0].value
        rows[code] = row[0].row
        if code in figures:
            status, on_duty, capacity = figures[code]
            # Columns: credit code, name, county, date, status, employees, on duty, capacity, note.
            row[4].value, row[6].value, row[7].value = status, on_duty, capacity
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), rows


@pytest.mark.parametrize(
    ("lang", "size"), [("zh-hans", "desktop"), ("zh-hans", "phone"), ("en", "desktop"), ("en", "phone")]
)
def test_a_league_official_fills_the_template_and_saves_the_valid_rows(watched, excel_data, lang, size, tmp_path):
    watch = watched(size=size)
    page = watch.new_page()
    log_in(page, "bob_league")
    if lang == "en":
        page.get_by_test_id("lang-en").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/dispatch/excel/upload/")
    screenshot(page, "dispatch-excel-upload", size)
    with page.expect_download() as download:
        page.get_by_test_id("template").click()
    content = download.value.path().read_bytes()
    steel, aluminium = excel_data["steel"], excel_data["aluminium"]
    filled, rows = _fill(content, {steel.credit_code: ("已复产", 80, 0.7), aluminium.credit_code: ("已复工", 999, 20)})
    path = tmp_path / "filled.xlsx"
    path.write_bytes(filled)

    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_test_id("upload").click()
    bad = page.locator(f'[data-testid=issue][data-row="{rows[aluminium.credit_code]}"][data-column=on_duty]')
    expect(bad).to_be_visible()
    expect(bad).to_contain_text("999")
    expect(page.get_by_test_id("count-error")).to_have_text("1")
    expect(page.get_by_test_id("count-created")).to_have_text("1")
    assert DailyReport.objects.filter(date=timezone.localdate()).count() == 0
    assert horizontal_overflow(page) <= 1
    screenshot(page, "dispatch-excel-preview", size)

    page.get_by_test_id("commit").click()
    expect(page.get_by_test_id("result")).to_have_attribute("data-state", "committed")
    screenshot(page, "dispatch-excel-saved", size)
    report = DailyReport.objects.get(date=timezone.localdate())
    assert (report.enterprise, report.on_duty, report.capacity_pct, report.source) == (steel, 80, 70, Source.EXCEL)
    assert report.filed_by == excel_data["users"][Role.LEAGUE] and report.on_behalf
    watch.assert_clean()
