"""The benefits import and a measure's answer raised as a problem, in a real browser, phone and desktop, Chinese
and English. Screenshots land in test-artifacts/screenshots/ as benefits-<page>-<lang>-<size>.png.
"""

import re

import pytest
from playwright.sync_api import expect

from config.tests import browser_support
from config.tests.browser_support import horizontal_overflow, log_in, screenshot
from fugong.policies.models import Benefit, MeasureProblem
from fugong.policies.tests.factories import make_measure
from fugong.policies.tests.test_benefit_import import clerk_sheet, spaced

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

browser = browser_support.browser
watched = browser_support.watched


@pytest.mark.parametrize(("size", "locale"), [("phone", "zh-CN"), ("desktop", "en-US")])
def test_a_league_imports_a_list_and_an_enterprise_raises_an_answer(
    watched, transactional_db, live_server, users, baotou_enterprise, tmp_path, size, locale
):
    specialised = {"all": [{"fact": "tags", "op": "any", "value": ["specialised"], "article": "第二条"}]}
    wages = make_measure(title="中小企业稳岗返还", delivery="automatic", benefit_type="subsidy")
    fund = make_measure(title="专精特新中小企业专项资金", rule=specialised)
    sheet = tmp_path / "兑现清单.xlsx"
    bad = tmp_path / "有误清单.xlsx"
    code = spaced(baotou_enterprise.credit_code)
    good_rows = [[baotou_enterprise.name, code, "中小企业稳岗返还", "１２.５", "", "2020年3月16日", "免申即享"]]
    sheet.write_bytes(clerk_sheet(good_rows).getvalue())
    bad.write_bytes(
        clerk_sheet([*good_rows, [baotou_enterprise.name, code, "稳岗", "-1", "", "2020-13-01", ""]]).getvalue()
    )

    watch = watched(size=size, locale=locale)
    page = watch.new_page()
    log_in(page, "bob_league")
    page.goto("/policies/benefits/")
    page.get_by_test_id("benefits-import").click()
    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_test_id("upload").click()
    expect(page.get_by_test_id("whole")).to_be_visible()
    expect(page.locator("[data-testid=issue][data-row='5'][data-column='amount']")).to_have_count(1)
    expect(page.locator("[data-testid=issue][data-row='5'][data-column='on']")).to_have_count(1)
    expect(page.get_by_test_id("commit")).to_have_count(0)
    screenshot(page, "benefits-import-errors", size)
    assert horizontal_overflow(page) <= 1
    page.goto("/policies/benefits/import/")
    page.locator("input[type=file]").set_input_files(str(sheet))
    page.get_by_test_id("upload").click()
    expect(page.get_by_test_id("count-create")).to_have_text("1")
    expect(page.get_by_test_id("count-skip")).to_have_text("2")
    screenshot(page, "benefits-import-preview", size)
    page.get_by_test_id("commit").click()
    expect(page.get_by_test_id("result")).to_have_attribute("data-state", "committed")
    assert Benefit.objects.get().measure == wages
    page.goto(f"/policies/measures/{wages.pk}/")
    expect(page.get_by_test_id("not-reached")).to_have_text("0")

    page = watched(size=size, locale=locale).new_page()
    log_in(page, "frank_enterprise")
    page.goto("/policies/mine/")
    page.locator(f"[data-testid=raise-problem][href='/policies/measures/{fund.pk}/problem/']").click()
    description = page.locator("textarea[name=description]")
    expect(description).to_contain_text("第二条")
    screenshot(page, "benefits-raise-problem", size)
    description.fill(description.input_value() + "我企业已于2019年认定为专精特新企业。")
    page.get_by_test_id("submit-problem").click()
    expect(page).to_have_url(re.compile(r"/problems/\d+/$"))
    link = MeasureProblem.objects.get()
    assert link.measure == fund and link.problem.category == "policy"
    page.goto(f"/policies/measures/{fund.pk}/")
    expect(page.get_by_test_id("measure-problem")).to_have_count(1)
    screenshot(page, "benefits-measure-problems", size)
    assert horizontal_overflow(page) <= 1
