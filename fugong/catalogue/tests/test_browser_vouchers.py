"""Cloud-service vouchers in a real browser: the department issues a voucher, the enterprise redeems it against its
delivered claim from its catalogue home, the provider adds its evidence and asks for payment, the department
approves and pays. Then every voucher page in Chinese and English. Screenshots land in
test-artifacts/screenshots/ as vouchers-<page>-<lang>-<size>.png.
"""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from config.tests import browser_support
from config.tests.browser_support import horizontal_overflow, log_in, screenshot
from fugong.accounts.models import Role
from fugong.catalogue.models import Voucher
from fugong.catalogue.tests.factories import PDF, make_claim, make_product, make_programme, make_provider

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

browser = browser_support.browser
watched = browser_support.watched


@pytest.fixture
def journey(users, baotou_enterprise):
    provider = make_provider("内蒙古云端科技有限公司", user=users[Role.PROVIDER])
    product = make_product(provider, name="蒙云生产管理", category="production")
    return {
        "programme": make_programme(name="2020年第一批云服务券", budget="500"),
        "claim": make_claim(product, baotou_enterprise, state="delivered"),
    }


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_issue_redeem_ask_approve_and_pay(watched, transactional_db, live_server, users, journey, tmp_path, size):
    programme = journey["programme"]

    # The department issues a voucher of 1万元 to Baotou Steel.
    department = watched(size=size).new_page()
    log_in(department, "alice_region")
    department.goto(f"/catalogue/vouchers/programmes/{programme.pk}/")
    department.locator("select[name=face_value]").select_option("1")
    department.locator("textarea[name=credit_codes]").fill(journey["claim"].enterprise.credit_code)
    department.get_by_test_id("issue").click()
    expect(department.get_by_test_id("held")).to_have_text("1")
    screenshot(department, "vouchers-programme", size)
    voucher = Voucher.objects.get()

    # The enterprise finds it on its catalogue home and redeems it against the delivered claim.
    enterprise = watched(size=size).new_page()
    log_in(enterprise, "frank_enterprise")
    enterprise.goto("/catalogue/")
    enterprise.get_by_test_id("my-voucher").click()
    expect(enterprise.get_by_test_id("state")).to_have_attribute("data-state", "issued")
    enterprise.get_by_test_id("move-redeem").click()
    expect(enterprise.get_by_test_id("state")).to_have_attribute("data-state", "redeemed")
    expect(enterprise.get_by_test_id("product")).to_contain_text("蒙云生产管理")
    assert horizontal_overflow(enterprise) <= 1
    screenshot(enterprise, "vouchers-voucher-enterprise", size)

    # The provider adds the contract, the invoice and the proof of delivery, and asks for payment.
    provider = watched(size=size).new_page()
    log_in(provider, "grace_provider")
    provider.goto("/catalogue/vouchers/")
    provider.get_by_test_id("voucher-row").locator("a").click()
    evidence = tmp_path / "evidence.pdf"
    evidence.write_bytes(PDF)
    for kind in ("contract", "invoice", "delivery"):
        provider.locator("[data-testid=evidence-form] select[name=kind]").select_option(kind)
        provider.locator("[data-testid=evidence-form] input[name=file]").set_input_files(str(evidence))
        provider.get_by_test_id("upload").click()
    expect(provider.get_by_test_id("evidence-file")).to_have_count(3)
    provider.get_by_test_id("move-request").click()
    expect(provider.get_by_test_id("state")).to_have_attribute("data-state", "requested")
    screenshot(provider, "vouchers-voucher-provider", size)

    # The department approves from its review queue and records the payment.
    department.goto("/catalogue/vouchers/review/")
    screenshot(department, "vouchers-review", size)
    department.get_by_test_id("review-row").locator("a").click()
    department.get_by_test_id("move-approve").click()
    expect(department.get_by_test_id("state")).to_have_attribute("data-state", "approved")
    department.get_by_test_id("pay-amount").fill("0.9")
    department.get_by_test_id("move-pay").click()
    expect(department.get_by_test_id("state")).to_have_attribute("data-state", "paid")
    expect(department.get_by_test_id("paid")).to_contain_text("0.9")
    screenshot(department, "vouchers-voucher-paid", size)
    voucher.refresh_from_db()
    assert (voucher.state, voucher.paid_amount) == ("paid", Decimal("0.90"))
    actions = department.get_by_test_id("timeline-entry").evaluate_all("els => els.map(e => e.dataset.action)")
    assert actions == ["issue", "redeem", "attach", "attach", "attach", "request", "approve", "pay"]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_voucher_pages_in_both_languages(watched, transactional_db, live_server, users, journey, size):
    from fugong.catalogue import vouchers

    programme = journey["programme"]
    vouchers.vouchers_issue(actor=None, programme=programme, face_value="2",
                            credit_codes=[journey["claim"].enterprise.credit_code])  # fmt: skip
    voucher = Voucher.objects.get()
    pages = {
        "alice_region": {
            "programmes": "/catalogue/vouchers/programmes/",
            "programme-new": "/catalogue/vouchers/programmes/new/",
            "review-queue": "/catalogue/vouchers/review/",
            "figures": "/catalogue/figures/",
        },
        "frank_enterprise": {
            "home": "/catalogue/", "list": "/catalogue/vouchers/", "voucher": f"/catalogue/vouchers/{voucher.pk}/"
        },
        "grace_provider": {"payment-requests": "/catalogue/vouchers/"},
    }  # fmt: skip
    overflow = {}
    for username, urls in pages.items():
        watch = watched(size=size)
        page = watch.new_page()
        log_in(page, username)
        for lang in ("zh-hans", "en"):
            if lang == "en":
                page.get_by_test_id("lang-en").click()
                expect(page.locator("html")).to_have_attribute("lang", "en")
            for name, url in urls.items():
                response = page.goto(url)
                assert response.status == 200, (name, response.status)
                overflow[f"{name}-{lang}"] = horizontal_overflow(page)
                screenshot(page, f"vouchers-{name}", size)
        watch.assert_clean()
    assert {name: px for name, px in overflow.items() if px > 1} == {}, "pages wider than the window"
