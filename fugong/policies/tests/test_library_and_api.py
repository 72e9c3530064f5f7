import json
from datetime import date

import pytest
from django.utils import timezone

from config.testing import make_enterprise
from fugong.accounts import services as account_services
from fugong.accounts.models import Role
from fugong.notices.models import Notice
from fugong.notices.services import notify
from fugong.policies import selectors
from fugong.policies.models import Measure
from fugong.policies.tests.factories import make_application, make_measure, make_policy

pytestmark = pytest.mark.django_db


def api(client, user, method, url, body=None):
    token = account_services.token_create(user=user, name="t")[1]
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if body is None:
        return getattr(client, method)(url, **kwargs)
    return getattr(client, method)(url, json.dumps(body), content_type="application/json", **kwargs)


def titles(user, q="", **filters):
    f = selectors.LibraryFilters(q=q, **filters)
    return [p.title for p in selectors.policy_list(user=user, filters=f, day=date(2020, 3, 1))]


def test_search_finds_words_in_any_order_and_pinyin_initials(users):
    make_policy(title="关于支持中小企业共渡难关的若干政策措施", text="对受疫情影响的中小企业给予贷款贴息。")
    make_policy(
        title="进一步做好重点企业复工复产的通知",
        number="内工信中小字〔2020〕28号",
        issuer="自治区工业和信息化厅",
        text="做好防疫物资生产企业的复工。",
    )
    user = users[Role.ENTERPRISE]
    assert titles(user, "中小企业") == ["关于支持中小企业共渡难关的若干政策措施"]
    # Two words, neither a substring of the other's neighbourhood: both must occur, in any order.
    assert titles(user, "贴息 疫情") == ["关于支持中小企业共渡难关的若干政策措施"]
    assert titles(user, "贴息 复工") == []
    assert titles(user, "zxqy") == ["关于支持中小企业共渡难关的若干政策措施"]  # 中小企业
    assert titles(user, "28号") == ["进一步做好重点企业复工复产的通知"]
    assert titles(user, "復工") == ["进一步做好重点企业复工复产的通知"]  # traditional characters
    assert titles(user, issuer="自治区工业和信息化厅") == ["进一步做好重点企业复工复产的通知"]


def test_filters_by_benefit_type_and_status(users):
    old = make_policy(title="旧政策", issued_on=date(2019, 1, 1), valid_until=date(2019, 12, 31))
    make_measure(old, benefit_type="rent")
    make_measure(make_policy(title="新政策"), benefit_type="subsidy")
    user = users[Role.REGION]
    assert titles(user, status="in_force") == ["新政策"]
    assert titles(user, status="expired") == ["旧政策"]
    assert titles(user, benefit_type="rent") == ["旧政策"]


def test_matching_counts_agree_with_the_brute_force_count(users, baotou_enterprise):
    small = [make_enterprise(county="150203", size_class="small", employees=n) for n in (10, 40, 90)]
    make_enterprise(county="150622", size_class="small", employees=20)  # outside Baotou
    measure = make_measure(
        rule={
            "any": [
                {"fact": "size_class", "op": "in", "value": ["small"], "article": "第二条"},
                {"fact": "tags", "op": "any", "value": ["leading"], "article": "第三条"},
            ]
        }
    )
    make_application(small[0], measure)
    league = users[Role.LEAGUE]
    m = selectors.matching(user=league, measure=measure, day=timezone.localdate())
    from fugong import access
    from fugong.policies.eligibility import evaluate

    brute = [e for e in access.visible_enterprises(league) if evaluate(measure.rule, e, timezone.localdate()).eligible]
    assert m.eligible == len(brute) == 4  # three small ones and Baotou Steel (leading)
    assert m.not_applied == 3 and m.applied == 1
    assert [(r.key, r.eligible) for r in m.by_league] == [("150200", 4)]
    region = selectors.matching(user=users[Role.REGION], measure=measure, day=timezone.localdate())
    assert region.eligible == 5


