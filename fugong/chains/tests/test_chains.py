from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from config.testing import make_enterprise
from fugong import access
from fugong.accounts.models import Role
from fugong.chains import selectors, services
from fugong.chains.models import ChainPost, Pairing, PairingState, PostState
from fugong.chains.tests.factories import make_post
from fugong.dispatch import services as dispatch

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_one_enterprise_cannot_post_the_same_need_twice_while_open(baotou_enterprise):
    first = make_post(baotou_enterprise, product="螺纹钢")
    with pytest.raises(ValidationError) as e:
        make_post(baotou_enterprise, product=" 螺纹钢 ")
    assert "already has this product open" in str(e.value)
    assert make_post(baotou_enterprise, side="offer", product="螺纹钢").side == "offer"  # an offer is another post
    services.post_close(actor=None, post=first)
    assert make_post(baotou_enterprise, product="螺纹钢").pk != first.pk


@pytest.mark.parametrize(
    ("change", "field"),
    [({"product": ""}, "product"), ({"category": "money"}, "category"), ({"side": "both"}, "side"),
     ({"product": "x" * 101}, "product"), ({"on": date(1999, 1, 1)}, "on")],
)  # fmt: skip
def test_a_bad_post_is_refused_naming_the_field(baotou_enterprise, change, field):
    with pytest.raises(ValidationError) as e:
        make_post(baotou_enterprise, **change)
    assert field in e.value.message_dict
    assert not ChainPost.objects.exists()


def test_a_post_expires_unless_reconfirmed_and_only_its_owner_or_an_official_manages_it(baotou_enterprise, users):
    post = make_post(baotou_enterprise, posted_on=TODAY() - timedelta(days=40))
    assert not post.is_listed(TODAY())
    with pytest.raises(ValidationError):
        services.post_reconfirm(actor=users[Role.WORKGROUP], post=post)
    services.post_reconfirm(actor=users[Role.ENTERPRISE], post=post)
    assert post.is_listed(TODAY()) and post.expires_on == TODAY() + timedelta(days=30)
    services.post_close(actor=users[Role.COUNTY], post=post)
    assert post.state == PostState.CLOSED and not post.is_listed(TODAY())
    with pytest.raises(ValidationError):
        services.post_reconfirm(actor=users[Role.ENTERPRISE], post=post)


def test_matches_put_the_same_league_first_then_product_then_industry(baotou_enterprise, users):
    need = make_post(baotou_enterprise, product="冶金焦炭", posted_on=TODAY())
    near = make_post(make_enterprise(county="150203", industry="25"), side="offer", product="焦炭", posted_on=TODAY())
    far = make_post(
        make_enterprise(county="150602", industry="25"), side="offer", product="二级冶金焦", posted_on=TODAY()
    )
    industry = make_post(make_enterprise(county="150203", industry=baotou_enterprise.industry_id), side="offer",
                         product="钢坯", posted_on=TODAY())  # fmt: skip
    make_post(make_enterprise(county="150203", industry="13"), side="offer", product="面粉", posted_on=TODAY())
    stale = make_post(make_enterprise(county="150203"), side="offer", product="焦炭", posted_on=TODAY() - timedelta(60))
    region = [m.post for m in selectors.suggest_matches(user=users[Role.REGION], post=need)]
    assert region == [near, industry, far]
    assert stale not in region
    league = [m.post for m in selectors.suggest_matches(user=users[Role.LEAGUE], post=need)]
    assert league == [near, industry]  # Ordos is out of the Baotou official's sight


@pytest.fixture
def pairing(baotou_enterprise):
    need = make_post(baotou_enterprise, product="冶金焦炭", posted_on=TODAY())
    offer = make_post(make_enterprise(county="150203"), side="offer", product="焦炭", posted_on=TODAY())
    return services.pairing_create(actor=None, need=need, offer=offer)


def test_an_official_follows_a_pairing_to_done_and_the_need_closes(pairing, users):
    league = users[Role.LEAGUE]
    services.pairing_move(actor=league, pairing=pairing, action="contact")
    done = services.pairing_move(actor=league, pairing=pairing, action="done")
    assert done.state == PairingState.DONE
    assert ChainPost.objects.get(pk=pairing.need_id).state == PostState.CLOSED
    assert list(done.events.values_list("action", "to_state")) == [
        ("pair", "proposed"), ("contact", "in_progress"), ("done", "done")
    ]  # fmt: skip


