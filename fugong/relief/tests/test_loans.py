import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from config.testing import make_enterprise
from fugong.accounts.models import Role
from fugong.relief import selectors, services
from fugong.relief.models import Loan, LoanEvent, State
from fugong.relief.tests.factories import bank, institution, make_loan

D = date(2020, 2, 10)


@pytest.fixture
def bridge(users, baotou_enterprise):
    mine = institution("包头市中小企业担保中心", users[Role.GUARANTOR])
    return make_loan(baotou_enterprise, requested="bridge", guarantor=mine, declared_on=D)


def move(loan, user, action, **values):
    return services.loan_move(actor=user, loan=loan, action=action, **values)


# --- Transitions and who may make them ------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_walks_a_renewal_from_request_to_rolled_over(users, baotou_enterprise):
    loan = make_loan(baotou_enterprise, declared_on=D, due_on=D + timedelta(days=15))
    heidi = users[Role.BANK]
    assert services.allowed_actions(heidi, loan) == ["review", "arrange", "decline", "repay", "overdue"]
    loan = move(loan, heidi, "review", on=D + timedelta(days=1))
    assert loan.state == State.REVIEWING
    loan = move(
        loan, heidi, "arrange", arrangement="renewal", amount=Decimal(400), new_due_on=date(2021, 2, 25),
        on=D + timedelta(days=3),
    )  # fmt: skip
    assert (loan.state, loan.arranged, loan.arranged_amount, loan.arranged_on) == (
        State.ARRANGED, "renewal", Decimal(400), D + timedelta(days=3),
    )  # fmt: skip
    loan = move(loan, heidi, "roll_over", on=D + timedelta(days=15))
    assert loan.state == State.ROLLED_OVER and loan.outcome_on == D + timedelta(days=15)
    actions = list(LoanEvent.objects.filter(loan=loan).values_list("action", flat=True))
    assert actions == ["declare", "review", "arrange", "roll_over"]


@pytest.mark.django_db
def test_it_lets_only_the_bank_and_the_bridge_guarantor_arrange(users, bridge, baotou_enterprise):
    for role in (Role.ENTERPRISE, Role.REGION, Role.LEAGUE, Role.COUNTY, Role.WORKGROUP, Role.HANDLER):
        assert "arrange" not in services.allowed_actions(users[role], bridge), role
        with pytest.raises(ValidationError):
            move(bridge, users[role], "arrange", arrangement="bridge", amount=Decimal(1), new_due_on=date(2021, 1, 1))
    assert "arrange" in services.allowed_actions(users[Role.GUARANTOR], bridge)
    assert "arrange" in services.allowed_actions(users[Role.BANK], bridge)
    # A renewal is not the guarantor's business at all.
    renewal = make_loan(baotou_enterprise, declared_on=D)
    assert services.allowed_actions(users[Role.GUARANTOR], renewal) == []
    moved = move(bridge, users[Role.GUARANTOR], "arrange", arrangement="bridge", amount=Decimal(500),
                 new_due_on=date(2021, 3, 1), on=D)  # fmt: skip
    assert moved.state == State.ARRANGED


@pytest.mark.django_db
def test_it_lets_officials_record_the_outcome_but_not_arrange(users, baotou_enterprise):
    loan = make_loan(baotou_enterprise, declared_on=D, due_on=D + timedelta(days=5))
    bob = users[Role.LEAGUE]
    assert services.allowed_actions(bob, loan) == ["repay", "overdue"]
    with pytest.raises(ValidationError) as e:
        move(loan, bob, "overdue", on=D + timedelta(days=5))
    assert "on" in e.value.message_dict  # not overdue on its due date
    loan = move(loan, bob, "overdue", on=D + timedelta(days=6))
    assert loan.state == State.OVERDUE
    loan = move(loan, bob, "repay", on=D + timedelta(days=9))
    assert loan.state == State.REPAID
    with pytest.raises(ValidationError) as e:
        move(loan, users[Role.BANK], "arrange", arrangement="renewal", amount=Decimal(1), new_due_on=date(2021, 1, 1))
    assert "action" in e.value.message_dict


