import json
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from config.testing import make_enterprise, make_user
from fugong.accounts import services as account_services
from fugong.accounts.models import Bank, Role
from fugong.finance import services
from fugong.finance.models import Referral, ReferralEvent, State, Target
from fugong.problems.tests.factories import make_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def call(user, method, url, body=None):
        kwargs = {
            "HTTP_AUTHORIZATION": f"Bearer {account_services.token_create(user=user, name='t')[1]}",
            "HTTP_ACCEPT_LANGUAGE": "en",
        }
        if body is not None:
            kwargs.update(data=body if isinstance(body, str) else json.dumps(body), content_type="application/json")
        return getattr(client, method)(url, **kwargs)

    return call


@pytest.fixture
def referrals(baotou_enterprise, ordos_enterprise):
    """Baotou Steel to the bank persona's 中国银行; Ordos coal to 中国工商银行, already declined."""
    mine = make_referral(baotou_enterprise, amount="500")
    theirs = make_referral(ordos_enterprise, amount="300", bank_name="中国工商银行内蒙古分行")
    services.referral_move(actor=None, referral=theirs, action="decline", reason="经营困难")
    return {"mine": mine, "theirs": theirs}


def test_it_lists_with_count_and_items(api, users, referrals, baotou_enterprise):
    body = api(users[Role.REGION], "get", "/api/v1/referrals").json()
    assert body["count"] == 2
    item = next(i for i in body["items"] if i["id"] == referrals["mine"].pk)
    assert (item["credit_code"], item["enterprise"], item["league"]) == (
        baotou_enterprise.credit_code, baotou_enterprise.name, "150200"
    )  # fmt: skip
    assert (item["target"], item["bank"], item["state"], item["referred_on"]) == (
        "bank", "中国银行内蒙古分行", "referred", "2020-02-20"
    )  # fmt: skip
    assert (Decimal(item["need_amount"]), item["purpose"], item["term_months"]) == (Decimal(500), "采购原材料", 12)
    assert item["allowed_actions"] == ["contact", "approve", "decline"]
    assert item["approved_amount"] is None and item["declined_reason"] == ""


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("state=referred", {"mine"}),
        ("state=declined", {"theirs"}),
        ("state=nonsense", {"mine", "theirs"}),  # an unknown value filters nothing out, as on the page
        ("league=150600", {"theirs"}),
        ("target=bank", {"mine", "theirs"}),
        ("target=zhongzheng", set()),
        ("q=包头钢铁", {"mine"}),
        ("q=nothing-like-it", set()),
    ],
)
def test_it_filters(api, users, referrals, params, expected):
    names = {r.pk: name for name, r in referrals.items()}
    body = api(users[Role.REGION], "get", f"/api/v1/referrals?{params}").json()
    assert {names[i["id"]] for i in body["items"]} == expected


def test_it_filters_by_batch_and_by_credit_code(api, users, referrals, ordos_enterprise):
    region = users[Role.REGION]
    body = api(region, "get", f"/api/v1/referrals?batch={referrals['theirs'].batch_id}").json()
    assert [i["id"] for i in body["items"]] == [referrals["theirs"].pk]
    body = api(region, "get", f"/api/v1/referrals?q={ordos_enterprise.credit_code.lower()}").json()
    assert [i["id"] for i in body["items"]] == [referrals["theirs"].pk]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.REGION, {"mine", "theirs"}),
        (Role.LEAGUE, {"mine"}),
        (Role.COUNTY, {"mine"}),
        (Role.WORKGROUP, {"mine"}),
        (Role.ENTERPRISE, {"mine"}),
        (Role.BANK, {"mine"}),
        (Role.HANDLER, set()),
        (Role.PROVIDER, set()),
    ],
)
def test_each_role_lists_its_scope_only(api, users, referrals, role, expected):
    names = {r.pk: name for name, r in referrals.items()}
    body = api(users[role], "get", "/api/v1/referrals").json()
    assert {names[i["id"]] for i in body["items"]} == expected and body["count"] == len(expected)


def test_it_pages(api, users):
    for _ in range(5):
        make_referral(make_enterprise(county="150202"))
    body = api(users[Role.LEAGUE], "get", "/api/v1/referrals?limit=2&offset=4").json()
    assert body["count"] == 5 and len(body["items"]) == 1


def _referrals(n: int) -> None:
    bank = Bank.objects.get(name="中国银行内蒙古分行")
    for _ in range(n):
        need = services.need_create(
            actor=None, enterprise=make_enterprise(county="150202"), amount=Decimal(10), purpose="x", term_months=6
        )
        services.batch_create(actor=None, target=Target.BANK, bank=bank, needs=[need], referred_on=date(2020, 2, 20))


@pytest.mark.parametrize("role", [Role.LEAGUE, Role.WORKGROUP, Role.BANK])
def test_the_list_query_count_does_not_grow_with_rows(users, role, django_assert_max_num_queries):
    token = account_services.token_create(user=users[role], name="q")[1]
    Client().get("/api/v1/referrals", HTTP_AUTHORIZATION=f"Bearer {token}")  # the token's "last used" write
    counts = []
    for n in (2, 20):
        _referrals(n if not counts else n - 2)
        with django_assert_max_num_queries(6) as captured:
            body = Client().get("/api/v1/referrals?limit=100", HTTP_AUTHORIZATION=f"Bearer {token}").json()
        assert body["count"] == n
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_detail_in_and_out_of_scope(api, users, referrals):
    mine, theirs = referrals["mine"], referrals["theirs"]
    body = api(users[Role.BANK], "get", f"/api/v1/referrals/{mine.pk}").json()
    assert body["id"] == mine.pk and [t["action"] for t in body["timeline"]] == ["refer"]
    assert body["timeline"][0]["to_state"] == "referred" and body["timeline"][0]["actor"] is None
    for role in (Role.LEAGUE, Role.COUNTY, Role.WORKGROUP, Role.ENTERPRISE, Role.BANK, Role.HANDLER, Role.PROVIDER):
        response = api(users[role], "get", f"/api/v1/referrals/{theirs.pk}")
        assert response.status_code == 404 and "error" in response.json(), role
    assert api(users[Role.BANK], "get", "/api/v1/referrals/999999").status_code == 404


