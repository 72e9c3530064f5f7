"""Every role's home in a real browser (issue 10, §2): Chinese and English, desktop and phone.

Screenshots land in test-artifacts/screenshots/ as home-<role>-<lang>-<size>.png.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from config.testing import make_enterprise
from config.tests import browser_support
from config.tests.browser_support import horizontal_overflow, log_in, screenshot
from config.tests.test_home import file_daily
from fugong.dispatch.models import Deadline
from fugong.dispatch.reminders import last_closed_period
from fugong.problems.tests.factories import make_problem, make_referral

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

browser = browser_support.browser
watched = browser_support.watched
SIZES = [("zh-hans", "desktop"), ("en", "phone"), ("zh-hans", "phone"), ("en", "desktop")]


@pytest.fixture
def work(transactional_db, live_server, users, baotou_enterprise):
    """Baotou: one enterprise filed yesterday, one did not; a problem and a referral for Baotou Steel."""
    silent = make_enterprise(county="150203", name="包头未报企业有限公司")
    file_daily(baotou_enterprise, last_closed_period("daily"))
    problem = make_problem(baotou_enterprise, description="运输车辆进出旗县卡口受阻")
    referral = make_referral(baotou_enterprise)
    return {"users": users, "silent": silent, "problem": problem, "referral": referral}


def _home(watched, username, lang, size):
    watch = watched(size=size)
    page = watch.new_page()
    log_in(page, username)
    if lang == "en":
        page.get_by_test_id("lang-en").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/")
    return watch, page


def _done(watch, page, name, size):
    screenshot(page, f"home-{name}", size)
    assert horizontal_overflow(page) <= 1
    watch.assert_clean()


@pytest.mark.parametrize(("lang", "size"), SIZES)
def test_the_enterprise_lands_on_todays_report_and_files_it_in_one_tap(watched, work, lang, size):
    watch, page = _home(watched, "frank_enterprise", lang, size)
    expect(page.get_by_test_id("own-state")).to_have_attribute("data-state", "due")
    deadline = Deadline.for_type("daily").due_at(timezone.localdate())
    expect(page.get_by_test_id("own-report")).to_contain_text(timezone.localdate().isoformat())
    expect(page.get_by_test_id("own-deadline")).to_contain_text(timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M"))
    expect(page.get_by_test_id("home-problem")).to_contain_text("运输车辆进出旗县卡口受阻")
    expect(page.get_by_test_id("home-referral")).to_have_count(1)
    _done(watch, page, "enterprise", size)

    page.get_by_test_id("own-action").click()
    expect(page).to_have_url(re.compile(r"/dispatch/report/"))
    page.locator("input[name=status][value=production_resumed]").check()
    page.locator("input[name=on_duty]").fill("80")
    page.locator("input[name=capacity_pct]").fill("70")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("filed-state")).to_have_attribute("data-state", "filed")
    page.goto("/")
    expect(page.get_by_test_id("own-state")).to_have_attribute("data-state", "filed")


@pytest.mark.parametrize(("lang", "size"), SIZES)
def test_the_handler_lands_on_problems_to_accept_due_soon_and_overdue(watched, work, lang, size):
    watch, page = _home(watched, "erin_handler", lang, size)
    to_accept = page.get_by_test_id("problems-to_accept")
    expect(to_accept.get_by_test_id("count")).to_have_text("1")
    expect(to_accept.get_by_test_id("description")).to_have_text("运输车辆进出旗县卡口受阻")
    expect(page.get_by_test_id("problems-due_soon")).to_be_visible()
    expect(page.get_by_test_id("problems-overdue").get_by_test_id("count")).to_have_text("0")
    _done(watch, page, "handler", size)


@pytest.mark.parametrize(("lang", "size"), SIZES)
def test_the_bank_lands_on_the_referrals_waiting_on_it(watched, work, lang, size):
    watch, page = _home(watched, "heidi_bank", lang, size)
    expect(page.get_by_test_id("referrals-referred").get_by_test_id("count")).to_have_text("1")
    expect(page.get_by_test_id("referrals-referred").get_by_test_id("home-referral")).to_contain_text("包头钢铁")
    expect(page.get_by_test_id("referrals-contacted").get_by_test_id("count")).to_have_text("0")
    _done(watch, page, "bank", size)


@pytest.mark.parametrize(("lang", "size"), SIZES)
def test_the_league_official_lands_on_the_days_completeness_and_files_for_a_missing_one(watched, work, lang, size):
    watch, page = _home(watched, "bob_league", lang, size)
    counts = page.get_by_test_id("home-counts")
    expect(counts.get_by_test_id("due")).to_have_text("2")
    expect(counts.get_by_test_id("missing")).to_have_text("1")
    expect(page.get_by_test_id("home-completeness")).to_contain_text(last_closed_period("daily").isoformat())
    expect(page.get_by_test_id("home-missing-row")).to_contain_text("包头未报企业有限公司")
    expect(page.get_by_test_id("home-problem")).to_contain_text("运输车辆进出旗县卡口受阻")
    expect(page.get_by_test_id("open-dashboard")).to_be_visible()
    _done(watch, page, "league", size)
    page.get_by_test_id("file-on-behalf").click()
    expect(page).to_have_url(re.compile(rf"/dispatch/grid/\?.*q={work['silent'].credit_code}"))


@pytest.mark.parametrize(("lang", "size"), [("zh-hans", "desktop"), ("en", "phone")])
@pytest.mark.parametrize("username", ["alice_region", "carol_county"])
def test_region_and_county_officials_land_on_their_area(watched, work, username, lang, size):
    watch, page = _home(watched, username, lang, size)
    expect(page.get_by_test_id("home-missing-row")).to_contain_text("包头未报企业有限公司")
    expect(page.get_by_test_id("home-headline")).to_be_visible()
    _done(watch, page, username.split("_")[1], size)


@pytest.mark.parametrize(("lang", "size"), [("zh-hans", "desktop"), ("en", "phone")])
@pytest.mark.parametrize("username", ["dave_group", "grace_provider"])
def test_work_groups_and_providers_are_told_what_their_role_is_for(watched, work, username, lang, size):
    watch, page = _home(watched, username, lang, size)
    expect(page.get_by_test_id("role-purpose")).to_be_visible()
    if username == "dave_group":
        expect(page.get_by_test_id("home-missing-row")).to_contain_text("包头未报企业有限公司")
        expect(page.get_by_test_id("file-on-behalf")).to_have_count(0)
    _done(watch, page, username.split("_")[1], size)