@pytest.mark.django_db
def test_it_declines_with_a_reason_and_the_loan_stays_on_the_watch(users, baotou_enterprise):
    loan = make_loan(baotou_enterprise, declared_on=D, due_on=D + timedelta(days=10))
    with pytest.raises(ValidationError) as e:
        move(loan, users[Role.BANK], "decline")
    assert "reason" in e.value.message_dict
    loan = move(loan, users[Role.BANK], "decline", reason="企业征信不良", on=D)
    assert loan.state == State.DECLINED and loan.declined_reason == "企业征信不良"
    watch = selectors.maturity_watch(user=users[Role.LEAGUE], as_of=D + timedelta(days=1))
    assert [r.pk for r in watch.rows] == [loan.pk]


@pytest.mark.django_db
def test_it_refuses_an_arrangement_above_the_loan_or_before_the_due_date(users, baotou_enterprise):
    loan = make_loan(baotou_enterprise, amount="300", declared_on=D, due_on=date(2020, 3, 1))
    heidi = users[Role.BANK]
    with pytest.raises(ValidationError) as e:
        move(loan, heidi, "arrange", arrangement="renewal", amount=Decimal(301), new_due_on=date(2020, 2, 20), on=D)
    assert set(e.value.message_dict) == {"amount", "new_due_on"}
    with pytest.raises(ValidationError) as e:
        move(loan, heidi, "arrange", arrangement="bridge", amount=Decimal(300), new_due_on=date(2021, 3, 1), on=D)
    assert "arrangement" in e.value.message_dict  # a renewal request has no guarantee institution for a bridge
    loan.refresh_from_db()
    assert loan.state == State.REQUESTED and loan.arranged_amount is None


# --- Bad input ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"amount": Decimal(-5)}, "amount"),
        ({"amount": Decimal(0)}, "amount"),
        ({"amount": Decimal("50000000")}, "amount"),  # yuan where 10k yuan is meant
        ({"amount": Decimal("1.234")}, "amount"),
        ({"due_on": date(2019, 2, 1)}, "due_on"),  # before the loan
        ({"granted_on": date(1990, 1, 1)}, "granted_on"),
        ({"requested": "forgive"}, "requested"),
        ({"requested": "bridge"}, "guarantor"),
        ({"purpose": "x" * 201}, "purpose"),
    ],
)
def test_it_refuses_bad_declarations_naming_the_field(baotou_enterprise, values, field):
    base = {"amount": Decimal(100), "granted_on": date(2019, 3, 1), "due_on": date(2020, 3, 1), "requested": "renewal"}
    with pytest.raises(ValidationError) as e:
        services.loan_declare(actor=None, enterprise=baotou_enterprise, bank=bank(), **{**base, **values})
    assert field in e.value.message_dict
    assert Loan.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_a_declaration_for_someone_elses_enterprise(users, ordos_enterprise):
    with pytest.raises(ValidationError) as e:
        services.loan_declare(
            actor=users[Role.ENTERPRISE], enterprise=ordos_enterprise, bank=bank(), amount=Decimal(1),
            granted_on=date(2019, 3, 1), due_on=date(2020, 3, 1), requested="renewal",
        )  # fmt: skip
    assert "enterprise" in e.value.message_dict


# --- Who sees what ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_sees_only_its_own(users, bridge, baotou_enterprise, ordos_enterprise):
    from fugong import access

    other_bank = make_loan(baotou_enterprise, bank_name="中国建设银行内蒙古分行", declared_on=D)
    other_enterprise = make_loan(ordos_enterprise, declared_on=D)
    other_bridge = make_loan(
        baotou_enterprise, requested="bridge", guarantor=institution("别的担保公司"), declared_on=D
    )
    seen = {role: set(access.visible_loans(users[role]).values_list("pk", flat=True)) for role in users}
    assert seen[Role.BANK] == {bridge.pk, other_enterprise.pk, other_bridge.pk}
    assert seen[Role.GUARANTOR] == {bridge.pk}
    assert seen[Role.ENTERPRISE] == {bridge.pk, other_bank.pk, other_bridge.pk}
    assert seen[Role.LEAGUE] == {bridge.pk, other_bank.pk, other_bridge.pk}
    assert seen[Role.REGION] == {bridge.pk, other_bank.pk, other_enterprise.pk, other_bridge.pk}
    assert seen[Role.HANDLER] == seen[Role.PROVIDER] == seen[Role.PLATFORM] == set()


