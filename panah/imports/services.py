"""Importing a person file: check it, then register its rows in bulk, all or nothing.

One import is one `ImportRun`. `import_file` does the whole work in the caller's process (the
command line, tests); `start_import` queues it as a background job with progress (the web page).

Writing 100,000 rows one `register_person` call at a time would take the better part of an hour, so
the rows are written in batches with the same effect as `register_person` for each: the rights are
checked (the importer's registration scope must cover the organisation and each row's region), the
model's own rules are applied (`Person.clean`), and each person gets a registration number, names
with their search tokens, the address that sets the region, the document, the status event stated
in the file, the first version of the statistical attributes and an audit entry.

The online duplicate check against the registry (`panah.matching.online.check`) costs a few
indexed queries and a scoring per row: fine for the files an office types (it runs up to
`ONLINE_CHECK_LIMIT` rows), an hour for a 100,000-row migration. Above the limit the report says it
was not run and the batch duplicate run (`find_duplicates_in_registry`, Splink with blocking) is the
tool: it compares the whole registry in minutes and feeds the same review queue.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.accounts.roles import Action
from panah.accounts.scope import Scope, scope_for, unscoped
from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.imports import bulk, values
from panah.imports.columns import PERSON_FILE_COLUMNS, fold
from panah.imports.models import ColumnMapping, ImportedRow, ImportRun
from panah.imports.reading import Unreadable, read_table
from panah.imports.validate import (
    NOTE,
    POPULATION_EVENT,
    WARNING,
    Context,
    Record,
    Report,
    duplicate_records,
    validate,
)
from panah.registry.models import (
    Address,
    Document,
    Household,
    HouseholdMember,
    NameToken,
    Person,
    PersonName,
    document_key,
)
from panah.registry.names import detect_script
from panah.registry.services import name_tokens, registration_number_for
from panah.stats import facts
from panah.status.models import RESULTING_POPULATION, ApplicationType, StatusEvent

BATCH = 2000
ONLINE_CHECK_LIMIT = 500

Progress = Callable[[int, int], None]


def registration_scope(by: Any) -> Scope:
    """Where `by` may register persons; the system itself (a command run without --as) everywhere."""
    if by is None:
        return Scope(label="system:register_person", everything=True)
    return scope_for(by, Action.REGISTER_PERSON)


def create_run(
    *, by: Any, organisation: Any, data: bytes, file_name: str, dry_run: bool = False, skip_invalid: bool = False
) -> ImportRun:
    """Keep the file for an import. Raises PermissionDenied when `by` may register persons for
    `organisation` in none of its regions. Side effects: one ImportRun."""
    scope = registration_scope(by)
    if not scope.everything and not any(organisation.pk in g.organisation_ids for g in scope.grants):
        raise PermissionDenied(_("You may not register persons for this organisation."))
    return ImportRun.objects.create(
        organisation=organisation,
        requested_by=by if getattr(by, "pk", None) else None,
        file_name=file_name[:255],
        file_hash=hashlib.sha256(data).hexdigest(),
        content=data,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
    )


@transaction.atomic
def save_column_mapping(*, by: Any, organisation: Any, columns: dict[str, str]) -> int:
    """Remember, for `organisation`'s next files, which person-file column each header stands for
    ("" = not imported). Side effects: ColumnMapping rows (replacing the ones for those headers), one
    audit entry. Raises PermissionDenied like `create_run`. Returns the headers saved."""
    scope = registration_scope(by)
    if not scope.everything and not any(organisation.pk in g.organisation_ids for g in scope.grants):
        raise PermissionDenied(_("You may not register persons for this organisation."))
    saved = 0
    for header, column in columns.items():
        if column and column not in PERSON_FILE_COLUMNS:
            raise ValueError(f"not a person-file column: {column}")
        key = fold(header)
        if not key:
            continue
        ColumnMapping.objects.update_or_create(
            organisation=organisation,
            header=key[:200],
            defaults={"column": column, "saved_by": by if getattr(by, "pk", None) else None},
        )
        saved += 1
    record(
        by=by,
        action=AuditEntry.Action.ADMIN,
        organisation=organisation,
        summary=f"saved the import column mapping of {saved} headers",
        changes={"columns": columns},
    )
    return saved


def import_file(
    *,
    by: Any,
    organisation: Any,
    data: bytes,
    file_name: str,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportRun:
    """Check and (unless a dry run, or errors without `skip_invalid`) import a person file now."""
    run = create_run(
        by=by, organisation=organisation, data=data, file_name=file_name, dry_run=dry_run, skip_invalid=skip_invalid
    )
    return run_import(run, by=by, progress=progress)


def start_import(
    *, by: Any, organisation: Any, data: bytes, file_name: str, dry_run: bool = False, skip_invalid: bool = False
) -> ImportRun:
    """Queue an import as a background job. Side effects: ImportRun, Job, audit entry, queued task."""
    from panah.imports.tasks import import_person_file
    from panah.jobs.models import Job
    from panah.jobs.services import start

    with transaction.atomic():
        run = create_run(
            by=by, organisation=organisation, data=data, file_name=file_name, dry_run=dry_run, skip_invalid=skip_invalid
        )
        job = start(kind=Job.Kind.IMPORT_PERSONS, by=by, task=import_person_file, run_id=run.pk)
        ImportRun.objects.filter(pk=run.pk).update(job=job)
        run.job = job
    return run


def import_checked(*, by: Any, run: ImportRun, skip_invalid: bool = False) -> ImportRun:
    """Import, as a background job, the file a dry run checked. Side effects: those of
    `start_import`; the dry run's copy of the file is emptied."""
    if not run.dry_run or run.state != ImportRun.State.VALIDATED or not bytes(run.content):
        raise PermissionDenied(_("This check cannot be imported: send the file again."))
    new = start_import(
        by=by,
        organisation=run.organisation,
        data=bytes(run.content),
        file_name=run.file_name,
        skip_invalid=skip_invalid,
    )
    ImportRun.objects.filter(pk=run.pk).update(content=b"")
    return new


