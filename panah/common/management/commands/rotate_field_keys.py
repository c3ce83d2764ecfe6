"""`panah rotate_field_keys`: encrypt every encrypted value again with the first key, after a new key
was put first in PANAH_FIELD_KEYS (or a new PANAH_SECRET_KEY with the old one as fallback). Values
stored before encryption existed are encrypted too. Then the old key can be removed."""

from typing import Any

from django.core.management.base import BaseCommand

from panah.common.encryption import reencrypt_all


class Command(BaseCommand):
    help = "Encrypt phone numbers and specific-need notes again with the first field key."

    def handle(self, *args: Any, **options: Any) -> None:
        for label, count in reencrypt_all().items():
            self.stdout.write(f"{label}: {count} values encrypted again")
