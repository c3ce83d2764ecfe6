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
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.accounts.models import User
from panah.accounts.permissions import require
from panah.accounts.roles import Action
from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.imports import bulk, values
from panah.imports.columns import COLUMNS
from panah.imports.mapping import ImportMapping
from panah.imports.models import ColumnMapping, ImportedRow, ImportRun, ValueMapping
from panah.imports.reading import Unreadable, read_table
from panah.imports.selectors import registration_scope
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
from panah.registry.names import detect_script, word_keys
from panah.registry.services import count_names, place, registration_number_for
from panah.stats import facts
from panah.status.models import RESULTING_POPULATION, ApplicationType, StatusEvent
from panah.status.timeline import Fact

BATCH = 2000
ONLINE_CHECK_LIMIT = 500

Progress = Callable[[int, int], None]


def create_run(
    *,
    by: User | None,
    organisation: Any,
    data: bytes,
    file_name: str,
    dry_run: bool = False,
    skip_invalid: bool = False,
    mapping: ImportMapping | None = None,
) -> ImportRun:
    """Keep the file (encrypted) for an import, read with `mapping`. Raises PermissionDenied when `by`
    may register persons for `organisation` in none of its regions. Side effects: one ImportRun."""
    require(by, Action.REGISTER_PERSON, place(organisation, None))
    return ImportRun.objects.create(
        organisation=organisation,
        requested_by=by if getattr(by, "pk", None) else None,
        file_name=file_name[:255],
        file_hash=hashlib.sha256(data).hexdigest(),
        content=data,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        mapping=(mapping or ImportMapping()).as_dict(),
    )


@transaction.atomic
def save_mapping(*, by: User | None, organisation: Any, mapping: ImportMapping) -> int:
    """Remember, for `organisation`'s next files, which column each header stands for ("" = not
    imported) and what each word no list knows means. Side effects: ColumnMapping and ValueMapping rows
    (replacing the ones for those headers and values), one audit entry. Raises PermissionDenied like
    `create_run`. Returns the choices saved."""
    require(by, Action.REGISTER_PERSON, place(organisation, None))
    saved_by = by if getattr(by, "pk", None) else None
    saved = 0
    for header, column in mapping.columns.items():
        if column and column not in COLUMNS:
            raise ValueError(f"not a column: {column}")
        ColumnMapping.objects.update_or_create(
            organisation=organisation, header=header[:200], defaults={"column": column, "saved_by": saved_by}
        )
        saved += 1
    for column, chosen in mapping.values.items():
        for value, code in chosen.items():
            ValueMapping.objects.update_or_create(
                organisation=organisation,
                column=column,
                value=value[:200],
                defaults={"code": code, "saved_by": saved_by},
            )
            saved += 1
    record(
        by=by,
        action=AuditEntry.Action.ADMIN,
        organisation=organisation,
        message="import_mapping_saved",
        params={"count": saved},
        changes={"columns": mapping.columns, "values": mapping.values},
    )
    return saved


def import_file(
    *,
    by: User | None,
    organisation: Any,
    data: bytes,
    file_name: str,
    dry_run: bool = False,
    skip_invalid: bool = False,
    mapping: ImportMapping | None = None,
    progress: Progress | None = None,
) -> ImportRun:
    """Check and (unless a dry run, or errors without `skip_invalid`) import a person file now."""
    run = create_run(
        by=by,
        organisation=organisation,
        data=data,
        file_name=file_name,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        mapping=mapping,
    )
    return run_import(run, by=by, progress=progress)


def start_import(
    *,
    by: User | None,
    organisation: Any,
    data: bytes,
    file_name: str,
    dry_run: bool = False,
    skip_invalid: bool = False,
    mapping: ImportMapping | None = None,
) -> ImportRun:
    """Queue an import as a background job. Side effects: ImportRun, Job, audit entry, queued task."""
    with transaction.atomic():
        run = create_run(
            by=by,
            organisation=organisation,
            data=data,
            file_name=file_name,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            mapping=mapping,
        )
        _queue(run, by)
    return run


def _queue(run: ImportRun, by: User | None) -> None:
    from panah.imports.tasks import import_person_file
    from panah.jobs.models import Job
    from panah.jobs.services import start

    job = start(kind=Job.Kind.IMPORT_PERSONS, by=by, task=import_person_file, run_id=run.pk)
    ImportRun.objects.filter(pk=run.pk).update(job=job)
    run.job = job


