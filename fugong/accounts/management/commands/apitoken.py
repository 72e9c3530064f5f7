from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fugong.accounts import services
from fugong.accounts.models import User


class Command(BaseCommand):
    help = "Create an API token for a user and print it (it is shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="manage.py apitoken", help="shown in the user's settings page")

    def handle(self, *args, **opts):
        user = User.objects.filter(username=opts["username"], is_active=True).first()
        if user is None:
            raise CommandError(_("No active user %(username)s.") % {"username": opts["username"]})
        try:
            _token, raw = services.token_create(user=user, name=opts["name"])
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from e
        # Only the token on stdout, so that scripts can capture it.
        self.stdout.write(raw)
