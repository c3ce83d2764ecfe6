"""`panah restore PATH [--force]`: restore an archive written by `panah backup`, then verify it."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from panah.evidence.crypto import storage
from panah.ops.backup import BackupError, Database, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `panah backup` into the configured database, then check every table's row "
        "count and checksum against the backup's manifest. Refuses a database that is not empty unless --force."
    )

    # A backup or a restore must not wait on an unrelated check (an operator's emergency is not the time).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, metavar="PATH")
        parser.add_argument("--force", action="store_true", help="Replace the content of a database that is not empty.")

    def handle(self, *args: Any, **options: Any) -> None:
        database = Database.from_settings(connection.settings_dict)
        # This process must not hold the database open while its content is replaced underneath.
        connection.close()
        try:
            manifest = restore_backup(options["archive"], database, force=options["force"], files=storage())
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            f"Restored {len(manifest['tables'])} tables, {rows:,} rows and {len(manifest.get('files', {})):,} evidence "
            f"files from the backup of {manifest['created_at']}; "
            "every count and checksum matches the manifest."
        )
        for name in manifest.get("files_missing", []):
            self.stderr.write(f"Evidence file {name} was removed while the backup was taken: it is not restored.")
        self.stdout.write("If this code is newer than the backup, run `panah migrate` next.")
