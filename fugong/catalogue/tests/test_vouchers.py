"""Cloud-service vouchers: programmes, issuing within the budget, every move and who may make it, evidence checked
by its bytes, expiry and carry-over, the figures by league and category, the pages and the API."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from config.testing import make_enterprise
from fugong.accounts import services as account_services
from fugong.accounts.models import Role
from fugong.catalogue import selectors, voucher_selectors, vouchers
from fugong.catalogue.models import Voucher, VoucherEvent
from fugong.catalogue.tests.factories import (
    PDF,
    add_evidence,
    make_claim,
    make_product,
    make_programme,
    make_provider,
    make_voucher,
    redeemed_voucher,
)
from fugong.problems.tests.factories import PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(users):
    return make_provider("内蒙古云端科技有限公司", user=users[Role.PROVIDER])


@pytest.fixture
def programme():
    return make_programme(budget="10", face_values=["0.5", "1", "2"])


def _issue(user, programme, enterprises, value="1"):
    return vouchers.vouchers_issue(
        actor=user, programme=programme, face_value=value, credit_codes=[e.credit_code for e in enterprises]
    )


# --- Programmes and issuing -------------------------------------------------------------------------------


def test_a_programme_names_what_is_wrong(users):
    today = timezone.localdate()
    data = vouchers.ProgrammeData(
        name="", budget="-1", face_values="x", valid_from=today, valid_until=today - timedelta(days=1),
        leagues=["159999"], size_classes=["huge"], on_expiry="carry_over",
    )  # fmt: skip
    with pytest.raises(ValidationError) as e:
        vouchers.programme_create(actor=users[Role.REGION], data=data)
    assert {"name", "budget", "face_values", "leagues", "size_classes", "carry_over_to"} <= set(e.value.message_dict)


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.REGION])
def test_only_the_department_creates_programmes_and_issues(users, programme, baotou_enterprise, role):
    with pytest.raises(ValidationError):
        vouchers.programme_create(
            actor=users[role],
            data=vouchers.ProgrammeData(name="x", budget="1", face_values=["1"], valid_from=date(2020, 2, 1),
                                        valid_until=date(2020, 3, 1)),
        )  # fmt: skip
    with pytest.raises(ValidationError):
        _issue(users[role], programme, [baotou_enterprise])
    assert not Voucher.objects.exists()


def test_issuing_twice_changes_nothing(users, programme, baotou_enterprise, ordos_enterprise):
    first = _issue(users[Role.REGION], programme, [baotou_enterprise, ordos_enterprise])
    assert len(first.issued) == 2 and first.amount == Decimal(2) and first.unchanged == 0
    again = _issue(users[Role.REGION], programme, [baotou_enterprise, ordos_enterprise], value="2")
    assert again.issued == [] and again.unchanged == 2
    assert Voucher.objects.count() == 2 and VoucherEvent.objects.filter(action="issue").count() == 2
    assert set(Voucher.objects.values_list("face_value", flat=True)) == {Decimal(1)}
    voucher = Voucher.objects.get(enterprise=baotou_enterprise)
    assert (voucher.league_id, voucher.county_id, voucher.state) == ("150200", "150203", "issued")


def test_issuing_beyond_the_budget_is_refused_naming_the_shortfall(users, programme, baotou_enterprise):
    many = [make_enterprise() for _ in range(5)]
    _issue(users[Role.REGION], programme, many[:3], value="2")  # 6 of 10 held
    with pytest.raises(ValidationError) as e:
        _issue(users[Role.REGION], programme, [baotou_enterprise, *many[3:]], value="2")  # 6 more asked, 4 left
    message = e.value.message_dict["face_value"][0]
    assert "6" in message and "4" in message and "2" in message  # needed, left, short by
    assert Voucher.objects.count() == 3
    # What is left still goes out.
    assert len(_issue(users[Role.REGION], programme, many[3:], value="2").issued) == 2
    assert vouchers.remaining(programme) == 0


def test_only_eligible_enterprises_and_offered_face_values(users, baotou_enterprise, ordos_enterprise):
    programme = make_programme(leagues=["150200"], size_classes=["medium", "small"])
    assert set(vouchers.eligible_enterprises(programme)) == {baotou_enterprise}
    with pytest.raises(ValidationError) as e:
        _issue(users[Role.REGION], programme, [baotou_enterprise, ordos_enterprise])
    assert ordos_enterprise.credit_code in e.value.message_dict["credit_codes"][0]
    with pytest.raises(ValidationError) as e:
        _issue(users[Role.REGION], programme, [baotou_enterprise], value="3")
    assert "face_value" in e.value.message_dict
    result = vouchers.vouchers_issue(actor=users[Role.REGION], programme=programme, face_value="0.5", all_eligible=True)
    assert [v.enterprise for v in result.issued] == [baotou_enterprise]


# --- Redeeming --------------------------------------------------------------------------------------------


def test_the_enterprise_redeems_against_its_delivered_claim_once(users, provider, programme, baotou_enterprise):
    voucher = make_voucher(programme, baotou_enterprise)
    product = make_product(provider)
    claim = make_claim(product, baotou_enterprise, state="delivered")
    user = users[Role.ENTERPRISE]
    moved = vouchers.voucher_move(actor=user, voucher=voucher, action="redeem", claim=claim.pk)
    assert (moved.state, moved.claim_id, moved.provider_id) == ("redeemed", claim.pk, provider.pk)
    again = vouchers.voucher_move(actor=user, voucher=voucher, action="redeem", claim=claim.pk)
    assert again.state == "redeemed" and voucher.events.filter(action="redeem").count() == 1
    other = make_claim(make_product(provider, name="另一个产品"), baotou_enterprise, state="delivered")
    with pytest.raises(ValidationError):
        vouchers.voucher_move(actor=user, voucher=voucher, action="redeem", claim=other.pk)


def test_one_voucher_per_claim_and_only_a_delivered_claim_of_its_own(
    users, provider, baotou_enterprise, ordos_enterprise
):
    first, second = make_programme(), make_programme()
    product = make_product(provider)
    claim = make_claim(product, baotou_enterprise, state="delivered")
    user = users[Role.ENTERPRISE]
    vouchers.voucher_move(actor=user, voucher=make_voucher(first, baotou_enterprise), action="redeem", claim=claim)
    with pytest.raises(ValidationError) as e:
        vouchers.voucher_move(actor=user, voucher=make_voucher(second, baotou_enterprise), action="redeem", claim=claim)
    assert "claim" in e.value.message_dict
    open_claim = make_claim(make_product(provider, name="未交付产品"), baotou_enterprise, state="contacted")
    theirs = make_claim(make_product(provider, name="别家产品"), ordos_enterprise, state="delivered")
    mine = Voucher.objects.get(programme=second)
    for bad in (open_claim, theirs, None, "x"):
        with pytest.raises(ValidationError) as e:
            vouchers.voucher_move(actor=user, voucher=mine, action="redeem", claim=bad)
        assert "claim" in e.value.message_dict
    assert Voucher.objects.get(pk=mine.pk).state == "issued"


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ENTERPRISE])
def test_nobody_else_redeems(users, provider, programme, baotou_enterprise, role):
    voucher = make_voucher(programme, baotou_enterprise)
    claim = make_claim(make_product(provider), baotou_enterprise, state="delivered")
    with pytest.raises(ValidationError):
        vouchers.voucher_move(actor=users[role], voucher=voucher, action="redeem", claim=claim)


def test_redeeming_outside_the_window_is_refused(users, provider, baotou_enterprise):
    programme = make_programme(days=(-60, -1))
    programme_open = make_programme(days=(1, 30))
    claim = make_claim(make_product(provider), baotou_enterprise, state="delivered")
    for p in (programme, programme_open):
        # Issued while the programme ran (or before it starts), redeemed today: outside the window.
        voucher = Voucher.objects.create(
            programme=p, enterprise=baotou_enterprise, league_id="150200", county_id="150203",
            number=f"T{p.pk}", face_value=1, issued_on=p.valid_from,
        )  # fmt: skip
        with pytest.raises(ValidationError) as e:
            vouchers.voucher_move(actor=users[Role.ENTERPRISE], voucher=voucher, action="redeem", claim=claim)
        assert "action" in e.value.message_dict


# --- Payment: evidence, request, review, payment ------------------------------------------------------------


def test_evidence_is_checked_by_its_bytes(users, provider, programme, baotou_enterprise):
    voucher = redeemed_voucher(programme, baotou_enterprise, provider)
    user = users[Role.PROVIDER]
    for name, content in (("invoice.pdf", b"MZ\x90\x00 not a pdf"), ("invoice.pdf", PNG), ("a.pdf", b"hello"),
                          ("invoice.pdf", b"")):  # fmt: skip
        with pytest.raises(ValidationError) as e:
            vouchers.voucher_file_add(actor=user, voucher=voucher, kind="invoice", name=name, content=content)
        assert "file" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        vouchers.voucher_file_add(actor=user, voucher=voucher, kind="receipt", name="a.pdf", content=PDF)
    assert "kind" in e.value.message_dict
    with pytest.raises(ValidationError):
        vouchers.voucher_file_add(actor=users[Role.ENTERPRISE], voucher=voucher, kind="invoice", name="a.pdf",
                                  content=PDF)  # fmt: skip
    assert not voucher.files.exists()
    file = vouchers.voucher_file_add(actor=user, voucher=voucher, kind="invoice", name="发票.pdf", content=PDF)
    assert file.content_type == "application/pdf" and file.path.endswith(".pdf")


def test_the_provider_asks_the_department_approves_and_pays(users, provider, programme, baotou_enterprise):
    voucher = redeemed_voucher(programme, baotou_enterprise, provider)
    provider_user, region = users[Role.PROVIDER], users[Role.REGION]
    add_evidence(voucher, ["contract", "invoice"])
    with pytest.raises(ValidationError) as e:
        vouchers.voucher_move(actor=provider_user, voucher=voucher, action="request")
    assert "file" in e.value.message_dict
    add_evidence(voucher, ["delivery"])
    with pytest.raises(ValidationError):
        vouchers.voucher_move(actor=users[Role.ENTERPRISE], voucher=voucher, action="request")
    voucher = vouchers.voucher_move(actor=provider_user, voucher=voucher, action="request")
    assert voucher.state == "requested" and voucher.requested_on == timezone.localdate()
    with pytest.raises(ValidationError) as e:
        vouchers.voucher_move(actor=region, voucher=voucher, action="return")
    assert "comment" in e.value.message_dict
    voucher = vouchers.voucher_move(actor=region, voucher=voucher, action="return", comment="发票抬头有误")
    assert voucher.state == "returned"
    vouchers.voucher_file_add(actor=provider_user, voucher=voucher, kind="invoice", name="新发票.pdf", content=PDF)
    voucher = vouchers.voucher_move(actor=provider_user, voucher=voucher, action="request")
    for role in (Role.LEAGUE, Role.PROVIDER, Role.ENTERPRISE):
        with pytest.raises(ValidationError):
            vouchers.voucher_move(actor=users[role], voucher=voucher, action="approve")
    voucher = vouchers.voucher_move(actor=region, voucher=voucher, action="approve")
    for amount, field in (("1.01", "amount"), ("0", "amount"), ("abc", "amount"), (None, "amount")):
        with pytest.raises(ValidationError) as e:
            vouchers.voucher_move(actor=region, voucher=voucher, action="pay", amount=amount)
        assert field in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        vouchers.voucher_move(actor=region, voucher=voucher, action="pay", amount="1", on=date(2099, 1, 1))
    assert "on" in e.value.message_dict
    voucher = vouchers.voucher_move(actor=region, voucher=voucher, action="pay", amount="0.8")
    assert (voucher.state, voucher.paid_amount, voucher.paid_on) == ("paid", Decimal("0.8"), timezone.localdate())
    actions = list(voucher.events.values_list("action", flat=True))
    assert actions[:2] == ["issue", "redeem"] and actions[-4:] == ["attach", "request", "approve", "pay"]
    assert "return" in actions


def test_the_department_may_refuse_payment_with_a_reason(users, provider, programme, baotou_enterprise):
    voucher = redeemed_voucher(programme, baotou_enterprise, provider)
    add_evidence(voucher)
    voucher = vouchers.voucher_move(actor=users[Role.PROVIDER], voucher=voucher, action="request")
    with pytest.raises(ValidationError):
        vouchers.voucher_move(actor=users[Role.REGION], voucher=voucher, action="reject")
    voucher = vouchers.voucher_move(
        actor=users[Role.REGION], voucher=voucher, action="reject", comment="合同与产品不符"
    )
    assert voucher.state == "rejected"
    with pytest.raises(ValidationError):
        vouchers.voucher_move(actor=users[Role.PROVIDER], voucher=voucher, action="request")


# --- Expiry and carry-over ----------------------------------------------------------------------------------


def test_expiry_expires_unused_vouchers_once(users, provider, baotou_enterprise, ordos_enterprise):
    programme = make_programme(days=(-30, 10))
    unused = make_voucher(programme, ordos_enterprise)
    used = redeemed_voucher(programme, baotou_enterprise, provider)
    after = timezone.localdate() + timedelta(days=11)
    assert vouchers.vouchers_expire(today=after - timedelta(days=1)) == {"expired": 0, "carried_over": 0}
    assert vouchers.vouchers_expire(today=after) == {"expired": 1, "carried_over": 0}
    assert vouchers.vouchers_expire(today=after) == {"expired": 0, "carried_over": 0}
    unused.refresh_from_db()
    used.refresh_from_db()
    assert (unused.state, used.state) == ("expired", "redeemed")
    assert vouchers.committed(programme) == Decimal(1)  # the expired one released its share of the budget
    assert list(unused.events.values_list("action", flat=True)) == ["issue", "expire"]


def test_carry_over_to_the_named_programme(users, baotou_enterprise, ordos_enterprise):
    later = make_programme(days=(11, 90), budget="1")
    programme = make_programme(days=(-30, 10), on_expiry="carry_over", carry_over_to=later)
    mine = make_voucher(programme, baotou_enterprise)
    theirs = make_voucher(programme, ordos_enterprise)
    day = timezone.localdate() + timedelta(days=11)
    out = io_call("vouchers_expire", "--date", day.isoformat())
    assert "expired 1, carried over 1" in out  # the later budget holds one voucher of 1万元 only
    assert io_call("vouchers_expire", "--date", day.isoformat()).strip() == "expired 0, carried over 0"
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert {mine.state, theirs.state} == {"carried_over", "expired"}
    carried = mine if mine.state == "carried_over" else theirs
    new = carried.carried_to
    assert (new.programme, new.enterprise_id, new.face_value, new.state) == (
        later, carried.enterprise_id, Decimal(1), "issued"
    )  # fmt: skip
    expired = theirs if carried is mine else mine
    assert (
        "budget" in expired.events.get(action="expire").comment or "预算" in expired.events.get(action="expire").comment
    )


def test_the_task_runs_the_expiry(baotou_enterprise):
    from fugong.catalogue.tasks import expire_vouchers

    programme = make_programme(days=(-30, -1))
    Voucher.objects.create(programme=programme, enterprise=baotou_enterprise, league_id="150200",
                           county_id="150203", number="T1", face_value=1, issued_on=programme.valid_from)  # fmt: skip
    result = expire_vouchers.enqueue("")
    assert result.return_value == {"expired": 1, "carried_over": 0}


def io_call(*args) -> str:
    import io

    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- Figures ----------------------------------------------------------------------------------------------


def test_figures_by_league_and_category(users, provider, baotou_enterprise, ordos_enterprise):
    programme = make_programme(budget="500")
    paid = redeemed_voucher(programme, baotou_enterprise, provider)
    add_evidence(paid)
    region = users[Role.REGION]
    paid = vouchers.voucher_move(actor=users[Role.PROVIDER], voucher=paid, action="request")
    paid = vouchers.voucher_move(actor=region, voucher=paid, action="approve")
    vouchers.voucher_move(actor=region, voucher=paid, action="pay", amount="0.75")
    make_voucher(programme, ordos_enterprise, face_value="2")
    today = timezone.localdate()
    f = voucher_selectors.voucher_figures(user=region, as_of=today)
    assert (f.budget, f.budget_used) == (Decimal(500), Decimal(3))
    assert (f.total.issued, f.total.issued_amount, f.total.redeemed, f.total.paid, f.total.paid_amount) == (
        2, Decimal(3), 1, 1, Decimal("0.75"))  # fmt: skip
    leagues = {t.key: t for t in f.by_league}
    assert (leagues["150200"].issued, leagues["150200"].paid) == (1, 1)
    assert (leagues["150600"].issued, leagues["150600"].redeemed) == (1, 0)
    categories = {t.key: t for t in f.by_category}
    assert categories["production"].redeemed == 1 and categories["security"].redeemed == 0
    # A league official counts its own league only; before the first issue there is nothing.
    own = voucher_selectors.voucher_figures(user=users[Role.LEAGUE], as_of=today)
    assert own.total.issued == 1 and [t.key for t in own.by_league] == ["150200"]
    assert voucher_selectors.voucher_figures(user=region, as_of=today - timedelta(days=1)).total.issued == 0
    line = selectors.brief_lines(user=region, as_of=today)[-1]
    assert line == "发放云服务券2张、3万元，企业已使用1张，已兑付1张、0.75万元。"


# --- Pages and the API ------------------------------------------------------------------------------------


def test_pages_show_each_their_vouchers(client, users, provider, programme, baotou_enterprise, ordos_enterprise):
    mine = redeemed_voucher(programme, baotou_enterprise, provider)
    theirs = make_voucher(programme, ordos_enterprise)
    client.force_login(users[Role.ENTERPRISE])
    page = client.get("/catalogue/").text
    assert mine.number in page and theirs.number not in page
    assert client.get(f"/catalogue/vouchers/{theirs.pk}/").status_code == 404
    client.force_login(users[Role.PROVIDER])
    page = client.get("/catalogue/vouchers/").text
    assert mine.number in page and theirs.number not in page
    client.force_login(users[Role.LEAGUE])
    page = client.get("/catalogue/vouchers/").text
    assert mine.number in page and theirs.number not in page
    client.force_login(users[Role.REGION])
    page = client.get("/catalogue/vouchers/").text
    assert mine.number in page and theirs.number in page
    assert "发放云服务券" not in client.get("/catalogue/figures/").text  # figures are numbers, the brief has words


def test_the_issue_form_refuses_beyond_the_budget(client, users, programme, baotou_enterprise):
    client.force_login(users[Role.REGION])
    others = [make_enterprise() for _ in range(5)]
    codes = "\n".join(e.credit_code for e in [baotou_enterprise, *others])
    response = client.post(
        f"/catalogue/vouchers/programmes/{programme.pk}/", {"face_value": "2", "credit_codes": codes}
    )
    assert response.status_code == 200 and not Voucher.objects.exists()
    assert "2" in response.context["form"].errors["face_value"][0]
    response = client.post(
        f"/catalogue/vouchers/programmes/{programme.pk}/", {"face_value": "1", "credit_codes": codes}
    )
    assert response.status_code == 302 and Voucher.objects.count() == 6


def test_the_evidence_upload_refuses_a_file_that_is_not_what_it_claims(client, users, provider, programme,
                                                                        baotou_enterprise):  # fmt: skip
    voucher = redeemed_voucher(programme, baotou_enterprise, provider)
    client.force_login(users[Role.PROVIDER])
    fake = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00program", content_type="application/pdf")
    client.post(f"/catalogue/vouchers/{voucher.pk}/files/", {"kind": "invoice", "file": fake})
    assert not voucher.files.exists()
    good = SimpleUploadedFile("invoice.pdf", PDF, content_type="application/pdf")
    client.post(f"/catalogue/vouchers/{voucher.pk}/files/", {"kind": "invoice", "file": good})
    file = voucher.files.get()
    assert client.get(f"/catalogue/vouchers/files/{file.pk}/").status_code == 200


def test_the_api_is_scoped_and_moves(client, users, provider, programme, baotou_enterprise, ordos_enterprise):
    voucher = make_voucher(programme, baotou_enterprise)
    theirs = make_voucher(programme, ordos_enterprise)
    claim = make_claim(make_product(provider), baotou_enterprise, state="delivered")

    def api(user, method, url, body=None):
        token = account_services.token_create(user=user, name="t")[1]
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(client, method)(url, **kwargs)

    enterprise = users[Role.ENTERPRISE]
    listed = api(enterprise, "get", "/api/v1/vouchers").json()
    assert [i["number"] for i in listed["items"]] == [voucher.number]
    assert listed["items"][0]["allowed_actions"] == ["redeem"]
    assert api(enterprise, "get", f"/api/v1/vouchers/{theirs.pk}").status_code == 404
    assert api(enterprise, "post", f"/api/v1/vouchers/{theirs.pk}/moves", {"action": "redeem"}).status_code == 404
    bad = api(enterprise, "post", f"/api/v1/vouchers/{voucher.pk}/moves", {"action": "redeem", "claim": 0})
    assert bad.status_code == 400 and "claim" in bad.text
    body = {"action": "redeem", "claim": claim.pk}
    first = api(enterprise, "post", f"/api/v1/vouchers/{voucher.pk}/moves", body)
    again = api(enterprise, "post", f"/api/v1/vouchers/{voucher.pk}/moves", body)
    assert first.status_code == again.status_code == 200 and first.json()["state"] == "redeemed"
    assert [e["action"] for e in again.json()["timeline"]] == ["issue", "redeem"]
    assert api(users[Role.PROVIDER], "get", "/api/v1/vouchers").json()["count"] == 1
    assert api(users[Role.LEAGUE], "get", "/api/v1/vouchers").json()["count"] == 1
    assert api(users[Role.REGION], "get", "/api/v1/vouchers").json()["count"] == 2
    assert api(users[Role.BANK], "get", "/api/v1/vouchers").status_code == 404
    figures = api(users[Role.REGION], "get", "/api/v1/vouchers/figures").json()
    assert figures["total"]["issued"] == 2 and figures["total"]["redeemed"] == 1
    assert api(users[Role.REGION], "get", "/api/v1/vouchers?programme=abc").status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        {"action": "pay", "amount": "1e30"},
        {"action": "pay", "amount": -1, "on": "0001-01-01"},
        {"action": "pay", "amount": "0.5", "on": "9999-12-31"},
        {"action": "redeem", "claim": 2**40},
        {"action": "redeem", "claim": "abc"},
        {"action": "x" * 30},
        {"action": "return", "comment": "a\x00b"},
        {"action": "approve", "comment": "长" * 501},
    ],
)
def test_bad_moves_answer_400_and_change_nothing(client, users, provider, programme, baotou_enterprise, body):
    voucher = redeemed_voucher(programme, baotou_enterprise, provider)
    add_evidence(voucher)
    voucher = vouchers.voucher_move(actor=users[Role.PROVIDER], voucher=voucher, action="request")
    before = voucher.events.count()
    token = account_services.token_create(user=users[Role.REGION], name="t")[1]
    response = client.post(f"/api/v1/vouchers/{voucher.pk}/moves", json.dumps(body), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip
    assert response.status_code in (400, 422), response.content
    assert voucher.events.count() == before and Voucher.objects.get(pk=voucher.pk).state == "requested"


def test_the_department_creates_a_programme_from_its_form(client, users):
    from fugong.catalogue.models import VoucherProgramme

    client.force_login(users[Role.REGION])
    form = {"name": "2020年第二批云服务券", "budget": "300", "face_values": "1，0.5", "valid_from": "2020-04-01",
            "valid_until": "2020-06-30", "leagues": ["150200", "150781"], "size_classes": ["small", "micro"],
            "industry_codes": ["13", "31"], "on_expiry": "carry_over"}  # fmt: skip
    response = client.post("/catalogue/vouchers/programmes/new/", form)
    assert response.status_code == 200 and "carry_over_to" in response.context["form"].errors
    assert not VoucherProgramme.objects.exists()
    response = client.post("/catalogue/vouchers/programmes/new/", {**form, "on_expiry": "expire"})
    programme = VoucherProgramme.objects.get()
    assert response.status_code == 302 and response.url == f"/catalogue/vouchers/programmes/{programme.pk}/"
    assert (programme.face_values, programme.size_classes, programme.industry_codes) == (
        ["0.50", "1.00"], ["small", "micro"], "13,31")  # fmt: skip
    assert sorted(programme.leagues.values_list("code", flat=True)) == ["150200", "150781"]
    client.force_login(users[Role.LEAGUE])
    assert client.post("/catalogue/vouchers/programmes/new/", {**form, "name": "x"}).status_code == 404
