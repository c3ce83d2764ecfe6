"""`panah stats`: official statistics as of a date, as known on a date (ARCHITECTURE.md section 3.2)."""

import datetime as dt
import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from panah.accounts.models import User
from panah.stats import exports
from panah.stats.disclosure import EXACT, PUBLIC
from panah.stats.selectors import POPULATION_TYPES, statistics_regions
from panah.stats.services import compute
from panah.stats.tables import Parameters, default_period
from panah.status.selectors import known_on_bound

FORMATS = ("table", "csv", "json", "xlsx")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"“{text}” is not a date: write it as YYYY-MM-DD.") from error


class Command(BaseCommand):
    help = "Official statistics: stocks as of a date, as known on a date, and flows over a period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", dest="as_of", help="Reference date D (YYYY-MM-DD); default today.")
        parser.add_argument("--known-on", dest="known_on", help="Knowledge date K (YYYY-MM-DD); default now.")
        parser.add_argument("--from", dest="period_from", help="Start of the flow period; default a year before D.")
        parser.add_argument("--to", dest="period_to", help="End of the flow period; default the day before D.")
        parser.add_argument("--format", choices=FORMATS, default="table")
        parser.add_argument("--output", help="Write to this file instead of standard output (required for xlsx).")
        parser.add_argument(
            "--policy", choices=("public", "exact"), default="public",
            help="public: small cells suppressed (the default for anything that leaves the system); exact: internal.",
        )  # fmt: skip
        parser.add_argument("--as", dest="as_user", metavar="USERNAME", help="Narrow to what this user may see.")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = _date(options["as_of"]) if options["as_of"] else timezone.localdate()
        known_on = known_on_bound(_date(options["known_on"])) if options["known_on"] else timezone.now()
        start, end = default_period(as_of)
        start = _date(options["period_from"]) if options["period_from"] else start
        end = _date(options["period_to"]) if options["period_to"] else end
        if end < start:
            raise CommandError("--to is before --from.")
        regions = None
        if options["as_user"]:
            user = User.objects.filter(username=options["as_user"], is_active=True).first()
            if user is None:
                raise CommandError(f"No active user “{options['as_user']}”.")
            try:
                regions = statistics_regions(user)
            except PermissionDenied as error:
                raise CommandError(str(error)) from error
        policy = PUBLIC if options["policy"] == "public" else EXACT
        parameters = Parameters(as_of=as_of, known_on=known_on, period_start=start, period_end=end,
                                policy=policy, regions=regions)  # fmt: skip
        figures = compute(parameters)
        fmt = options["format"]
        if fmt == "xlsx" and not options["output"]:
            raise CommandError("--format xlsx needs --output FILE.")
        if fmt == "json":
            text = json.dumps(figures, ensure_ascii=False, indent=2) + "\n"
        elif fmt == "table":
            text = render_table(figures)
        elif fmt == "csv":
            text = exports.to_csv(figures)
        else:
            exports.to_xlsx(figures, options["output"])
            self.stderr.write(f"Wrote {options['output']}")
            return
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            self.stderr.write(f"Wrote {options['output']}")
        else:
            self.stdout.write(text, ending="")


def render_table(figures: dict[str, Any]) -> str:
    def shown(value: int | None) -> str:
        return "*" if value is None else f"{value:,}"

    lines = [f"Stock as of {figures['as_of']}, as known on {figures['known_on']}", ""]
    for population in POPULATION_TYPES:
        lines.append(f"  {population}  {shown(figures['stock'][population]):>10}")
    flows = figures["tables"]["flows"]
    lines += ["", f"Flows {flows['period']['from']} – {flows['period']['to']}", ""]
    lines += [f"  {name:<36}{shown(value):>10}" for name, value in flows["totals"].items() if name != "total"]
    rates = flows["rates"]
    lines += ["", "  Refugee Recognition Rate   " + ("–" if rates["refugee_recognition_rate"] is None
                                                   else f"{rates['refugee_recognition_rate']}%"),
              "  Total Recognition Rate     " + ("–" if rates["total_recognition_rate"] is None
                                                 else f"{rates['total_recognition_rate']}%"), ""]  # fmt: skip
    return "\n".join(lines) + "\n"
