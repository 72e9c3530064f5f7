"""The demo's cloud-service vouchers: one programme of 500万元 in February–March 2020, a few hundred vouchers
(fewer at the test's small scale), some redeemed against delivered claims, some paid, some in review; the 247
products untouched."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import F

from fugong.accounts.models import User
from fugong.catalogue import selectors, voucher_selectors, vouchers
from fugong.catalogue.models import Product, ProductState, Voucher, VoucherProgramme
from fugong.demo import build as demo

SMALL = 0.05


@pytest.fixture
def small_demo(db):
    return demo.build(scale=SMALL)


@pytest.mark.django_db
def test_the_demo_issues_redeems_and_pays_vouchers(small_demo):
    programme = VoucherProgramme.objects.get()
    assert (programme.budget, programme.valid_from, programme.valid_until) == (
        Decimal(500), date(2020, 2, 10), date(2020, 3, 31))  # fmt: skip
    assert Product.objects.filter(published_at__isnull=False).exclude(state=ProductState.WITHDRAWN).count() == 247
    issued = Voucher.objects.count()
    assert issued >= 30 and vouchers.committed(programme) <= programme.budget
    redeemed = Voucher.objects.filter(claim__isnull=False)
    assert redeemed.exists() and not redeemed.exclude(claim__state="delivered").exists()
    assert not redeemed.exclude(claim__enterprise=F("enterprise")).exists()
    states = set(Voucher.objects.values_list("state", flat=True))
    assert {"issued", "redeemed", "paid"} <= states and states & {"requested", "approved"}
    for v in Voucher.objects.filter(state="paid"):
        assert v.paid_amount <= v.face_value and v.paid_on <= date(2020, 3, 31)
        assert set(v.files.values_list("kind", flat=True)) == {"contract", "invoice", "delivery"}
    region = User.objects.get(username="region")
    f = voucher_selectors.voucher_figures(user=region, as_of=date(2020, 3, 31))
    assert f.total.issued == issued and f.total.paid == Voucher.objects.filter(state="paid").count()
    assert sum(t.issued for t in f.by_league) == issued
    assert sum(t.redeemed for t in f.by_category) == f.total.redeemed == redeemed.count()
    lines = selectors.brief_lines(user=region, as_of=date(2020, 3, 31))
    assert lines[-1].startswith(f"发放云服务券{issued}张、")
    baogang = User.objects.get(username="baogang").enterprise
    mine = Voucher.objects.get(enterprise=baogang)
    assert mine.state == "redeemed" and mine.provider.members.filter(user__username="provider").exists()
