"""Policies in a real browser: an enterprise sees at home a measure it is eligible for, reads why, applies to its
programme with the required material, the league passes it and the region awards it; the enterprise is told.

Screenshots land in test-artifacts/screenshots/ as policies-<page>-<lang>-<size>.png.
"""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from config.tests import browser_support
from config.tests.browser_support import horizontal_overflow, log_in, screenshot
from fugong.policies.models import Application, Benefit, State
from fugong.policies.tests.factories import PNG, make_measure, make_programme

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

browser = browser_support.browser
watched = browser_support.watched


@pytest.fixture(autouse=True)
def private_root(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "attachments"


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_an_eligible_enterprise_applies_and_the_region_awards(
    watched, transactional_db, live_server, users, baotou_enterprise, tmp_path, size
):
    leading = {"all": [{"fact": "tags", "op": "any", "value": ["leading"], "article": "第三条"}]}
    measure = make_measure(title="龙头企业复工复产奖励", rule=leading, amount="100")
    make_measure(
        title="小微企业房租减免",
        rule={"all": [{"fact": "size_class", "op": "in", "value": ["small"], "article": "第五条"}]},
    )
    programme = make_programme(measure, materials=("申报书",))
    material = tmp_path / "申报书.png"
    material.write_bytes(PNG)

    watch = watched(size=size)
    page = watch.new_page()
    log_in(page, "frank_enterprise")
    # Home: the measure it is eligible for, and the way to the reasons.
    expect(page.get_by_test_id("home-policy")).to_have_count(1)
    expect(page.get_by_test_id("home-policies")).to_contain_text("龙头企业复工复产奖励")
    page.goto("/policies/mine/")
    expect(page.get_by_test_id("eligible-measure")).to_contain_text("第三条")
    expect(page.get_by_test_id("near-measure")).to_contain_text("小微企业房租减免")
    screenshot(page, "policies-mine", size)
    page.goto(f"/policies/measures/{measure.pk}/")
    expect(page.get_by_test_id("verdict")).to_have_attribute("data-eligible", "yes")
    expect(page.get_by_test_id("illustrative")).to_have_count(0)
    page.goto(f"/policies/programmes/{programme.pk}/")
    page.get_by_test_id("apply-programme").click()
    page.locator("input[name=requested_amount]").fill("80")
    page.get_by_test_id("save-draft").click()
    expect(page.get_by_test_id("state")).to_have_attribute("data-state", "draft")
    # Submitting without the required material is refused, naming it.
    page.get_by_test_id("move-submit").click()
    expect(page.locator(".alert-danger")).to_contain_text("申报书")
    page.locator("input[name=file]").set_input_files(str(material))
    page.get_by_test_id("attach").click()
    expect(page.get_by_test_id("missing")).to_have_count(0)
    page.get_by_test_id("move-submit").click()
    expect(page.get_by_test_id("state")).to_have_attribute("data-state", "submitted")
    assert horizontal_overflow(page) <= 1
    screenshot(page, "policies-application", size)
    application = Application.objects.get()

    league = watched(size=size).new_page()
    log_in(league, "bob_league")
    league.goto(f"/policies/measures/{measure.pk}/")
    expect(league.get_by_test_id("eligible-count")).to_have_text("1")
    screenshot(league, "policies-measure", size)
    league.goto("/policies/applications/")
    league.get_by_test_id("application-row").locator("a").click()
    expect(league.get_by_test_id("move-award")).to_have_count(0)  # the league does not award
    league.get_by_test_id("move-pass").click()
    expect(league.get_by_test_id("state")).to_have_attribute("data-state", "passed")

    region = watched(size=size).new_page()
    log_in(region, "alice_region")
    region.goto(f"/policies/applications/{application.pk}/")
    region.get_by_test_id("award-amount").fill("60")
    region.get_by_test_id("move-award").click()
    expect(region.get_by_test_id("state")).to_have_attribute("data-state", "awarded")
    expect(region.get_by_test_id("awarded")).to_contain_text("60")
    assert Benefit.objects.get().amount == Decimal(60)
    application.refresh_from_db()
    assert application.state == State.AWARDED

    # The enterprise is told: one unread notice in the header, leading to the application.
    page.goto("/")
    expect(page.get_by_test_id("unread")).to_have_text("1")
    page.get_by_test_id("notices-badge").click()
    page.get_by_test_id("notice").first.click()
    expect(page.get_by_test_id("state")).to_have_attribute("data-state", "awarded")
    watch.assert_clean()