def _context(run: ImportRun, by: Any, today: dt.date, progress: Callable[[int, int], None] | None = None) -> Context:
    regions = list(run.organisation.regions.values_list("code", flat=True))
    return Context(
        lookups=values.Lookups.load(),
        scope=registration_scope(by),
        organisation_id=run.organisation_id,
        default_region=regions[0] if len(regions) == 1 else None,
        known_ids=dict(
            ImportedRow.objects.filter(organisation_id=run.organisation_id).values_list("source_id", "person_id")
        ),
        today=today,
        saved_columns=dict(
            ColumnMapping.objects.filter(organisation_id=run.organisation_id).values_list("header", "column")
        ),
        progress=progress,
    )


def check_file(
    run: ImportRun, by: Any, progress: Callable[[int, int], None] | None = None
) -> tuple[Report, list[Record]]:
    """Read and validate the run's file (no writes); `progress(rows checked, rows)` as it goes."""
    report = Report(file_name=run.file_name)
    try:
        table = read_table(bytes(run.content), run.file_name)
    except Unreadable as error:
        report.add(None, "", "", str(error))
        return report, []
    records = validate(table, report, _context(run, by, timezone.localdate(), progress))
    earlier = (
        ImportRun.objects.filter(
            organisation_id=run.organisation_id, file_hash=run.file_hash, state=ImportRun.State.IMPORTED
        )
        .exclude(pk=run.pk)
        .order_by("requested_at")
        .first()
    )
    if earlier is not None:
        report.add(
            None,
            "",
            "",
            _("This file was already imported on %(date)s (import %(id)s): its rows are not imported again.")
            % {"date": timezone.localtime(earlier.requested_at).strftime("%d.%m.%Y %H:%M"), "id": earlier.pk},
            NOTE,
        )
    if report.already_imported:
        report.add(
            None,
            "person_id",
            "",
            _("%(n)s rows were imported before (same person_id for this organisation): they are not imported again.")
            % {"n": report.already_imported},
            NOTE,
        )
    _check_duplicates(report, records, by)
    return report, records


