"""Providers, calls, products and claims for tests, built through the services."""

import itertools
from datetime import timedelta

from django.utils import timezone

from fugong.catalogue import services
from fugong.catalogue.models import Category
from fugong.enterprises.credit_code import make

_serial = itertools.count(1)


def make_provider(name: str | None = None, *, user=None):
    n = next(_serial)
    provider = services.provider_create(
        actor=None,
        name=name or f"测试信息技术服务商{n}有限公司",
        credit_code=make(area_code="150102", org_body=f"P{n:07d}"),
        contact_name="王工",
        contact_phone="0471-1234567",
    )
    if user is not None:
        services.provider_member_add(actor=None, provider=provider, user=user)
    return provider


def make_call(categories=None):
    today = timezone.localdate()
    return services.call_create(
        actor=None,
        name="2020年第一批信息技术产品征集",
        opens_on=today - timedelta(days=7),
        closes_on=today + timedelta(days=30),
        categories=categories or list(Category.values),
    )


def product_data(**fields) -> services.ProductData:
    values = {
        "name": "钉钉远程办公套件",
        "category": Category.COLLABORATION,
        "description": "视频会议、在线文档、考勤打卡，员工在家协同办公。",
        "free_terms": "基础版全部功能免费",
        "free_months": 3,
        "limits": "每户企业最多300人",
        "delivery": "saas",
        "link": "https://example.com/office",
        "industry_codes": "",
        "contact_name": "李经理",
        "contact_phone": "13800001111",
    }
    values.update(fields)
    return services.ProductData(**values)


def make_product(provider, *, call=None, publish=True, **fields):
    """A product submitted into `call` (a new open call by default) and, with publish, approved by the system."""
    call = call or make_call()
    product = services.product_save(actor=None, provider=provider, data=product_data(**fields), call=call)
    if publish:
        services.product_move(actor=None, product=product, action="submit")
        product = services.product_move(actor=None, product=product, action="approve")
    return product


def make_claim(product, enterprise, *, need="复工后员工在家办公", state="claimed", rating=None):
    claim = services.claim_create(
        actor=None, product=product, enterprise=enterprise, need=need, contact_name="赵六", contact_phone="13900002222"
    )
    if state in ("contacted", "delivered"):
        claim = services.claim_move(actor=None, claim=claim, action="contact")
    if state == "delivered":
        claim = services.claim_move(actor=None, claim=claim, action="deliver")
    if state == "declined":
        claim = services.claim_move(actor=None, claim=claim, action="decline", comment="不在服务范围")
    if rating:
        claim = services.claim_move(actor=None, claim=claim, action="rate", rating=rating)
    return claim


def matrix_context(users, inside, outside) -> dict:
    """The provider persona works for `provider_in`; `provider_out` is someone else's. Claims: the enterprise
    persona's on the persona's provider's product (in), an Ordos enterprise's on another provider's (out)."""
    from fugong.accounts.models import Role

    provider_in = make_provider("包头云智信息技术有限公司", user=users[Role.PROVIDER])
    provider_out = make_provider("鄂尔多斯数联科技有限公司")
    call = make_call()
    from fugong.problems.tests.factories import PNG

    product_in = make_product(provider_in, call=call, name="云会议", publish=False)
    # Approved with the product, so every reader sees it; the other waits on someone else's draft.
    file_in = services.product_file_add(actor=None, product=product_in, kind="screenshot", name="a.png", content=PNG)
    services.product_move(actor=None, product=product_in, action="submit")
    product_in = services.product_move(actor=None, product=product_in, action="approve")
    product_out = make_product(provider_out, call=call, name="安全卫士", category=Category.SECURITY)
    draft_in = make_product(provider_in, call=call, publish=False, name="生产排程草稿")
    draft_out = make_product(provider_out, call=call, publish=False, name="别家的草稿")
    file_out = services.product_file_add(actor=None, product=draft_out, kind="screenshot", name="b.png", content=PNG)
    return {
        **voucher_matrix_context(users, inside, outside, provider_in, provider_out, call),
        "provider_in": provider_in,
        "product_in": product_in,
        "product_out": draft_out,
        "draft_in": draft_in,
        "draft_out": draft_out,
        "file_in": file_in,
        "file_out": file_out,
        "claim_in": make_claim(product_in, inside),
        "claim_out": make_claim(product_out, outside),
    }


# --- Cloud-service vouchers -------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_programme(*, budget="500", face_values=("0.5", "1", "2"), days=(-30, 60), **fields):
    """A programme valid from `days[0]` to `days[1]` days from today, open to every enterprise by default."""
    from fugong.catalogue import vouchers

    today = timezone.localdate()
    values = {
        "name": f"云服务券第{next(_serial)}批",
        "budget": budget,
        "face_values": list(face_values),
        "valid_from": today + timedelta(days=days[0]),
        "valid_until": today + timedelta(days=days[1]),
    }
    values.update(fields)
    return vouchers.programme_create(actor=None, data=vouchers.ProgrammeData(**values))


def make_voucher(programme, enterprise, *, face_value="1"):
    from fugong.catalogue import vouchers

    vouchers.vouchers_issue(
        actor=None, programme=programme, face_value=face_value, credit_codes=[enterprise.credit_code]
    )
    return programme.vouchers.get(enterprise=enterprise)


def add_evidence(voucher, kinds=("contract", "invoice", "delivery")):
    from fugong.catalogue import vouchers

    return [vouchers.voucher_file_add(actor=None, voucher=voucher, kind=k, name=f"{k}.pdf", content=PDF) for k in kinds]


def redeemed_voucher(programme, enterprise, provider, *, call=None, name="云上ERP"):
    """A voucher of `enterprise` redeemed against a delivered claim on a new product of `provider`."""
    from fugong.catalogue import vouchers

    product = make_product(provider, call=call, name=name, category=Category.PRODUCTION)
    claim = make_claim(product, enterprise, state="delivered")
    voucher = make_voucher(programme, enterprise)
    return vouchers.voucher_move(actor=None, voucher=voucher, action="redeem", claim=claim)


def voucher_matrix_context(users, inside, outside, provider_in, provider_out, call) -> dict:
    """The enterprise persona's voucher redeemed with the provider persona's organisation (in), an Ordos
    enterprise's redeemed with another provider (out), each with a contract as evidence."""
    programme = make_programme()
    voucher_in = redeemed_voucher(programme, inside, provider_in, call=call, name="云上ERP")
    voucher_out = redeemed_voucher(programme, outside, provider_out, call=call, name="安全云盾")
    return {
        "programme": programme,
        "voucher_in": voucher_in,
        "voucher_out": voucher_out,
        "voucher_file_in": add_evidence(voucher_in, ["contract"])[0],
        "voucher_file_out": add_evidence(voucher_out, ["contract"])[0],
    }
