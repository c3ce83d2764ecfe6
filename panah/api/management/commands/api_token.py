"""`panah api_token USERNAME --name TEXT [--days N]` issues a token and prints its secret once;
`panah api_token USERNAME --revoke PREFIX` revokes one; `panah api_token USERNAME` lists them.
Run by an administrator at the console, so the audit log names the command line as the channel."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from panah.accounts.models import User
from panah.api.models import ApiToken
from panah.api.tokens import issue_token, revoke_token
from panah.audit.services import audit_context


class Command(BaseCommand):
    help = "Issue, list or revoke a user's API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", help="What the new token is for.")
        parser.add_argument("--days", type=int, help="How many days the new token is valid.")
        parser.add_argument("--revoke", metavar="PREFIX", help="Revoke the token whose prefix this is.")

    def handle(
        self, *args: Any, username: str, name: str | None, days: int | None, revoke: str | None, **options: Any
    ) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        with audit_context(channel="cli", username="console"):
            if revoke:
                token = ApiToken.objects.filter(user=user, prefix=revoke.rstrip("…")).first()
                if token is None:
                    raise CommandError(f"{username} has no token {revoke!r}.")
                revoke_token(by=None, token=token)
                self.stdout.write(f"Revoked {token.prefix}… ({token.name}).")
            elif name:
                try:
                    token, secret = issue_token(by=None, user=user, name=name, days=days)
                except ValidationError as error:
                    raise CommandError("; ".join(error.messages)) from error
                self.stdout.write(f"{secret}\n")
                self.stderr.write(
                    f"Token {token.prefix}… for {username}, valid until {token.expires_at:%Y-%m-%d}. Shown once."
                )
            else:
                for token in ApiToken.objects.filter(user=user):
                    state = "revoked" if token.revoked_at else ("active" if token.usable else "expired")
                    self.stdout.write(f"{token.prefix}…\t{state}\t{token.expires_at:%Y-%m-%d}\t{token.name}")
