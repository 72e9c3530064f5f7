import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from config.testing import make_enterprise
from fugong.accounts.models import Role
from fugong.relief import selectors, services
from fugong.relief.models import FundLoan
from fugong.relief.tests.factories import bank, make_fund, make_loan

ON = date(2020, 2, 12)


def grant(fund, enterprise, *, actor=None, amount="100", bank_name="中国银行内蒙古分行", **values):
    return services.fund_loan_grant(
        actor=actor, fund=fund, enterprise=enterprise, bank=bank(bank_name), amount=Decimal(amount),
        rate=Decimal(values.pop("rate", "4.35")), term_months=values.pop("term_months", 12),
        granted_on=values.pop("granted_on", ON),
    )[0]  # fmt: skip


@pytest.mark.django_db
def test_utilisation_is_granted_against_capacity(users):
    fund = make_fund("150200", amount="1000", leverage="5")
    smes = [make_enterprise(county="150203", size_class="small") for _ in range(3)]
    for e, amount in zip(smes, ("1000", "1500", "250"), strict=True):
        grant(fund, e, amount=amount)
    [row] = [r for r in selectors.fund_rows(user=users[Role.REGION], as_of=ON) if r.fund == fund]
    assert (row.capacity, row.granted, row.loans, row.utilisation) == (Decimal(5000), Decimal(2750), 3, Decimal(55))
    # By the day before, nothing was granted.
    [before] = selectors.fund_rows(user=users[Role.LEAGUE], as_of=ON - timedelta(days=1))
    assert before.granted == 0


@pytest.mark.django_db
def test_it_refuses_loans_beyond_capacity_or_eligibility(users, ordos_enterprise, baotou_enterprise):
    fund = make_fund("150200", amount="100", leverage="2", scale="below")
    small = make_enterprise(county="150203", size_class="small", above_scale=False)
    cases = [
        ({"enterprise": small, "amount": "201"}, "amount"),  # capacity 200
        ({"enterprise": small, "amount": "-1"}, "amount"),
        ({"enterprise": small, "rate": "99"}, "rate"),
        ({"enterprise": small, "term_months": 0}, "term_months"),
        ({"enterprise": small, "bank_name": "中国工商银行内蒙古分行"}, "bank"),  # not a partner
        ({"enterprise": small, "granted_on": date(2020, 1, 1)}, "granted_on"),  # before the fund
        ({"enterprise": ordos_enterprise}, "enterprise"),  # another league
        ({"enterprise": baotou_enterprise}, "enterprise"),  # medium but above scale
    ]
    for values, field in cases:
        enterprise = values.pop("enterprise")
        with pytest.raises(ValidationError) as e:
            grant(fund, enterprise, **values)
        assert field in e.value.message_dict, (values, e.value.message_dict)
    defaulted = make_enterprise(county="150203", size_class="small", above_scale=False)
    loan = make_loan(defaulted, declared_on=date(2020, 2, 1), due_on=date(2020, 2, 5))
    services.loan_move(actor=users[Role.BANK], loan=loan, action="overdue", on=date(2020, 2, 6))
    with pytest.raises(ValidationError) as e:
        grant(fund, defaulted)
    assert "enterprise" in e.value.message_dict
    assert FundLoan.objects.count() == 0


@pytest.mark.django_db
def test_eligible_enterprises_that_have_not_applied(users):
    fund = make_fund("150200", scale="any")
    applied = make_enterprise(county="150203", size_class="small")
    waiting = make_enterprise(county="150203", size_class="micro", above_scale=False)
    large = make_enterprise(county="150203", size_class="large")
    far = make_enterprise(county="150622", size_class="small")
    defaulted = make_enterprise(county="150203", size_class="small")
    loan = make_loan(defaulted, declared_on=date(2020, 2, 1), due_on=date(2020, 2, 5))
    services.loan_move(actor=users[Role.BANK], loan=loan, action="overdue", on=date(2020, 2, 6))
    grant(fund, applied)
    names = set(selectors.eligible_not_applied(user=users[Role.REGION], fund=fund).values_list("pk", flat=True))
    assert waiting.pk in names
    assert not names & {applied.pk, large.pk, far.pk, defaulted.pk}
    # The baotou enterprise persona is medium and above scale: eligible for a fund of any scale.
    assert users[Role.ENTERPRISE].enterprise_id in names