def _check_duplicates(report: Report, records: list[Record], by: Any) -> None:
    if len(records) > ONLINE_CHECK_LIMIT:
        report.duplicate_check = _(
            "Not run: the file has more than %(n)s new rows. After importing, run the duplicate search across the "
            "registry (Duplicates), which compares every person in one pass."
        ) % {"n": ONLINE_CHECK_LIMIT}
        report.add(None, "", "", report.duplicate_check, NOTE)
        return
    from django.contrib.auth.models import AnonymousUser

    from panah.matching.online import check

    viewer = by if getattr(by, "pk", None) else AnonymousUser()
    for record_ in records:
        for candidate in check(duplicate_records(record_), by=viewer):
            who = (
                candidate.person.registration_number
                if candidate.visible or by is None
                else _("a person registered by %(organisation)s") % {"organisation": candidate.person.organisation}
            )
            report.add(
                record_.row,
                "",
                record_.source_id,
                _("Probable duplicate of %(who)s (%(percent)s%%): check before importing.")
                % {"who": who, "percent": candidate.percent},
                WARNING,
            )
    report.duplicate_check = _("Run for every new row.")


def run_import(run: ImportRun, *, by: Any, progress: Progress | None = None) -> ImportRun:
    """Check the run's file and write what may be written.

    Side effects (unless a dry run, or errors without skip_invalid): per row, as `register_person`
    does: a Person with registration number, names and search tokens, address, document, household
    membership, status event, statistics rows, audit entry; an ImportedRow per row; one audit entry
    for the import. All in one transaction: any failure writes nothing. The run's report and state.
    """

    # Progress in thousandths: checking the file is the first fifth, writing the rest.
    def checking(done: int, total: int) -> None:
        if progress is not None:
            progress(round(200 * done / max(total, 1)), 1000)

    def writing(done: int, total: int) -> None:
        if progress is not None:
            progress(200 + round(800 * done / max(total, 1)), 1000)

    report, records = check_file(run, by, checking)
    blocked = report.file_errors or (report.error_count and not run.skip_invalid)
    if run.dry_run:
        state, report.outcome = ImportRun.State.VALIDATED, _("Dry run: nothing was written.")
    elif blocked:
        state, report.outcome = (
            ImportRun.State.REFUSED,
            _(
                "Nothing was imported: correct the errors and import the file again, or choose to import only the valid rows."
            ),
        )
    else:
        with transaction.atomic():
            report.created = write(run, records, by=by, progress=writing)
            record(
                by=by,
                action=AuditEntry.Action.CREATE,
                obj=run,
                organisation=run.organisation,
                summary=f"imported {report.created} persons from {run.file_name} (import {run.pk})",
            )
        state = ImportRun.State.IMPORTED
        report.outcome = _("%(created)s persons imported.") % {"created": report.created}
        if report.error_count:
            report.outcome += " " + _("%(rows)s rows with errors were not imported.") % {
                "rows": report.rows_with_errors
            }
    if run.dry_run or blocked:
        record(
            by=by,
            action=AuditEntry.Action.ADMIN,
            obj=run,
            organisation=run.organisation,
            summary=f"checked {run.file_name} (import {run.pk}): {report.error_count} errors, nothing written",
        )
    if progress is not None:
        progress(1000, 1000)
    run.report = report.as_dict()
    run.state = state
    run.rows, run.errors, run.created = report.rows, report.error_count, report.created
    run.finished_at = timezone.now()
    if not run.dry_run:
        # Not kept once imported or refused: it holds personal data. A dry run keeps it so that the
        # file checked can be imported with one click (`import_checked`).
        run.content = b""
    run.save()
    return run


