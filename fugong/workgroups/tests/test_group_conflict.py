"""Two region officials change the same work group: the second save over the first one's change is a conflict shown
with the group as it now is, never a silent overwrite."""

import pytest

from config.testing import make_user
from fugong.accounts.models import Role, WorkGroup
from fugong.areas.models import Area

pytestmark = pytest.mark.django_db

ORDOS = "150600"


def _form(group, **values):
    data = {"name": group.name, "leagues": ["150200"], "cities": [], "starts_on": "", "ends_on": "",
            "officials": [], "leader": ""}  # fmt: skip
    data.update(values)
    return data


def test_a_change_over_someone_elses_change_is_a_conflict(client, users):
    alice = users[Role.REGION]
    other = make_user("olga_region", Role.REGION, area=Area.objects.get(code="150000"))
    group = users[Role.WORKGROUP].work_group
    url = f"/workgroups/groups/{group.pk}/edit/"
    client.force_login(alice)
    version = client.get(url).context["version"]
    assert f'name="version" value="{version}"' in client.get(url).text
    # Olga opened the form at the same time and saves first.
    client.force_login(other)
    assert client.post(url, _form(group, name="第一工作组（包头）", version=version)).status_code == 302
    client.force_login(alice)
    response = client.post(url, _form(group, leagues=["150200", ORDOS], version=version))
    assert response.status_code == 409
    assert "已被他人调整" in response.text and 'value="第一工作组（包头）"' in response.text
    group = WorkGroup.objects.get(pk=group.pk)
    assert group.name == "第一工作组（包头）" and set(group.leagues.values_list("code", flat=True)) == {"150200"}
    # With the version the conflict showed, the change goes through.
    fresh = response.context["version"]
    again = client.post(url, _form(group, name="第一工作组（包头）", leagues=["150200", ORDOS], version=fresh))
    assert again.status_code == 302
    assert set(WorkGroup.objects.get(pk=group.pk).leagues.values_list("code", flat=True)) == {"150200", ORDOS}


def test_the_same_change_sent_twice_changes_nothing_more(client, users):
    client.force_login(users[Role.REGION])
    group = users[Role.WORKGROUP].work_group
    url = f"/workgroups/groups/{group.pk}/edit/"
    version = client.get(url).context["version"]
    first = client.post(url, _form(group, leagues=["150200", ORDOS], version=version))
    assert first.status_code == 302
    # A double click sends the version read before the first save: its values are already stored.
    second = client.post(url, _form(group, leagues=["150200", ORDOS], version=version))
    assert second.status_code == 302
    assert set(WorkGroup.objects.get(pk=group.pk).leagues.values_list("code", flat=True)) == {"150200", ORDOS}
