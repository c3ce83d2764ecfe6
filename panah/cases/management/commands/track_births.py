"""`panah track_births --as USERNAME`: open a birth-registration case for every untracked child of
concern without a birth certificate that the user may work on."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from panah.accounts.models import User
from panah.accounts.permissions import acting_as
from panah.cases.services import track_births


class Command(BaseCommand):
    help = "Open birth-registration cases for children of persons of concern who have no birth certificate."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            required=True,
            help="The officer who opens the cases (their scope and organisation).",
        )

    def handle(self, *args: Any, as_user: str, **options: Any) -> None:
        user = User.objects.filter(username=as_user, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {as_user!r}.")
        with acting_as(user, channel="cli"):
            opened = track_births(by=user)
        self.stdout.write(f"Opened {opened} birth-registration case(s).")
