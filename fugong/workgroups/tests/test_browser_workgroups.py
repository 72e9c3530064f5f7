"""The phone form offline, in a real browser: a visit typed with the network off waits on the phone, is sent once the
network returns, and is stored once. Screenshots land in test-artifacts/screenshots/ as workgroups-<page>-<size>.png.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from config.tests import browser_support
from config.tests.browser_support import horizontal_overflow, log_in, screenshot
from fugong.problems.models import Problem
from fugong.workgroups.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

browser = browser_support.browser
watched = browser_support.watched


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def test_a_visit_typed_offline_is_sent_once_when_the_network_returns(
    watched, transactional_db, live_server, users, baotou_enterprise
):
    watch = watched(size="phone")
    page = watch.new_page()
    log_in(page, "dave_group")
    page.goto("/workgroups/visits/new/")
    watch.context.set_offline(True)
    page.locator("select[name=enterprise]").select_option(str(baotou_enterprise.pk))
    page.locator("input[name=visited_on]").fill((timezone.localdate() - timedelta(days=1)).isoformat())
    page.locator("select[name=status]").select_option("work_resumed")
    page.locator("input[name=employees]").fill("200")
    page.locator("input[name=on_duty]").fill("120")
    page.locator("input[name=capacity_pct]").fill("55")
    page.locator("select[name=problem_category]").select_option("labour")
    page.locator("textarea[name=problem_description]").fill("一线工人缺口约50人")
    page.locator("#visit-form button[type=submit]").click()
    expect(page.locator("#outbox-list li[data-state=waiting]")).to_have_count(1)
    expect(page.locator("#outbox-count")).to_have_attribute("data-count", "1")
    screenshot(page, "workgroups-visit-offline", "phone")
    assert horizontal_overflow(page) == 0
    assert Visit.objects.count() == 0
    # Back online: the browser fires `online` and the outbox sends the visit.
    watch.context.set_offline(False)
    expect(page.locator("#outbox-list li[data-state=sent]")).to_have_count(1, timeout=10_000)
    expect(page.locator("#outbox-count")).to_have_attribute("data-count", "0")
    # A reload sends nothing again: the visit is stored once, with its problem in the ledger.
    page.reload()
    expect(page.locator("#outbox-list li[data-state=sent]")).to_have_count(1)
    assert Visit.objects.count() == 1
    visit = Visit.objects.get()
    assert (visit.enterprise, visit.on_duty) == (baotou_enterprise, 120)
    assert Problem.objects.get().source == "visit"
    # A second visit of the same enterprise on the same day is pointed out before it is made.
    page.locator("select[name=enterprise]").select_option(str(baotou_enterprise.pk))
    page.locator("input[name=visited_on]").fill(visit.visited_on.isoformat())
    page.locator("input[name=visited_on]").dispatch_event("change")
    expect(page.locator("#duplicate-warning")).to_be_visible()
    # Refused by the server: shown with the reason, not retried.
    page.locator("select[name=status]").select_option("work_resumed")
    page.locator("input[name=employees]").fill("10")
    page.locator("input[name=on_duty]").fill("20")
    page.locator("input[name=capacity_pct]").fill("5")
    page.locator("input[name=again]").check()
    page.locator("#visit-form button[type=submit]").click()
    expect(page.locator("#outbox-list li[data-state=refused]")).to_have_count(1)
    assert Visit.objects.count() == 1
    screenshot(page, "workgroups-visit-refused", "phone")
    watch.assert_clean()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_coverage_page(watched, transactional_db, live_server, users, baotou_enterprise, size):
    from fugong.workgroups.tests.factories import make_visit

    make_visit(users["workgroup"].work_group, baotou_enterprise)
    watch = watched(size=size)
    page = watch.new_page()
    log_in(page, "alice_region")
    page.goto("/workgroups/")
    expect(page.locator("[data-uncovered]")).to_be_visible()
    expect(page.locator("#coverage-map canvas")).to_have_count(1)
    screenshot(page, "workgroups-coverage", size)
    page.goto("/workgroups/visits/")
    expect(page.locator("body")).to_contain_text(baotou_enterprise.name)
    screenshot(page, "workgroups-visits", size)
    watch.assert_clean()


def test_the_region_forms_a_group_on_a_phone(watched, transactional_db, live_server, users):
    """The group form in Chinese on a phone: a bad period is named on its field, then the group is formed."""
    from fugong.accounts.models import WorkGroup

    watch = watched(size="phone")
    page = watch.new_page()
    log_in(page, "alice_region")
    page.goto("/workgroups/")
    page.locator("a[href='/workgroups/groups/new/']").click()
    page.locator("input[name=name]").fill("第九工作组")
    page.locator("input[name=leagues][value='150600']").check()
    page.locator("input[name=cities][value='150781']").check()
    page.locator("input[name=starts_on]").fill("2020-03-31")
    page.locator("input[name=ends_on]").fill("2020-02-03")
    page.locator("select[name=officials]").select_option(str(users["league"].pk))
    page.get_by_test_id("group-form").locator("button[type=submit]").click()
    expect(page.locator("[data-field=ends_on]")).to_be_visible()
    screenshot(page, "workgroups-group-form-refused", "phone")
    assert horizontal_overflow(page) == 0
    page.locator("input[name=ends_on]").fill("2020-04-30")
    page.locator("select[name=leader]").select_option(str(users["league"].pk))
    page.get_by_test_id("group-form").locator("button[type=submit]").click()
    page.wait_for_url("**/workgroups/groups/*/")
    group = WorkGroup.objects.get(name="第九工作组")
    assert group.leader == users["league"] and list(group.officials.all()) == [users["league"]]
    screenshot(page, "workgroups-group-formed", "phone")
    watch.assert_clean()