def test_a_failed_pairing_needs_its_reason(pairing, users):
    with pytest.raises(ValidationError) as e:
        services.pairing_move(actor=users[Role.COUNTY], pairing=pairing, action="fail")
    assert "comment" in e.value.message_dict
    failed = services.pairing_move(actor=users[Role.COUNTY], pairing=pairing, action="fail", comment="价格谈不拢")
    assert (failed.state, failed.failed_reason) == (PairingState.FAILED, "价格谈不拢")
    with pytest.raises(ValidationError) as e:
        services.pairing_move(actor=users[Role.COUNTY], pairing=failed, action="done")
    assert "not possible while the pairing is" in str(e.value)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.REGION, ["contact", "done", "fail", "comment"]), (Role.LEAGUE, ["contact", "done", "fail", "comment"]),
     (Role.WORKGROUP, []), (Role.ENTERPRISE, ["comment"]), (Role.BANK, []), (Role.PROVIDER, [])],
)  # fmt: skip
def test_who_may_move_a_pairing(pairing, users, role, allowed):
    assert services.allowed_actions(users[role], pairing) == allowed


def test_pairing_refuses_what_cannot_be_paired(baotou_enterprise, users, ordos_enterprise):
    need = make_post(baotou_enterprise, posted_on=TODAY())
    own_offer = make_post(baotou_enterprise, side="offer", posted_on=TODAY())
    far_offer = make_post(ordos_enterprise, side="offer", posted_on=TODAY())
    old = make_post(make_enterprise(county="150203"), side="offer", posted_on=TODAY() - timedelta(days=45))
    for offer, actor in ((own_offer, None), (old, None), (far_offer, users[Role.LEAGUE]), (need, None)):
        with pytest.raises(ValidationError):
            services.pairing_create(actor=actor, need=need, offer=offer)
    services.pairing_create(actor=users[Role.REGION], need=need, offer=far_offer)
    with pytest.raises(ValidationError):
        services.pairing_create(actor=users[Role.REGION], need=need, offer=far_offer)
    assert Pairing.objects.count() == 1


def report(enterprise, day, status):
    stopped = status == "not_resumed"
    values = {"status": status, "employees": 100, "on_duty": 0 if stopped else 50, "capacity_pct": 0 if stopped else 50}
    saved = dispatch.report_save(
        actor=None, kind=dispatch.DAILY, subject=enterprise, period=day, values=values, source="api"
    )
    assert saved.report is not None, saved


def test_the_chain_shows_each_link_status_and_the_bottleneck_list(baotou_enterprise, users):
    resumed = make_enterprise(county="150203", name="包头市配套甲有限公司")
    stopped = make_enterprise(county="150602", name="鄂尔多斯配套乙有限公司")
    silent = make_enterprise(county="150203", name="包头市配套丙有限公司")
    customer = make_enterprise(county="150203", name="包头市客户丁有限公司")
    for partner, relation in (
        (resumed, "supplier"),
        (stopped, "supplier"),
        (silent, "supplier"),
        (customer, "customer"),
    ):
        services.link_create(actor=users[Role.LEAGUE], leader=baotou_enterprise, partner=partner, relation=relation)
    day = date(2020, 2, 22)
    report(resumed, day - timedelta(days=3), "production_resumed")
    report(stopped, day - timedelta(days=1), "not_resumed")
    report(stopped, day + timedelta(days=1), "production_resumed")  # after the day: not counted
    report(customer, day, "not_resumed")
    [chain] = selectors.chains(user=users[Role.LEAGUE], day=day)
    assert [(r.link.partner, r.status) for r in chain.suppliers] == [
        (resumed, "production_resumed"), (stopped, "not_resumed"), (silent, "not_reported")
    ]  # fmt: skip
    assert [r.link.partner for r in chain.blocking] == [stopped, silent]  # a customer never holds a leader back
    assert [c.leader for c in selectors.bottlenecks(user=users[Role.COUNTY], day=day)] == [baotou_enterprise]
    assert (
        selectors.bottlenecks(user=users[Role.LEAGUE], day=day + timedelta(days=1))[0].blocking[0].link.partner
        == silent
    )
    assert selectors.chains(user=users[Role.BANK], day=day) == []


