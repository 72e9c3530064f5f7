"""The region's officials form and change work groups; nobody else reaches those pages."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from fugong.accounts.models import Role, WorkGroup
from fugong.areas.models import Area
from fugong.workgroups import services

pytestmark = pytest.mark.django_db

ORDOS, ALXA, MANZHOULI = "150600", "152900", "150781"


def _form(**values):
    data = {
        "name": "第九工作组",
        "leagues": [ORDOS],
        "cities": [MANZHOULI],
        "starts_on": "2020-02-03",
        "ends_on": "2020-03-31",
        "officials": [],
        "leader": "",
    }
    data.update(values)
    return data


def test_region_official_forms_a_group_and_coverage_counts_its_league(client, users):
    alice, bob = users[Role.REGION], users[Role.LEAGUE]
    client.force_login(alice)
    before = client.get("/workgroups/")
    assert "/workgroups/groups/new/" in before.text
    r = client.post("/workgroups/groups/new/", _form(officials=[bob.pk], leader=bob.pk))
    group = WorkGroup.objects.get(name="第九工作组")
    assert r.status_code == 302 and r["Location"] == f"/workgroups/groups/{group.pk}/"
    assert set(group.leagues.values_list("code", flat=True)) == {ORDOS}
    assert set(group.cities.values_list("code", flat=True)) == {MANZHOULI}
    assert list(group.officials.all()) == [bob]
    assert group.leader == bob
    assert (group.starts_on, group.ends_on) == (date(2020, 2, 3), date(2020, 3, 31))
    page = client.get(f"/workgroups/groups/{group.pk}/")
    assert f"/workgroups/groups/{group.pk}/edit/" in page.text
    # Ordos was covered by no group before (only the Baotou persona group exists), and is now.
    rows = {a.code: a for a in client.get("/workgroups/").context["c"].areas}
    assert "第九工作组" in rows[ORDOS].groups and not rows[ORDOS].uncovered
    assert rows[ALXA].uncovered


def test_ordos_goes_from_uncovered_to_covered(client, users):
    client.force_login(users[Role.REGION])
    assert next(a for a in client.get("/workgroups/").context["c"].areas if a.code == ORDOS).uncovered
    client.post("/workgroups/groups/new/", _form(cities=[]))
    assert not next(a for a in client.get("/workgroups/").context["c"].areas if a.code == ORDOS).uncovered


def test_region_official_changes_a_group_and_its_member_may_lead(client, users):
    alice, dave = users[Role.REGION], users[Role.WORKGROUP]
    group = dave.work_group
    client.force_login(alice)
    page = client.get(f"/workgroups/groups/{group.pk}/edit/")
    assert page.status_code == 200 and 'value="第一工作组"' in page.text
    r = client.post(
        f"/workgroups/groups/{group.pk}/edit/",
        _form(name="第一工作组（包头）", leagues=["150200", ORDOS], cities=[], leader=dave.pk),
    )
    assert r.status_code == 302
    group.refresh_from_db()
    assert group.name == "第一工作组（包头）" and group.leader == dave
    assert set(group.leagues.values_list("code", flat=True)) == {"150200", ORDOS}
    assert not group.cities.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"starts_on": "2020-03-31", "ends_on": "2020-02-03"}, "ends_on"),
        ({"leagues": [], "cities": []}, "leagues"),
        ({"name": ""}, "name"),
        ({"name": "第一工作组"}, "name"),  # the persona group's name
        ({"name": "x" * 61}, "name"),
        ({"leagues": ["150203"]}, "leagues"),  # a county is not a league
        ({"cities": [ORDOS]}, "cities"),  # a league is not a separately listed city
        ({"starts_on": "1999-12-31"}, "starts_on"),
        ({"ends_on": "2020-02-31"}, "ends_on"),
        ({"leader": "bob"}, "leader"),
        ({"officials": ["999999"]}, "officials"),
    ],
)
def test_bad_input_names_the_field(client, users, values, field):
    client.force_login(users[Role.REGION])
    r = client.post("/workgroups/groups/new/", _form(**values))
    assert r.status_code == 200
    assert f'data-field="{field}"' in r.text
    assert not WorkGroup.objects.filter(name__startswith="第九").exists()


def test_leader_must_be_a_member_or_a_joined_official(client, users):
    alice, bob, dave = users[Role.REGION], users[Role.LEAGUE], users[Role.WORKGROUP]
    client.force_login(alice)
    # An official who has not joined, then the Baotou group's member leading another group: both refused.
    for leader in (bob, dave):
        r = client.post("/workgroups/groups/new/", _form(leader=leader.pk))
        assert r.status_code == 200 and 'data-field="leader"' in r.text, leader
    assert not WorkGroup.objects.filter(name="第九工作组").exists()


def test_service_refuses_the_same_rules_without_the_form(users):
    alice, carol = users[Role.REGION], users[Role.COUNTY]
    ordos = Area.objects.get(code=ORDOS)
    data = services.GroupData(
        name="第九工作组",
        leagues=[ordos],
        cities=[],
        officials=[],
        starts_on=date(2020, 3, 1),
        ends_on=date(2020, 2, 1),
    )
    with pytest.raises(ValidationError) as e:
        services.work_group_save(actor=alice, data=data)
    assert set(e.value.message_dict) == {"ends_on"}
    data.ends_on = None
    with pytest.raises(ValidationError) as e:
        services.work_group_save(actor=carol, data=data)
    assert "__all__" in e.value.message_dict
    data.officials = [users[Role.ENTERPRISE]]
    with pytest.raises(ValidationError) as e:
        services.work_group_save(actor=alice, data=data)
    assert set(e.value.message_dict) == {"officials"}
    data.officials = [carol]
    data.leader = carol
    group = services.work_group_save(actor=alice, data=data)
    assert group.leader == carol and group.starts_on == date(2020, 3, 1) and group.ends_on is None


@pytest.mark.parametrize("role", [Role.LEAGUE, Role.COUNTY, Role.WORKGROUP, Role.HANDLER, Role.ENTERPRISE])
def test_others_get_404_and_no_link(client, users, role):
    user = users[role]
    group = users[Role.WORKGROUP].work_group
    client.force_login(user)
    assert client.get("/workgroups/groups/new/").status_code == 404
    assert client.post("/workgroups/groups/new/", _form()).status_code == 404
    assert client.get(f"/workgroups/groups/{group.pk}/edit/").status_code == 404
    assert client.post(f"/workgroups/groups/{group.pk}/edit/", _form(name="改名")).status_code == 404
    assert not WorkGroup.objects.filter(name__in=["第九工作组", "改名"]).exists()
    if role in (Role.LEAGUE, Role.COUNTY, Role.WORKGROUP):
        assert "/edit/" not in client.get(f"/workgroups/groups/{group.pk}/").text
        assert "/workgroups/groups/new/" not in client.get("/workgroups/").text


def test_huge_id_is_404(client, users):
    client.force_login(users[Role.REGION])
    assert client.get("/workgroups/groups/99999999999/edit/").status_code == 404