def test_the_api_lists_reads_and_explains(client, users, baotou_enterprise, ordos_enterprise):
    measure = make_measure(rule={"all": [{"fact": "tags", "op": "any", "value": ["leading"], "article": "第三条"}]})
    region, enterprise = users[Role.REGION], users[Role.ENTERPRISE]
    body = api(client, enterprise, "get", "/api/v1/policies?q=zxqy").json()
    assert body["count"] == 1
    detail = api(client, enterprise, "get", f"/api/v1/policies/{measure.policy_id}").json()
    assert detail["measures"][0]["rule"]["all"][0]["article"] == "第三条"
    verdict = api(
        client, enterprise, "get", f"/api/v1/measures/{measure.pk}/eligibility/{baotou_enterprise.credit_code}"
    )
    assert verdict.json()["eligible"] is True and verdict.json()["criteria"][0]["met"] is True
    # An enterprise asking about another is not found.
    other = api(client, enterprise, "get", f"/api/v1/measures/{measure.pk}/eligibility/{ordos_enterprise.credit_code}")
    assert other.status_code == 404
    eligible = api(client, region, "get", f"/api/v1/measures/{measure.pk}/eligible").json()
    assert [i["credit_code"] for i in eligible["items"]] == [baotou_enterprise.credit_code]
    created = api(client, enterprise, "post", "/api/v1/applications", {"measure": measure.pk, "requested_amount": "20"})
    assert created.status_code == 201 and created.json()["state"] == "draft"
    moved = api(client, enterprise, "post", f"/api/v1/applications/{created.json()['id']}/moves", {"action": "submit"})
    assert moved.json()["state"] == "submitted"
    assert api(client, users[Role.LEAGUE], "get", "/api/v1/applications").json()["count"] == 1
    assert api(client, users[Role.BANK], "get", "/api/v1/applications").json()["count"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rule": {"all": [{"fact": "industry", "op": "in", "value": ["99"], "article": "第一条"}]}}, "rule"),
        ({"rule": {"all": [{"fact": "tags", "op": "any", "value": ["gold"], "article": "第一条"}]}}, "rule"),
        ({"benefit_type": "cash"}, "benefit_type"),
        ({"article": ""}, "article"),
        ({"amount": "-5"}, "amount"),
    ],
)
def test_a_bad_measure_is_refused_naming_the_field(client, users, body, field):
    policy = make_policy()
    good = {
        "policy": policy.pk,
        "article": "第一条",
        "title": "补贴",
        "benefit_type": "subsidy",
        "delivery": "application",
        "department": "工信厅",
        "rule": {"all": []},
    }
    response = api(client, users[Role.REGION], "post", "/api/v1/measures", {**good, **body})
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]
    assert not Measure.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"requested_amount": "0"}, "requested_amount"),
        ({"requested_amount": "abc"}, "requested_amount"),
        ({"programme": 999, "requested_amount": "5"}, "programme"),
    ],
)
def test_a_bad_application_is_refused_naming_the_field(client, users, body, field):
    measure = make_measure()
    response = api(client, users[Role.ENTERPRISE], "post", "/api/v1/applications", {"measure": measure.pk, **body})
    assert response.status_code in (400, 422) and field in response.json()["error"]


def test_huge_and_missing_ids_are_not_found(client, users):
    assert api(client, users[Role.REGION], "get", "/api/v1/measures/99999999999999999999").status_code in (400, 404)
    assert api(client, users[Role.REGION], "get", "/api/v1/applications/12345").status_code == 404
    client.force_login(users[Role.REGION])
    assert client.get("/policies/measures/12345/").status_code == 404


def test_notices_are_read_and_counted(client, users):
    user = users[Role.ENTERPRISE]
    notify(recipients=[user, user], text="有一项政策适合你", link="/policies/mine/", kind="policy_match")
    client.force_login(user)
    assert client.get("/notices/badge/").context["unread"] == 1
    notice = Notice.objects.get(user=user)
    response = client.get(f"/notices/{notice.pk}/")
    assert response.status_code == 302 and response["Location"] == "/policies/mine/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert client.get("/notices/badge/").context["unread"] == 0
    # A link elsewhere is not followed.
    notify(recipients=[user], text="x", link="https://example.com/", kind="x")
    assert client.get(f"/notices/{Notice.objects.get(kind='x').pk}/")["Location"] == "/notices/"


def test_an_enterprise_sees_the_measures_for_it_with_reasons(client, users, baotou_enterprise):
    fits = make_measure(
        title="龙头企业奖励", rule={"all": [{"fact": "tags", "op": "any", "value": ["leading"], "article": "第三条"}]}
    )
    near = make_measure(
        title="小微企业补贴",
        rule={"all": [{"fact": "size_class", "op": "in", "value": ["small"], "article": "第四条"}]},
    )
    client.force_login(users[Role.ENTERPRISE])
    page = client.get("/policies/mine/")
    assert [r.measure for r in page.context["eligible"]] == [fits]
    assert [r.measure for r in page.context["near"]] == [near]
    assert "第四条" in page.text


def test_lists_take_a_fixed_number_of_queries(client, users, baotou_enterprise, django_assert_max_num_queries):
    policy = make_policy()
    measures = [make_measure(policy, title=f"措施{n}") for n in range(3)]
    for m in measures:
        make_application(baotou_enterprise, m)
    client.force_login(users[Role.REGION])
    with django_assert_max_num_queries(12):
        assert client.get("/policies/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/policies/applications/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/policies/measures/{measures[0].pk}/enterprises/").status_code == 200
    response = client.get(f"/policies/measures/{measures[0].pk}/enterprises.xlsx?which=not_applied")
    from urllib.parse import unquote

    assert "内蒙古自治区_措施0_符合条件未申报企业_" in unquote(response["Content-Disposition"])