def test_only_leading_enterprises_have_chains_and_officials_of_their_area_edit_them(baotou_enterprise, users):
    plain = make_enterprise(county="150203")
    with pytest.raises(ValidationError) as e:
        services.link_create(actor=None, leader=plain, partner=baotou_enterprise, relation="supplier")
    assert "leader" in e.value.message_dict
    for role in (Role.WORKGROUP, Role.ENTERPRISE, Role.BANK):
        with pytest.raises(ValidationError):
            services.link_create(actor=users[role], leader=baotou_enterprise, partner=plain, relation="supplier")
    with pytest.raises(ValidationError):
        services.link_create(actor=None, leader=baotou_enterprise, partner=baotou_enterprise, relation="supplier")
    services.link_create(actor=users[Role.COUNTY], leader=baotou_enterprise, partner=plain, relation="supplier")
    with pytest.raises(ValidationError):
        services.link_create(actor=users[Role.COUNTY], leader=baotou_enterprise, partner=plain, relation="supplier")


def test_scope(users, baotou_enterprise, ordos_enterprise):
    mine = make_post(baotou_enterprise)
    neighbour = make_post(make_enterprise(county="150203"), side="offer")
    theirs = make_post(ordos_enterprise)
    seen = {role: set(access.visible_chain_posts(u).values_list("pk", flat=True)) for role, u in users.items()}
    assert seen[Role.REGION] == {mine.pk, neighbour.pk, theirs.pk}
    assert seen[Role.LEAGUE] == seen[Role.WORKGROUP] == {mine.pk, neighbour.pk}
    assert seen[Role.ENTERPRISE] == {mine.pk}
    assert seen[Role.BANK] == seen[Role.PROVIDER] == seen[Role.HANDLER] == set()


def test_the_figures_agree_with_a_brute_force_count(users, baotou_enterprise):
    import random

    rng = random.Random(3)  # noqa: S311 - test data
    official = users[Role.REGION]
    firms = [make_enterprise(county=rng.choice(["150203", "150602", "150102"])) for _ in range(8)]
    products = ["焦炭", "螺纹钢", "电子元件", "包装箱", "物流运输"]
    for firm in firms:
        for side in ("need", "offer"):
            if rng.random() < 0.7:
                make_post(
                    firm, side=side, product=rng.choice(products), posted_on=TODAY() - timedelta(rng.randint(0, 50))
                )
    needs = [p for p in ChainPost.objects.filter(side="need") if p.is_listed(TODAY())]
    offers = [p for p in ChainPost.objects.filter(side="offer") if p.is_listed(TODAY())]
    made = 0
    for need in needs:
        for offer in offers:
            if need.enterprise_id != offer.enterprise_id and rng.random() < 0.3:
                p = services.pairing_create(actor=official, need=need, offer=offer)
                made += 1
                if rng.random() < 0.5:
                    services.pairing_move(actor=official, pairing=p, action=rng.choice(["done", "contact"]))
                break
    posts = list(ChainPost.objects.all())
    f = selectors.chain_figures(user=official, as_of=TODAY())
    assert f.needs == sum(1 for p in posts if p.side == "need" and p.is_listed(TODAY()))
    assert f.offers == sum(1 for p in posts if p.side == "offer" and p.is_listed(TODAY()))
    assert (f.pairings, f.pairings_done) == (made, Pairing.objects.filter(state="done").count())
    league = selectors.chain_figures(user=users[Role.LEAGUE], as_of=TODAY())
    assert league.needs == sum(
        1 for p in posts if p.side == "need" and p.is_listed(TODAY()) and p.league_id == "150200"
    )


def test_the_brief_sentence(users, baotou_enterprise):
    need = make_post(baotou_enterprise, product="冶金焦炭", posted_on=date(2020, 2, 15))
    supplier = make_enterprise(county="150203", name="包头市焦化有限公司")
    offer = make_post(supplier, side="offer", product="焦炭", posted_on=date(2020, 2, 16))
    pairing = services.pairing_create(actor=None, need=need, offer=offer, on=date(2020, 2, 17))
    services.link_create(actor=None, leader=baotou_enterprise, partner=supplier, relation="supplier")
    lines = selectors.brief_lines(user=users[Role.REGION], as_of=date(2020, 2, 22))
    assert lines == [
        "发布产业链配套需求1条、供给1条，撮合对接1对，已达成0对；梳理1户龙头企业上下游配套企业1户，"
        "其中1户龙头企业因1户配套企业未复工受到制约。"
    ]
    services.pairing_move(actor=None, pairing=pairing, action="done")
    report(supplier, date(2020, 2, 21), "production_resumed")
    assert selectors.brief_lines(user=users[Role.REGION], as_of=date(2020, 2, 22)) == [
        "发布产业链配套需求0条、供给1条，撮合对接1对，已达成1对；梳理1户龙头企业上下游配套企业1户。"
    ]