@pytest.mark.django_db
def test_funds_in_sight(users):
    baotou, ordos, region = make_fund("150200"), make_fund("150600", banks=("中国工商银行内蒙古分行",)), make_fund(None)
    seen = {role: {r.fund.pk for r in selectors.fund_rows(user=users[role], as_of=ON)} for role in users}
    assert seen[Role.REGION] == {baotou.pk, ordos.pk, region.pk}
    assert seen[Role.LEAGUE] == seen[Role.COUNTY] == seen[Role.WORKGROUP] == {baotou.pk, region.pk}
    assert seen[Role.BANK] == {baotou.pk, region.pk}
    assert seen[Role.ENTERPRISE] == seen[Role.GUARANTOR] == seen[Role.HANDLER] == set()


@pytest.mark.django_db
def test_a_partner_bank_records_a_loan_through_the_api(client, users):
    fund = make_fund("150200")
    sme = make_enterprise(county="150203", size_class="small")
    client.force_login(users[Role.BANK])
    body = {"credit_code": sme.credit_code, "bank": "中国银行内蒙古分行", "amount": "120", "rate": "4.35",
            "term_months": 12, "granted_on": "2020-02-14"}  # fmt: skip
    response = client.post(
        f"/api/v1/guarantee-funds/{fund.pk}/loans", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    again = client.post(
        f"/api/v1/guarantee-funds/{fund.pk}/loans",
        json.dumps({**body, "amount": "99999", "granted_on": "2020-02-15"}),
        content_type="application/json",
    )
    assert again.status_code == 400 and "amount" in again.json()["error"]
    [listed] = client.get("/api/v1/guarantee-funds").json()
    assert (listed["granted"], listed["loans"], listed["capacity"]) == ("120.00", 1, "5000.00")


@pytest.mark.django_db
def test_the_dashboard_and_the_brief_show_the_loans(client, users, baotou_enterprise):
    loan = make_loan(baotou_enterprise, amount="500", declared_on=date.today() - timedelta(days=3))
    services.loan_move(actor=users[Role.BANK], loan=loan, action="arrange", arrangement="renewal",
                       amount=Decimal(500), new_due_on=date.today() + timedelta(days=300))  # fmt: skip
    client.force_login(users[Role.REGION])
    day = date.today().isoformat()
    assert "转贷、续贷、展期1笔" in client.get(f"/analytics/brief/?as_of={day}").text
    page = client.get(f"/analytics/panels/?as_of={day}").text  # the dashboard's panels, loaded after it
    assert "到期贷款" in page or "Loans falling due" in page


@pytest.mark.django_db
def test_a_league_sets_up_its_own_fund_only(client, users):
    from fugong.relief.models import GuaranteeFund

    client.force_login(users[Role.LEAGUE])
    body = {"name": "包头市助保金", "league": "150200", "amount": "800", "leverage": "5", "banks": [bank().pk],
            "scale": "any", "established_on": "2020-02-10"}  # fmt: skip
    for bad, field in (({"league": "150600"}, "league"), ({"league": ""}, "league"), ({"leverage": "80"}, "leverage"),
                       ({"amount": "-5"}, "amount"), ({"banks": []}, "banks")):  # fmt: skip
        response = client.post("/relief/funds/new/", {**body, **bad})
        assert response.status_code == 200 and field in response.context["form"].errors, (bad, field)
    assert GuaranteeFund.objects.count() == 0
    response = client.post("/relief/funds/new/", body)
    fund = GuaranteeFund.objects.get()
    assert response["Location"] == f"/relief/funds/{fund.pk}/"
    assert (fund.league_id, fund.capacity) == ("150200", Decimal(4000))
    client.force_login(users[Role.COUNTY])
    assert client.get("/relief/funds/new/").status_code == 404
