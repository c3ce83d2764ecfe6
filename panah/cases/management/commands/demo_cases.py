"""`panah demo_cases`: add demo casework to the demo registry (after `panah demo`)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from panah.accounts.models import User
from panah.audit.services import audit_context
from panah.cases import demo


class Command(BaseCommand):
    help = "Add demo cases of every kind and state, overdue deadlines, birth-registration cases and eligible persons."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2017, metavar="S")
        parser.add_argument("--per-state", type=int, default=3, metavar="N", help="Cases per state of each table.")

    def handle(self, *args: Any, seed: int, per_state: int, **options: Any) -> None:
        if not User.objects.filter(username=demo.ADMIN).exists():
            raise CommandError("Load the demo registry first (`panah demo`): its administrator records the cases.")
        with audit_context(channel="cli", username=demo.ADMIN):
            counts = demo.load_unscoped(seed=seed, per_state=per_state)
        for what, n in sorted(counts.items()):
            self.stdout.write(f"{what}: {n}")