# --- The maturity watch on a date -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_watch_on_a_date(users, baotou_enterprise):
    day = date(2020, 2, 15)
    soon_big = make_loan(baotou_enterprise, amount="900", declared_on=D, due_on=day + timedelta(days=30))
    soon_small = make_loan(baotou_enterprise, amount="100", declared_on=D, due_on=day + timedelta(days=2))
    too_far = make_loan(baotou_enterprise, amount="800", declared_on=D, due_on=day + timedelta(days=31))
    past = make_loan(baotou_enterprise, amount="50", declared_on=D, due_on=day - timedelta(days=1))
    arranged = make_loan(baotou_enterprise, amount="700", declared_on=D, due_on=day + timedelta(days=5))
    move(arranged, users[Role.BANK], "arrange", arrangement="renewal", amount=Decimal(700),
         new_due_on=date(2021, 2, 1), on=day)  # fmt: skip
    arranged_later = make_loan(baotou_enterprise, amount="600", declared_on=D, due_on=day + timedelta(days=6))
    move(arranged_later, users[Role.BANK], "arrange", arrangement="extension", amount=Decimal(600),
         new_due_on=date(2021, 2, 1), on=day + timedelta(days=1))  # fmt: skip
    declared_later = make_loan(baotou_enterprise, amount="999", declared_on=day + timedelta(days=1))
    repaid = make_loan(baotou_enterprise, amount="300", declared_on=D, due_on=day + timedelta(days=3))
    move(repaid, users[Role.LEAGUE], "repay", on=day - timedelta(days=1))

    watch = selectors.maturity_watch(user=users[Role.LEAGUE], as_of=day)
    assert [r.pk for r in watch.rows] == [soon_big.pk, arranged_later.pk, soon_small.pk, past.pk]
    assert [(r.days_left, r.overdue_flag) for r in watch.rows] == [(30, False), (6, False), (2, False), (-1, True)]
    assert watch.overdue == 1 and watch.amount == Decimal(1650)
    assert [(g.label, g.count) for g in watch.by_bank] == [("中国银行内蒙古分行", 4)]
    assert too_far.pk not in {r.pk for r in watch.rows} and declared_later.pk not in {r.pk for r in watch.rows}
    # Out of the league's sight, and the bank's watch is its own loans only.
    assert selectors.maturity_watch(user=users[Role.BANK], as_of=day).rows
    assert selectors.maturity_watch(user=users[Role.ENTERPRISE], as_of=day).rows  # own loans


