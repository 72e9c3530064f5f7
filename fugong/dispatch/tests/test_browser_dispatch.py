"""Filing reports in a real browser: the enterprise's form on a phone, the league's grid by keyboard.

Screenshots land in test-artifacts/screenshots/ as dispatch-<page>-<lang>-<size>.png.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from config.testing import make_enterprise
from config.tests import browser_support
from config.tests.browser_support import horizontal_overflow, log_in, screenshot
from fugong.accounts.models import Role
from fugong.dispatch import services
from fugong.dispatch.models import DailyReport, ReportVersion, Source

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

browser = browser_support.browser
watched = browser_support.watched


@pytest.fixture
def dispatch_data(transactional_db, live_server, users, baotou_enterprise):
    """Yesterday's report of Baotou Steel (the form prefills from it) and a second enterprise due daily."""
    yesterday = timezone.localdate() - timedelta(days=1)
    outcome = services.report_save(
        actor=users[Role.ENTERPRISE],
        kind=services.DAILY,
        subject=baotou_enterprise,
        period=yesterday,
        values={"status": "work_resumed", "employees": 100, "on_duty": 40, "capacity_pct": Decimal(30), "note": ""},
        source=Source.FORM,
    )
    assert outcome.ok
    aluminium = make_enterprise(county="150202", name="包头铝业有限公司", employees=250)
    return {"users": users, "steel": baotou_enterprise, "aluminium": aluminium}


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_an_enterprise_files_todays_report_in_one_tap_on_a_phone(watched, dispatch_data, lang):
    watch = watched(size="phone")
    page = watch.new_page()
    log_in(page, "frank_enterprise")
    if lang == "en":
        page.get_by_test_id("lang-en").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/dispatch/report/")
    expect(page.get_by_test_id("report-enterprise")).to_have_text(dispatch_data["steel"].name)
    expect(page.get_by_test_id("filed-state")).to_have_attribute("data-state", "not_filed")
    expect(page.get_by_test_id("deadline")).to_be_visible()
    # Prefilled from yesterday: nothing to type.
    expect(page.locator("input[name=on_duty]")).to_have_value("40")
    expect(page.locator("input[name=status][value=work_resumed]")).to_be_checked()
    save = page.get_by_test_id("save")
    box = save.bounding_box()
    assert box["height"] >= 44, "the Save button is a comfortable tap target"
    assert box["y"] + box["height"] <= browser_support.SIZES["phone"]["height"], "Save is on the first screen"
    screenshot(page, "dispatch-form-open", "phone")
    save.tap()

    expect(page.get_by_test_id("filed-state")).to_have_attribute("data-state", "filed")
    expect(page.get_by_test_id("filed-version")).to_be_visible()
    expect(page.locator(".alert-success")).to_be_visible()
    assert horizontal_overflow(page) <= 1
    screenshot(page, "dispatch-form", "phone")

    report = DailyReport.objects.get(enterprise=dispatch_data["steel"], date=timezone.localdate())
    assert report.source == Source.FORM and report.on_behalf is False and report.on_duty == 40
    watch.assert_clean()


def _fill_row_by_keyboard(page, code: str, *, arrows: int, figures: list[str], leave: str) -> None:
    """Status by arrow keys, then Tab through employees, on duty, capacity and note, typing over each."""
    page.locator(f"#cell-{code}-status").focus()
    for _ in range(arrows):
        page.keyboard.press("ArrowDown")
    for value in figures:
        page.keyboard.press("Tab")
        page.keyboard.type(value)
    page.keyboard.press(leave)


def _retype(page, selector: str, value: str) -> None:
    page.locator(selector).focus()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(value)
    page.keyboard.press("Enter")


def test_a_league_official_fills_two_grid_rows_by_keyboard(watched, dispatch_data):
    watch = watched()
    page = watch.new_page()
    log_in(page, "bob_league")
    page.locator("#sidebar-menu a[href='/dispatch/grid/']").click()
    rows = page.get_by_test_id("grid-row")
    expect(rows).to_have_count(2)
    steel, aluminium = dispatch_data["steel"], dispatch_data["aluminium"]
    first, second = (page.locator(f"tr[data-code='{e.credit_code}']") for e in (aluminium, steel))
    expect(first).to_have_attribute("data-state", "not_filed")
    expect(second.locator("input[name=on_duty]")).to_have_value("40")  # prefilled from yesterday

    # Row one: production resumed; Tab off the note into the next row saves it.
    _fill_row_by_keyboard(page, aluminium.credit_code, arrows=3, figures=["250", "200", "85", "正常"], leave="Tab")
    expect(first).to_have_attribute("data-state", "on_behalf")
    expect(page.locator(f"#cell-{steel.credit_code}-status")).to_be_focused()
    # Row two, the last one: Enter saves it.
    _fill_row_by_keyboard(page, steel.credit_code, arrows=0, figures=["100", "60", "45", "电力已恢复"], leave="Enter")
    expect(second).to_have_attribute("data-state", "on_behalf")
    expect(second.get_by_test_id("row-saved")).to_be_visible()

    # A figure the rules refuse stays in its cell with the error beside it; a fix saves version 2.
    _retype(page, f"#cell-{aluminium.credit_code}-on_duty", "999")
    expect(first).to_have_attribute("data-result", "refused")
    expect(first.locator(".invalid-feedback")).to_be_visible()
    expect(first.locator("input[name=on_duty]")).to_have_value("999")
    screenshot(page, "dispatch-grid-refused", "desktop")
    _retype(page, f"#cell-{aluminium.credit_code}-on_duty", "210")
    expect(first).to_have_attribute("data-result", "updated")
    expect(first.get_by_test_id("row-version")).to_have_text(re.compile(r"^\D*2\D*$"))  # v2, 第2版
    screenshot(page, "dispatch-grid", "desktop")

    today = timezone.localdate()
    saved = {r.enterprise_id: r for r in DailyReport.objects.filter(date=today)}
    assert set(saved) == {steel.pk, aluminium.pk}
    assert (saved[aluminium.pk].status, saved[aluminium.pk].on_duty) == ("production_resumed", 210)
    assert saved[aluminium.pk].capacity_pct == Decimal("85.0") and saved[aluminium.pk].note == "正常"
    assert (saved[steel.pk].status, saved[steel.pk].on_duty, saved[steel.pk].note) == ("work_resumed", 60, "电力已恢复")
    assert all(r.on_behalf and r.source == Source.GRID for r in saved.values())
    versions = ReportVersion.objects.filter(kind="daily", report_id__in=[r.pk for r in saved.values()])
    assert versions.count() == 3
    league = dispatch_data["users"][Role.LEAGUE]
    assert {(v.source, v.on_behalf, v.user_id) for v in versions} == {("grid", True, league.pk)}

    first.get_by_test_id("row-version").click()
    expect(page.get_by_test_id("version-row")).to_have_count(2)
    expect(page.get_by_test_id("version-row").first).to_contain_text("210")
    screenshot(page, "dispatch-report", "desktop")
    page.go_back()

    page.get_by_test_id("lang-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(second).to_have_attribute("data-state", "on_behalf")
    screenshot(page, "dispatch-grid", "desktop")
    watch.assert_clean()
