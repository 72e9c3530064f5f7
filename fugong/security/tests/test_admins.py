from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from config.testing import PASSWORD, make_user
from fugong.accounts.models import ApiToken, Role, User
from fugong.accounts.services import token_create
from fugong.security import services
from fugong.security.models import Action, AuditEntry, UserSession

pytestmark = pytest.mark.django_db


def test_createuser_makes_an_administrator_bound_to_nothing():
    call_command("createuser", "sam_sys", role="sysadmin", password="Xq7-plumb-Lantern", stdout=StringIO())
    user = User.objects.get(username="sam_sys")
    assert (user.role, user.binding, user.is_superuser, user.is_staff) == ("sysadmin", "", False, False)


def test_createuser_refuses_an_administrator_with_a_binding():
    with pytest.raises(CommandError, match="--area"):
        call_command("createuser", "sam_sys", role="auditadmin", area="150000", password="Xq7-plumb-Lantern")
    assert not User.objects.filter(username="sam_sys").exists()


def test_the_database_refuses_an_administrator_with_a_binding_or_superuser():
    from django.db import IntegrityError, transaction

    from fugong.areas.models import Area

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="x1", role=Role.SECADMIN, area=Area.objects.get(code="150000"))
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="x2", role=Role.AUDITADMIN, is_superuser=True)


def test_the_administrators_see_no_business_data(client, users, baotou_enterprise):
    for role in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN):
        client.force_login(users[role])
        assert baotou_enterprise.name not in client.get("/enterprises/").text
        assert client.get(f"/enterprises/{baotou_enterprise.credit_code}/").status_code == 404
        assert client.get("/analytics/").status_code == 404


def test_the_django_admin_is_not_served(client, users):
    client.force_login(users[Role.SYSADMIN])
    assert client.get("/admin/").status_code == 404


def test_the_system_administrator_opens_an_account_the_security_administrator_gives_it_a_role(client, users):
    client.force_login(users[Role.SYSADMIN])
    response = client.post("/security/accounts/", {"username": "newbie", "password": "Yellow-Kettle-482"})
    assert response.status_code == 302
    newbie = User.objects.get(username="newbie")
    assert newbie.role == ""
    # The system administrator cannot give roles.
    assert client.post(f"/security/roles/{newbie.pk}/", {"role": "region", "area": "150000"}).status_code == 404

    client.force_login(users[Role.SECADMIN])
    response = client.post(f"/security/roles/{newbie.pk}/", {"role": "league", "area": "150200"})
    assert response.status_code == 302
    newbie.refresh_from_db()
    assert (newbie.role, newbie.area_id) == ("league", "150200")
    assert AuditEntry.objects.filter(action=Action.ADMIN, summary="role assigned", object_id=str(newbie.pk)).exists()


@pytest.mark.parametrize(
    ("target", "role", "why"),
    [
        (Role.SECADMIN, Role.AUDITADMIN, "own role"),  # the security administrator themselves
        (Role.AUDITADMIN, Role.SYSADMIN, "keeps its role"),
        (Role.LEAGUE, Role.AUDITADMIN, "no other role"),
    ],
)
def test_the_security_administrator_cannot_break_the_separation(users, target, role, why):
    actor = users[Role.SECADMIN]
    with pytest.raises(ValidationError) as refused:
        services.role_assign(user=users[target], role=role, actor=actor)
    assert refused.value.message_dict["role"]
    users[target].refresh_from_db()
    assert users[target].role == target


def test_an_administrator_role_goes_to_a_fresh_account_only_unbound(users):
    fresh = make_user("fresh", "")
    from fugong.areas.models import Area

    with pytest.raises(ValidationError):
        services.role_assign(
            user=fresh, role=Role.AUDITADMIN, actor=users[Role.SECADMIN], area=Area.objects.get(code="150000")
        )
    services.role_assign(user=fresh, role=Role.AUDITADMIN, actor=users[Role.SECADMIN])
    fresh.refresh_from_db()
    assert fresh.role == Role.AUDITADMIN


def test_the_system_administrator_cannot_close_an_administrator(client, users):
    client.force_login(users[Role.SYSADMIN])
    target = users[Role.AUDITADMIN]
    assert client.post(f"/security/accounts/{target.pk}/active/", {"active": "0"}).status_code == 404
    target.refresh_from_db()
    assert target.is_active


def test_the_security_administrator_ends_sessions_and_revokes_tokens(client, users):
    official = users[Role.LEAGUE]
    token, _raw = token_create(user=official, name="t")
    other = client.__class__()
    other.post("/accounts/login/", {"username": official.username, "password": PASSWORD})
    assert other.get("/").status_code == 200
    assert UserSession.objects.filter(user=official, ended_at__isnull=True).count() == 1

    client.force_login(users[Role.SECADMIN])
    assert client.post(f"/security/roles/{official.pk}/revoke/").status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert other.get("/").status_code == 302  # signed out
    assert not UserSession.objects.filter(user=official, ended_at__isnull=True).exists()


def test_the_audit_administrator_changes_nothing(client, users):
    client.force_login(users[Role.AUDITADMIN])
    target = users[Role.COUNTY]
    assert client.post(f"/security/roles/{target.pk}/", {"role": "region", "area": "150000"}).status_code == 404
    assert client.post(f"/security/accounts/{target.pk}/active/", {"active": "0"}).status_code == 404
    assert client.post(f"/security/roles/{target.pk}/revoke/").status_code == 404