# --- Figures against a brute-force count ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_figures_match_a_count_by_hand(users, baotou_enterprise, ordos_enterprise):
    import random

    rng = random.Random(7)  # noqa: S311
    heidi = users[Role.BANK]
    others = [make_enterprise(county="150203") for _ in range(3)] + [baotou_enterprise, ordos_enterprise]
    for n in range(40):
        declared = D + timedelta(days=rng.randint(0, 10))
        loan = make_loan(rng.choice(others), amount=str(rng.randint(1, 900)), declared_on=declared,
                         due_on=declared + timedelta(days=rng.randint(1, 40)),
                         requested=rng.choice(["renewal", "extension"]))  # fmt: skip
        fate = n % 5
        if fate == 1:
            move(loan, heidi, "arrange", arrangement=rng.choice(["renewal", "extension"]),
                 amount=loan.amount, new_due_on=date(2021, 1, 1), on=declared + timedelta(days=2))  # fmt: skip
        elif fate == 2:
            move(loan, heidi, "repay", on=declared + timedelta(days=1))
        elif fate == 3:
            move(loan, heidi, "decline", reason="不符合条件", on=declared)
        elif fate == 4 and loan.due_on < date(2020, 3, 10):
            move(loan, heidi, "overdue", on=loan.due_on + timedelta(days=1))
    day = date(2020, 2, 28)
    f = selectors.loan_figures(user=users[Role.REGION], as_of=day)
    loans = list(Loan.objects.all())
    declared = [x for x in loans if x.declared_on <= day]
    arranged = [x for x in declared if x.arranged_on and x.arranged_on <= day]
    fell_due = [x for x in declared if x.due_on <= day]
    settled = {x.pk for x in declared if x.state in ("repaid", "rolled_over") and x.outcome_on <= day}
    marked = {x.pk for x in declared if x.state == "overdue" and x.outcome_on <= day}
    avoided = [x for x in fell_due if x.pk in settled or (x.pk not in marked and x in arranged)]
    defaults = [
        x for x in declared
        if x.pk in marked or (x.pk not in settled and (x.new_due_on if x in arranged else x.due_on) < day)
    ]  # fmt: skip
    assert f.total.declared == len(declared) and f.total.declared > 0
    assert f.total.amount == sum(x.amount for x in declared)
    assert f.total.arranged == len(arranged) > 0
    assert f.total.arranged_amount == sum(x.arranged_amount for x in arranged)
    assert f.total.fell_due == len(fell_due)
    assert f.total.avoided == len(avoided) > 0
    assert f.total.defaults == len(defaults) > 0
    assert f.arranged_enterprises == len({x.enterprise_id for x in arranged})
    assert sum(n for _, _, n, _ in f.by_type) == len(arranged)
    assert sum(t.declared for t in f.by_league) == len(declared)
    # The league sees its own share of the same figures.
    assert selectors.loan_figures(user=users[Role.LEAGUE], as_of=day).total.declared == len(
        [x for x in declared if x.league_id == "150200"]
    )


@pytest.mark.django_db
def test_the_brief_paragraph(users, baotou_enterprise):
    loan = make_loan(baotou_enterprise, amount="15000", declared_on=D, due_on=D + timedelta(days=3))
    move(loan, users[Role.BANK], "arrange", arrangement="renewal", amount=Decimal(12000),
         new_due_on=date(2021, 2, 1), on=D)  # fmt: skip
    late = make_loan(baotou_enterprise, amount="200", declared_on=D, due_on=D + timedelta(days=2))
    move(late, users[Role.BANK], "overdue", on=D + timedelta(days=3))
    lines = selectors.brief_lines(user=users[Role.REGION], as_of=D + timedelta(days=5))
    assert lines == [
        "协调金融机构为1户中小企业办理转贷、续贷、展期1笔、金额1.2亿元；到期贷款2笔中，已续贷、展期或归还1笔，逾期1笔。"
    ]


# --- Pages and the API ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_enterprise_declares_and_the_bank_arranges_through_the_pages(client, users, baotou_enterprise):
    client.force_login(users[Role.ENTERPRISE])
    due = date.today() + timedelta(days=12)
    response = client.post(
        "/relief/loans/new/",
        {"bank": bank().pk, "amount": "800", "granted_on": "2025-01-05", "due_on": due.isoformat(),
         "purpose": "购买原材料", "requested": "renewal"},
    )  # fmt: skip
    loan = Loan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/relief/loans/{loan.pk}/"
    client.force_login(users[Role.LEAGUE])
    assert loan.enterprise.name in client.get(f"/relief/loans/watch/?as_of={date.today()}").text
    client.force_login(users[Role.BANK])
    page = client.get(f"/relief/loans/{loan.pk}/").text
    assert 'data-testid="move-arrange"' in page
    response = client.post(
        f"/relief/loans/{loan.pk}/moves/",
        {
            "action": "arrange",
            "arrangement": "renewal",
            "amount": "800",
            "new_due_on": (due + timedelta(days=365)).isoformat(),
        },
    )
    loan.refresh_from_db()
    assert loan.state == State.ARRANGED
    client.force_login(users[Role.LEAGUE])
    assert loan.enterprise.name not in client.get(f"/relief/loans/watch/?as_of={date.today()}").text


