"""The catalogue's pages: search by pinyin, filters, escaping, printing, the figures and the brief paragraph."""

from datetime import date

import pytest
from django.utils import timezone

from fugong.accounts.models import Role
from fugong.catalogue import selectors, services
from fugong.catalogue.tests.factories import make_call, make_claim, make_product, make_provider


@pytest.fixture
def catalogue(users):
    provider = make_provider("内蒙古云端科技有限公司", user=users[Role.PROVIDER])
    call = make_call()
    return {
        "office": make_product(provider, call=call, name="钉钉远程办公套件", delivery="saas"),
        "thermo": make_product(
            provider, call=call, name="红外测温通行系统", category="epidemic", delivery="onsite", link="",
            industry_codes="13,31",
        ),
        "guard": make_product(
            make_provider("鄂尔多斯数联科技有限公司"), call=call, name="终端安全卫士", category="security"
        ),
    }  # fmt: skip


def _names(client, **params):
    page = client.get("/catalogue/", params)
    assert page.status_code == 200
    return {row for row in ("钉钉远程办公套件", "红外测温通行系统", "终端安全卫士") if row in page.text}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("ddyc", {"钉钉远程办公套件"}),  # initials
        ("hongwai", {"红外测温通行系统"}),  # full pinyin
        ("測溫", {"红外测温通行系统"}),  # traditional characters
        ("数联", {"终端安全卫士"}),  # the provider's name
        ("nmgyd", {"钉钉远程办公套件", "红外测温通行系统"}),  # the provider's initials
        ("YQ-0001", {"红外测温通行系统"}),  # the catalogue number
    ],
)
def test_it_finds_by_name_provider_and_pinyin(client, users, catalogue, query, found):
    client.force_login(users[Role.COUNTY])
    assert _names(client, q=query) == found


@pytest.mark.django_db
def test_it_filters_by_category_industry_and_delivery(client, users, catalogue):
    client.force_login(users[Role.ENTERPRISE])
    assert _names(client, category="security") == {"终端安全卫士"}
    assert _names(client, delivery="onsite") == {"红外测温通行系统"}
    # An industry the thermometer names, and products that suit every industry.
    assert _names(client, industry="31") == {"钉钉远程办公套件", "红外测温通行系统", "终端安全卫士"}
    assert _names(client, industry="06") == {"钉钉远程办公套件", "终端安全卫士"}
    assert _names(client, industry="3") == {"钉钉远程办公套件", "红外测温通行系统", "终端安全卫士"}  # ignored


@pytest.mark.django_db
def test_drafts_stay_out_of_the_catalogue(client, users, catalogue):
    draft = make_product(catalogue["office"].provider, publish=False, name="未发布的草稿")
    client.force_login(users[Role.ENTERPRISE])
    assert "未发布的草稿" not in client.get("/catalogue/").text
    assert client.get(f"/catalogue/products/{draft.pk}/").status_code == 404
    client.force_login(users[Role.PROVIDER])
    assert client.get(f"/catalogue/products/{draft.pk}/").status_code == 200
    assert "未发布的草稿" in client.get("/catalogue/mine/").text


@pytest.mark.django_db
def test_someone_elses_text_is_shown_escaped(client, users):
    provider = make_provider("内蒙古云端科技有限公司", user=users[Role.PROVIDER])
    product = make_product(
        provider, name="<script>alert(1)</script>", description="<img src=x onerror=alert(2)>\n第二行",
        free_terms="</script><script>alert(3)</script>",
    )  # fmt: skip
    client.force_login(users[Role.ENTERPRISE])
    for url in (f"/catalogue/products/{product.pk}/", "/catalogue/", "/catalogue/print/"):
        text = client.get(url).text
        assert "<script>alert" not in text and "<img src=x" not in text, url
        assert "&lt;script&gt;alert" in text, url
    # The JSON-LD in the page head cannot close its script element either.
    head = client.get(f"/catalogue/products/{product.pk}/").text
    assert '"@type": "Product"' in head and "</script><script>" not in head


@pytest.mark.django_db
def test_the_print_page_groups_by_category(client, users, catalogue):
    client.force_login(users[Role.LEAGUE])
    text = client.get("/catalogue/print/").text
    assert text.count('data-testid="print-group"') == 3
    assert text.index("疫情防控") < text.index("协同办公") < text.index("信息安全")


@pytest.mark.django_db
def test_a_published_product_keeps_showing_while_its_change_is_reviewed(client, users, catalogue):
    office = catalogue["office"]
    client.force_login(users[Role.PROVIDER])
    data = {
        "name": "钉钉远程办公套件二代", "category": "collaboration", "description": "新版", "free_terms": "全部免费",
        "delivery": "saas", "link": "https://example.com/v2", "contact_name": "李经理", "contact_phone": "13800001111",
    }  # fmt: skip
    assert client.post(f"/catalogue/products/{office.pk}/edit/", data).status_code == 302
    client.force_login(users[Role.ENTERPRISE])
    page = client.get(f"/catalogue/products/{office.pk}/").text
    assert "钉钉远程办公套件" in page and "二代" not in page
    client.force_login(users[Role.REGION])
    assert "二代" in client.get(f"/catalogue/products/{office.pk}/").text  # the reviewer sees the change


