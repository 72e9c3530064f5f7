"""Products through review: who may make each move, and what the catalogue shows meanwhile."""

import pytest
from django.core.exceptions import ValidationError

from config.testing import make_user
from fugong.accounts.models import Role
from fugong.catalogue import services
from fugong.catalogue.models import ProductState
from fugong.catalogue.tests.factories import make_call, make_product, make_provider, product_data


@pytest.fixture
def provider(users):
    return make_provider("内蒙古云端科技有限公司", user=users[Role.PROVIDER])


@pytest.fixture
def draft(provider):
    return make_product(provider, publish=False)


def _move(user, product, action, comment=""):
    return services.product_move(actor=user, product=product, action=action, comment=comment)


@pytest.mark.django_db
def test_it_publishes_a_product_with_a_catalogue_number(users, draft):
    provider_user, reviewer = users[Role.PROVIDER], users[Role.REGION]
    assert _move(provider_user, draft, "submit").state == ProductState.SUBMITTED
    product = _move(reviewer, draft, "approve")
    assert product.state == ProductState.PUBLISHED
    assert product.number == "XT-0001" and product.published_at and product.feed_updated_at
    assert [e.action for e in product.events.all()] == ["create", "submit", "approve"]
    second = make_product(draft.provider, name="第二个协同产品")
    assert second.number == "XT-0002"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.PROVIDER])
def test_only_the_provider_submits(users, draft, role):
    with pytest.raises(ValidationError):
        _move(users[role], draft, "submit")


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["approve", "return", "reject"])
@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.REGION])
def test_only_the_region_reviews(users, draft, action, role):
    _move(users[Role.PROVIDER], draft, "submit")
    with pytest.raises(ValidationError):
        _move(users[role], draft, action, comment="理由")
    draft.refresh_from_db()
    assert draft.state == ProductState.SUBMITTED


@pytest.mark.django_db
def test_another_provider_cannot_touch_the_product(users, draft):
    other = make_user("mallory_provider", Role.PROVIDER)
    make_provider("别家科技有限公司", user=other)
    with pytest.raises(ValidationError):
        _move(other, draft, "submit")
    with pytest.raises(ValidationError):
        services.product_save(actor=other, provider=draft.provider, product=draft, data=product_data(name="篡改"))


@pytest.mark.django_db
def test_return_needs_reasons_and_the_provider_resubmits(users, draft):
    provider_user, reviewer = users[Role.PROVIDER], users[Role.REGION]
    _move(provider_user, draft, "submit")
    with pytest.raises(ValidationError) as e:
        _move(reviewer, draft, "return")
    assert "comment" in e.value.message_dict
    product = _move(reviewer, draft, "return", "请补充免费期限说明")
    assert product.state == ProductState.RETURNED
    services.product_save(
        actor=provider_user, provider=product.provider, product=product, data=product_data(limits="不限")
    )
    assert _move(provider_user, product, "submit").state == ProductState.SUBMITTED
    product.refresh_from_db()
    assert product.limits == "不限"


@pytest.mark.django_db
def test_a_rejected_product_stays_out_and_cannot_be_edited(users, draft):
    _move(users[Role.PROVIDER], draft, "submit")
    product = _move(users[Role.REGION], draft, "reject", "与疫情防控无关")
    assert product.state == ProductState.REJECTED and not product.is_listed
    with pytest.raises(ValidationError):
        services.product_save(
            actor=users[Role.PROVIDER], provider=product.provider, product=product, data=product_data()
        )
    with pytest.raises(ValidationError):
        _move(users[Role.PROVIDER], product, "submit")


