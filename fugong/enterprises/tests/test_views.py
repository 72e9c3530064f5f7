import pytest
from django.urls import reverse

from fugong.accounts.models import Role
from fugong.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db


def test_it_lists_only_enterprises_in_scope(client, users, baotou_enterprise, ordos_enterprise):
    client.force_login(users[Role.LEAGUE])
    response = client.get(reverse("enterprises:list"))
    assert response.status_code == 200
    assert baotou_enterprise.name in response.text
    assert ordos_enterprise.name not in response.text


def test_region_sees_every_league(client, users, baotou_enterprise, ordos_enterprise):
    client.force_login(users[Role.REGION])
    response = client.get(reverse("enterprises:list"))
    assert baotou_enterprise.name in response.text
    assert ordos_enterprise.name in response.text


@pytest.mark.parametrize("query", ["btgt", "baotougangtie", "包頭鋼鐵", "包头钢铁", "ＢＴＧＴ"])
def test_it_finds_by_name_pinyin_initials_and_traditional(client, users, baotou_enterprise, query):
    client.force_login(users[Role.REGION])
    response = client.get(reverse("enterprises:list"), {"q": query})
    assert baotou_enterprise.name in response.text


def test_it_finds_by_credit_code(client, users, baotou_enterprise, ordos_enterprise):
    client.force_login(users[Role.REGION])
    response = client.get(reverse("enterprises:list"), {"q": baotou_enterprise.credit_code.lower()})
    assert baotou_enterprise.name in response.text
    assert ordos_enterprise.name not in response.text


@pytest.mark.parametrize("typed", ["fullwidth", "prefix", "spaced"])
def test_it_finds_by_credit_code_however_typed(client, users, baotou_enterprise, ordos_enterprise, typed):
    code = baotou_enterprise.credit_code
    query = {
        "fullwidth": "".join(chr(ord(c) + 0xFEE0) for c in code.lower()),  # a Chinese input method's digits
        "prefix": code[:12],
        "spaced": f" {code[:6]} {code[6:]} ",
    }[typed]
    client.force_login(users[Role.REGION])
    response = client.get(reverse("enterprises:list"), {"q": query})
    assert baotou_enterprise.name in response.text
    assert ordos_enterprise.name not in response.text


@pytest.fixture
def spread(baotou_enterprise, ordos_enterprise):
    """Five enterprises that each filter tells apart: name -> enterprise."""
    from config.testing import make_enterprise
    from fugong.areas.models import Park

    park = Park.objects.get(name="包头铝业产业园区")
    return {
        "steel": baotou_enterprise,  # Kundulun, manufacturing 31, leading + key industry, above scale, medium
        "coal": ordos_enterprise,  # Ordos, mining 06
        "aluminium": make_enterprise(county="150202", name="包头园区铝材有限公司", park=park, industry="32"),
        "small": make_enterprise(
            county="150202", name="包头小微配件厂", above_scale=False, size_class="micro", tags=["specialised"]
        ),
        "dairy": make_enterprise(county="150102", name="呼和浩特乳业有限公司", industry="14", size_class="large"),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"league": "150200"}, {"steel", "aluminium", "small"}),
        ({"county": "150202"}, {"aluminium", "small"}),
        ({"park": "PARK"}, {"aluminium"}),
        ({"industry": "06"}, {"coal"}),
        ({"tag": "specialised"}, {"small"}),
        ({"above_scale": "false"}, {"small"}),
        ({"above_scale": "true", "league": "150200"}, {"steel", "aluminium"}),
        ({"size_class": "large"}, {"dairy"}),
        ({"league": "150200", "q": "bt"}, {"steel", "aluminium", "small"}),
        ({"league": "150100", "q": "btgt"}, set()),
    ],
)
def test_each_filter_narrows_the_list(client, users, spread, params, expected):
    if params.get("park") == "PARK":
        params = {**params, "park": spread["aluminium"].park_id}
    client.force_login(users[Role.REGION])
    response = client.get(reverse("enterprises:list"), params)
    shown = {key for key, e in spread.items() if e.name in response.text}
    assert shown == expected


def test_htmx_gets_only_the_table(client, users, baotou_enterprise):
    client.force_login(users[Role.LEAGUE])
    response = client.get(reverse("enterprises:list"), {"q": "btgt"}, headers={"HX-Request": "true"})
    assert "<html" not in response.text
    assert baotou_enterprise.name in response.text


