"""The audit search of odd days: 400 naming the parameter, never a 500; the export link keeps the search."""

import pytest

from fugong.accounts.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/security/audit/", "/security/audit/export.xlsx"])
@pytest.mark.parametrize(("param", "day"), [("start", "0001-01-01"), ("end", "9999-12-31"), ("start", "1900-01-01")])
def test_a_day_outside_the_window_is_400_naming_it(client, users, url, param, day):
    client.force_login(users[Role.AUDITADMIN])
    response = client.get(url, {param: day})
    assert response.status_code == 400 and param in response.content.decode()


def test_a_malformed_day_is_ignored_and_a_day_in_the_window_filters(client, users):
    client.force_login(users[Role.AUDITADMIN])
    assert client.get("/security/audit/", {"start": "2020-13-45"}).status_code == 200
    assert client.get("/security/audit/", {"start": "2020-02-01", "end": "2020-02-29"}).status_code == 200


def test_the_export_link_carries_the_search_as_typed(client, users):
    client.force_login(users[Role.AUDITADMIN])
    page = client.get("/security/audit/", {"user": "a&action=login b"})
    assert "export.xlsx?user=a%26action%3Dlogin+b" in page.text
