from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fugong.accounts.models import ADMIN_ROLES, ApiToken, Bank, Department, Role, User, WorkGroup
from fugong.areas.models import Area
from fugong.enterprises.models import Enterprise

AREA_LEVELS: dict[str, set[str]] = {
    Role.REGION: {Area.Level.REGION},
    Role.LEAGUE: {Area.Level.LEAGUE},
    Role.COUNTY: {Area.Level.COUNTY},
}


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    password: str,
    area: Area | None = None,
    enterprise: Enterprise | None = None,
    work_group: WorkGroup | None = None,
    department: Department | None = None,
    bank: Bank | None = None,
    check_password: bool = True,
) -> User:
    # No role yet (""): an account the system administrator opened, given its role by the security administrator.
    if role and role not in Role.values:
        raise ValidationError({"role": [_("Unknown role “%(role)s”.") % {"role": role}]})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": [_("The username “%(name)s” is taken.") % {"name": username}]})
    binding = check_binding(
        role=role, area=area, enterprise=enterprise, work_group=work_group, department=department, bank=bank
    )
    user = User(username=username, role=role, **binding)
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"] if role else ["password", "role"])
    user.save()
    return user


def check_binding(
    *,
    role: str,
    area: Area | None = None,
    enterprise: Enterprise | None = None,
    work_group: WorkGroup | None = None,
    department: Department | None = None,
    bank: Bank | None = None,
) -> dict:
    """The binding a role needs, checked; answers every binding field, None where the role takes none."""
    if role and role not in Role.values:
        raise ValidationError({"role": [_("Unknown role “%(role)s”.") % {"role": role}]})
    if role in ADMIN_ROLES and any(b is not None for b in (area, enterprise, work_group, department, bank)):
        # The three administrators (三员分立) see no area, enterprise or case: a binding would open one.
        raise ValidationError({"role": [_("An administrator's role takes no area, enterprise or other binding.")]})
    needs: dict[str, tuple[str, object]] = {
        Role.REGION: ("area", area),
        Role.LEAGUE: ("area", area),
        Role.COUNTY: ("area", area),
        Role.WORKGROUP: ("work_group", work_group),
        Role.HANDLER: ("department", department),
        Role.ENTERPRISE: ("enterprise", enterprise),
        Role.BANK: ("bank", bank),
    }
    if role in needs and needs[role][1] is None:
        raise ValidationError({needs[role][0]: [_("The role “%(role)s” needs this binding.") % {"role": role}]})
    if role in AREA_LEVELS and area is not None:  # the check above made sure of the area
        allowed = AREA_LEVELS[role]
        # A separately listed city is run like a league, so its officials may hold the league role.
        if area.level not in allowed and not (role == Role.LEAGUE and area.separately_listed):
            raise ValidationError({"area": [_("This area does not fit the role “%(role)s”.") % {"role": role}]})
    return {
        "area": area if role in AREA_LEVELS else None,
        "enterprise": enterprise if role == Role.ENTERPRISE else None,
        "work_group": work_group if role == Role.WORKGROUP else None,
        "department": department if role == Role.HANDLER else None,
        "bank": bank if role == Role.BANK else None,
    }


def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Return the token row and the raw token, which is shown once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the token a name, such as the system that will use it.")]})
    raw = ApiToken.new_raw()
    token = ApiToken.objects.create(
        user=user, name=name[:60], prefix=raw[: ApiToken.PREFIX_LENGTH], digest=ApiToken.digest_of(raw)
    )
    return token, raw


def token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoke()
        token.save(update_fields=["revoked_at"])