@pytest.mark.django_db
def test_figures_and_the_brief_paragraph(users, catalogue, baotou_enterprise, ordos_enterprise):
    make_claim(catalogue["office"], baotou_enterprise, state="delivered", rating=5)
    make_claim(catalogue["thermo"], baotou_enterprise, state="delivered", rating=4)
    make_claim(catalogue["office"], ordos_enterprise)
    today = timezone.localdate()
    region = selectors.catalogue_figures(user=users[Role.REGION], as_of=today)
    assert region.products == 3 and region.total.claims == 3 and region.total.enterprise_count == 2
    assert region.total.delivered == 2 and region.total.average_rating == 4.5
    assert [p.name for p in region.unclaimed] == ["终端安全卫士"]
    by_category = {t.key: (t.products, t.claims) for t in region.by_category}
    assert by_category == {"epidemic": (1, 1), "collaboration": (1, 2), "security": (1, 0), "production": (0, 0)}
    assert {t.key: t.enterprise_count for t in region.by_league} == {"150200": 1, "150600": 1}
    # A league official counts the claims of its own league only; the products are the region's.
    league = selectors.catalogue_figures(user=users[Role.LEAGUE], as_of=today)
    assert league.products == 3 and league.total.claims == 2
    assert selectors.brief_lines(user=users[Role.REGION], as_of=today) == [
        "征集发布疫情防控、协同办公、信息安全3类信息技术产品3项，免费提供企业使用，"
        "已有2户企业申请使用3项次，已交付2项次，企业评价平均4.5分。"
    ]
    # Before anything was published there is nothing to say.
    assert selectors.brief_lines(user=users[Role.REGION], as_of=date(2020, 1, 1)) == []


@pytest.mark.django_db
def test_the_figures_page_the_export_and_the_api_agree(client, users, catalogue, baotou_enterprise):
    make_claim(catalogue["office"], baotou_enterprise, state="delivered", rating=5)
    client.force_login(users[Role.LEAGUE])
    page = client.get("/catalogue/figures/")
    assert page.status_code == 200 and 'data-testid="products">3<' in page.text
    export = client.get("/catalogue/figures/export.xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    api = client.get("/api/v1/catalogue/figures").json()
    assert api["products"] == 3 and api["total"]["claims"] == 1 and api["total"]["average_rating"] == 5.0
    assert client.get("/catalogue/figures/?league=150600").status_code == 404


@pytest.mark.django_db
def test_a_brochure_that_is_not_what_it_claims_is_refused(users, catalogue):
    from django.core.exceptions import ValidationError

    office, provider = catalogue["office"], users[Role.PROVIDER]
    for name, content in (
        ("brochure.pdf", b"MZ\x90\x00" + b"\x00" * 100),  # a program named .pdf
        ("brochure.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),  # an image named .pdf
        ("table.xlsx", b"PK\x03\x04" + b"\x00" * 100),
    ):
        with pytest.raises(ValidationError):
            services.product_file_add(actor=provider, product=office, kind="brochure", name=name, content=content)
    with pytest.raises(ValidationError):
        services.product_file_add(
            actor=provider, product=office, kind="screenshot", name="a.pdf", content=b"%PDF-1.4\n" + b"0" * 64
        )
    file = services.product_file_add(
        actor=provider, product=office, kind="brochure", name="手册.pdf", content=b"%PDF-1.4\n" + b"0" * 64
    )
    assert not file.approved and office.files.count() == 1


@pytest.mark.django_db
def test_a_delivery_counts_from_its_day(users, catalogue, baotou_enterprise):
    from fugong.catalogue.models import Claim

    claim = make_claim(catalogue["office"], baotou_enterprise, state="delivered", rating=5)
    Claim.objects.filter(pk=claim.pk).update(claimed_on=date(2020, 2, 10), delivered_on=date(2020, 2, 25))
    before = selectors.catalogue_figures(user=users[Role.REGION], as_of=date(2020, 2, 22))
    after = selectors.catalogue_figures(user=users[Role.REGION], as_of=date(2020, 2, 25))
    assert (before.total.claims, before.total.delivered, before.total.average_rating) == (1, 0, None)
    assert (after.total.claims, after.total.delivered, after.total.average_rating) == (1, 1, 5.0)


@pytest.mark.django_db
def test_the_dashboard_shows_the_catalogue_panel(client, users, catalogue, baotou_enterprise):
    from fugong.analytics.brief import BriefContext  # noqa: F401 - the brief section is registered
    from fugong.analytics.sections import keys

    make_claim(catalogue["office"], baotou_enterprise, state="delivered", rating=5)
    assert "catalogue" in keys()
    client.force_login(users[Role.LEAGUE])
    text = client.get(f"/analytics/panels/?as_of={timezone.localdate().isoformat()}").text  # the dashboard's panels
    assert "免费信息技术产品" in text and "/catalogue/figures/" in text
