"""Arrears items for tests, built through the services."""

from datetime import date
from decimal import Decimal

from fugong.areas.models import Area
from fugong.arrears import services
from fugong.arrears.models import DebtorType


def make_item(enterprise, *, debtor="包头市某区住房和城乡建设局", contract="HT-2019-001", amount="120", **kw):
    data = services.ItemData(
        enterprise=enterprise,
        debtor=debtor,
        debtor_type=kw.pop("debtor_type", DebtorType.GOVERNMENT),
        debtor_area=Area.objects.get(code=kw.pop("debtor_area", enterprise.county_id)),
        contract=contract,
        amount=Decimal(amount),
        accepted_on=kw.pop("accepted_on", date(2019, 11, 1)),
        agreed_days=kw.pop("agreed_days", 30),
        overdue_since=kw.pop("overdue_since", None),
        pay_when_paid=kw.pop("pay_when_paid", False),
    )
    return services.item_create(actor=None, data=data, reported_on=kw.pop("reported_on", date(2020, 2, 10)), **kw)


def arrears_matrix_context(inside, outside) -> dict:
    return {
        "arrears_in": make_item(inside),
        "arrears_out": make_item(outside, debtor="鄂尔多斯市某国有能源公司", debtor_type=DebtorType.STATE_OWNED),
    }
