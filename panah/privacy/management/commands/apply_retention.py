"""`panah apply_retention [--dry-run] [--on DATE]`: list and apply what the retention rules make due.

Acts as the system (retention is the operator's duty, not a user's action); every anonymisation and the
run itself are in the audit log with the channel `cli`."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from panah.audit.models import AuditEntry
from panah.audit.services import audit_context
from panah.privacy import retention


class Command(BaseCommand):
    help = "List (--dry-run) or apply what the retention rules make due: anonymise persons, empty import files, ..."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what is due; change nothing.")
        parser.add_argument("--on", help="Apply the rules as on this date (YYYY-MM-DD; default today).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["on"]) if options["on"] else None
        except ValueError as error:
            raise CommandError(f"--on must be a date YYYY-MM-DD: {error}") from error
        items = retention.due(today)
        for item in items:
            blocked = f"  KEPT: {'; '.join(str(b) for b in item.blocked)}" if item.blocked else ""
            self.stdout.write(f"{item.kind}\t{item.rule}\t{item.label}\tdue {item.due_on.isoformat()}{blocked}")
        if not items:
            self.stdout.write("Nothing is due.")
        if options["dry_run"]:
            self.stdout.write(f"Dry run: {len(items)} due, nothing changed.")
            return
        with audit_context(channel=AuditEntry.Channel.CLI, username="system"):
            counts = retention.apply(by=None, today=today)
        self.stdout.write("Applied: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
