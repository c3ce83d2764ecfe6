"""`panah import FILE --org CODE [--mapping MAPPING.json] [--status-date D] [--sheet NAME] [--dry-run]
[--skip-invalid]`: import a person file (ARCHITECTURE.md 3.1, 3.2); prints the validation report; exits
non-zero when it finds errors.

How the file is read is what the command line says and nothing else: the mapping file is the one the
import page saves (and lets the user download, mapping.py); without --mapping, no choice saved on the
page for the organisation is used."""

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from panah.accounts.models import Organisation, User
from panah.audit.models import AuditEntry
from panah.audit.services import audit_context
from panah.imports.mapping import POPULATION_TYPES, BadMapping, ImportMapping
from panah.imports.report import to_text, to_xlsx
from panah.imports.selectors import registering_organisations
from panah.imports.services import import_file
from panah.imports.validate import Report


class Command(BaseCommand):
    help = (
        "Import a person file (CSV in any common encoding and delimiter, XLSX, XLS or ODS) or the JSON export of the "
        "household registration form (KoboToolbox, ODK Central): check every row, print "
        "the report, and register the persons. Writes nothing when the file has errors unless --skip-invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", type=Path, help="The person file (.csv, .xlsx, .xls, .ods) or form submissions (.json)."
        )
        parser.add_argument("--org", metavar="CODE", help="The registering organisation's code.")
        parser.add_argument(
            "--mapping",
            type=Path,
            metavar="MAPPING.json",
            help="How the columns and values are read, as the import page gives it (“Download these choices”).",
        )
        parser.add_argument(
            "--status-date",
            type=dt.date.fromisoformat,
            metavar="YYYY-MM-DD",
            help="The date of the statuses of rows that give none (overrides the mapping's and the title's).",
        )
        parser.add_argument(
            "--status",
            choices=POPULATION_TYPES,
            help="The status of every row, for a sheet without a status column (overrides the mapping's).",
        )
        parser.add_argument("--sheet", metavar="NAME", help="The sheet of a workbook to read.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report only: write nothing.")
        parser.add_argument("--skip-invalid", action="store_true", help="Import the valid rows and report the others.")
        parser.add_argument("--as", dest="as_user", metavar="USERNAME", help="Act within this user's scope.")
        parser.add_argument("--report", metavar="PATH.xlsx", help="Also write the report as an XLSX file.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        by = None
        if options["as_user"]:
            by = User.objects.filter(username=options["as_user"], is_active=True).first()
            if by is None:
                raise CommandError(f"No active user “{options['as_user']}”.")
        organisation = self._organisation(options["org"], by)
        mapping = self._mapping(options)
        with audit_context(channel=AuditEntry.Channel.CLI, username=by.username if by else "system"):
            try:
                run = import_file(
                    by=by,
                    organisation=organisation,
                    data=path.read_bytes(),
                    file_name=path.name,
                    dry_run=options["dry_run"],
                    skip_invalid=options["skip_invalid"],
                    mapping=mapping,
                )
            except PermissionDenied as error:
                raise CommandError(str(error)) from error
        report = Report.from_dict(run.report)
        self.stdout.write(to_text(report), ending="")
        if options["report"]:
            Path(options["report"]).write_bytes(to_xlsx(report))
            self.stderr.write(f"Wrote {options['report']}")
        if report.error_count:
            raise CommandError(
                f"{path}: {report.error_count} errors in {report.rows_with_errors or 1} rows. {report.outcome_text}"
            )

    def _mapping(self, options: dict[str, Any]) -> ImportMapping:
        mapping = ImportMapping()
        path: Path | None = options["mapping"]
        if path is not None:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            try:
                mapping = ImportMapping.from_json(path.read_bytes(), source=str(path))
            except BadMapping as error:
                raise CommandError(str(error)) from error
        given = ImportMapping(
            status_date=options["status_date"], population_type=options["status"] or "", sheet=options["sheet"] or ""
        )
        return mapping.merged(given)

    def _organisation(self, code: str | None, by: User | None) -> Organisation:
        if code:
            organisation = Organisation.objects.filter(code=code, is_active=True).first()
            if organisation is None:
                raise CommandError(f"No active organisation with the code “{code}”.")
            return organisation
        if by is not None:
            organisations = registering_organisations(by)
            if len(organisations) == 1:
                return organisations[0]
        raise CommandError("Say which organisation registers the persons: --org CODE.")