def test_the_list_query_count_does_not_grow_with_rows(client, users, django_assert_max_num_queries):
    from config.testing import make_enterprise

    for _ in range(30):
        make_enterprise(county="150202")
    client.force_login(users[Role.LEAGUE])
    with django_assert_max_num_queries(14):
        client.get(reverse("enterprises:list"))


def test_detail_shows_history(client, users, baotou_enterprise):
    client.force_login(users[Role.COUNTY])
    response = client.get(reverse("enterprises:detail", args=[baotou_enterprise.credit_code]))
    assert response.status_code == 200
    assert baotou_enterprise.credit_code in response.text


def test_enterprise_user_gets_404_for_another_enterprise(client, users, ordos_enterprise):
    client.force_login(users[Role.ENTERPRISE])
    response = client.get(reverse("enterprises:detail", args=[ordos_enterprise.credit_code]))
    assert response.status_code == 404


def test_league_official_creates_in_scope(client, users):
    from config.testing import credit_code

    client.force_login(users[Role.LEAGUE])
    code = credit_code("150202")
    response = client.post(
        reverse("enterprises:create"),
        {
            "credit_code": code,
            "name": "包头新材料有限公司",
            "county": "150202",
            "industry": "32",
            "size_class": "small",
            "employees": "50",
            "normal_output": "300",
            "tags": ["specialised"],
        },
    )
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(credit_code=code)
    assert enterprise.league_id == "150200"
    assert enterprise.name_initials.startswith("btxcl")
    assert enterprise.history.first().history_user == users[Role.LEAGUE]


def test_league_official_cannot_create_outside_scope(client, users):
    from config.testing import credit_code

    client.force_login(users[Role.LEAGUE])
    response = client.post(
        reverse("enterprises:create"),
        {
            "credit_code": credit_code("150622"),
            "name": "外盟企业",
            "county": "150622",
            "industry": "06",
            "size_class": "small",
            "employees": "5",
            "normal_output": "1",
        },
    )
    assert response.status_code == 200
    assert not Enterprise.objects.filter(name="外盟企业").exists()


def test_a_wrong_check_digit_is_refused_with_the_reason(client, users):
    from config.testing import credit_code

    client.force_login(users[Role.LEAGUE])
    code = credit_code("150202")
    bad = code[:17] + ("0" if code[17] != "0" else "1")
    response = client.post(
        reverse("enterprises:create"),
        {
            "credit_code": bad,
            "name": "校验失败企业",
            "county": "150202",
            "industry": "32",
            "size_class": "small",
            "employees": "5",
            "normal_output": "1",
        },
    )
    assert "18th" in response.text or "第18位" in response.text
    assert not Enterprise.objects.filter(name="校验失败企业").exists()


def test_edit_records_who_and_how(client, users, baotou_enterprise):
    client.force_login(users[Role.COUNTY])
    response = client.post(
        reverse("enterprises:edit", args=[baotou_enterprise.credit_code]),
        {
            "credit_code": baotou_enterprise.credit_code,
            "name": baotou_enterprise.name,
            "county": "150203",
            "industry": "31",
            "size_class": "large",
            "employees": "30000",
            "normal_output": "900000",
            "above_scale": "on",
            "tags": ["leading", "key_industry", "backbone"],
        },
    )
    assert response.status_code == 302, response.text
    baotou_enterprise.refresh_from_db()
    assert baotou_enterprise.employees == 30000
    assert set(baotou_enterprise.tags.values_list("code", flat=True)) == {"leading", "key_industry", "backbone"}
    latest = baotou_enterprise.history.first()
    assert latest.history_user == users[Role.COUNTY]
    assert latest.history_change_reason == "form"


def test_a_create_and_an_edit_with_tags_make_one_version_each(client, users):
    from config.testing import credit_code

    client.force_login(users[Role.LEAGUE])
    code = credit_code("150202")
    form = {"credit_code": code, "name": "包头单版本有限公司", "county": "150202", "industry": "32",
            "size_class": "small", "employees": "50", "normal_output": "300", "tags": ["specialised"]}  # fmt: skip
    client.post(reverse("enterprises:create"), form)
    enterprise = Enterprise.objects.get(credit_code=code)
    assert [h.history_type for h in enterprise.history.all()] == ["+"]
    assert [t.tag_id for t in enterprise.history.first().tags.all()] == ["specialised"]
    client.post(reverse("enterprises:edit", args=[code]), {**form, "tags": ["specialised", "backbone"]})
    assert [h.history_type for h in enterprise.history.all()] == ["~", "+"]
    assert {t.tag_id for t in enterprise.history.first().tags.all()} == {"specialised", "backbone"}
