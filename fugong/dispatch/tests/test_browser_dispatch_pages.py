"""Every dispatch page in a real browser, in Chinese and English, on a desktop and a phone.

Screenshots land in test-artifacts/screenshots/ as dispatch-<page>-<lang>-<size>.png; no page may
be wider than the window (tables scroll inside their card), ask anything from outside, or break the CSP.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from config.tests import browser_support
from config.tests.browser_support import horizontal_overflow, log_in, screenshot
from fugong.accounts.models import Role
from fugong.dispatch import services
from fugong.dispatch.models import Deadline, Source
from fugong.dispatch.tests.scenario import DAY, FIGURES, MONDAY, TODAY, build

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

browser = browser_support.browser
watched = browser_support.watched


@pytest.fixture
def dispatch_pages(transactional_db, live_server, users, baotou_enterprise, ordos_enterprise):
    """The shared scenario, plus a league correction with a warning and a lock undone with a reason."""
    s = build(baotou_enterprise, ordos_enterprise)
    league = users[Role.LEAGUE]
    corrected = services.reports_save(
        actor=league,
        kind=services.DAILY,
        items=[
            services.Item(
                subject=s["baotou"], period=DAY, values={**FIGURES, "capacity_pct": Decimal("120")}, base_version=1
            )
        ],
        source=Source.GRID,
        today=TODAY,
        now=Deadline.for_type("daily").due_at(DAY) + timedelta(hours=3),
    )[0]
    assert corrected.result == "updated" and corrected.warnings
    services.period_lock(actor=league, league_code="150200", period_type="daily", period=DAY)
    services.period_unlock(actor=league, league_code="150200", period_type="daily", period=DAY, reason="纠正包钢产能")
    return {"report": corrected.report, "project": s["p_filed"]}


def _pages(data) -> dict[str, str]:
    return {
        "completeness": f"/dispatch/completeness/?date={DAY}",
        "completeness-weekly": f"/dispatch/completeness/?date={MONDAY}&period_type=weekly",
        "review": f"/dispatch/review/?date={DAY}",
        "review-weekly": f"/dispatch/review/?date={MONDAY}&period_type=weekly",
        "grid-day": f"/dispatch/grid/?date={DAY}",
        "report-history": f"/dispatch/reports/daily/{data['report'].pk}/",
        "project-form": f"/dispatch/projects/{data['project'].pk}/report/",
    }


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_league_pages_in_both_languages(watched, dispatch_pages, size):
    watch = watched(size=size)
    page = watch.new_page()
    log_in(page, "bob_league")
    overflow = {}
    for lang in ("zh-hans", "en"):
        if lang == "en":
            page.get_by_test_id("lang-en").click()
            expect(page.locator("html")).to_have_attribute("lang", "en")
        for name, url in _pages(dispatch_pages).items():
            response = page.goto(url)
            assert response.status == 200, (name, response.status)
            overflow[f"{name}-{lang}"] = horizontal_overflow(page)
            screenshot(page, f"dispatch-{name}", size)
    assert {name: px for name, px in overflow.items() if px > 1} == {}, "pages wider than the window"
    watch.assert_clean()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_enterprise_form_in_both_languages(watched, dispatch_pages, size):
    watch = watched(size=size)
    page = watch.new_page()
    log_in(page, "frank_enterprise")
    for lang in ("zh-hans", "en"):
        if lang == "en":
            page.get_by_test_id("lang-en").click()
            expect(page.locator("html")).to_have_attribute("lang", "en")
        page.goto("/dispatch/report/")
        expect(page.get_by_test_id("deadline")).to_be_visible()
        assert horizontal_overflow(page) <= 1
        screenshot(page, "dispatch-form-page", size)
    watch.assert_clean()
