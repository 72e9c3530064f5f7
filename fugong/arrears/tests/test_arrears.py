from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from config.testing import make_enterprise
from fugong import access
from fugong.accounts.models import Role
from fugong.areas.models import Area
from fugong.arrears import selectors, services
from fugong.arrears.models import ArrearsItem, DebtorType, Repayment, State
from fugong.arrears.tests.factories import make_item

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def item(baotou_enterprise):
    return make_item(baotou_enterprise, amount="100")


def move(item, user, action, **kw):
    return services.arrears_move(actor=user, item=item, action=action, **kw)


def test_the_league_confirms_and_repayments_clear_the_item(item, users):
    league = users[Role.LEAGUE]
    move(item, league, "confirm")
    move(item, league, "plan", on=date(2020, 3, 31), reason="分两期支付")
    move(item, users[Role.ENTERPRISE], "repay", amount=Decimal("40"), on=date(2020, 2, 20))
    done = move(item, league, "repay", amount=Decimal("60"), on=date(2020, 2, 25))
    assert (done.state, done.repaid, done.cleared_on, done.plan_due) == (
        State.CLEARED, Decimal("100"), date(2020, 2, 25), date(2020, 3, 31)
    )  # fmt: skip
    assert list(done.events.values_list("action", "to_state")) == [
        ("report", "reported"), ("confirm", "confirmed"), ("plan", "confirmed"), ("repay", "confirmed"),
        ("repay", "cleared"),
    ]  # fmt: skip
    assert list(Repayment.objects.values_list("amount", flat=True)) == [Decimal("40.00"), Decimal("60.00")]


def test_a_repayment_above_what_is_owed_is_refused_and_changes_nothing(item, users):
    move(item, users[Role.COUNTY], "confirm")
    move(item, users[Role.COUNTY], "repay", amount=Decimal("70"), on=date(2020, 2, 20))
    with pytest.raises(ValidationError) as e:
        move(item, users[Role.COUNTY], "repay", amount=Decimal("30.01"), on=date(2020, 2, 21))
    assert e.value.message_dict["amount"] == ["More than is still owed (30.00, in 10,000 yuan)."]
    item.refresh_from_db()
    assert (item.repaid, item.state, Repayment.objects.count(), item.events.count()) == (Decimal(70), "confirmed", 1, 3)


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({}, "amount"),
        ({"amount": Decimal("-5")}, "amount"),
        ({"amount": Decimal("5"), "on": date(2019, 10, 1)}, "on"),  # before the acceptance
        ({"amount": Decimal("5"), "on": date(2000, 1, 1) - timedelta(days=1)}, "on"),
    ],
)
def test_a_bad_repayment_names_its_field(item, users, kw, field):
    move(item, users[Role.LEAGUE], "confirm")
    with pytest.raises(ValidationError) as e:
        move(item, users[Role.LEAGUE], "repay", **kw)
    assert field in e.value.message_dict


def test_a_dispute_needs_its_reason_and_a_new_confirmation_clears_it(item, users):
    with pytest.raises(ValidationError) as e:
        move(item, users[Role.LEAGUE], "dispute")
    assert "comment" in e.value.message_dict
    disputed = move(item, users[Role.LEAGUE], "dispute", reason="合同未约定付款期限，金额有出入")
    assert (disputed.state, disputed.dispute_reason) == (State.DISPUTED, "合同未约定付款期限，金额有出入")
    confirmed = move(item, users[Role.LEAGUE], "confirm")
    assert (confirmed.state, confirmed.dispute_reason) == (State.CONFIRMED, "")


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.REGION, ["confirm", "dispute", "comment"]),
        (Role.LEAGUE, ["confirm", "dispute", "comment"]),
        (Role.COUNTY, ["confirm", "dispute", "comment"]),
        (Role.WORKGROUP, []),
        (Role.ENTERPRISE, ["comment"]),
        (Role.BANK, []),
        (Role.HANDLER, []),
        (Role.PROVIDER, []),
    ],
)
def test_who_may_verify(item, users, role, allowed):
    assert services.allowed_actions(users[role], item) == allowed


def test_the_creditor_records_repayments_once_confirmed_but_never_verifies(item, users):
    creditor = users[Role.ENTERPRISE]
    with pytest.raises(ValidationError) as e:
        move(item, creditor, "confirm")
    assert "Only an official of its area may do “Confirm”." in str(e.value)
    item = move(item, users[Role.LEAGUE], "confirm")
    assert services.allowed_actions(creditor, item) == ["repay", "comment"]
    assert move(item, creditor, "repay", amount=Decimal(1), on=date(2020, 2, 21)).repaid == Decimal(1)


