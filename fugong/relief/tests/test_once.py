"""A loan falling due is declared once, a guarantee-fund loan recorded once: the same thing sent again (a double
click, a retried request) changes nothing; another ask for the same loan is refused, naming the field."""

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from config.testing import make_enterprise
from fugong.accounts.models import Role
from fugong.relief import services
from fugong.relief.models import FundLoan, Loan, LoanEvent, State
from fugong.relief.tests.factories import bank, make_fund

pytestmark = pytest.mark.django_db


def _loan_body(**values):
    due = timezone.localdate() + timedelta(days=12)
    return {"bank": bank().pk, "amount": "800", "granted_on": "2019-05-01", "due_on": due.isoformat(),
            "purpose": "购买原材料", "requested": "renewal", **values}  # fmt: skip


def test_the_same_loan_declared_twice_on_the_page_is_one_case(client, users, baotou_enterprise):
    client.force_login(users[Role.ENTERPRISE])
    first = client.post("/relief/loans/new/", _loan_body())
    again = client.post("/relief/loans/new/", _loan_body(), follow=True)
    loan = Loan.objects.get()
    assert first["Location"] == f"/relief/loans/{loan.pk}/"
    assert again.redirect_chain == [(f"/relief/loans/{loan.pk}/", 302)]
    assert "这笔贷款已申报过，未作更改。" in again.text
    assert LoanEvent.objects.filter(loan=loan).count() == 1


def test_another_ask_for_a_declared_loan_is_refused_on_the_due_date(client, users, baotou_enterprise):
    client.force_login(users[Role.ENTERPRISE])
    client.post("/relief/loans/new/", _loan_body())
    response = client.post("/relief/loans/new/", _loan_body(requested="extension", amount="900"))
    assert response.status_code == 200 and "due_on" in response.context["form"].errors
    assert "已申报" in response.context["form"].errors["due_on"][0]
    loan = Loan.objects.get()
    assert (loan.requested, loan.amount) == ("renewal", 800)


def test_a_loan_the_bank_declined_may_be_declared_again(users, baotou_enterprise):
    values = {"enterprise": baotou_enterprise, "bank": bank(), "amount": 800, "granted_on": date(2019, 5, 1),
              "due_on": date(2020, 3, 1), "requested": "renewal", "declared_on": date(2020, 2, 10)}  # fmt: skip
    loan, created = services.loan_declare(actor=None, **values)
    services.loan_move(actor=users[Role.BANK], loan=loan, action="decline", reason="抵押不足", on=date(2020, 2, 12))
    again, created_again = services.loan_declare(actor=None, **{**values, "requested": "extension"})
    assert created and created_again and again.pk != loan.pk
    assert Loan.objects.get(pk=loan.pk).state == State.DECLINED


def test_the_api_answers_the_stored_loan_when_sent_again(client, users, baotou_enterprise):
    client.force_login(users[Role.LEAGUE])
    body = {**_loan_body(), "bank": bank().name, "credit_code": baotou_enterprise.credit_code}
    first = client.post("/api/v1/loans", json.dumps(body), content_type="application/json")
    again = client.post("/api/v1/loans", json.dumps(body), content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    other = client.post(
        "/api/v1/loans", json.dumps({**body, "requested": "extension"}), content_type="application/json"
    )
    assert other.status_code == 400 and "due_on" in other.json()["error"]
    assert Loan.objects.count() == 1 and LoanEvent.objects.count() == 1


def _fund_loan_body(sme, **values):
    return {"credit_code": sme.credit_code, "bank": bank().pk, "amount": "120", "rate": "4.35",
            "term_months": 12, "granted_on": "2020-02-14", **values}  # fmt: skip


def test_the_same_fund_loan_recorded_twice_on_the_page_is_one_loan(client, users):
    fund = make_fund("150200")
    sme = make_enterprise(county="150203", size_class="small")
    client.force_login(users[Role.BANK])
    first = client.post(f"/relief/funds/{fund.pk}/loans/new/", _fund_loan_body(sme))
    again = client.post(f"/relief/funds/{fund.pk}/loans/new/", _fund_loan_body(sme), follow=True)
    assert first.status_code == 302 and again.redirect_chain == [(f"/relief/funds/{fund.pk}/", 302)]
    assert "这笔贷款已登记过，未作更改。" in again.text
    other = client.post(f"/relief/funds/{fund.pk}/loans/new/", _fund_loan_body(sme, amount="150"))
    assert other.status_code == 200 and "granted_on" in other.context["form"].errors
    assert FundLoan.objects.get().amount == 120


def test_the_fund_loan_api_answers_the_stored_loan_when_sent_again(client, users):
    fund = make_fund("150200")
    sme = make_enterprise(county="150203", size_class="small")
    client.force_login(users[Role.BANK])
    body = {**_fund_loan_body(sme), "bank": bank().name}
    url = f"/api/v1/guarantee-funds/{fund.pk}/loans"
    first = client.post(url, json.dumps(body), content_type="application/json")
    again = client.post(url, json.dumps(body), content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200) and first.json() == again.json()
    other = client.post(url, json.dumps({**body, "term_months": 24}), content_type="application/json")
    assert other.status_code == 400 and "granted_on" in other.json()["error"]
    # A loan on another day is another loan.
    next_day = client.post(url, json.dumps({**body, "granted_on": "2020-02-15"}), content_type="application/json")
    assert next_day.status_code == 201 and FundLoan.objects.count() == 2
