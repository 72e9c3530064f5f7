from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fugong.accounts.models import User
from fugong.catalogue import services
from fugong.catalogue.models import Provider
from fugong.enterprises.credit_code import normalise


class Command(BaseCommand):
    help = "Bind a user of the provider role to a registered provider (by its credit code)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--provider", required=True, help="the provider's credit code")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"]).first()
        provider = Provider.objects.filter(credit_code=normalise(options["provider"])).first()
        if user is None or provider is None:
            raise CommandError("No such user or provider.")
        try:
            services.provider_member_add(actor=None, provider=provider, user=user)
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from e
        self.stdout.write(f"{user.username} → {provider.name}")
