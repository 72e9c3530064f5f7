"""Claims: who may claim, move and rate, and what a provider sees of the enterprise."""

import pytest
from django.core.exceptions import ValidationError

from config.testing import make_enterprise, make_user
from fugong.accounts.models import Role
from fugong.catalogue import services
from fugong.catalogue.models import ClaimState
from fugong.catalogue.tests.factories import make_claim, make_product, make_provider


@pytest.fixture
def product(users):
    return make_product(make_provider("内蒙古云端科技有限公司", user=users[Role.PROVIDER]))


def _claim(user, product, enterprise):
    return services.claim_create(
        actor=user,
        product=product,
        enterprise=enterprise,
        need="员工居家办公",
        contact_name="赵六",
        contact_phone="13900002222",
    )


@pytest.mark.django_db
def test_an_enterprise_claims_once_for_itself(users, product, baotou_enterprise, ordos_enterprise):
    user = users[Role.ENTERPRISE]
    claim = _claim(user, product, baotou_enterprise)
    assert (
        claim.state == ClaimState.CLAIMED and claim.league_id == "150200" and claim.provider_id == product.provider_id
    )
    with pytest.raises(ValidationError) as e:
        _claim(user, product, baotou_enterprise)
    assert "product" in e.value.message_dict
    with pytest.raises(ValidationError):
        _claim(user, product, ordos_enterprise)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ENTERPRISE])
def test_nobody_else_claims(users, product, baotou_enterprise, role):
    with pytest.raises(ValidationError):
        _claim(users[role], product, baotou_enterprise)


@pytest.mark.django_db
def test_an_unlisted_product_cannot_be_claimed(users, baotou_enterprise):
    draft = make_product(make_provider(), publish=False)
    with pytest.raises(ValidationError):
        _claim(users[Role.ENTERPRISE], draft, baotou_enterprise)


@pytest.mark.django_db
def test_the_provider_contacts_delivers_and_the_enterprise_rates(users, product, baotou_enterprise):
    provider, enterprise = users[Role.PROVIDER], users[Role.ENTERPRISE]
    claim = _claim(enterprise, product, baotou_enterprise)
    with pytest.raises(ValidationError):  # rating before delivery
        services.claim_move(actor=enterprise, claim=claim, action="rate", rating=5)
    claim = services.claim_move(actor=provider, claim=claim, action="contact")
    claim = services.claim_move(actor=provider, claim=claim, action="deliver")
    assert claim.state == ClaimState.DELIVERED and claim.delivered_on
    with pytest.raises(ValidationError):  # the provider does not rate itself
        services.claim_move(actor=provider, claim=claim, action="rate", rating=5)
    with pytest.raises(ValidationError):
        services.claim_move(actor=enterprise, claim=claim, action="rate", rating=6)
    claim = services.claim_move(actor=enterprise, claim=claim, action="rate", rating=4, comment="好用")
    assert claim.rating == 4 and claim.rating_comment == "好用"
    with pytest.raises(ValidationError):  # once
        services.claim_move(actor=enterprise, claim=claim, action="rate", rating=1)
    assert [e.action for e in claim.events.all()] == ["claim", "contact", "deliver", "rate"]


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["contact", "deliver", "decline"])
@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.PROVIDER])
def test_only_the_provider_moves_a_claim(users, product, baotou_enterprise, action, role):
    claim = make_claim(product, baotou_enterprise)
    with pytest.raises(ValidationError):
        services.claim_move(actor=users[role], claim=claim, action=action, comment="理由")


@pytest.mark.django_db
def test_another_provider_cannot_move_it(users, product, baotou_enterprise):
    other = make_user("mallory_provider", Role.PROVIDER)
    make_provider("别家科技有限公司", user=other)
    claim = make_claim(product, baotou_enterprise)
    with pytest.raises(ValidationError):
        services.claim_move(actor=other, claim=claim, action="deliver")


@pytest.mark.django_db
def test_declining_needs_a_reason(users, product, baotou_enterprise):
    claim = make_claim(product, baotou_enterprise)
    with pytest.raises(ValidationError):
        services.claim_move(actor=users[Role.PROVIDER], claim=claim, action="decline")
    claim = services.claim_move(actor=users[Role.PROVIDER], claim=claim, action="decline", comment="超出服务区域")
    assert claim.state == ClaimState.DECLINED and claim.declined_reason == "超出服务区域"
    with pytest.raises(ValidationError):
        services.claim_move(actor=users[Role.PROVIDER], claim=claim, action="deliver")


@pytest.mark.django_db
def test_the_provider_sees_only_its_claims_and_only_what_they_need(client, users, product, baotou_enterprise):
    type(baotou_enterprise).objects.filter(pk=baotou_enterprise.pk).update(contact_phone="04725550000")
    other_product = make_product(make_provider("别家科技有限公司"), name="别家产品")
    mine = make_claim(product, baotou_enterprise)
    theirs = make_claim(other_product, make_enterprise(county="150203", name="别家客户有限公司"))
    client.force_login(users[Role.PROVIDER])
    page = client.get("/catalogue/claims/").text
    assert baotou_enterprise.name in page and "别家客户有限公司" not in page
    assert client.get(f"/catalogue/claims/{theirs.pk}/").status_code == 404
    detail = client.get(f"/catalogue/claims/{mine.pk}/").text
    assert "13900002222" in detail and "赵六" in detail
    assert baotou_enterprise.credit_code not in detail and "04725550000" not in detail
    assert "昆都仑" not in detail


@pytest.mark.django_db
def test_the_enterprise_claims_and_rates_through_the_pages(client, users, product, baotou_enterprise):
    client.force_login(users[Role.ENTERPRISE])
    page = client.get(f"/catalogue/products/{product.pk}/").text
    assert 'data-testid="claim-form"' in page
    response = client.post(
        f"/catalogue/products/{product.pk}/claim/",
        {"need": "远程办公", "contact_name": "赵六", "contact_phone": "13900002222"},
    )
    claim = product.claims.get()
    assert response.status_code == 302 and response["Location"] == f"/catalogue/claims/{claim.pk}/"
    client.force_login(users[Role.PROVIDER])
    assert client.post(f"/catalogue/claims/{claim.pk}/moves/", {"action": "deliver"}).status_code == 302
    client.force_login(users[Role.ENTERPRISE])
    client.post(f"/catalogue/claims/{claim.pk}/moves/", {"action": "rate", "rating": "5", "comment": "很好"})
    claim.refresh_from_db()
    assert claim.state == ClaimState.DELIVERED and claim.rating == 5
