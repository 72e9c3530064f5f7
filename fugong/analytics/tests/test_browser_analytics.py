"""The live picture in a real browser: charts and map drawn under the strict CSP, the headline's
drill-down, the brief as a .docx. Screenshots: test-artifacts/screenshots/analytics-*-<lang>-<size>.png.
"""

import re

import pytest
from docx import Document
from playwright.sync_api import expect

from config.testing import make_enterprise
from config.tests import browser_support
from config.tests.browser_support import horizontal_overflow, log_in, screenshot
from fugong.analytics.tests.conftest import DAY, PR, WR, daily, file
from fugong.areas.models import Area
from fugong.dispatch import services

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

browser = browser_support.browser
watched = browser_support.watched
AS_OF = f"as_of={DAY.isoformat()}"


@pytest.fixture
def live_picture(transactional_db, live_server, picture):
    """The hand-built picture plus a few enterprises in every league, so the map has colours to show."""
    leagues = Area.objects.filter(level=Area.Level.LEAGUE).order_by("code")
    for n, league in enumerate(leagues):
        county = league.children.order_by("code").first()
        for k in range(n % 4 + 1):
            e = make_enterprise(county=county.code, name=f"{league.name}示范{k}有限公司", employees=200)
            status = PR if (n + k) % 3 else WR
            file(services.DAILY, e, DAY, daily(status, 60 + 10 * k, str(30 + 5 * n), employees=200))
    return picture


def open_dashboard(watch, lang: str):
    page = watch.new_page()
    log_in(page, "alice_region")
    if lang == "en":
        page.get_by_test_id("lang-en").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(f"/analytics/?{AS_OF}")
    return page


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_dashboard_draws_its_charts_and_the_map(watched, live_picture, lang, size):
    watch = watched(size=size)
    page = open_dashboard(watch, lang)
    expect(page.locator("html")).to_have_attribute("data-charts", "2")
    expect(page.locator("#trend-chart canvas")).to_have_count(1)
    expect(page.locator("#map-chart canvas")).to_have_count(1)
    expect(page.get_by_test_id("kpi-production_resumed").get_by_test_id("kpi-value")).not_to_have_text("—")
    expect(page.get_by_test_id("table-ranking").get_by_test_id("row")).to_have_count(14)
    # The industry, park and tag tables and the panels load after the page, each in place of its placeholder.
    for name in ("industry", "park", "tag"):
        expect(page.get_by_test_id(f"table-{name}").get_by_test_id("totals")).to_be_visible()
    expect(page.locator("[data-testid^='lazy-']")).to_have_count(0)
    page.get_by_test_id("map-kpi").select_option("on_duty_rate")
    expect(page).to_have_url(re.compile(r"map=on_duty_rate"))
    page.wait_for_timeout(300)
    screenshot(page, "analytics-dashboard", size)
    if size == "phone":
        assert horizontal_overflow(page) <= 0
    watch.assert_clean()


def test_clicking_a_league_on_the_map_opens_its_dashboard(watched, live_picture):
    watch = watched()
    page = open_dashboard(watch, "zh-hans")
    expect(page.locator("#map-chart canvas")).to_have_count(1)
    # Baotou's centre, in the map's own coordinates, turned into a point on the canvas.
    x, y = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('map-chart'))"
        ".convertToPixel({seriesIndex: 0}, [109.84, 41.2])"
    )
    page.locator("#map-chart").scroll_into_view_if_needed()
    box = page.locator("#map-chart").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    expect(page).to_have_url(re.compile(r"league=150200"))
    expect(page.get_by_test_id("scope-label")).to_have_text("包头市 · 规模以上工业企业")
    watch.assert_clean()


def test_the_headline_opens_the_list_of_that_size(watched, live_picture):
    watch = watched()
    page = open_dashboard(watch, "zh-hans")
    shown = page.get_by_test_id("kpi-production_resumed").get_by_test_id("kpi-value").inner_text()
    count = int(shown.replace(",", ""))
    page.get_by_test_id("kpi-production_resumed").click()
    expect(page.get_by_test_id("drill-list")).to_be_visible()
    expect(page.get_by_test_id("drill-row")).to_have_count(count)
    expect(page.get_by_test_id("drill-count")).to_contain_text(str(count))
    screenshot(page, "analytics-drill", "desktop")
    with page.expect_download() as download:
        page.get_by_test_id("drill-export").click()
    assert download.value.suggested_filename == f"内蒙古自治区_已复产_{DAY.isoformat()}.xlsx"
    watch.assert_clean()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_brief_downloads_as_a_docx_with_the_same_sentence(watched, live_picture, size):
    watch = watched(size=size)
    page = watch.new_page()
    log_in(page, "alice_region")
    page.goto(f"/analytics/brief/?{AS_OF}")
    headline = page.get_by_test_id("brief-paragraph").first.inner_text()
    assert headline.startswith("截至2月22日，全区规模以上工业企业复工复产企业达到")
    screenshot(page, "analytics-brief", size)
    with page.expect_download() as download:
        page.get_by_test_id("brief-docx").click()
    document = Document(download.value.path())
    assert document.paragraphs[4].text == headline
    copy = page.get_by_test_id("copy-brief")
    copy.click()
    expect(copy).to_have_text(copy.get_attribute("data-copied"))
    assert page.get_by_test_id("brief-text").input_value().startswith("全区工业企业复工复产工作简报\n2020年2月22日")
    watch.assert_clean()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_dashboard_fits_the_page_names_the_leagues_and_prints_its_title(watched, live_picture, size):
    watch = watched(size=size)
    page = open_dashboard(watch, "zh-hans")
    expect(page.locator("#map-chart canvas")).to_have_count(1)
    option = page.evaluate(
        "() => { const o = echarts.getInstanceByDom(document.getElementById('map-chart')).getOption();"
        " return {label: o.series[0].label.show, legend: o.visualMap[0].text[0],"
        " tip: o.tooltip[0].formatter({name: '包头市', data: {label: '包头市', value: 65.4}})}; }"
    )
    assert option["label"] is True and option["legend"] == "复产率（%）"
    assert option["tip"] == "包头市<br>复产率：65.4%"
    if size == "desktop":
        # The industry and park tables show every figure without a sideways scroll.
        for name in ("industry", "park"):
            box = page.get_by_test_id(f"table-{name}").locator("xpath=..")
            assert box.evaluate("e => e.scrollWidth - e.clientWidth") <= 0, name
    else:
        assert horizontal_overflow(page) <= 0
    page.emulate_media(media="print")
    expect(page.get_by_test_id("print-title")).to_be_visible()
    expect(page.get_by_test_id("print-title")).to_contain_text("工业企业复工复产情况")
    expect(page.get_by_test_id("print-as-of")).to_have_text("截至2020年2月22日")
    expect(page.get_by_test_id("grid-filters").or_(page.locator(".filter-bar")).first).to_be_hidden()
    tall = page.get_by_test_id("table-industry").locator("xpath=..")
    assert tall.evaluate("e => getComputedStyle(e).maxHeight") == "none"
    screenshot(page, "analytics-dashboard-print", size)
    page.emulate_media(media="screen")
    screenshot(page, "analytics-dashboard-map", size)
    watch.assert_clean()
