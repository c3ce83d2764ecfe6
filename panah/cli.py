"""The `panah` command: Django's management commands under one name (panah demo, panah serve, ...)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panah.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["panah", *sys.argv[1:]])
    except ImproperlyConfigured as error:
        # A setting missing or wrong (PANAH_SECRET_KEY, PANAH_CACHE_URL, ...): one line that says what to
        # set, not a traceback. The message is the settings module's, read before any translation loads.
        sys.stderr.write(f"panah: {error}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
