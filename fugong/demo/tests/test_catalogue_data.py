"""The demo's IT products: exactly 247 published in the 4 categories, claims with deliveries and ratings."""

from collections import Counter
from datetime import date

import pytest

from fugong.accounts.models import Role, User
from fugong.catalogue import selectors
from fugong.catalogue.models import Claim, Product, ProductState
from fugong.demo import build as demo

SMALL = 0.05


@pytest.fixture
def small_demo(db):
    return demo.build(scale=SMALL)


@pytest.mark.django_db
def test_the_demo_publishes_247_products_in_4_categories(small_demo):
    listed = Product.objects.filter(published_at__isnull=False).exclude(state=ProductState.WITHDRAWN)
    assert listed.count() == 247
    assert Counter(listed.values_list("category", flat=True)) == {
        "epidemic": 71, "collaboration": 78, "security": 43, "production": 55
    }  # fmt: skip
    others = Counter(Product.objects.filter(published_at__isnull=True).values_list("state", flat=True))
    assert others["submitted"] and others["returned"] and others["rejected"]
    assert listed.filter(state=ProductState.SUBMITTED).exclude(pending={}).exists()  # a change under review
    assert len(set(listed.values_list("number", flat=True))) == 247
    assert Product.objects.values("provider").distinct().count() <= 60


@pytest.mark.django_db
def test_the_demo_claims_deliveries_and_ratings(small_demo):
    region = User.objects.get(username="region")
    figures = selectors.catalogue_figures(user=region, as_of=date(2020, 3, 31))
    assert figures.products == 247 and figures.total.claims == Claim.objects.count()
    assert figures.total.delivered > 0 and 3.5 < figures.total.average_rating <= 5
    assert figures.unclaimed and len(figures.by_league) > 1
    claimed = Claim.objects.values_list("claimed_on", flat=True)
    assert min(claimed) >= date(2020, 2, 3) and max(claimed) <= date(2020, 3, 31)
    assert not Claim.objects.filter(rating__isnull=False).exclude(state="delivered").exists()
    line = selectors.brief_lines(user=region, as_of=date(2020, 2, 22))[0]
    assert line.startswith(
        "征集发布疫情防控、协同办公、信息安全、企业生产管理4类信息技术产品247项，免费提供企业使用，已有"
    )


@pytest.mark.django_db
def test_the_provider_and_platform_logins_work(small_demo, client):
    provider = User.objects.get(username="provider")
    assert provider.provider_membership.provider.products.filter(state=ProductState.PUBLISHED).exists()
    assert Claim.objects.filter(provider=provider.provider_membership.provider).exists()
    assert User.objects.get(username="platform").role == Role.PLATFORM
    client.force_login(User.objects.get(username="platform"))
    assert client.get("/api/v1/catalogue?limit=1").json()["count"] == 247


@pytest.mark.django_db
def test_the_catalogue_step_is_fast_and_rebuilds_the_same(small_demo):
    from fugong.demo import steps

    # Products not yet published have no number: name and provider order them (PostgreSQL leaves ties unordered).
    order = ("number", "name", "provider__name")
    before = list(Product.objects.order_by(*order).values_list(*order))
    steps.wipe_catalogue()
    step = next(s for s in steps.STEPS if s.name == "catalogue")
    from fugong.demo.plan import make_plan

    step.build(steps.Context(seed=demo.DEFAULT_SEED, scale=SMALL, plan=make_plan(seed=demo.DEFAULT_SEED, scale=SMALL)))
    assert list(Product.objects.order_by(*order).values_list(*order)) == before
