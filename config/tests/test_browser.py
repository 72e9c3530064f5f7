"""The main pages in a real browser: Chromium against the live server, Chinese and English, desktop and phone.

Screenshots land in test-artifacts/screenshots/ (git-ignored) as <page>-<lang>-<desktop|phone>.png.
"""

import datetime
import re
from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from config.testing import make_enterprise
from config.tests import browser_support
from config.tests.browser_support import horizontal_overflow, html_lang, log_in, screenshot
from fugong.areas.models import Area
from fugong.enterprises import services

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

browser = browser_support.browser
watched = browser_support.watched

BAOTOU_STEEL = "包头钢铁（集团）有限责任公司"
BAOTOU_OTHERS = ["包头铝业有限公司", "内蒙古第一机械集团有限公司"]
TITLE = re.compile(r"fugong|复工|复产")


@pytest.fixture
def registry(transactional_db, live_server, users, baotou_enterprise, ordos_enterprise):
    """The Baotou league's registry (three enterprises, one key project) and one enterprise in Ordos."""
    others = [
        make_enterprise(county="150202", name=BAOTOU_OTHERS[0]),
        make_enterprise(county="150203", name=BAOTOU_OTHERS[1], industry="34"),
    ]
    services.key_project_save(
        actor=None,
        data=services.KeyProjectData(
            name="包钢稀土新材料产业园项目",
            county=Area.objects.get(code="150203"),
            total_investment=Decimal("120000.00"),
            planned_start=datetime.date(2020, 3, 1),
            owner=baotou_enterprise,
        ),
        source=services.Source.COMMAND,
    )
    return {"users": users, "baotou": [baotou_enterprise, *others], "ordos": ordos_enterprise}


def sheet_texts(path) -> set[str]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    return {str(cell) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row}


def test_login_page_is_chinese_by_default_and_switches_to_english(watched):
    watch = watched()
    page = watch.new_page()
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page).to_have_title(TITLE)

    page.get_by_test_id("lang-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_title(re.compile("fugong"))
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))

    page.get_by_test_id("lang-zh").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    watch.assert_clean()


def test_league_official_finds_opens_exports_and_logs_out(watched, registry, tmp_path):
    watch = watched()
    page = watch.new_page()
    log_in(page, "bob_league")

    page.locator("#sidebar-menu a[href='/enterprises/']").click()
    table = page.locator("#enterprise-table")
    expect(table.get_by_test_id("enterprise-link")).to_have_count(3)

    # Pinyin initials of 包头钢铁; htmx swaps the table in place and pushes the query to the URL.
    page.get_by_test_id("search").fill("btgt")
    expect(table.get_by_test_id("enterprise-link")).to_have_count(1)
    expect(table.get_by_test_id("enterprise-link")).to_have_text(BAOTOU_STEEL)
    expect(page).to_have_url(re.compile(r"[?&]q=btgt"))

    table.get_by_test_id("enterprise-link").click()
    expect(page.locator(".page-title")).to_have_text(BAOTOU_STEEL)
    expect(page.get_by_test_id("enterprise-facts")).to_contain_text(registry["baotou"][0].credit_code)

    page.go_back()
    expect(page.get_by_test_id("search")).to_have_value("btgt")
    expect(table.get_by_test_id("enterprise-link")).to_have_text(BAOTOU_STEEL)

    # The whole league's list: back to the unfiltered list through the menu, then export it.
    page.locator("#sidebar-menu a[href='/enterprises/']").click()
    expect(table.get_by_test_id("enterprise-link")).to_have_count(3)
    with page.expect_download() as download_info:
        page.get_by_test_id("export").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    texts = sheet_texts(saved)
    assert {e.name for e in registry["baotou"]} <= texts
    assert registry["ordos"].name not in texts

    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_test_id("login-submit")).to_be_visible()
    expect(page.get_by_test_id("whoami")).to_have_count(0)
    watch.assert_clean()


def test_enterprise_user_gets_404_for_another_enterprise(watched, registry):
    watch = watched()
    page = watch.new_page()
    log_in(page, "frank_enterprise")

    own = page.goto(f"/enterprises/{registry['baotou'][0].credit_code}/")
    assert own.status == 200
    expect(page.locator(".page-title")).to_have_text(BAOTOU_STEEL)

    for other in (registry["ordos"], registry["baotou"][1]):
        response = page.goto(f"/enterprises/{other.credit_code}/")
        assert response.status == 404
        expect(page.locator(".empty-title")).to_be_visible()
        expect(page.locator("body")).not_to_contain_text(other.name)
    watch.assert_clean()


def test_enterprise_list_is_usable_on_a_phone(watched, registry):
    watch = watched(size="phone")
    page = watch.new_page()
    log_in(page, "bob_league")
    page.goto("/enterprises/")
    expect(page.get_by_test_id("enterprise-link")).to_have_count(3)
    assert horizontal_overflow(page) <= 1

    # The side navigation folds away behind its toggler and opens from it.
    menu = page.locator("#sidebar-menu")
    toggler = page.locator("[data-bs-target='#sidebar-menu']")
    expect(menu).to_be_hidden()
    expect(toggler).to_be_visible()
    toggler.click()
    expect(menu).to_be_visible()
    expect(menu.locator("a[href='/enterprises/projects/']")).to_be_visible()
    assert horizontal_overflow(page) <= 1
    watch.assert_clean()


def _main_pages(registry) -> list[tuple[str, str]]:
    return [
        ("home", "/"),
        ("enterprise-list", "/enterprises/"),
        ("enterprise-detail", f"/enterprises/{registry['baotou'][0].credit_code}/"),
        ("enterprise-form", "/enterprises/new/"),
        ("project-list", "/enterprises/projects/"),
        ("settings", "/accounts/settings/"),
    ]


def _shoot_pages(page: Page, pages, size: str, overflow: dict) -> None:
    for name, url in pages:
        response = page.goto(url)
        assert response.status == 200, url
        expect(page.locator(".page-title")).not_to_be_empty()
        screenshot(page, name, size)
        overflow[f"{name}-{html_lang(page)}"] = horizontal_overflow(page)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_screenshots_of_the_main_pages(watched, registry, size):
    watch = watched(size=size)
    page = watch.new_page()
    overflow: dict[str, int] = {}
    pages = _main_pages(registry)

    page.goto("/accounts/login/")
    screenshot(page, "login", size)
    log_in(page, "bob_league")
    _shoot_pages(page, pages, size, overflow)

    page.get_by_test_id("lang-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    _shoot_pages(page, pages, size, overflow)

    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("login-submit")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    screenshot(page, "login", size)

    assert {name: px for name, px in overflow.items() if px > 1} == {}, "pages wider than the window"
    watch.assert_clean()


def test_the_watch_catches_a_csp_violation(watched):
    """The CSP check is not vacuous: an inline style attribute is refused and reported."""
    watch = watched()
    page = watch.new_page()
    page.goto("/accounts/login/")
    with page.expect_console_message(lambda m: "CSP violation" in m.text):
        page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    assert watch.csp_violations
    assert watch.outside_requests() == []
