"""Loans, guarantee institutions and funds for tests, built through the services."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

from fugong.accounts.models import Bank
from fugong.areas.models import Area
from fugong.relief import services
from fugong.relief.models import GuaranteeInstitution

BANK = "中国银行内蒙古分行"  # the bank persona's
_serial = itertools.count()


def bank(name: str = BANK) -> Bank:
    return Bank.objects.get_or_create(name=name)[0]


def institution(name: str = "内蒙古中小企业融资担保有限公司", *members) -> GuaranteeInstitution:
    found = GuaranteeInstitution.objects.get_or_create(name=name)[0]
    found.members.add(*members)
    return found


def make_loan(enterprise, *, bank_name: str = BANK, amount="500", due_on=None, declared_on=None, **fields):
    declared_on = declared_on or date(2020, 2, 10)
    values = {
        "requested": "renewal",
        # Each loan its own: the same bank, loan date and due date would be the same loan declared again.
        "granted_on": date(2019, 3, 1) + timedelta(days=next(_serial) % 300),
        "due_on": due_on or declared_on + timedelta(days=20),
        "purpose": "流动资金",
    }
    values.update(fields)
    loan, _created = services.loan_declare(
        actor=None,
        enterprise=enterprise,
        bank=bank(bank_name),
        amount=Decimal(amount),
        declared_on=declared_on,
        **values,
    )
    return loan


def make_fund(league: str | None = "150200", *, amount="1000", leverage="5", banks=(BANK,), scale="any"):
    return services.fund_create(
        name=f"{league or '全区'}助保金",
        league=Area.objects.get(code=league) if league else None,
        amount=Decimal(amount),
        leverage=Decimal(leverage),
        banks=[bank(b) for b in banks],
        scale=scale,
        established_on=date(2020, 2, 1),
    )


def matrix_context(inside, outside, guarantor_user) -> dict:
    """In scope: Baotou Steel's bridge to the bank persona's bank and the guarantor persona's institution, and
    Baotou's fund with the bank persona as partner; out of scope: an Ordos loan to another bank and institution,
    and Ordos's fund with another bank."""
    mine = institution("包头市中小企业担保中心", guarantor_user)
    theirs = institution("鄂尔多斯市融资担保有限公司")
    loan_in = make_loan(inside, requested="bridge", guarantor=mine, declared_on=None)
    loan_out = make_loan(outside, requested="bridge", guarantor=theirs, bank_name="中国工商银行内蒙古分行")
    return {
        "loan_in": loan_in,
        "loan_out": loan_out,
        "fund_in": make_fund("150200"),
        "fund_out": make_fund("150600", banks=("中国工商银行内蒙古分行",)),
    }
