from django.core.management.base import BaseCommand, CommandError

from fugong.accounts import services
from fugong.accounts.models import User


class Command(BaseCommand):
    help = "Create an API token for a user and print it (it is shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="manage.py apitoken")

    def handle(self, *args, **opts):
        user = User.objects.filter(username=opts["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {opts['username']}.")
        _token, raw = services.token_create(user=user, name=opts["name"])
        self.stdout.write(raw)
