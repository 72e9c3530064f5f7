import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fugong.accounts import services
from fugong.accounts.models import Bank, Department, Role, WorkGroup
from fugong.areas.models import Area
from fugong.enterprises.credit_code import normalise
from fugong.enterprises.models import Enterprise


def find_binding(*, area=None, enterprise=None, group=None, department=None, bank=None) -> dict:
    """Look up the object a new user is bound to; raise CommandError naming what was not found."""
    found = {}
    if area:
        found["area"] = Area.objects.filter(code=area).first()
        if found["area"] is None:
            raise CommandError(f"No area with code {area}.")
    if enterprise:
        found["enterprise"] = Enterprise.objects.filter(credit_code=normalise(enterprise)).first()
        if found["enterprise"] is None:
            raise CommandError(f"No enterprise with credit code {enterprise}.")
    if group:
        found["work_group"] = WorkGroup.objects.filter(name=group).first()
        if found["work_group"] is None:
            raise CommandError(f"No work group named {group}.")
    # Departments and banks are reference data a new install may not have yet: create them.
    if department:
        found["department"], _ = Department.objects.get_or_create(name=department)
    if bank:
        found["bank"], _ = Bank.objects.get_or_create(name=bank)
    return found


class Command(BaseCommand):
    help = "Create a user bound to a role and to an area, enterprise, work group, department or bank."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--area", help="area code, for region, league and county officials")
        parser.add_argument("--enterprise", help="credit code, for enterprise users")
        parser.add_argument("--group", help="work group name, for work-group members")
        parser.add_argument("--department", help="department name, for handlers")
        parser.add_argument("--bank", help="bank name, for bank users")
        parser.add_argument("--password", help="if omitted, it is asked for")

    def handle(self, *args, **opts):
        binding = find_binding(
            area=opts["area"], enterprise=opts["enterprise"], group=opts["group"],
            department=opts["department"], bank=opts["bank"],
        )
        password = opts["password"]
        if password is None:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        try:
            user = services.user_create(username=opts["username"], role=opts["role"], password=password, **binding)
        except ValidationError as e:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in e.message_dict.items())) from e
        self.stdout.write(f"Created {user.username} ({user.role}{', ' + user.binding if user.binding else ''}).")