@pytest.mark.django_db
def test_the_form_names_the_bad_field(client, users):
    client.force_login(users[Role.ENTERPRISE])
    response = client.post(
        "/relief/loans/new/",
        {"bank": bank().pk, "amount": "800", "granted_on": "2020-01-05", "due_on": "2019-12-01",
         "requested": "renewal"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"due_on"}
    assert Loan.objects.count() == 0


@pytest.mark.django_db
def test_the_api_declares_lists_and_moves(client, users, baotou_enterprise):
    client.force_login(users[Role.LEAGUE])
    body = {"credit_code": baotou_enterprise.credit_code, "bank": bank().name, "amount": "300",
            "granted_on": "2019-05-01", "due_on": (date.today() + timedelta(days=9)).isoformat(),
            "requested": "extension"}  # fmt: skip
    response = client.post("/api/v1/loans", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    loan_id = response.json()["id"]
    for bad, field in (({"amount": "-3"}, "amount"), ({"amount": "99999999999"}, "amount"),
                       ({"due_on": "2019-01-01"}, "due_on"), ({"bank": "不存在银行"}, "bank")):  # fmt: skip
        response = client.post("/api/v1/loans", json.dumps({**body, **bad}), content_type="application/json")
        assert response.status_code in (400, 422), (bad, response.status_code)
        assert field in response.content.decode(), (bad, response.content)
    assert [i["id"] for i in client.get("/api/v1/loans").json()["items"]] == [loan_id]
    assert client.get("/api/v1/loans?state=nonsense").status_code == 400
    watch = client.get("/api/v1/loans/watch").json()
    assert [r["id"] for r in watch["loans"]] == [loan_id] and watch["loans"][0]["days_left"] == 9
    client.force_login(users[Role.BANK])
    too_much = {"action": "arrange", "arrangement": "extension", "amount": "301", "new_due_on": "2030-01-01"}
    response = client.post(f"/api/v1/loans/{loan_id}/moves", json.dumps(too_much), content_type="application/json")
    assert response.status_code == 400 and "amount" in response.json()["error"]
    ok = {**too_much, "amount": "300"}
    response = client.post(f"/api/v1/loans/{loan_id}/moves", json.dumps(ok), content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "arranged"
    client.force_login(users[Role.REGION])
    figures = client.get("/api/v1/loans/figures").json()
    assert (figures["declared"], figures["arranged"], figures["arranged_share"]) == (1, 1, "100.0")


@pytest.mark.django_db
def test_open_loans_follow_their_enterprise_settled_ones_stay(users, baotou_enterprise):
    from fugong.areas.models import Area
    from fugong.enterprises import services as registry

    still_open = make_loan(baotou_enterprise, declared_on=D)
    repaid = make_loan(baotou_enterprise, declared_on=D)
    move(repaid, users[Role.BANK], "repay", on=D)
    data = registry.enterprise_data_from(baotou_enterprise, county=Area.objects.get(code="150602"))
    registry.enterprise_update(actor=None, enterprise=baotou_enterprise, data=data, source="command")
    leagues = dict(Loan.objects.values_list("pk", "league_id"))
    assert leagues == {still_open.pk: "150600", repaid.pk: "150200"}


@pytest.mark.django_db
def test_the_list_and_the_watch_take_a_fixed_number_of_queries(
    client, users, baotou_enterprise, django_assert_max_num_queries
):
    for n in range(12):
        make_loan(baotou_enterprise, amount=str(100 + n), declared_on=D, due_on=D + timedelta(days=n + 1))
    client.force_login(users[Role.LEAGUE])
    with django_assert_max_num_queries(12):
        assert client.get("/relief/loans/").status_code == 200
    with django_assert_max_num_queries(12):
        page = client.get(f"/relief/loans/watch/?as_of={D}").text
    assert page.count('data-testid="watch-row"') == 12
