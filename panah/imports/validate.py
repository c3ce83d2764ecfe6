"""From a table of cells to the rows that can be registered and the report of everything else.

Nothing here writes. Every problem becomes an `Issue` with the row number as the file shows it, the
column as the file names it, the value as written and a message in words. Errors stop a row (and,
by default, the file); warnings and notes are for the reader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from panah.accounts.scope import Scope
from panah.imports import values
from panah.imports.columns import REQUIRED_COLUMNS, fold, map_header, match_column
from panah.imports.reading import DELIMITER_NAMES, DELIMITERS, Row, Table
from panah.registry.models import CitizenshipStatus, DatePrecision, DocumentType, Person, document_key

ERROR, WARNING, NOTE = "error", "warning", "note"
# Rows looked at for the header: title rows above it are common, dozens are not.
HEADER_SEARCH = 30
TOTAL_WORDS = ("итого", "всего", "total", "totals", "grand total", "барлығы", "барлыгы", "жиыны", "жиынтығы")
_TOTALS = tuple(fold(w) for w in TOTAL_WORDS)
MAX_LENGTH = {
    "person_id": 100,
    "given_name": 100,
    "family_name": 100,
    "patronymic": 100,
    "full_name_original": 300,
    "birth_place": 200,
    "locality": 120,
    "address": 300,
    "phone": 40,
    "document_number": 40,
    "household_id": 40,
}
# The status event that records each population type stated in a file (ARCHITECTURE.md 3.1).
POPULATION_EVENT = {
    "ASY": "asylum_application",
    "REF": "refugee_granted",
    "STA": "stateless_determined",
    "UND": "undetermined_identified",
    "OOC": "other_of_concern",
}


@dataclass
class Issue:
    row: Row | None
    column: str
    value: str
    message: str
    severity: str = ERROR


@dataclass
class Record:
    """One valid row, as the writer needs it (ids, not objects)."""

    row: Row
    source_id: str
    person: dict[str, Any]
    names: list[dict[str, str]]
    address: dict[str, Any]
    document: dict[str, Any] | None = None
    household: str = ""
    relationship: str = ""
    population_type: str = ""
    status_date: dt.date | None = None


@dataclass
class Report:
    file_name: str = ""
    format: str = ""
    encoding: str = ""
    delimiter: str = ""
    header_row: Row | None = None
    columns: list[list[str]] = field(default_factory=list)  # [header as written, person-file column or ""]
    unknown_columns: list[str] = field(default_factory=list)
    skipped: list[list[Any]] = field(default_factory=list)  # [row, reason]
    issues: list[Issue] = field(default_factory=list)
    rows: int = 0  # data rows read (not title, blank or totals rows)
    valid: int = 0
    already_imported: int = 0
    created: int = 0
    duplicate_check: str = ""
    outcome: str = ""
    error_count: int = 0  # kept by `add`, so checking a row does not count the whole list again

    @property
    def rows_with_errors(self) -> int:
        return len({i.row for i in self.issues if i.severity == ERROR and i.row is not None})

    @property
    def file_errors(self) -> bool:
        return any(i.severity == ERROR and i.row is None for i in self.issues)

    def add(self, row: Row | None, column: str, value: str, message: str, severity: str = ERROR) -> None:
        self.issues.append(Issue(row, column, value, str(message), severity))
        if severity == ERROR:
            self.error_count += 1

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        data = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        data["issues"] = [Issue(**i) for i in data.get("issues", [])]
        return cls(**data)


# The first word of each totals word: a cell whose folded text starts with a totals word holds that
# first word as it is, in lower case (folding only lowers, turns ё into е and drops what is not a
# letter or digit), so a cell without any of them is not looked at further.
_TOTAL_FIRST_WORDS = tuple({t.split()[0] for t in _TOTALS})


def _is_total(cells: list[str]) -> bool:
    firsts = [c for c in cells if c][:3]  # only the first three cells say "Итого"
    lowered = [c.lower().replace("ё", "е") for c in firsts]
    if not any(w in text for text in lowered for w in _TOTAL_FIRST_WORDS):
        return False
    words = [fold(c) for c in firsts]
    return any(w == t or w.startswith(t + " ") for w in words for t in _TOTALS)


def find_header(table: Table, saved: dict[str, str] | None = None) -> int | None:
    """Index in `table.rows` of the header: the first row (among the first few) naming person_id, or
    else the first naming at least three person-file columns."""
    fallback = None
    for index, (_number, cells) in enumerate(table.rows[:HEADER_SEARCH]):
        mapped = map_header(cells, saved)
        if "person_id" in mapped.values():
            return index
        if fallback is None and len(mapped) >= 3:
            fallback = index
    return fallback


@dataclass
class Context:
    """What every row is checked against, read once per file."""

    lookups: values.Lookups
    scope: Scope
    organisation_id: int
    default_region: str | None
    known_ids: dict[str, int]  # person_id already imported by the organisation -> the Person's id
    today: dt.date
    saved_columns: dict[str, str] = field(default_factory=dict)  # the organisation's ColumnMapping
    progress: Callable[[int, int], None] | None = None  # (rows checked, rows in the file)


def validate(table: Table, report: Report, context: Context) -> list[Record]:
    """Fill `report` and return the rows that can be written."""
    report.format, report.encoding = table.format, table.encoding
    report.delimiter = DELIMITER_NAMES.get(table.delimiter, "") if table.format == "csv" else ""
    for row, column, value, message in table.problems:
        report.add(row, column, value, message)
    if not any(any(cells) for _n, cells in table.rows):
        report.add(None, "", "", _("The file has no rows."))
        return []
    header_index = find_header(table, context.saved_columns)
    if header_index is None:
        first = next(cells for _n, cells in table.rows if any(cells))
        # Shown so that the mapping page can say what each of these headers stands for.
        report.columns = [[name, match_column(name) or ""] for name in first if name]
        report.add(
            None,
            "person_id",
            ", ".join(c for c in first if c)[:300],
            _("No header row with the required column person_id was found in the first %(n)s rows.")
            % {"n": HEADER_SEARCH},
        )
        return []
    header_number, header = table.rows[header_index]
    report.header_row = header_number
    for number, cells in table.rows[:header_index]:
        if any(cells):
            report.skipped.append([number, _("title row above the header")])
    mapping = map_header(header, context.saved_columns)
    report.columns = [[name, mapping.get(i, "")] for i, name in enumerate(header) if name]
    report.unknown_columns = [name for i, name in enumerate(header) if name and i not in mapping]
    if report.unknown_columns:
        report.add(
            header_number,
            ", ".join(report.unknown_columns),
            "",
            _("These columns are not person-file columns: they were kept in the report, not imported."),
            NOTE,
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in mapping.values()]
    for column in missing:
        report.add(header_number, column, "", _("The required column %(column)s is missing.") % {"column": column})
    if missing:
        return []
    names = {column: header[i] for i, column in mapping.items()}
    seen_ids: dict[str, Row] = {}
    seen_documents: dict[str, Row] = {}
    read_before: dict[tuple[str, str], tuple[Any, str | None]] = {}
    records: list[Record] = []
    width = len(header)
    other_delimiters = [d for d in DELIMITERS if d != table.delimiter]
    body = table.rows[header_index + 1 :]
    for checked, (number, cells) in enumerate(body):
        if context.progress is not None and checked % 2000 == 0:
            context.progress(checked, len(body))
        if not any(cells):
            report.skipped.append([number, _("blank row")])
            continue
        if _is_total(cells):
            report.skipped.append([number, _("totals row")])
            continue
        report.rows += 1
        if table.format == "csv" and width > 1 and len(cells) == 1:
            used = next((d for d in other_delimiters if d in cells[0]), None)
            if used:
                report.add(
                    number,
                    "",
                    cells[0][:200],
                    _("This row is written with %(used)s between the values; the file uses %(file)s.")
                    % {"used": DELIMITER_NAMES[used], "file": DELIMITER_NAMES[table.delimiter]},
                )
                continue
        extra = [c for c in cells[width:] if c]
        if extra:
            report.add(number, "", " | ".join(extra)[:200], _("The row has more values than the header has columns."))
            continue
        row = {column: (cells[i] if i < len(cells) else "") for i, column in mapping.items()}
        record = _check_row(number, row, names, report, context, seen_ids, seen_documents, read_before)
        if record is not None:
            records.append(record)
    if report.rows == 0:
        report.add(None, "", "", _("The file has no rows of persons under the header."))
    report.valid = len(records)
    return records


def _check_row(
    number: Row,
    row: dict[str, str],
    names: dict[str, str],
    report: Report,
    context: Context,
    seen_ids: dict[str, Row],
    seen_documents: dict[str, Row],
    read_before: dict[tuple[str, str], tuple[Any, str | None]] | None = None,
) -> Record | None:
    errors_before = report.error_count

    def problem(column: str, message: str, severity: str = ERROR) -> None:
        report.add(number, names.get(column, column), row.get(column, ""), message, severity)

    if read_before is None:
        read_before = {}

    def read(column: str, reader: Callable[[str], Any]) -> Any:
        # A column is always read with the same reader within a file, and the readers depend only on
        # the text (and the file's context): each distinct value of a column is read once per file.
        text = row.get(column, "")
        if not text:
            return None
        result = read_before.get((column, text))
        if result is None:
            try:
                result = (reader(text), None)
            except values.BadValue as error:
                result = (None, str(error))
            read_before[(column, text)] = result
        value, message = result
        if message is not None:
            problem(column, message)
        return value

    for column, limit in MAX_LENGTH.items():
        if len(row.get(column, "")) > limit:
            problem(column, _("Too long: at most %(n)s characters.") % {"n": limit})
    source_id = row.get("person_id", "")
    if not source_id:
        problem("person_id", _("A value is required."))
    elif source_id in seen_ids:
        problem(
            "person_id",
            _("Duplicate within the file: the same person_id is in row %(row)s.") % {"row": seen_ids[source_id]},
        )
    else:
        seen_ids[source_id] = number
    if not any(row.get(c) for c in ("given_name", "family_name", "full_name_original")):
        problem("family_name", _("A name is required: give a given name, a family name or the full name."))

    sex = read("sex", values.sex) or ""
    birth = read("birth_date", lambda t: values.date(t, today=context.today))
    origin = read("country_of_origin", context.lookups.country)
    citizenship = read("citizenship", context.lookups.citizenship)
    region = read("region", context.lookups.region)
    if region is None and not row.get("region"):
        region = context.default_region
        if region is None:
            problem("region", _("A value is required: the organisation works in more than one region."))
    if region is not None:
        if not context.lookups.region_rows[region].existed_on(context.today):
            problem("region", _("This region no longer exists: write the region where the person lives now."))
        elif not context.scope.covers(context.organisation_id, region):
            problem("region", _("You may not register persons of this organisation in this region."))
    document_type = read("document_type", values.document_type)
    number_text = row.get("document_number", "")
    if number_text and not document_key(number_text):
        problem("document_number", _("A document number needs at least one letter or digit."))
    elif number_text:
        key = document_key(number_text)
        if key in seen_documents:
            problem(
                "document_number",
                _("Duplicate within the file: the same document number is in row %(row)s.")
                % {"row": seen_documents[key]},
            )
        else:
            seen_documents[key] = number
    elif document_type:
        problem("document_number", _("A value is required when the document type is given."))
    relationship = read("relationship_to_head", values.relationship) or ""
    if row.get("household_id") and not relationship and not row.get("relationship_to_head"):
        problem("relationship_to_head", _("A value is required when household_id is given."))
    population = read("population_type", values.population_type) or ""
    status_date = read("status_date", lambda t: values.date(t, today=context.today))
    if population and status_date is None and not row.get("status_date"):
        problem("status_date", _("A value is required when population_type is given."))
    if status_date and birth and status_date[0] < birth[0]:
        problem("status_date", _("The status date is before the birth date."))
    if row.get("status_date") and not row.get("population_type"):
        problem("population_type", _("A value is required when status_date is given."))
    status, citizen_of = citizenship or (CitizenshipStatus.UNKNOWN, None)
    person = {
        "sex": sex,
        "birth_date": birth[0] if birth else None,
        "birth_date_precision": birth[1] if birth else DatePrecision.DAY,
        "birth_place": row.get("birth_place", ""),
        "country_of_origin_id": origin,
        "citizenship_status": status,
        "citizenship_id": citizen_of,
        "population_type": population,
    }
    if report.error_count == errors_before:
        try:  # the model's own rules, as registration applies them
            Person(organisation_id=context.organisation_id, region_id=region, **person).clean()
        except ValidationError as error:
            for column, messages in error.message_dict.items():
                for message in messages:
                    problem(column, message)
    if report.error_count != errors_before:
        return None
    if source_id in context.known_ids:
        report.already_imported += 1
        return None
    name_rows = []
    if any(row.get(c) for c in ("given_name", "family_name", "patronymic")):
        name_rows.append(
            {"kind": "official", **{c: row.get(c, "") for c in ("given_name", "family_name", "patronymic")}}
        )
    if row.get("full_name_original"):
        name_rows.append({"kind": "original", "full_name": row["full_name_original"]})
    return Record(
        row=number,
        source_id=source_id,
        person=person,
        names=name_rows,
        address={
            "region_id": region,
            "locality": row.get("locality", ""),
            "line": row.get("address", ""),
            "phone": row.get("phone", ""),
        },
        document={"type": document_type or DocumentType.OTHER, "number": number_text} if number_text else None,
        household=row.get("household_id", ""),
        relationship=relationship,
        population_type=population,
        status_date=status_date[0] if status_date else None,
    )


def duplicate_records(record: Record) -> list[dict[str, str]]:
    """Person-file rows for the online duplicate check (one per set of names)."""
    common = {
        "person_id": "new",
        "sex": record.person["sex"],
        "birth_date": "" if record.person["birth_date"] is None else _birth_text(record),
        "country_of_origin": record.person["country_of_origin_id"] or "",
        "region": record.address["region_id"] or "",
        "document_number": (record.document or {}).get("number", ""),
        "locality": record.address["locality"],
        "address": record.address["line"],
    }
    return [
        {
            **common,
            "given_name": n.get("given_name", ""),
            "family_name": n.get("family_name", ""),
            "patronymic": n.get("patronymic", ""),
            "full_name_original": n.get("full_name", ""),
        }
        for n in record.names
    ]


def _birth_text(record: Record) -> str:
    birth, precision = record.person["birth_date"], record.person["birth_date_precision"]
    if precision == DatePrecision.YEAR:
        return f"{birth.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{birth.year:04d}-{birth.month:02d}"
    return birth.isoformat()