@pytest.mark.parametrize(
    ("path", "action"),
    [([], "repay"), ([], "plan"), (["confirm"], "confirm"), (["dispute"], "repay"), (["confirm", "clear"], "dispute")],
)
def test_a_move_from_the_wrong_state_says_why(item, users, path, action):
    official = users[Role.REGION]
    for step in path:
        if step == "clear":
            move(item, official, "repay", amount=item.amount, on=date(2020, 2, 20))
        else:
            move(item, official, step, reason="有争议")
    with pytest.raises(ValidationError) as e:
        move(item, official, action, amount=Decimal(1), on=date(2020, 3, 1), reason="x")
    assert "is not possible while the item is" in str(e.value)


def test_the_statutory_clock_counts_days_past_the_legal_due_date(baotou_enterprise):
    thirty = make_item(baotou_enterprise, contract="A", accepted_on=date(2020, 1, 1))
    sixty = make_item(baotou_enterprise, contract="B", accepted_on=date(2020, 1, 1), agreed_days=60)
    assert thirty.due_on == date(2020, 1, 31) and sixty.due_on == date(2020, 3, 1)
    assert thirty.overdue_since == date(2020, 1, 31)
    assert (thirty.days_past_due(date(2020, 2, 22)), sixty.days_past_due(date(2020, 2, 22))) == (22, 0)
    assert thirty.days_past_due(date(2020, 1, 20)) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"agreed_days": 61}, "agreed_days"),
        ({"agreed_days": 0}, "agreed_days"),
        ({"amount": "0"}, "amount"),
        ({"amount": "-3"}, "amount"),
        ({"amount": "1000001"}, "amount"),
        ({"debtor": " "}, "debtor"),
        ({"debtor_type": "bank"}, "debtor_type"),
        ({"contract": ""}, "contract"),
        ({"accepted_on": date(1999, 12, 31)}, "accepted_on"),
        ({"overdue_since": date(2019, 1, 1)}, "overdue_since"),
    ],
)
def test_bad_items_are_refused_naming_the_field(baotou_enterprise, change, field):
    with pytest.raises(ValidationError) as e:
        make_item(baotou_enterprise, **change)
    assert field in e.value.message_dict
    assert not ArrearsItem.objects.exists()


def test_the_same_contract_with_the_same_debtor_is_refused(item, baotou_enterprise):
    with pytest.raises(ValidationError) as e:
        make_item(baotou_enterprise, amount="100")
    assert "already in the ledger" in str(e.value)
    assert make_item(baotou_enterprise, contract="HT-2019-002").pk != item.pk


