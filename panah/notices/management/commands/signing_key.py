"""`panah signing_key`: a new private key for PANAH_SIGNING_KEY, or (--public) the public key in use."""

from typing import Any

from django.core.management.base import BaseCommand

from panah.notices import signing


class Command(BaseCommand):
    help = "Print a new Ed25519 private key for PANAH_SIGNING_KEY, or with --public the public key in use."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--public", action="store_true", help="print the public key of the configured key")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(signing.public_key_text() if options["public"] else signing.new_key_text())
