"""`panah export --output FILE [--purpose TEXT] [--as USERNAME] [--region CODE] [--population REF]`:
the person file (ARCHITECTURE.md 3.1, 3.2) of the persons the caller may export, CSV or XLSX by the
file's extension; audited (one entry with the purpose, the count and the filters)."""

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from panah.accounts.models import User
from panah.audit.models import AuditEntry
from panah.audit.services import audit_context
from panah.exports import person_file
from panah.exports.services import Filters, export_persons
from panah.geo.models import Region
from panah.registry.models import PopulationType


class Command(BaseCommand):
    help = "Export the persons the caller may see as a person file (CSV or XLSX by the extension of --output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, metavar="FILE", help="FILE.csv or FILE.xlsx.")
        parser.add_argument("--purpose", default="", help="Why the data leaves the system (required; audited).")
        parser.add_argument("--as", dest="as_user", metavar="USERNAME", help="Export within this user's scope.")
        parser.add_argument("--region", default="", metavar="CODE", help="Only this region (ISO 3166-2:KZ).")
        parser.add_argument(
            "--population", default="", metavar="TYPE", help="Only this population type (ASY, REF, ...)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        purpose = " ".join(options["purpose"].split())
        if not purpose:
            raise CommandError("State the purpose of the export with --purpose TEXT: it is kept in the audit log.")
        output = Path(options["output"])
        try:
            file_format = person_file.format_for(output.name)
        except ValueError as error:
            raise CommandError(f"{output}: write to a .csv or an .xlsx file.") from error
        region = options["region"].strip().upper()
        if region and not Region.objects.filter(code=region).exists():
            raise CommandError(f"No region with the code “{region}” (write it as KZ-55).")
        population = options["population"].strip().upper()
        if population and population not in PopulationType.values:
            raise CommandError(f"No population type “{population}”: use one of {', '.join(PopulationType.values)}.")
        by = None
        if options["as_user"]:
            by = User.objects.filter(username=options["as_user"], is_active=True).first()
            if by is None:
                raise CommandError(f"No active user “{options['as_user']}”.")
        with audit_context(channel=AuditEntry.Channel.CLI, username=by.username if by else "system"):
            try:
                with output.open("wb") as out:
                    count = export_persons(
                        by=by,
                        out=out,
                        file_format=file_format,
                        purpose=purpose,
                        filters=Filters(region=region, population_type=population),
                    )
            except (PermissionDenied, ValidationError) as error:
                output.unlink(missing_ok=True)
                message = error.messages[0] if isinstance(error, ValidationError) else str(error)
                raise CommandError(message) from error
        self.stderr.write(f"Wrote {count} persons to {output}")
