import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from fugong.accounts import services
from fugong.accounts.models import Bank, Department, Role, WorkGroup
from fugong.areas.models import Area
from fugong.enterprises.credit_code import normalise
from fugong.enterprises.models import Enterprise

# The one option each role needs; a provider is bound to nothing.
ROLE_OPTION: dict[str, str] = {
    Role.REGION: "area",
    Role.LEAGUE: "area",
    Role.COUNTY: "area",
    Role.WORKGROUP: "group",
    Role.HANDLER: "department",
    Role.ENTERPRISE: "enterprise",
    Role.BANK: "bank",
}
OPTION_METAVAR = {
    "area": "CODE",
    "enterprise": "CREDIT_CODE",
    "group": "NAME",
    "department": "NAME",
    "bank": "NAME",
}


def check_options(role: str, opts: dict) -> None:
    """Refuse a missing binding, and one that does not belong to the role, naming the option."""
    needed = ROLE_OPTION.get(role)
    if needed and not opts.get(needed):
        raise CommandError(
            _("The role “%(role)s” needs --%(option)s %(metavar)s.")
            % {"role": role, "option": needed, "metavar": OPTION_METAVAR[needed]}
        )
    extra = [f"--{name}" for name in OPTION_METAVAR if name != needed and opts.get(name)]
    if extra:
        raise CommandError(_("The role “%(role)s” takes no %(options)s.") % {"role": role, "options": ", ".join(extra)})


def find_binding(*, area=None, enterprise=None, group=None, department=None, bank=None) -> dict:
    """Look up the object a new user is bound to; raise CommandError naming what was not found."""
    found: dict[str, Any] = {}
    if area:
        found["area"] = Area.objects.filter(code=area).first()
        if found["area"] is None:
            raise CommandError(_("No area with code %(code)s.") % {"code": area})
    if enterprise:
        found["enterprise"] = Enterprise.objects.filter(credit_code=normalise(enterprise)).first()
        if found["enterprise"] is None:
            raise CommandError(_("No enterprise with credit code %(code)s.") % {"code": enterprise})
    if group:
        found["work_group"] = WorkGroup.objects.filter(name=group).first()
        if found["work_group"] is None:
            raise CommandError(_("No work group named %(name)s.") % {"name": group})
    # Departments and banks are reference data a new install may not have yet: create them
    # (inside the command's transaction, so a refused user leaves none behind).
    if department:
        found["department"], _created = Department.objects.get_or_create(name=department)
    if bank:
        found["bank"], _created = Bank.objects.get_or_create(name=bank)
    return found


def ask_password() -> str:
    password = getpass.getpass(_("Password: "))
    if password != getpass.getpass(_("Password (again): ")):
        raise CommandError(_("The two passwords differ."))
    return password


def describe(error: ValidationError) -> str:
    # validate_password raises a plain list of messages; the service and full_clean() name fields.
    if not hasattr(error, "error_dict"):
        return "password: " + " ".join(error.messages)
    return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())


class Command(BaseCommand):
    help = "Create a user bound to a role and to an area, enterprise, work group, department or bank."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--area", metavar="CODE", help="area code, for region, league and county officials")
        parser.add_argument("--enterprise", metavar="CREDIT_CODE", help="credit code, for enterprise users")
        parser.add_argument("--group", metavar="NAME", help="work group name, for work-group members")
        parser.add_argument("--department", metavar="NAME", help="department name, for handlers")
        parser.add_argument("--bank", metavar="NAME", help="bank name, for bank users")
        parser.add_argument("--password", help="if omitted, it is asked for")

    @transaction.atomic
    def handle(self, *args, **opts):
        check_options(opts["role"], opts)
        binding = find_binding(
            area=opts["area"],
            enterprise=opts["enterprise"],
            group=opts["group"],
            department=opts["department"],
            bank=opts["bank"],
        )
        password = opts["password"]
        if password is None:
            password = ask_password()
        try:
            user = services.user_create(username=opts["username"], role=opts["role"], password=password, **binding)
        except ValidationError as e:
            raise CommandError(describe(e)) from e
        self.stdout.write(
            _("Created %(username)s (%(role)s%(binding)s).")
            % {"username": user.username, "role": user.role, "binding": f", {user.binding}" if user.binding else ""}
        )