def write(run: ImportRun, records: list[Record], *, by: Any, progress: Progress | None = None) -> int:
    """Register `records` in batches. Call inside a transaction. Returns the persons created."""
    now = timezone.now()
    today = timezone.localdate(now)
    user_id = by.pk if getattr(by, "pk", None) else None
    # Written first: on SQLite it takes the write lock that makes the reserved ids ours (bulk.py).
    template = record(
        by=by,
        action=AuditEntry.Action.CREATE,
        organisation=run.organisation,
        summary=f"started import {run.pk} of {run.file_name}",
    )
    households = _households(run, records)
    created = 0
    with unscoped("import: every row was checked against the importer's registration scope"):
        for start in range(0, len(records), BATCH):
            batch = records[start : start + BATCH]
            person_ids = bulk.reserve_ids(Person, len(batch))
            persons = [
                Person(
                    id=pk,
                    registration_number=registration_number_for(pk),
                    organisation_id=run.organisation_id,
                    region_id=r.address["region_id"],
                    created_by_id=user_id,
                    created_at=now,
                    updated_at=now,
                    **r.person,
                )
                for r, pk in zip(batch, person_ids, strict=True)
            ]
            bulk.insert(Person, persons, with_pk=True)
            pairs = list(zip(batch, persons, strict=True))
            name_rows = [(p, i, n) for r, p in pairs for i, n in enumerate(r.names)]
            names = [
                PersonName(id=nid, person_id=p.pk, position=i, script=_script(n), **n)
                for nid, (p, i, n) in zip(bulk.reserve_ids(PersonName, len(name_rows)), name_rows, strict=True)
            ]
            bulk.insert(PersonName, names, with_pk=True)
            births = {p.pk: p.birth_date for p in persons}
            bulk.insert(NameToken, [t for n in names for t in name_tokens(n.person_id, n, births[n.person_id])])
            bulk.insert(Address, [Address(person_id=p.pk, valid_from=today, **r.address) for r, p in pairs])
            bulk.insert(
                Document,
                [
                    Document(person_id=p.pk, number_key=document_key(r.document["number"]), issuer="", **r.document)
                    for r, p in pairs
                    if r.document
                ],
            )
            bulk.insert(
                HouseholdMember,
                [
                    HouseholdMember(
                        household_id=households[r.household],
                        person_id=p.pk,
                        relationship=r.relationship,
                        valid_from=today,
                    )
                    for r, p in pairs
                    if r.household
                ],
            )
            bulk.insert(StatusEvent, [_status_event(r, p, run, user_id, now) for r, p in pairs if r.population_type])
            bulk.insert(
                ImportedRow,
                [
                    ImportedRow(organisation_id=run.organisation_id, source_id=r.source_id, person_id=p.pk, run=run)
                    for r, p in pairs
                ],
            )
            bulk.insert(
                AuditEntry,
                [
                    AuditEntry(
                        at=now,
                        user_id=template.user_id,
                        username=template.username,
                        organisation_id=run.organisation_id,
                        action=AuditEntry.Action.CREATE,
                        object_type="registry.Person",
                        object_id=str(p.pk),
                        person_id=p.pk,
                        person_number=p.registration_number,
                        summary=f"registered {p.registration_number} (import {run.pk}, row {r.row})",
                        channel=template.channel,
                        ip_address=template.ip_address,
                    )
                    for r, p in pairs
                ],
            )
            facts.rebuild([p.pk for p in persons])
            created += len(persons)
            if progress is not None:
                progress(created, len(records))
    return created


def _script(name: dict[str, str]) -> str:
    return detect_script(" ".join(v for k, v in name.items() if k != "kind"))


def _status_event(r: Record, person: Person, run: ImportRun, user_id: int | None, now: dt.datetime) -> StatusEvent:
    kind = POPULATION_EVENT[r.population_type]
    return StatusEvent(
        person_id=person.pk,
        kind=kind,
        population_type=RESULTING_POPULATION[kind],
        effective=r.status_date,
        recorded_at=now,
        recorded_by_id=user_id,
        organisation_id=run.organisation_id,
        application_type=ApplicationType.FIRST if kind == "asylum_application" else "",
        evidence=f"person file {run.file_name}, import {run.pk}",
    )


def _households(run: ImportRun, records: list[Record]) -> dict[str, int]:
    """Household id of each household reference in the file: the organisation's household with that
    reference if there is one, else a new one."""
    references = sorted({r.household for r in records if r.household})
    existing: dict[str, int] = {}
    for start in range(0, len(references), 900):  # SQLite's limit on the values of one query
        chunk = references[start : start + 900]
        mine = Household.objects.filter(organisation_id=run.organisation_id, reference__in=chunk).order_by("-pk")
        existing.update(mine.values_list("reference", "pk"))
    new = Household.objects.bulk_create(
        [Household(organisation_id=run.organisation_id, reference=ref) for ref in references if ref not in existing]
    )
    return {**existing, **{h.reference: h.pk for h in new}}
