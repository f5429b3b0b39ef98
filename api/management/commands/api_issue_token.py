"""Issue an API token from the command line (CI, first set-up) and print its key."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api import services


class Command(BaseCommand):
    help = "Issue an API token acting as USER and print the key (shown this once, stored hashed)."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="User name the token acts as.")
        parser.add_argument("--name", required=True, help="What the token is for.")

    def handle(self, *args, user: str, name: str, **options):
        try:
            owner = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user named {user!r}.") from exc
        _token, key = services.token_issue(user=owner, name=name)
        self.stdout.write(key)