def _reopen(run: ImportRun, by: User | None, states: tuple[str, ...]) -> ImportRun:
    """The run, locked and re-read with its file, when it is in one of `states` and still holds its file
    and `by` may register persons for its organisation; else ValidationError (PermissionDenied)."""
    require(by, Action.REGISTER_PERSON, place(run.organisation, None))
    locked = ImportRun.objects.select_for_update().select_related("organisation").get(pk=run.pk)
    if locked.state not in states or not locked.content:
        raise ValidationError(_("This file is no longer kept: send it again."))
    return locked


def recheck(
    *, by: User | None, run: ImportRun, mapping: ImportMapping, save_for_organisation: bool = True
) -> ImportRun:
    """Check the run's file again, read with `mapping`, as a background job; nothing is written but the
    run. With `save_for_organisation`, the choices are also saved for the organisation's next files.
    Side effects: the run (mapping, state), a Job, audit entries; ColumnMapping/ValueMapping rows."""
    with transaction.atomic():
        run = _reopen(run, by, (ImportRun.State.VALIDATED, ImportRun.State.REFUSED))
        if save_for_organisation:
            save_mapping(by=by, organisation=run.organisation, mapping=mapping)
        run.mapping = mapping.as_dict()
        run.state, run.dry_run, run.finished_at = ImportRun.State.QUEUED, True, None
        run.save(update_fields=["mapping", "state", "dry_run", "finished_at"])
        _queue(run, by)
    return run


def import_checked(*, by: User | None, run: ImportRun, skip_invalid: bool = False) -> ImportRun:
    """Import, as a background job, the file a check found valid, read as it was checked. The file is
    checked again as it is written (the registry may have changed since). Side effects: those of
    `run_import`, on the same run."""
    with transaction.atomic():
        run = _reopen(run, by, (ImportRun.State.VALIDATED,))
        run.state, run.dry_run, run.skip_invalid, run.finished_at = ImportRun.State.QUEUED, False, skip_invalid, None
        run.save(update_fields=["state", "dry_run", "skip_invalid", "finished_at"])
        _queue(run, by)
    return run


def run_mapping(run: ImportRun) -> ImportMapping:
    return ImportMapping.from_dict(run.mapping or {}, source=f"import {run.pk}")


def _context(
    run: ImportRun, by: User | None, today: dt.date, progress: Callable[[int, int], None] | None = None
) -> Context:
    regions = list(run.organisation.regions.values_list("code", flat=True))
    mapping = run_mapping(run)
    return Context(
        lookups=values.Lookups.load(mapping.values),
        scope=registration_scope(by),
        organisation_id=run.organisation_id,
        default_region=regions[0] if len(regions) == 1 else None,
        known_ids=dict(
            ImportedRow.objects.filter(organisation_id=run.organisation_id).values_list("source_id", "person_id")
        ),
        today=today,
        columns=mapping.columns,
        status_date=mapping.status_date,
        population_type=mapping.population_type,
        progress=progress,
    )


def check_file(
    run: ImportRun, by: User | None, progress: Callable[[int, int], None] | None = None
) -> tuple[Report, list[Record]]:
    """Read and validate the run's file (no writes); `progress(rows checked, rows)` as it goes."""
    report = Report(file_name=run.file_name)
    try:
        table = read_table(bytes(run.content), run.file_name, run_mapping(run).sheet)
    except Unreadable as error:
        report.add(None, "", "", error.code, error.params)
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
        when = timezone.localtime(earlier.requested_at).strftime("%d.%m.%Y %H:%M")
        report.add(None, "", "", "already_imported_file", {"date": when, "id": earlier.pk}, NOTE)
    if report.already_imported:
        report.add(None, "", "", "already_imported_rows", {"n": report.already_imported}, NOTE)
    _check_duplicates(report, records, by)
    return report, records


def _check_duplicates(report: Report, records: list[Record], by: User | None) -> None:
    if len(records) > ONLINE_CHECK_LIMIT:
        report.duplicate_check, report.duplicate_params = "duplicate_check_not_run", {"n": ONLINE_CHECK_LIMIT}
        report.add(None, "", "", report.duplicate_check, report.duplicate_params, NOTE)
        return
    from django.contrib.auth.models import AnonymousUser

    from panah.matching.online import check

    viewer = by if getattr(by, "pk", None) else AnonymousUser()
    for record_ in records:
        for candidate in check(duplicate_records(record_), by=viewer):
            params: dict[str, Any] = {"percent": candidate.percent}
            if candidate.visible or by is None:
                params["who"] = candidate.person.registration_number
            else:  # the person is not the importer's to see: only who holds the record
                params["organisation"] = str(candidate.person.organisation)
            report.add(record_.row, "", record_.source_id, "probable_duplicate", params, WARNING)
    report.duplicate_check = "duplicate_check_done"


