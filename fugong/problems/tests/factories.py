"""Problems, needs and referrals for tests, built through the services."""

from datetime import date
from decimal import Decimal

from fugong.accounts.models import Bank
from fugong.finance import services as finance
from fugong.finance.models import Target
from fugong.problems import attachments
from fugong.problems import services as problems

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def make_problem(enterprise, *, category="transport", urgency="normal", description="道路卡口限行，原料运不进来", **kw):
    return problems.problem_raise(
        actor=None, enterprise=enterprise, category=category, urgency=urgency, description=description, **kw
    )


def make_referral(enterprise, *, bank_name="中国银行内蒙古分行", amount="500", referred_on=None):
    need = finance.need_create(
        actor=None,
        enterprise=enterprise,
        amount=Decimal(amount),
        purpose="采购原材料",
        term_months=12,
        collateral="应收账款",
    )
    bank = Bank.objects.get_or_create(name=bank_name)[0]
    batch = finance.batch_create(
        actor=None, target=Target.BANK, bank=bank, needs=[need], referred_on=referred_on or date(2020, 2, 20)
    )
    return batch.referrals.get()


def matrix_context(inside, outside) -> dict:
    """In scope: Baotou Steel's problem routed to 交通运输厅 (the handler persona) and its referral to the bank
    persona's 中国银行; out of scope: an Ordos problem routed elsewhere and a referral to another bank."""
    problem_in = make_problem(inside, category="transport")
    problem_out = make_problem(outside, category="labour", description="缺少技术工人")
    files = {
        inside: attachments.attachment_add(actor=None, problem=problem_in, name="photo.png", content=PNG),
        outside: attachments.attachment_add(actor=None, problem=problem_out, name="photo.png", content=PNG),
    }
    referral_in = make_referral(inside)
    referral_out = make_referral(outside, bank_name="中国工商银行内蒙古分行")
    return {
        "problem_in": problem_in,
        "problem_out": problem_out,
        "attachment_in": files[inside],
        "attachment_out": files[outside],
        "referral_in": referral_in,
        "referral_out": referral_out,
    }
