from django.core.management.base import BaseCommand

from fugong.accounts.models import User
from fugong.demo import build as demo


class Command(BaseCommand):
    help = "Print the demo logins: role, username, password and what each is bound to."

    def handle(self, *args, **options):
        usernames = [username for _, username, _ in demo.LOGINS]
        users = {
            u.username: u
            for u in User.objects.filter(username__in=usernames).select_related(
                "area", "enterprise", "work_group", "department", "bank"
            )
        }
        if not users:
            self.stdout.write("No demo logins: run `manage.py demo` first.")
            return
        rows = [("role", "username", "password", "bound to")]
        rows += [(role, name, demo.PASSWORD, users[name].binding) for role, name, _ in demo.LOGINS if name in users]
        widths = [max(_width(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            cells = [str(cell) + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  ".join([*cells, str(row[3])]))


def _width(text) -> int:
    # Chinese characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text))
