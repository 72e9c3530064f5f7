from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from config.testing import make_enterprise
from fugong.accounts.models import Bank, Role
from fugong.finance import services
from fugong.finance.models import FinancingNeed, Referral, ReferralBatch, State, Target
from fugong.problems.tests.factories import make_referral

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def _referrals(n: int, *, county="150202") -> list[Referral]:
    bank = Bank.objects.get_or_create(name="中国银行内蒙古分行")[0]
    needs = [
        services.need_create(
            actor=None, enterprise=make_enterprise(county=county), amount=Decimal(10), purpose="x", term_months=6
        )
        for _ in range(n)
    ]
    batch = services.batch_create(actor=None, target=Target.BANK, bank=bank, needs=needs, referred_on=date(2020, 2, 20))
    return list(batch.referrals.all())


@pytest.mark.parametrize("url", ["/finance/", "/finance/needs/", "batch"])
@pytest.mark.parametrize("role", [Role.LEAGUE, Role.BANK, Role.WORKGROUP])
def test_list_pages_ask_as_many_queries_for_many_rows_as_for_few(
    client, users, url, role, django_assert_max_num_queries
):
    if role == Role.BANK and url == "/finance/needs/":
        return  # banks see referrals, not needs (404, checked below)
    client.force_login(users[role])
    counts = []
    for n in (2, 30):
        referral = _referrals(n)[0]
        path = f"/finance/batches/{referral.batch_id}/" if url == "batch" else url
        with django_assert_max_num_queries(16) as captured:
            response = client.get(path)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_the_list_filters_and_swaps_its_table_for_htmx(client, users, baotou_enterprise, ordos_enterprise):
    mine = make_referral(baotou_enterprise)
    declined = make_referral(make_enterprise(county="150202", name="包头稀土新材料有限公司"))
    services.referral_move(actor=None, referral=declined, action="decline", reason="不符合条件")
    make_referral(ordos_enterprise)
    client.force_login(users[Role.LEAGUE])
    page = client.get("/finance/").text
    assert mine.enterprise.name in page and declined.enterprise.name in page and ordos_enterprise.name not in page
    page = client.get("/finance/?state=declined").text
    assert declined.enterprise.name in page and mine.enterprise.name not in page
    partial = client.get("/finance/?q=稀土", HTTP_HX_REQUEST="true")
    assert partial.templates[0].name == "finance/_table.html"
    assert "<html" not in partial.text and partial.text.count('data-testid="referral-row"') == 1
    # A value that names nothing finds nothing; a malformed one is refused with 400 (naming the parameter).
    for query in ("league=999999", "page=-1", "state=nonsense", "q=" + "x" * 500):
        assert client.get(f"/finance/?{query}").status_code == 200, query
    for query in ("state=%00", "batch=abc", "batch=%D9%A3", "batch=" + "9" * 30):
        assert client.get(f"/finance/?{query}").status_code == 400, query


def test_pages_out_of_scope_are_404(client, users, baotou_enterprise, ordos_enterprise):
    theirs = make_referral(ordos_enterprise, bank_name="中国工商银行内蒙古分行")
    for role in (Role.LEAGUE, Role.COUNTY, Role.WORKGROUP, Role.ENTERPRISE, Role.BANK, Role.HANDLER):
        client.force_login(users[role])
        for url in (
            f"/finance/referrals/{theirs.pk}/",
            f"/finance/batches/{theirs.batch_id}/",
            f"/finance/batches/{theirs.batch_id}/export.xlsx",
            "/finance/referrals/999999/",
        ):
            assert client.get(url).status_code == 404, (role, url)
        assert client.post(f"/finance/referrals/{theirs.pk}/moves/", {"action": "contact"}).status_code == 404
    client.force_login(users[Role.BANK])
    assert client.get("/finance/needs/").status_code == 404
    assert client.get("/finance/batches/new/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == State.REFERRED


def test_the_detail_page_offers_the_moves_of_the_viewer(client, users, baotou_enterprise):
    referral = make_referral(baotou_enterprise)
    client.force_login(users[Role.BANK])
    page = client.get(f"/finance/referrals/{referral.pk}/").text
    for action in ("contact", "approve", "decline"):
        assert f'data-testid="move-{action}"' in page
    assert 'data-testid="move-disburse"' not in page
    client.force_login(users[Role.ENTERPRISE])  # sees its referral, records nothing
    page = client.get(f"/finance/referrals/{referral.pk}/")
    assert page.status_code == 200 and 'data-testid="move-' not in page.text
    assert client.post(f"/finance/referrals/{referral.pk}/moves/", {"action": "contact"}).status_code == 404


def test_a_move_on_the_page_says_why_it_is_refused(client, users, baotou_enterprise):
    referral = make_referral(baotou_enterprise)
    client.force_login(users[Role.BANK])
    url = f"/finance/referrals/{referral.pk}/moves/"
    response = client.post(url, {"action": "approve", "amount": ""}, follow=True)
    assert "Give the amount, in 10,000 yuan." in response.text
    response = client.post(url, {"action": "disburse", "amount": "5"}, follow=True)
    assert "is not possible while the referral is Referred" in response.text
    response = client.post(url, {"action": "approve", "amount": "not a number"}, follow=True)
    assert response.status_code == 200 and "Enter a number." in response.text
    referral.refresh_from_db()
    assert referral.state == State.REFERRED
    response = client.post(url, {"action": "approve", "amount": "120"}, follow=True)
    assert "The referral is now: Approved." in response.text
    referral.refresh_from_db()
    assert (referral.state, referral.approved_amount) == (State.APPROVED, Decimal(120))
    assert list(referral.events.values_list("action", "actor__username")) == [
        ("refer", None), ("approve", "heidi_bank")
    ]  # fmt: skip


def test_a_need_form_names_the_wrong_fields_and_saves_nothing(client, users, ordos_enterprise):
    client.force_login(users[Role.LEAGUE])
    response = client.post(
        "/finance/needs/new/",
        {"credit_code": ordos_enterprise.credit_code, "amount": "-1", "purpose": "", "term_months": "400"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"credit_code", "amount", "purpose", "term_months", "urgency"}
    assert "No enterprise with this credit code in your area." in errors["credit_code"]
    assert FinancingNeed.objects.count() == 0


def test_an_official_refers_an_enterprise_of_the_area(client, users, baotou_enterprise):
    client.force_login(users[Role.COUNTY])
    response = client.post(
        "/finance/needs/new/",
        {"credit_code": baotou_enterprise.credit_code.lower(), "amount": "300", "purpose": "购买原料",
         "term_months": "12", "urgency": "normal"},
    )  # fmt: skip
    assert response.status_code == 302
    need = FinancingNeed.objects.get()
    assert (need.enterprise, need.league_id, need.county_id) == (baotou_enterprise, "150200", "150203")
    bank = Bank.objects.get(name="中国银行内蒙古分行")
    missing = client.post("/finance/batches/new/", {"target": "bank", "needs": [need.pk]})
    assert missing.status_code == 200 and "bank" in missing.context["form"].errors
    response = client.post("/finance/batches/new/", {"target": "bank", "bank": bank.pk, "needs": [need.pk]})
    batch = ReferralBatch.objects.get()
    assert response["Location"] == f"/finance/batches/{batch.pk}/"
    referral = batch.referrals.get()
    assert (referral.bank, referral.state, referral.league_id) == (bank, State.REFERRED, "150200")
    # A referred need is not offered again.
    assert str(need.pk) not in client.get("/finance/batches/new/").text.split('name="needs"')[-1][:40]
    assert 'name="needs"' not in client.get("/finance/batches/new/").text
