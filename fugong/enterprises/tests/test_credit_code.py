import pytest
from django.utils import translation

from fugong.enterprises.credit_code import CreditCodeError, check, make


@pytest.fixture(autouse=True)
def english(client, settings):
    # The messages are asserted in English; Chinese, the default, is asserted where it is named.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def test_it_accepts_valid_codes():
    assert check(make(area_code="150203", org_body="11412480")) == make(area_code="150203", org_body="11412480")


def test_it_normalises_fullwidth_and_case():
    code = make(area_code="150203", org_body="1141248A")
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in code.lower())
    assert check(fullwidth) == code


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91150200", "18 characters"),
        ("91150200114124805I", "“I”"),
        ("Z1150200114124805X", "“Z”"),
        ("B1150200114124805X", "1st character"),
        ("94150200114124805X", "2nd character"),
        ("911502A0114124805X", "area code"),
    ],
)
def test_it_names_the_failed_check(code, fragment):
    with pytest.raises(CreditCodeError, match=fragment):
        check(code)


def test_it_names_a_wrong_org_check_character():
    good = make(area_code="150203", org_body="11412480")
    bad = good[:16] + ("0" if good[16] != "0" else "1") + good[17]
    with pytest.raises(CreditCodeError, match="organisation code"):
        check(bad)


def test_it_names_a_wrong_final_check_character():
    good = make(area_code="150203", org_body="11412480")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(CreditCodeError, match="18th"):
        check(bad)
