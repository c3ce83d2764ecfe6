"""`panah demo`: load the synthetic demo registry (ARCHITECTURE.md section 3.2)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from panah.accounts.roles import Role
from panah.accounts.scope import unscoped
from panah.audit.services import audit_context
from panah.cases import demo as cases_demo
from panah.common import demo
from panah.knowledge import demo as knowledge_demo
from panah.registry.models import Person


class Command(BaseCommand):
    help = (
        "Load the synthetic demo registry into an empty database: organisations, one demo login per "
        f"role (password {demo.DEMO_PASSWORD!r}) and about {demo.DEFAULT_PERSONS:,} persons whose status "
        "timeline gives, as of 1 January 2017, 626 refugees (95% from Afghanistan), 6,706 stateless "
        "persons and 1,781 persons of undetermined nationality, and continues to today."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--persons",
            type=int,
            default=demo.DEFAULT_PERSONS,
            metavar="N",
            help=f"How many persons (default {demo.DEFAULT_PERSONS:,}). Every group is scaled by "
            f"N / {demo.DEFAULT_PERSONS:,}, so the 2017 figures are exact only with the default.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.DEFAULT_SEED,
            metavar="S",
            help=f"Random seed (default {demo.DEFAULT_SEED}); the same seed on the same day loads the same data.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (and succeed) if the registry already holds persons.",
        )

    def handle(self, *args: Any, persons: int, seed: int, if_empty: bool, **options: Any) -> None:
        if persons < 1:
            raise CommandError("--persons must be a positive number.")
        with unscoped("demo registry: is the registry empty?"):
            existing = Person.objects.count()
        if existing and if_empty:
            self.stdout.write(f"The registry already holds {existing:,} persons: the demo was not loaded.")
            regions = {demo.ALL_REGIONS: "all", demo.ORG_REGIONS: "the organisation's regions"}
            self._print_logins(
                [
                    (user, str(Role(role).label), org, ", ".join(g) if isinstance(g, tuple) else regions[g])
                    for user, role, org, g, _first, _last in demo.DEMO_USERS
                ]
            )
            return
        if existing:
            raise CommandError(
                f"The registry already holds {existing:,} persons. The demo loads only into an empty registry "
                "(use --if-empty to skip it quietly)."
            )
        started = time.monotonic()
        with audit_context(channel="cli", username="system"):
            try:
                summary = demo.build_demo(persons=persons, seed=seed)
                knowledge_demo.load(seed=seed)  # trainings, articles, partner projects and leaflets
                cases_demo.load_unscoped(seed=seed)  # cases in every state, overdue deadlines, births, eligibility
            except demo.DemoNotEmpty as error:
                raise CommandError(
                    f"{error} The demo loads only into an empty registry (use --if-empty to skip it quietly)."
                ) from error
        elapsed = time.monotonic() - started

        stock = summary.stock_2017
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo registry loaded in {elapsed:.1f} s (seed {seed}): {summary.persons:,} persons in "
                f"{summary.households:,} households, {summary.status_events:,} status events, "
                f"{summary.documents:,} documents."
            )
        )
        self.stdout.write(
            "As of 1 January 2017: "
            + ", ".join(f"{code} {stock[code]:,}" for code in ("REF", "ASY", "STA", "UND", "OOC"))
        )
        self._print_logins(summary.users)

    def _print_logins(self, users: list[tuple[str, str, str, str]]) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password: {demo.DEMO_PASSWORD}):")
        header = ("username", "role", "organisation", "regions")
        rows = [header, *users]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            self.stdout.write(
                "  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[3]
            )
        self.stdout.write("")
        self.stdout.write("Start the server with `panah serve`: it prints the address to open, on the port it was given.")
