"""`panah refresh_deadlines`: recompute the next deadline of every open case after a rule changed."""

from typing import Any

from django.core.management.base import BaseCommand

from panah.cases.services import refresh_deadlines


class Command(BaseCommand):
    help = "Recompute the next legal deadline of every open case (after adding or confirming a rule version)."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = refresh_deadlines()
        self.stdout.write(f"Deadlines recomputed; {changed} open case(s) changed.")