def test_it_refuses_without_a_token(client, referrals):
    assert client.get("/api/v1/referrals").status_code == 401
    assert client.post(f"/api/v1/referrals/{referrals['mine'].pk}/moves", {"action": "contact"}).status_code == 401


def test_the_bank_takes_a_referral_through_its_states(api, users, referrals):
    bank, url = users[Role.BANK], f"/api/v1/referrals/{referrals['mine'].pk}/moves"
    contacted = api(bank, "post", url, {"action": "contact", "comment": "已电话联系"}).json()
    assert contacted["state"] == "contacted" and contacted["allowed_actions"] == ["approve", "decline"]
    approved = api(bank, "post", url, {"action": "approve", "amount": "450"}).json()
    assert Decimal(approved["approved_amount"]) == Decimal(450)
    response = api(bank, "post", url, {"action": "disburse", "amount": "450", "on": "2020-02-25"})
    body = response.json()
    assert response.status_code == 200 and body["state"] == "disbursed" and body["allowed_actions"] == []
    assert (Decimal(body["disbursed_amount"]), body["disbursed_on"]) == (Decimal(450), "2020-02-25")
    assert [(t["action"], t["from_state"], t["to_state"], t["actor"]) for t in body["timeline"]] == [
        ("refer", "", "referred", None),
        ("contact", "referred", "contacted", "heidi_bank"),
        ("approve", "contacted", "approved", "heidi_bank"),
        ("disburse", "approved", "disbursed", "heidi_bank"),
    ]
    assert body["timeline"][1]["comment"] == "已电话联系"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"action": "approve"}, "amount", "Give the amount"),
        ({"action": "approve", "amount": "-5"}, "amount", "Enter a number from 0"),
        ({"action": "decline"}, "reason", "reason for declining"),
        ({"action": "decline", "reason": "   "}, "reason", "reason for declining"),
        ({"action": "disburse", "amount": "5"}, "action", "not possible while the referral is Referred"),
        ({"action": "fly"}, "action", "Unknown action"),
    ],
)
def test_a_refused_move_is_400_naming_the_field_and_changes_nothing(api, users, referrals, body, field, message):
    referral = referrals["mine"]
    response = api(users[Role.BANK], "post", f"/api/v1/referrals/{referral.pk}/moves", body)
    assert response.status_code == 400
    said = response.json()["error"][field]  # a list from the move service, one message from the schema's bounds
    assert message in (said if isinstance(said, str) else " ".join(said))
    referral.refresh_from_db()
    assert referral.state == State.REFERRED and ReferralEvent.objects.filter(referral=referral).count() == 1


def test_a_disbursement_over_the_approval_or_outside_its_dates_is_refused(api, users, referrals):
    bank, url = users[Role.BANK], f"/api/v1/referrals/{referrals['mine'].pk}/moves"
    api(bank, "post", url, {"action": "approve", "amount": "300"})
    over = api(bank, "post", url, {"action": "disburse", "amount": "301", "on": "2020-02-25"})
    assert over.status_code == 400 and "More than the approved" in over.json()["error"]["amount"][0]
    early = api(bank, "post", url, {"action": "disburse", "amount": "300", "on": "2020-01-01"})
    assert early.status_code == 400 and list(early.json()["error"]) == ["on"]
    assert Referral.objects.get(pk=referrals["mine"].pk).state == State.APPROVED


def test_a_malformed_body_is_422_naming_the_field(api, users, referrals):
    url = f"/api/v1/referrals/{referrals['mine'].pk}/moves"
    response = api(users[Role.BANK], "post", url, {"action": "approve", "amount": "a lot"})
    assert response.status_code == 422 and "amount" in response.json()["error"]
    response = api(users[Role.BANK], "post", url, {"amount": "5"})
    assert response.status_code == 422 and "action" in response.json()["error"]
    assert api(users[Role.BANK], "post", url, "{not json").status_code in (400, 422)


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.HANDLER, Role.PROVIDER, "other_bank"])
def test_moves_by_those_who_may_not_record_are_404(api, users, referrals, role):
    user = (
        make_user("judy_bank", Role.BANK, bank=Bank.objects.get_or_create(name="内蒙古银行")[0])
        if role == "other_bank"
        else users[role]
    )
    response = api(user, "post", f"/api/v1/referrals/{referrals['mine'].pk}/moves", {"action": "contact"})
    assert response.status_code == 404 and "error" in response.json()
    assert Referral.objects.get(pk=referrals["mine"].pk).state == State.REFERRED


def test_an_official_out_of_the_area_gets_404_and_one_in_it_records(api, users, referrals):
    theirs_url = f"/api/v1/referrals/{referrals['theirs'].pk}/moves"
    assert api(users[Role.LEAGUE], "post", theirs_url, {"action": "contact"}).status_code == 404
    response = api(users[Role.COUNTY], "post", f"/api/v1/referrals/{referrals['mine'].pk}/moves", {"action": "contact"})
    assert response.status_code == 200 and response.json()["timeline"][-1]["actor"] == "carol_county"
