"""Policies in a real browser (issue 14): the region publishes a programme with its score sheet and panel of
experts; an enterprise eligible for it sees it at home and applies with the required material; the league passes
it, the region passes it and assigns two experts, who score it; it is shortlisted and published for public notice
(公示); once the period has passed it is awarded, and the enterprise is told.

Screenshots land in test-artifacts/screenshots/ as policies-<page>-<lang>-<size>.png.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from config.testing import make_user
from config.tests import browser_support
from config.tests.browser_support import horizontal_overflow, log_in, screenshot
from fugong.accounts.models import Department, Role
from fugong.policies.models import Application, Benefit, PublicNotice, State
from fugong.policies.tests.factories import PNG, make_measure

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

browser = browser_support.browser
watched = browser_support.watched


@pytest.fixture(autouse=True)
def private_root(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "attachments"


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_programme_goes_from_publication_through_experts_and_public_notice_to_award(
    watched, transactional_db, live_server, users, baotou_enterprise, tmp_path, size
):
    leading = {"all": [{"fact": "tags", "op": "any", "value": ["leading"], "article": "第三条"}]}
    measure = make_measure(title="龙头企业复工复产奖励", rule=leading, amount="100")
    make_measure(
        title="小微企业房租减免",
        rule={"all": [{"fact": "size_class", "op": "in", "value": ["small"], "article": "第五条"}]},
    )
    panel = Department.objects.get_or_create(name="评审专家库")[0]
    for name in ("expert_wang", "expert_li"):
        make_user(name, Role.HANDLER, department=panel)
    material = tmp_path / "申报书.png"
    material.write_bytes(PNG)
    today = timezone.localdate()

    # The region publishes the programme from its measure, with a score sheet, and names its two experts.
    region = watched(size=size).new_page()
    log_in(region, "alice_region")
    region.goto(f"/policies/measures/{measure.pk}/")
    region.get_by_test_id("new-programme").click()
    region.locator("input[name=name]").fill("2020年龙头企业复工复产奖励资金")
    region.locator("input[name=opens_on]").fill((today - timedelta(days=1)).isoformat())
    region.locator("input[name=closes_on]").fill((today + timedelta(days=30)).isoformat())
    region.locator("input[name=max_amount]").fill("100")
    region.locator("textarea[name=materials]").fill("申报书")
    region.locator("textarea[name=score_sheet]").fill("技术创新能力 40\n市场前景 30\n财务状况 30")
    screenshot(region, "policies-programme-form", size)
    region.get_by_test_id("publish-programme").click()
    expect(region.get_by_test_id("stages")).to_be_visible()
    for name in ("expert_wang", "expert_li"):
        region.get_by_test_id("expert-username").fill(name)
        region.get_by_test_id("expert-add").click()
    expect(region.get_by_test_id("expert")).to_have_count(2)
    programme = measure.programmes.get()

    # The enterprise sees the measure at home, and applies to the programme with its material.
    page = watched(size=size).new_page()
    log_in(page, "frank_enterprise")
    expect(page.get_by_test_id("home-policies")).to_contain_text("龙头企业复工复产奖励")
    page.goto("/policies/mine/")
    expect(page.get_by_test_id("eligible-measure")).to_contain_text("第三条")
    page.goto(f"/policies/programmes/{programme.pk}/")
    page.get_by_test_id("apply-programme").click()
    page.locator("input[name=requested_amount]").fill("80")
    page.get_by_test_id("save-draft").click()
    page.get_by_test_id("move-submit").click()
    expect(page.locator(".alert-danger")).to_contain_text("申报书")  # refused, naming the missing material
    page.locator("input[name=file]").set_input_files(str(material))
    page.get_by_test_id("attach").click()
    page.get_by_test_id("move-submit").click()
    expect(page.get_by_test_id("state")).to_have_attribute("data-state", "submitted")
    application = Application.objects.get()

    # The league passes it; it does not award.
    league = watched(size=size).new_page()
    log_in(league, "bob_league")
    league.goto("/policies/applications/")
    league.get_by_test_id("application-row").locator("a").click()
    expect(league.get_by_test_id("move-award")).to_have_count(0)
    expect(league.get_by_test_id("move-region_pass")).to_have_count(0)
    league.get_by_test_id("move-pass").click()
    expect(league.get_by_test_id("state")).to_have_attribute("data-state", "passed")

    # The region passes it and gives it to both experts.
    region.goto(f"/policies/applications/{application.pk}/")
    expect(region.get_by_test_id("move-award")).to_have_count(0)  # not before the experts and the notice
    region.get_by_test_id("move-region_pass").click()
    expect(region.get_by_test_id("state")).to_have_attribute("data-state", "scoring")
    for _ in range(2):
        region.get_by_test_id("assign").click()
    expect(region.get_by_test_id("assignment")).to_have_count(2)

    # Each expert scores it on the sheet; a score above an item's maximum is refused naming the item.
    for name, points in (("expert_wang", ("36", "25", "24")), ("expert_li", ("30", "21", "20"))):
        expert = watched(size=size).new_page()
        log_in(expert, name)
        expert.goto("/policies/reviews/")
        expert.get_by_test_id("assigned").click()
        items = expert.get_by_test_id("score-item")
        items.nth(0).fill("45")
        items.nth(1).fill(points[1])
        items.nth(2).fill(points[2])
        expert.get_by_test_id("score-form").evaluate("f => f.noValidate = true")
        expert.get_by_test_id("save-scores").click()
        expect(expert.locator(".alert-danger")).to_contain_text("技术创新能力")
        for i, value in enumerate(points):
            expert.get_by_test_id("score-item").nth(i).fill(value)
        screenshot(expert, "policies-score", size)
        expert.get_by_test_id("save-scores").click()
        expect(expert.get_by_test_id("assigned")).to_contain_text(str(sum(int(p) for p in points)))

    # Average 78 (85 and 71), spread 14; shortlisted and published for public notice.
    region.goto(f"/policies/applications/{application.pk}/")
    expect(region.get_by_test_id("score-average")).to_contain_text("78.00")
    region.get_by_test_id("move-shortlist").click()
    expect(region.get_by_test_id("state")).to_have_attribute("data-state", "shortlisted")
    region.goto(f"/policies/programmes/{programme.pk}/")
    region.get_by_test_id("publish-shortlist").click()
    expect(region.get_by_test_id("entry")).to_contain_text(baotou_enterprise.name)
    assert horizontal_overflow(region) <= 1
    screenshot(region, "policies-public-notice", size)
    region.goto(f"/policies/applications/{application.pk}/")
    region.get_by_test_id("award-amount").fill("60")
    region.get_by_test_id("move-award").click()
    expect(region.locator(".alert-danger")).to_contain_text(PublicNotice.objects.get().ends_on.isoformat())

    # The period passes (the notice is moved back in time), and the award is made.
    PublicNotice.objects.update(published_on=today - timedelta(days=14), ends_on=today - timedelta(days=5))
    region.goto(f"/policies/applications/{application.pk}/")
    region.get_by_test_id("award-amount").fill("60")
    region.get_by_test_id("move-award").click()
    expect(region.get_by_test_id("state")).to_have_attribute("data-state", "awarded")
    expect(region.get_by_test_id("awarded")).to_contain_text("60")
    assert horizontal_overflow(region) <= 1
    screenshot(region, "policies-application", size)
    assert Benefit.objects.get().amount == Decimal(60)
    application.refresh_from_db()
    assert application.state == State.AWARDED

    # The enterprise is told: one unread notice in the header, leading to the application.
    page.goto("/")
    expect(page.get_by_test_id("unread")).to_have_text("1")
    page.get_by_test_id("notices-badge").click()
    page.get_by_test_id("notice").first.click()
    expect(page.get_by_test_id("state")).to_have_attribute("data-state", "awarded")
