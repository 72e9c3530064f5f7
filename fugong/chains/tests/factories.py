"""Needs, offers, pairings and chain links for tests, built through the services."""

from datetime import date

from config.testing import make_enterprise
from fugong.chains import services


def make_post(enterprise, *, side="need", product="螺纹钢", category="raw_material", posted_on=None, **kw):
    return services.post_create(
        actor=None, enterprise=enterprise, side=side, category=category, product=product,
        on=kw.pop("on", date(2020, 3, 1)), posted_on=posted_on or date(2020, 2, 15), **kw,
    )  # fmt: skip


def chains_matrix_context(inside, outside) -> dict:
    """In scope: Baotou Steel (leading) needs coke, a Baotou supplier offers it, they are paired, and the supplier is
    in Baotou Steel's chain; out of scope: the same in Ordos."""
    from django.utils import timezone

    today = timezone.localdate()
    supplier_in = make_enterprise(county="150203", name="包头市焦化配套有限公司")
    leader_out = make_enterprise(county="150622", name="准格尔龙头化工有限公司", tags=["leading", "key_industry"])
    out = {}
    for key, need_by, offer_by, leader, partner in (
        ("in", inside, supplier_in, inside, supplier_in),
        ("out", outside, leader_out, leader_out, outside),
    ):
        need = make_post(need_by, product="冶金焦炭", posted_on=today)
        offer = make_post(offer_by, side="offer", product="焦炭", posted_on=today)
        out[f"chain_post_{key}"] = need
        out[f"pairing_{key}"] = services.pairing_create(actor=None, need=need, offer=offer)
        out[f"chain_link_{key}"] = services.link_create(actor=None, leader=leader, partner=partner, relation="supplier")
    out["chain_leader_out"] = leader_out
    return out