def run_import(run: ImportRun, *, by: User | None, progress: Progress | None = None) -> ImportRun:
    """Check the run's file and write what may be written.

    Side effects (unless a dry run, or errors without skip_invalid): per row, as `register_person`
    does: a Person with registration number, names and search tokens, address, document, household
    membership, status event, statistics rows, audit entry, the name frequencies; an ImportedRow per row; one audit entry
    for the import. All in one transaction: any failure writes nothing. The run's report and state.
    After an import of a tenth of the registry or more: the registry tables' planner statistics
    (`bulk.refresh_statistics`).
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
        state, report.outcome = ImportRun.State.VALIDATED, "outcome_checked"
    elif blocked:
        state, report.outcome = ImportRun.State.REFUSED, "outcome_refused"
    else:
        with transaction.atomic():
            report.created = write(run, records, by=by, progress=writing)
            record(
                by=by,
                action=AuditEntry.Action.CREATE,
                obj=run,
                organisation=run.organisation,
                message="imported",
                params={"count": report.created, "file": run.file_name, "run": run.pk},
            )
        state = ImportRun.State.IMPORTED
        if bulk.worth_refreshing(report.created, Person):
            # A large file changes what the planner should expect of name search and the duplicate check.
            bulk.refresh_statistics(bulk.registry_models())
        report.outcome, report.outcome_params = "outcome_imported", {"created": report.created}
        if report.error_count:
            report.outcome = "outcome_imported_some"
            report.outcome_params["rows"] = report.rows_with_errors
    if run.dry_run or blocked:
        record(
            by=by,
            action=AuditEntry.Action.ADMIN,
            obj=run,
            organisation=run.organisation,
            message="import_checked",
            params={"file": run.file_name, "run": run.pk, "count": report.error_count},
        )
    if progress is not None:
        progress(1000, 1000)
    run.report = report.as_dict()
    run.state = state
    run.rows, run.errors, run.created = report.rows, report.error_count, report.created
    run.finished_at = timezone.now()
    if state == ImportRun.State.IMPORTED:
        # Not kept once imported: it holds personal data. A checked or refused file is kept (encrypted)
        # so that the user can say how to read it and check it again, until the retention rule of
        # uploaded files empties it.
        run.content = b""
    run.save()
    return run


def write(run: ImportRun, records: list[Record], *, by: User | None, progress: Progress | None = None) -> int:
    """Register `records` in batches. Call inside a transaction. Returns the persons created.

    Rows are written as plain tuples (`bulk.insert_rows`), and the statistics index of the new
    persons is built from what is written here (`facts.index_new_persons`, the same rows as
    `facts.rebuild` would write after reading it all back)."""
    now = timezone.now()
    today = timezone.localdate(now)
    user_id = by.pk if by is not None else None
    organisation_id = run.organisation_id
    # Written first: on SQLite it takes the write lock that makes the reserved ids ours (bulk.py).
    template = record(
        by=by,
        action=AuditEntry.Action.CREATE,
        organisation=run.organisation,
        message="import_started",
        params={"run": run.pk, "file": run.file_name},
    )
    households = _households(run, records)
    evidence = f"person file {run.file_name}, import {run.pk}"
    name_default = {c: cast(Field, PersonName._meta.get_field(c)).get_default() for c in NAME_FIELDS}
    created = 0
    with unscoped("import: every row was checked against the importer's registration scope"):
        for start in range(0, len(records), BATCH):
            batch = records[start : start + BATCH]
            person_ids = bulk.reserve_ids(Person, len(batch))
            numbers = [registration_number_for(pk) for pk in person_ids]
            person_fields = tuple(batch[0].person)
            bulk.insert_rows(
                Person,
                ("id", "registration_number", "organisation_id", "region_id", "created_by_id", "created_at",
                 "updated_at", *person_fields),
                [
                    (pk, number, organisation_id, r.address["region_id"], user_id, now, now,
                     *(r.person[f] for f in person_fields))
                    for r, pk, number in zip(batch, person_ids, numbers, strict=True)
                ],
            )  # fmt: skip
            pairs = list(zip(batch, person_ids, strict=True))
            name_rows = [(pid, i, n, r.person["birth_date"]) for r, pid in pairs for i, n in enumerate(r.names)]
            name_ids = bulk.reserve_ids(PersonName, len(name_rows))
            bulk.insert_rows(
                PersonName,
                ("id", "person_id", "position", "script", *NAME_FIELDS),
                [
                    (nid, pid, i, _script(n), *(n.get(c, name_default[c]) for c in NAME_FIELDS))
                    for nid, (pid, i, n, _birth) in zip(name_ids, name_rows, strict=True)
                ],
            )
            count_names(n for _pid, _i, n, _birth in name_rows)
            bulk.insert_rows(
                NameToken,
                ("person_id", "name_id", "key", "skeleton", "birth_year"),
                [
                    token
                    for nid, (pid, _i, n, birth) in zip(name_ids, name_rows, strict=True)
                    for token in _name_tokens(pid, nid, n, birth)
                ],
            )
            bulk.insert_rows(
                Address,
                ("person_id", "valid_from", "region_id", "locality", "line", "phone"),
                [
                    (pid, today, r.address["region_id"], r.address["locality"], r.address["line"], r.address["phone"])
                    for r, pid in pairs
                ],
            )
            bulk.insert_rows(
                Document,
                ("person_id", "number_key", "issuer", "type", "number"),
                [
                    (pid, document_key(r.document["number"]), "", r.document["type"], r.document["number"])
                    for r, pid in pairs
                    if r.document
                ],
            )
            bulk.insert_rows(
                HouseholdMember,
                ("household_id", "person_id", "relationship", "valid_from"),
                [(households[r.household], pid, r.relationship, today) for r, pid in pairs if r.household],
            )
            with_status = [(r, pid) for r, pid in pairs if r.population_type]
            event_ids = bulk.reserve_ids(StatusEvent, len(with_status))
            events = {
                pid: (event_id, *_status_event(r)) for event_id, (r, pid) in zip(event_ids, with_status, strict=True)
            }
            bulk.insert_rows(
                StatusEvent,
                ("id", "person_id", "kind", "population_type", "effective", "application_type", "recorded_at",
                 "recorded_by_id", "organisation_id", "evidence"),
                [(event_id, pid, *rest, now, user_id, organisation_id, evidence)
                 for pid, (event_id, *rest) in events.items()],
            )  # fmt: skip
            bulk.insert_rows(
                ImportedRow,
                ("organisation_id", "source_id", "person_id", "run_id"),
                [(organisation_id, r.source_id, pid, run.pk) for r, pid in pairs],
            )
            bulk.insert_rows(
                AuditEntry,
                ("at", "user_id", "username", "organisation_id", "action", "object_type", "object_id", "person_id",
                 "person_number", "message", "parameters", "summary", "channel", "ip_address"),
                [
                    (now, template.user_id, template.username, organisation_id, AuditEntry.Action.CREATE,
                     "registry.Person", str(pid), pid, number, "registered_import",
                     {"number": number, "run": run.pk, "row": r.row},
                     f"registered {number} (import {run.pk}, row {r.row})", template.channel, template.ip_address)
                    for (r, pid), number in zip(pairs, numbers, strict=True)
                ],
            )  # fmt: skip
            facts.index_new_persons(
                (
                    pid,
                    facts.attributes_of(
                        r.person["country_of_origin_id"],
                        r.person["sex"],
                        r.person["birth_date"],
                        r.person["birth_date_precision"],
                        [(today, r.address["region_id"])],  # the one address, valid from today
                    ),
                    [Fact(events[pid][0], events[pid][1], events[pid][3] or today, now)] if pid in events else [],
                    frozenset(),  # an import records first applications only
                )
                for r, pid in pairs
            )
            created += len(batch)
            if progress is not None:
                progress(created, len(records))
    return created


NAME_FIELDS = ("kind", "given_name", "family_name", "patronymic", "full_name")


def _name_tokens(person_id: int, name_id: int, name: dict[str, str], birth: dt.date | None) -> list[tuple]:
    """`registry.services.name_tokens` of a name given as a dict, as rows of (person_id, name_id,
    key, skeleton, birth_year)."""
    text = " ".join(p for p in (name.get(c, "") for c in ("given_name", "family_name", "patronymic", "full_name")) if p)
    year = birth.year if birth else 0
    return [(person_id, name_id, key[:60], skel[:60], year) for key, skel in word_keys(text)]


def _script(name: dict[str, str]) -> str:
    return detect_script(" ".join(v for k, v in name.items() if k != "kind"))


def _status_event(r: Record) -> tuple[str, str | None, dt.date | None, str]:
    """(kind, population type, effective, application type) of the status event a row states."""
    kind = POPULATION_EVENT[r.population_type]
    return (
        kind,
        RESULTING_POPULATION[kind],
        r.status_date,
        ApplicationType.FIRST if kind == "asylum_application" else "",
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
