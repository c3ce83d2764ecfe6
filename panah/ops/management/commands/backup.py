"""`panah backup --output PATH [--verify]`: one archive with the database and its manifest."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from panah.evidence.crypto import storage
from panah.ops.backup import BackupError, Database, create_backup, verify_backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite: an online copy; PostgreSQL: pg_dump custom format) and the evidence files "
        "it names (encrypted, as stored) into one archive "
        "with a manifest of every table's row count and checksum. --verify restores the archive into a "
        "scratch database and compares it with the manifest."
    )

    # A backup or a restore must not wait on an unrelated check (an operator's emergency is not the time).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, type=Path, metavar="PATH", help="The archive to write.")
        parser.add_argument(
            "--verify", action="store_true", help="Restore into a scratch database and compare with the manifest."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        database = Database.from_settings(connection.settings_dict)
        output: Path = options["output"]
        try:
            manifest = create_backup(database, output, files=storage())
            rows = sum(table["rows"] for table in manifest["tables"].values())
            self.stdout.write(
                f"Backed up {len(manifest['tables'])} tables, {rows:,} rows and {len(manifest['files']):,} evidence "
                f"files ({manifest['vendor']}) to {output}"
            )
            for name in manifest["files_missing"]:
                self.stderr.write(f"Evidence file {name} was removed while the backup was taken: it is not in it.")
            if options["verify"]:
                verify_backup(output, database)
                self.stdout.write("Verified: restored into a scratch database, every count and checksum matches.")
        except BackupError as error:
            raise CommandError(str(error)) from error
