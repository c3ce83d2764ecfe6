"""Persons as person-file rows (ARCHITECTURE.md 3.1) and the file itself, CSV or XLSX.

One row per person. The names: the first official name fills given_name, family_name and
patronymic; the first name in the original script fills full_name_original (the official name's
full form when there is none). Aliases, former names and further names in other scripts have no
column in the person file and go nowhere: the data-subject access export (`subject_access`) holds
them all. The address is the current one; the document the first valid today (in the registry's
order); the household the current one; `population_type` with `status_date` the person's population
type today and the date the event that set it took effect.

Every cell that a spreadsheet would read as a formula (= + - @, tab, carriage return) is written
with a leading apostrophe by `panah.imports.report.neutralise`, in CSV as in XLSX.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from panah.imports.columns import PERSON_FILE_COLUMNS
from panah.imports.report import neutralise
from panah.registry.models import (
    Address,
    CitizenshipStatus,
    DatePrecision,
    Document,
    HouseholdMember,
    NameKind,
    Person,
    PersonName,
)
from panah.status.selectors import known_events

BATCH = 2000
FORMATS = ("csv", "xlsx")


def format_for(file_name: str) -> str:
    """The format of a file name's extension, "csv" or "xlsx"; ValueError for anything else."""
    suffix = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if suffix not in FORMATS:
        raise ValueError(suffix)
    return suffix


def birth_text(birth: dt.date | None, precision: str) -> str:
    if birth is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{birth.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{birth.year:04d}-{birth.month:02d}"
    return birth.isoformat()


def citizenship_text(person: Person) -> str:
    if person.citizenship_status == CitizenshipStatus.COUNTRY:
        return person.citizenship_id or ""
    if person.citizenship_status == CitizenshipStatus.STATELESS:
        return "STATELESS"
    if person.citizenship_status == CitizenshipStatus.UNDETERMINED:
        return "UNDETERMINED"
    return ""


def person_id(person: Person) -> str:
    """The registration number: what the person and every office know the record by."""
    return person.registration_number or str(person.pk)


def _rows_of_batch(persons: list[Person], today: dt.date) -> Iterator[dict[str, str]]:
    # The ids come from the caller's scoped Person query, so the related rows are read by id only.
    ids = [p.pk for p in persons]
    official: dict[int, PersonName] = {}
    original: dict[int, PersonName] = {}
    for name in PersonName._base_manager.filter(person_id__in=ids).order_by("position", "id"):
        if name.kind == NameKind.OFFICIAL:
            official.setdefault(name.person_id, name)
        elif name.kind == NameKind.ORIGINAL:
            original.setdefault(name.person_id, name)
    addresses: dict[int, Address] = {}
    for address in Address._base_manager.filter(person_id__in=ids, valid_to__isnull=True).order_by(
        "-valid_from", "-id"
    ):
        addresses.setdefault(address.person_id, address)
    documents: dict[int, Document] = {}
    valid = Document._base_manager.filter(person_id__in=ids).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today), Q(valid_to__isnull=True) | Q(valid_to__gte=today)
    )
    for document in valid.order_by("-valid_to", "-id"):
        documents.setdefault(document.person_id, document)
    households: dict[int, HouseholdMember] = {}
    for member in HouseholdMember._base_manager.filter(person_id__in=ids, valid_to__isnull=True).select_related(
        "household"
    ):
        households[member.person_id] = member
    status_dates: dict[int, tuple[str, dt.date]] = {}
    events = _known_events_for(ids, today)
    for person_pk, population, effective in events:
        status_dates[person_pk] = (population, effective)  # ordered: the last one wins
    for person in persons:
        name = official.get(person.pk)
        in_script = original.get(person.pk)
        address = addresses.get(person.pk)
        document = documents.get(person.pk)
        member = households.get(person.pk)
        population, effective = status_dates.get(person.pk, ("", None))
        row = {
            "person_id": person_id(person),
            "given_name": name.given_name if name else "",
            "family_name": name.family_name if name else "",
            "patronymic": name.patronymic if name else "",
            "full_name_original": (in_script.full_name or in_script.text)
            if in_script
            else (name.full_name if name else ""),
            "sex": person.sex,
            "birth_date": birth_text(person.birth_date, person.birth_date_precision),
            "birth_place": person.birth_place,
            "country_of_origin": person.country_of_origin_id or "",
            "citizenship": citizenship_text(person),
            "region": person.region_id,
            "locality": address.locality if address else "",
            "address": address.line if address else "",
            "document_type": document.type if document else "",
            "document_number": document.number if document else "",
            "phone": address.phone if address else "",
            "household_id": (member.household.reference or f"H{member.household_id}") if member else "",
            "relationship_to_head": member.relationship if member else "",
            "population_type": person.population_type,
            # The date only when the folded timeline agrees with the person's population type today.
            "status_date": effective.isoformat() if effective and population == person.population_type else "",
        }
        if not row["population_type"]:
            row["status_date"] = ""
        yield row


def _known_events_for(ids: list[int], today: dt.date) -> Iterable[tuple[int, str, dt.date]]:
    """(person, population type, effective) of the events that set a population type, known now and
    effective by today, in timeline order: the last per person is the one in force."""
    return (
        known_events(timezone.now())
        .filter(person_id__in=ids, effective__lte=today, population_type__isnull=False)
        .order_by("person_id", "effective", "recorded_at", "id")
        .values_list("person_id", "population_type", "effective")
    )


def rows(persons: QuerySet[Person], today: dt.date | None = None) -> Iterator[dict[str, str]]:
    """Person-file rows of `persons` (a scoped query), read in batches of BATCH persons."""
    today = today or timezone.localdate()
    last = 0
    base = persons.select_related(None).order_by("pk")
    while True:
        batch = list(base.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        yield from _rows_of_batch(batch, today)
        last = batch[-1].pk


def _cells(row: dict[str, str]) -> list[Any]:
    return [neutralise(row.get(column, "")) for column in PERSON_FILE_COLUMNS]


def write_csv(records: Iterable[dict[str, str]], out: IO[bytes]) -> int:
    """UTF-8 with a byte-order mark, so Excel reads Cyrillic and Arabic; returns the rows written."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(PERSON_FILE_COLUMNS)
    count = 0
    for row in records:
        writer.writerow(_cells(row))
        count += 1
    text.flush()
    text.detach()
    return count


def write_xlsx(records: Iterable[dict[str, str]], out: IO[bytes]) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("persons")
    sheet.append(list(PERSON_FILE_COLUMNS))
    count = 0
    for row in records:
        sheet.append(_cells(row))
        count += 1
    workbook.save(out)
    return count


def write(records: Iterable[dict[str, str]], out: IO[bytes], file_format: str) -> int:
    return write_csv(records, out) if file_format == "csv" else write_xlsx(records, out)