@pytest.mark.django_db
def test_a_change_to_a_published_product_waits_for_review(users, provider):
    provider_user, reviewer = users[Role.PROVIDER], users[Role.REGION]
    product = make_product(provider)
    published_at = product.feed_updated_at
    services.product_save(
        actor=provider_user, provider=provider, product=product, data=product_data(name="钉钉远程办公套件（升级版）")
    )
    product.refresh_from_db()
    # The published version stays visible and unchanged.
    assert product.name == "钉钉远程办公套件" and product.is_listed and product.pending["name"].endswith("升级版）")
    _move(provider_user, product, "submit")
    product.refresh_from_db()
    assert product.is_listed and product.name == "钉钉远程办公套件"
    with pytest.raises(ValidationError):  # no edits while under review
        services.product_save(actor=provider_user, provider=provider, product=product, data=product_data())
    with pytest.raises(ValidationError):  # a published product is never rejected: its change is dropped
        _move(reviewer, product, "reject", "x")
    product = _move(reviewer, product, "approve")
    assert product.name == "钉钉远程办公套件（升级版）" and product.pending == {}
    assert product.number == "XT-0001" and product.feed_updated_at > published_at


@pytest.mark.django_db
def test_a_dropped_change_leaves_the_published_version(users, provider):
    product = make_product(provider)
    services.product_save(
        actor=users[Role.PROVIDER], provider=provider, product=product, data=product_data(name="新名")
    )
    _move(users[Role.PROVIDER], product, "submit")
    product = _move(users[Role.REGION], product, "discard")
    assert product.state == ProductState.PUBLISHED and product.name == "钉钉远程办公套件" and product.pending == {}


@pytest.mark.django_db
def test_nothing_to_submit_without_a_change(users, provider):
    product = make_product(provider)
    with pytest.raises(ValidationError):
        _move(users[Role.PROVIDER], product, "submit")


@pytest.mark.django_db
def test_withdrawal_needs_a_reason_and_keeps_the_product_out(users, provider):
    product = make_product(provider)
    with pytest.raises(ValidationError):
        _move(users[Role.PROVIDER], product, "withdraw")
    product = _move(users[Role.PROVIDER], product, "withdraw", "产品下线")
    assert product.state == ProductState.WITHDRAWN and product.withdrawn_at and not product.is_listed


@pytest.mark.django_db
def test_a_closed_call_or_a_category_it_does_not_ask_for_is_refused(users, provider):
    call = make_call(categories=["security"])
    product = make_product(provider, call=call, publish=False)  # collaboration
    with pytest.raises(ValidationError) as e:
        _move(users[Role.PROVIDER], product, "submit")
    assert "category" in e.value.message_dict
    call.closes_on = call.opens_on
    call.opens_on = call.opens_on.replace(year=2020)
    call.closes_on = call.opens_on
    call.save()
    other = make_product(provider, call=call, publish=False, category="security")
    with pytest.raises(ValidationError) as e:
        _move(users[Role.PROVIDER], other, "submit")
    assert "call" in e.value.message_dict


@pytest.mark.django_db
def test_bad_product_input_names_the_fields(provider):
    with pytest.raises(ValidationError) as e:
        services.product_save(
            actor=None,
            provider=provider,
            data=product_data(
                name="",
                category="games",
                delivery="saas",
                link="javascript:alert(1)",
                industry_codes="99,ab",
                contact_phone="x",
                free_months=500,
            ),
        )
    assert set(e.value.message_dict) >= {"name", "category", "link", "industry_codes", "contact_phone", "free_months"}


@pytest.mark.django_db
def test_provider_credit_code_is_checked(users):
    with pytest.raises(ValidationError) as e:
        services.provider_create(
            actor=users[Role.REGION],
            name="某公司",
            credit_code="91150102MA0N00000X",
            contact_name="王",
            contact_phone="0471-1234567",
        )
    assert "credit_code" in e.value.message_dict
    with pytest.raises(ValidationError):
        services.provider_create(
            actor=users[Role.LEAGUE], name="某公司", credit_code="", contact_name="王", contact_phone="0471-1234567"
        )


@pytest.mark.django_db
def test_the_command_binds_a_provider_user(users):
    from django.core.management import CommandError, call_command

    provider = make_provider("命令绑定科技有限公司")
    call_command("provider_member", users[Role.PROVIDER].username, provider=provider.credit_code.lower())
    assert users[Role.PROVIDER].provider_membership.provider == provider
    with pytest.raises(CommandError):  # only once, and only the provider role
        call_command("provider_member", users[Role.PROVIDER].username, provider=provider.credit_code)
    with pytest.raises(CommandError):
        call_command("provider_member", users[Role.ENTERPRISE].username, provider=provider.credit_code)
