"""The ledger in a real browser: an enterprise raises a problem, the handler resolves it, the enterprise confirms.

Screenshots land in test-artifacts/screenshots/ as problems-<page>-<lang>-<size>.png.
"""

import pytest
from playwright.sync_api import expect

from config.tests import browser_support
from config.tests.browser_support import horizontal_overflow, log_in, screenshot
from fugong.accounts.models import Role
from fugong.problems.models import Problem, State

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

browser = browser_support.browser
watched = browser_support.watched


@pytest.fixture
def people(transactional_db, live_server, users, baotou_enterprise, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "attachments"
    baotou_enterprise.contact_name, baotou_enterprise.contact_phone = "王强", "13947201234"
    baotou_enterprise.save()
    return users


def _as(watched, username: str, size: str, lang: str):
    watch = watched(size=size)
    page = watch.new_page()
    log_in(page, username)
    if lang == "en":
        page.get_by_test_id("lang-en").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    return watch, page


@pytest.mark.parametrize(
    ("lang", "size"), [("zh-hans", "desktop"), ("en", "phone"), ("zh-hans", "phone"), ("en", "desktop")]
)
def test_an_enterprise_raises_a_handler_resolves_and_the_enterprise_confirms(watched, people, lang, size):
    # The enterprise raises a transport problem: it goes to 交通运输厅, the handler's department.
    watch_e, page = _as(watched, "frank_enterprise", size, lang)
    page.goto("/problems/new/")
    page.locator("select[name=category]").select_option("transport")
    page.locator("input[name=urgency][value=urgent]").check()
    page.locator("textarea[name=description]").fill("运输车辆进出旗县卡口受阻，原料运不进来")
    screenshot(page, "problems-raise", size)
    page.get_by_test_id("submit-problem").click()
    expect(page.get_by_test_id("state")).to_have_attribute("data-state", "submitted")
    expect(page.get_by_test_id("department")).to_have_text("交通运输厅")
    problem = Problem.objects.get()
    assert (problem.category, problem.urgency, problem.raised_by) == ("transport", "urgent", people[Role.ENTERPRISE])

    # The handler finds it in the queue, accepts it and says what was done.
    watch_h, hpage = _as(watched, "erin_handler", size, lang)
    hpage.goto("/problems/queue/")
    expect(hpage.get_by_test_id("problem-row")).to_have_count(1)
    screenshot(hpage, "problems-queue", size)
    hpage.get_by_test_id("problem-link").click()
    # The handler is the one who calls about the problem: the phone in full, though outside the league.
    expect(hpage.get_by_test_id("contact")).to_contain_text("13947201234")
    hpage.get_by_test_id("move-accept").click()
    expect(hpage.get_by_test_id("state")).to_have_attribute("data-state", "accepted")
    hpage.get_by_test_id("comment-resolve").fill("已协调办理重点物资运输通行证")
    hpage.get_by_test_id("move-resolve").click()
    expect(hpage.get_by_test_id("state")).to_have_attribute("data-state", "resolved")
    expect(hpage.get_by_test_id("resolution")).to_have_text("已协调办理重点物资运输通行证")
    screenshot(hpage, "problems-resolved", size)

    # The enterprise confirms; the timeline shows every step with who made it.
    page.reload()
    expect(page.get_by_test_id("move-accept")).to_have_count(0)
    page.get_by_test_id("move-confirm").click()
    expect(page.get_by_test_id("state")).to_have_attribute("data-state", "confirmed")
    entries = page.get_by_test_id("timeline-entry")
    expect(entries).to_have_count(4)
    expect(entries.nth(1)).to_contain_text("erin_handler")
    assert horizontal_overflow(page) <= 1
    screenshot(page, "problems-confirmed", size)

    problem.refresh_from_db()
    assert (problem.state, problem.satisfied, problem.handler) == (State.CONFIRMED, True, people[Role.HANDLER])
    assert list(problem.timeline.values_list("action", flat=True)) == ["raise", "accept", "resolve", "confirm"]
    watch_e.assert_clean()
    watch_h.assert_clean()


@pytest.mark.parametrize(("lang", "size"), [("zh-hans", "desktop"), ("en", "phone")])
def test_the_league_sees_the_list_and_the_statistics(watched, people, baotou_enterprise, lang, size):
    from datetime import date

    from fugong.problems.tests.factories import make_problem

    for category in ("transport", "labour", "financing"):
        make_problem(baotou_enterprise, category=category, raised_on=date(2020, 2, 10))
    watch, page = _as(watched, "bob_league", size, lang)
    page.goto("/problems/")
    expect(page.get_by_test_id("problem-row")).to_have_count(3)
    expect(page.get_by_test_id("overdue")).to_have_count(3)
    screenshot(page, "problems-list", size)
    page.goto("/problems/stats/")
    expect(page.get_by_test_id("by-category")).to_be_visible()
    assert horizontal_overflow(page) <= 1
    screenshot(page, "problems-stats", size)
    watch.assert_clean()