def test_an_official_records_only_in_their_area(users, ordos_enterprise):
    data = services.ItemData(
        enterprise=ordos_enterprise, debtor="某局", debtor_type=DebtorType.GOVERNMENT,
        debtor_area=Area.objects.get(code="150600"), contract="X", amount=Decimal(1), accepted_on=date(2020, 1, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError) as e:
        services.item_create(actor=users[Role.LEAGUE], data=data)
    assert "enterprise" in e.value.message_dict
    assert services.item_create(actor=users[Role.REGION], data=data).league_id == "150600"


def test_scope(item, users, ordos_enterprise):
    other = make_item(ordos_enterprise, debtor="鄂尔多斯市某国企")
    neighbour = make_item(make_enterprise(county="150203"), debtor="某央企")
    seen = {role: set(access.visible_arrears(user).values_list("pk", flat=True)) for role, user in users.items()}
    assert seen[Role.REGION] == {item.pk, other.pk, neighbour.pk}
    assert seen[Role.LEAGUE] == seen[Role.COUNTY] == seen[Role.WORKGROUP] == {item.pk, neighbour.pk}
    assert seen[Role.ENTERPRISE] == {item.pk}  # its own items only, not its neighbour's
    for role in (Role.BANK, Role.PROVIDER, Role.HANDLER, Role.GUARANTOR, Role.PLATFORM):
        assert seen[role] == set()


def test_an_open_item_follows_its_creditor_and_a_cleared_one_stays(item, users, baotou_enterprise):
    cleared = make_item(baotou_enterprise, contract="C")
    move(cleared, users[Role.REGION], "confirm")
    move(cleared, users[Role.REGION], "repay", amount=cleared.amount, on=date(2020, 2, 20))
    from fugong.enterprises.models import Enterprise

    Enterprise.objects.filter(pk=baotou_enterprise.pk).update(county_id="150602", league_id="150600")
    services.follow_enterprises(ids=[baotou_enterprise.pk])
    assert ArrearsItem.objects.get(pk=item.pk).league_id == "150600"
    assert ArrearsItem.objects.get(pk=cleared.pk).league_id == "150200"


def brute_force(items, repayments, as_of):
    """The figures counted the long way, one item at a time."""
    items = [i for i in items if i.reported_on <= as_of]
    ids = {i.pk for i in items}
    repaid = sum((r.amount for r in repayments if r.item_id in ids and r.paid_on <= as_of), Decimal(0))
    verified = sum((i.amount for i in items if i.state in ("confirmed", "cleared")), Decimal(0))
    return {
        "items": len(items),
        "owed": sum((i.amount for i in items), Decimal(0)),
        "verified": verified,
        "repaid": repaid,
        "cleared": sum(1 for i in items if i.cleared_on and i.cleared_on <= as_of),
        "share": (repaid * 100 / verified).quantize(Decimal("0.1")) if verified else Decimal(0),
    }


def test_the_figures_agree_with_a_brute_force_count(users, baotou_enterprise, ordos_enterprise):
    import random

    rng = random.Random(7)  # noqa: S311 - test data
    official = users[Role.REGION]
    enterprises = [baotou_enterprise, ordos_enterprise, make_enterprise(county="150602")]
    for n in range(40):
        item = make_item(
            rng.choice(enterprises), contract=f"HT-{n}", amount=str(rng.randint(1, 900)),
            debtor_type=rng.choice(DebtorType.values), reported_on=date(2020, 2, rng.randint(3, 25)),
            accepted_on=date(2019, rng.randint(6, 12), rng.randint(1, 28)),
        )  # fmt: skip
        roll = rng.random()
        if roll < 0.2:
            move(item, official, "dispute", reason="有异议")
        elif roll > 0.3:
            move(item, official, "confirm")
            for _ in range(rng.randint(0, 3)):
                left = item.amount - ArrearsItem.objects.get(pk=item.pk).repaid
                if left > 0:
                    part = left if rng.random() < 0.5 else (left / 2).quantize(Decimal("0.01"))
                    move(item, official, "repay", amount=part, on=date(2020, 2, rng.randint(5, 28)))
    items, repayments = list(ArrearsItem.objects.all()), list(Repayment.objects.all())
    for as_of in (date(2020, 2, 15), date(2020, 2, 22), date(2020, 3, 10)):
        f = selectors.arrears_figures(user=official, as_of=as_of)
        expected = brute_force(items, repayments, as_of)
        t = f.total
        assert (t.items, t.owed, t.verified, t.repaid, t.cleared, t.cleared_share) == tuple(expected.values())
        for league in f.by_league:
            subset = [i for i in items if i.league_id == league.key]
            assert league.repaid == brute_force(subset, repayments, as_of)["repaid"]
        for kind in f.by_debtor_type:
            subset = [i for i in items if i.debtor_type == kind.key]
            assert kind.owed == brute_force(subset, repayments, as_of)["owed"]
        if f.oldest:
            assert f.oldest[0].days_past_due == max(
                i.days_past_due(as_of)
                for i in items
                if i.reported_on <= as_of and not (i.cleared_on and i.cleared_on <= as_of)
            )
    league_only = selectors.arrears_figures(user=users[Role.LEAGUE], as_of=date(2020, 3, 10)).total
    assert league_only.items == sum(1 for i in items if i.league_id == "150200")


def test_the_brief_sentence(item, users):
    move(item, users[Role.REGION], "confirm")
    move(item, users[Role.REGION], "repay", amount=Decimal("100"), on=date(2020, 2, 20))
    second = make_item(item.enterprise, contract="B", amount="300")
    move(second, users[Role.REGION], "confirm")
    move(second, users[Role.REGION], "repay", amount=Decimal("50.5"), on=date(2020, 2, 21))
    make_item(item.enterprise, contract="C", amount="20")
    lines = selectors.brief_lines(user=users[Role.REGION], as_of=date(2020, 2, 22))
    assert lines == [
        "登记拖欠中小企业账款3笔、金额420万元，经核实400万元；清偿拖欠中小企业账款150.5万元（已清偿1笔，清偿率37.6%）。"
    ]
    assert selectors.brief_lines(user=users[Role.REGION], as_of=date(2020, 2, 9)) == []
    assert timezone.localdate() >= date(2020, 2, 22)


def test_the_dashboard_panel_reads_the_figures(item, users):
    from fugong.analytics import sections
    from fugong.analytics.figures import Scope
    from fugong.arrears.selectors import dashboard_panel

    move(item, users[Role.REGION], "confirm")
    move(item, users[Role.REGION], "repay", amount=Decimal("25"), on=date(2020, 2, 20))
    assert sections.keys().count("arrears") == 1
    ctx = sections.DashboardContext(user=users[Role.LEAGUE], as_of=date(2020, 2, 22), scope=Scope())
    panel = dashboard_panel(ctx)
    assert [value for _label, value in panel.figures] == ["100 (10k yuan)", "100 (10k yuan)", "25 (10k yuan)", "25%"]
    assert dashboard_panel(sections.DashboardContext(users[Role.BANK], date(2020, 2, 22), Scope())) is None
    assert dashboard_panel(sections.DashboardContext(users[Role.LEAGUE], date(2020, 2, 1), Scope())) is None
