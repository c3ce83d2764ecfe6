"""From a table of cells to the rows that can be registered and the report of everything else.

Nothing here writes. A sheet is read as a department keeps it: title rows above the header (whose date,
"по состоянию на 01.01.2017", is the date of the statuses the sheet states), a header over one or two
rows, a row-number column instead of an identifier, totals and blank rows, values in words.

Every problem is an `Issue` stored as a message code with its parameters (`messages.py`), rendered in the
reader's language when read. A value no word list knows is reported once per distinct value with how many
rows it affects (the import page lets the user say what it means, `Context.mapping`), and rows for regions
the importer does not cover are summarised by region, not listed one by one. Errors stop a row (and, by
default, the file); warnings and notes are for the reader.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from panah.accounts.scope import Scope
from panah.imports import values
from panah.imports.columns import fold, map_header, match_column
from panah.imports.messages import DELIMITER_LABELS, render
from panah.imports.reading import DELIMITERS, Row, Table
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
    "full_name": 300,
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
SHOWN_ROWS = 20  # rows listed with an issue that stands for many


@dataclass
class Issue:
    row: Row | None
    column: str  # the header as the file writes it (or a person-file column, for the file as a whole)
    value: str
    code: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    severity: str = ERROR
    legacy: str = ""  # the text of a report stored before messages were codes: shown as it was

    @property
    def message(self) -> str:
        """The message in the active language."""
        return render(self.code, self.params) if self.code else self.legacy


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
    delimiter: str = ""  # the character; `delimiter_label` says it in words
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)
    header_row: Row | None = None
    title: str = ""  # the title rows' text above the header, as written
    title_date: str = ""  # the date the title states (ISO), if any
    status_date: str = ""  # the date given to statuses without one (ISO): from the title or the user
    status_date_source: str = ""  # "title" or "given"
    id_source: str = ""  # "column" (an identifier column) or "derived" (names, birth date, document)
    population_type: str = ""  # the status of every row of a sheet without a status column: given or titled
    columns: list[list[str]] = field(default_factory=list)  # [header as written, column or ""]
    unknown_columns: list[str] = field(default_factory=list)
    # Values no word list knows, once each: {column, header, value, n (rows), rows (the first ones)}.
    unknown_values: list[dict[str, Any]] = field(default_factory=list)
    regions_outside: list[dict[str, Any]] = field(default_factory=list)  # {region, n, rows}
    skipped: list[list[Any]] = field(default_factory=list)  # [row, code]
    issues: list[Issue] = field(default_factory=list)
    rows: int = 0  # data rows read (not title, blank or totals rows)
    valid: int = 0
    already_imported: int = 0
    created: int = 0
    duplicate_check: str = ""  # a message code
    duplicate_params: dict[str, Any] = field(default_factory=dict)
    outcome: str = ""  # a message code
    outcome_params: dict[str, Any] = field(default_factory=dict)
    error_count: int = 0  # kept by `add`, so checking a row does not count the whole list again

    @property
    def rows_with_errors(self) -> int:
        return len({i.row for i in self.issues if i.severity == ERROR and i.row is not None})

    @property
    def file_errors(self) -> bool:
        return any(i.severity == ERROR and i.row is None for i in self.issues)

    @property
    def delimiter_label(self) -> str:
        label = DELIMITER_LABELS.get(self.delimiter)
        return str(label) if label is not None else self.delimiter

    @property
    def outcome_text(self) -> str:
        return render(self.outcome, self.outcome_params) if self.outcome else ""

    @property
    def duplicate_check_text(self) -> str:
        return render(self.duplicate_check, self.duplicate_params) if self.duplicate_check else ""

    def add(
        self,
        row: Row | None,
        column: str,
        value: str,
        code: str,
        params: dict[str, Any] | None = None,
        severity: str = ERROR,
    ) -> None:
        self.issues.append(Issue(row, column, value, code, params or {}, severity))
        if severity == ERROR:
            self.error_count += 1

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        data = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        issues = []
        for i in data.get("issues", []):
            if "code" not in i:  # stored before messages were codes
                i = {**i, "legacy": i.get("message", "")}
            issues.append(Issue(**{k: v for k, v in i.items() if k in Issue.__dataclass_fields__}))
        data["issues"] = issues
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


def _is_footer(cells: list[str]) -> bool:
    """A line below the table that is no person's: who drew it up and signed it ("Исполнитель: …",
    "Начальник отдела ____ Б. Сейткали", "Орындаған: …", "М.П."), a note ("Примечание: …") or a footnote
    ("* по данным …"). At most three cells; the words that start it are data (`words.json`, "footer")."""
    filled = [c for c in cells if c]
    if not filled or len(filled) > 3:
        return False
    if filled[0].startswith("*"):
        return len(filled) == 1
    words = fold(filled[0]).split()
    return any(words[: len(phrase)] == phrase for phrase in _footer_phrases())


@functools.cache
def _footer_phrases() -> tuple[list[str], ...]:
    return tuple(fold(phrase).split() for phrase in values.words()["footer"])


def _is_column_numbers(cells: list[str]) -> bool:
    """The row of column numbers official forms print under the header ("1 | 2 | 3 | … | 9")."""
    filled = [c for c in cells if c]
    if len(filled) < 3 or not all(c.isdigit() for c in filled):
        return False
    return [int(c) for c in filled] == list(range(1, len(filled) + 1))


_NUMBER = re.compile(r"^(?:\d{1,6}|[IVXLivxl]{1,5})[.)]?$")


def _content(cells: list[str], numbering: set[int]) -> list[str]:
    """The cells of a row that say something: not a number in a row-number column ("12", "12.", "IV")."""
    return [c for i, c in enumerate(cells) if c and not (i in numbering and _NUMBER.match(c))]


def _repeats(cells: list[str], header_rows: list[list[str]]) -> bool:
    """Whether a row repeats a row of the header (at least two cells, all as the header writes them)."""
    filled = {i: fold(c) for i, c in enumerate(cells) if c}
    if len(filled) < 2:
        return False
    return any(all(i < len(header) and fold(header[i]) == text for i, text in filled.items()) for header in header_rows)


_ENUMERATOR = re.compile(r"^(?:[IVXLivxl]{1,5}|\d{1,2}|[А-Яа-яA-Za-z])[.)]\s+")


def _section(cells: list[str], numbering: set[int], lookups: values.Lookups) -> tuple[str, str] | None:
    """A row that names, for the rows under it, their status ("Беженцы", "II. Лица, ищущие убежище (12 чел.)")
    or their region ("г. Алматы", "По Алматинской области"): (column, the name as written), or None. One cell
    (besides a row number), a few words without digits, that read as a whole as a status or a region: a
    person's row has more (and a row written with another delimiter, all in one cell, has digits)."""
    filled = _content(cells, numbering)
    if len(filled) != 1:
        return None
    text = re.sub(r"\s*[(\[].*$", "", _ENUMERATOR.sub("", filled[0].strip())).strip(" :.-–—")
    words = text.split()
    if words and fold(words[0]) == "по":
        words = words[1:]
    if words and fold(words[-1]) == "бойынша":
        words = words[:-1]
    text = " ".join(words)
    if not text or len(words) > 8 or any(ch.isdigit() for ch in text):
        return None
    try:
        lookups.word("population_type", text)
        return "population_type", text
    except values.BadValue:
        pass
    try:
        lookups.region(text, parts=False)
        return "region", text
    except values.BadValue:
        pass
    if values.title_status(text):
        return "population_type", text
    return None


_DITTO_MARKS = ('"', "〃", "“", "”", "«", "»", "''", "//", "\\")


def _blank_or_ditto(text: str) -> str | None:
    """What a cell written as a mark means: "" for a dash ("-", "—": none), "ditto" for a ditto mark ("-//-",
    "-\"-", "〃", "то же": as in the row above); None for any other cell."""
    stripped = text.strip()
    if not stripped or fold(stripped):
        return "ditto" if fold(stripped) in ("то же", "тоже") else None
    if any(mark in stripped for mark in _DITTO_MARKS):
        return "ditto"
    return "" if not stripped.strip("-–—―_.") else None


def _score(mapping: dict[int, str]) -> int:
    return len({c for c in mapping.values() if c != "row_number"})


def find_header(table: Table, saved: dict[str, str] | None = None) -> int | None:
    """Index in `table.rows` of the header: among the first rows, the one naming the most person-file
    columns (at least two; the first of equals), counting a header over two rows as one."""
    best, best_score = None, 1
    for index, (_number, cells) in enumerate(table.rows[:HEADER_SEARCH]):
        score = _score(map_header(cells, saved))
        combined = _two_row_header(table, index, saved)
        if combined is not None:
            score = max(score, _score(map_header(combined, saved)))
        if score > best_score:
            best, best_score = index, score
    return best


def _combine(first: list[str], second: list[str]) -> list[str]:
    """The header of two rows, one name per column. A cell of the upper row is written once over the cells
    of the lower row it spans (merged: "ФИО" over "Фамилия | Имя | Отчество", "Дата" over "рождения |
    статуса"), and a column merged down has its name in the upper row only. Each lower cell names its
    column alone when it is a header ("Фамилия"), else with the upper cell over it ("Дата рождения")."""
    width = max(len(first), len(second))
    first, second = first + [""] * (width - len(first)), second + [""] * (width - len(second))
    combined, over = [], ""
    for above, below in zip(first, second, strict=True):
        if above:
            over = above
        elif not below:
            over = ""
        if not below:
            combined.append(above)
            continue
        joined = f"{over} {below}" if over else below
        combined.append(joined if match_column(below) is None and match_column(joined) is not None else below)
    return combined


def _two_row_header(table: Table, index: int, saved: dict[str, str] | None) -> list[str] | None:
    """The header when it runs over two rows (`_combine`), or None: when the second row is data, or when
    reading the rows as one names no more columns than either row alone (a title row over the header)."""
    if index + 1 >= len(table.rows):
        return None
    first, second = table.rows[index][1], table.rows[index + 1][1]
    if not any(first) or not any(second) or any(values.date_like(c) for c in second):
        return None
    combined = _combine(first, second)
    score = _score(map_header(combined, saved))
    if score > _score(map_header(first, saved)) and score > _score(map_header(second, saved)):
        return combined
    return None


@dataclass
class Context:
    """What every row is checked against, read once per file."""

    lookups: values.Lookups
    scope: Scope
    organisation_id: int
    default_region: str | None
    known_ids: dict[str, int]  # identifiers already imported by the organisation -> the Person's id
    today: dt.date
    columns: dict[str, str] = field(default_factory=dict)  # folded header -> column ("" = not imported)
    status_date: dt.date | None = None  # the date the user gives for statuses without one
    population_type: str = ""  # the status the user gives every row of a sheet without a status column
    progress: Callable[[int, int], None] | None = None  # (rows checked, rows in the file)


@dataclass
class _Tally:
    """What is reported once for many rows."""

    unknown: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    outside: dict[str, list[Row]] = field(default_factory=dict)
    undated: list[Row] = field(default_factory=list)

    def value(self, column: str, header: str, text: str, row: Row, code: str) -> None:
        entry = self.unknown.setdefault(
            (column, fold(text)), {"column": column, "header": header, "value": text, "code": code, "rows": []}
        )
        entry["rows"].append(row)


def validate(table: Table, report: Report, context: Context) -> list[Record]:
    """Fill `report` and return the rows that can be written."""
    report.format, report.encoding = table.format, table.encoding
    report.delimiter = table.delimiter if table.format == "csv" else ""
    report.sheet, report.sheets = table.sheet, list(table.sheets)
    for row, column, value, code in table.problems:
        report.add(row, column, value, code)
    if not any(any(cells) for _n, cells in table.rows):
        report.add(None, "", "", "no_rows")
        return []
    header_index = find_header(table, context.columns)
    if header_index is None:
        first = next(cells for _n, cells in table.rows if any(cells))
        # Shown so that the page can ask what each of these headers stands for.
        report.columns = [[name, match_column(name) or ""] for name in first if name]
        report.add(None, "", ", ".join(c for c in first if c)[:300], "no_header", {"n": HEADER_SEARCH})
        return []
    header_number, header = table.rows[header_index]
    body_start = header_index + 1
    combined = _two_row_header(table, header_index, context.columns)
    if combined is not None:
        report.skipped.append([table.rows[header_index + 1][0], "header_row_2"])
        header, body_start = combined, header_index + 2
    report.header_row = header_number
    titles = []
    for number, cells in table.rows[:header_index]:
        if any(cells):
            report.skipped.append([number, "title_row"])
            titles.append(" ".join(c for c in cells if c))
    report.title = " / ".join(titles)[:500]
    title_date = values.title_date(report.title, today=context.today) if report.title else None
    report.title_date = title_date.isoformat() if title_date else ""
    mapping = map_header(header, context.columns)
    report.columns = [[name, mapping.get(i, "")] for i, name in enumerate(header) if name]
    report.unknown_columns = [name for i, name in enumerate(header) if name and i not in mapping]
    if report.unknown_columns:
        report.add(header_number, ", ".join(report.unknown_columns), "", "unknown_columns", severity=NOTE)
    report.id_source = "column" if "person_id" in mapping.values() else "derived"
    if report.id_source == "derived":
        report.add(header_number, "", "", "no_id_column", severity=NOTE)
    width = len(header)
    numbering = {i for i, column in mapping.items() if column == "row_number"}
    body = table.rows[body_start:]
    sections = {}
    for index, (_number, cells) in enumerate(body):
        if sum(1 for c in cells if c) <= 2 and not _is_total(cells) and not _is_footer(cells):
            found = _section(cells, numbering, context.lookups)
            if found is not None:
                sections[index] = found
    status_sections = any(column == "population_type" for column, _text in sections.values())
    file_status = ""
    if "population_type" not in mapping.values() and not status_sections:
        file_status = context.population_type or values.title_status(f"{report.title} {table.sheet}")
        report.population_type = file_status
        if context.population_type:
            report.add(None, "", "", "status_given", {"status": file_status}, NOTE)
        elif file_status:
            report.add(None, "", "", "status_from_title", {"status": file_status, "title": report.title[:200]}, NOTE)
        else:
            report.add(None, "", "", "no_status_column", severity=WARNING)
    file_date = context.status_date or title_date
    if file_date is not None and ("population_type" in mapping.values() or file_status or status_sections):
        report.status_date = file_date.isoformat()
        report.status_date_source = "given" if context.status_date else "title"
        if context.status_date:
            report.add(None, "", "", "status_date_given", {"date": file_date.strftime("%d.%m.%Y")}, NOTE)
        else:
            params = {"date": file_date.strftime("%d.%m.%Y"), "title": report.title[:200]}
            report.add(None, "", "", "status_date_from_title", params, NOTE)
    names = {column: header[i] for i, column in mapping.items()}
    checker = _RowChecker(report, context, names, file_date, file_status)
    records: list[Record] = []
    other_delimiters = [d for d in DELIMITERS if d != table.delimiter]
    section: dict[str, str] = {}  # column -> the value the last section row gave it
    header_rows = [table.rows[i][1] for i in range(header_index, body_start)]
    above: dict[str, str] = {}  # the row above, for ditto marks
    for checked, (number, cells) in enumerate(body):
        if context.progress is not None and checked % 2000 == 0:
            context.progress(checked, len(body))
        if not _content(cells, numbering):
            report.skipped.append([number, "blank_row"])  # blank, or numbered in advance and never filled
            continue
        if _is_total(cells):
            report.skipped.append([number, "totals_row"])
            continue
        if _is_footer(cells):
            report.skipped.append([number, "footer_row"])
            continue
        if _is_column_numbers(cells):
            report.skipped.append([number, "column_numbers_row"])
            continue
        if _repeats(cells, header_rows):
            report.skipped.append([number, "header_repeated"])  # a table printed over pages, pasted back
            continue
        if checked in sections:
            column, text = sections[checked]
            section[column] = text
            report.skipped.append([number, "section_row"])
            continue
        report.rows += 1
        if table.format == "csv" and width > 1 and len(cells) == 1:
            used = next((d for d in other_delimiters if d in cells[0]), None)
            if used:
                report.add(number, "", cells[0][:200], "wrong_delimiter", {"used": used, "file": table.delimiter})
                continue
        extra = [c for c in cells[width:] if c]
        if extra:
            report.add(number, "", " | ".join(extra)[:200], "extra_values")
            continue
        row = {column: (cells[i] if i < len(cells) else "") for i, column in mapping.items()}
        for column, text in row.items():
            meaning = _blank_or_ditto(text) if column != "row_number" else None
            if meaning is not None:
                row[column] = above.get(column, "") if meaning == "ditto" else ""
        above = dict(row)
        for column, text in section.items():
            if not row.get(column):
                row[column] = text
        record = checker.check(number, row)
        if record is not None:
            records.append(record)
    checker.report_tally()
    if report.rows == 0:
        report.add(None, "", "", "no_rows_under_header")
    without_status = sum(1 for r in records if not r.population_type)
    if without_status and (file_status or "population_type" in mapping.values() or status_sections):
        # Some rows give no status where the others do (an empty cell, rows above the first section): they
        # would count in no statistics. Said once, so the reader looks before importing.
        report.add(None, names.get("population_type", ""), "", "rows_without_status", {"n": without_status}, WARNING)
    report.valid = len(records)
    return records


def split_full_name(text: str) -> dict[str, str]:
    """A name in one cell as Russian and Kazakh lists write it: family name, given name, then the
    patronymic (which may be two words: "Асқар ұлы")."""
    parts = text.split()
    if len(parts) == 1:
        return {"family_name": parts[0]}
    return {"family_name": parts[0], "given_name": parts[1], "patronymic": " ".join(parts[2:])}


IDENTITY = ("family_name", "given_name", "patronymic", "full_name", "full_name_original", "birth_date", "sex",
            "document_number")  # fmt: skip


def identity(row: dict[str, str]) -> str:
    """A row's names, birth date, sex and document, folded: what says who the row is about."""
    return "|".join(fold(row.get(c, "")) for c in IDENTITY)


def derived_id(row: dict[str, str], occurrence: int = 1) -> str:
    """An identifier for a row of a sheet without one: its identity and, for namesakes listed with the same
    birth date and no document, which of them it is in the sheet. The same sheet, or a later copy of it with
    rows added or moved, gives each person the same identifier, so importing it again creates no one twice."""
    key = f"{identity(row)}|{occurrence}"
    return "row:" + hashlib.sha256(key.encode()).hexdigest()[:24]


class _RowChecker:
    """Checks the rows of one file, remembering what it read (each distinct value of a column is read once
    per file) and what is reported once for many rows."""

    def __init__(
        self, report: Report, context: Context, names: dict[str, str], file_date: dt.date | None, file_status: str
    ) -> None:
        self.report, self.context, self.names, self.file_date = report, context, names, file_date
        self.file_status = file_status
        self.seen_ids: dict[str, Row] = {}
        self.identities: dict[str, list[Row]] = {}
        self.seen_documents: dict[str, Row] = {}
        self.read_before: dict[tuple[str, str], tuple[Any, values.BadValue | None]] = {}
        self.tally = _Tally()

    def check(self, number: Row, row: dict[str, str]) -> Record | None:
        report, context = self.report, self.context
        errors_before = report.error_count
        held_back = False  # the row waits for a value the user maps, a date or a region: reported once

        def problem(column: str, code: str, params: dict[str, Any] | None = None, severity: str = ERROR) -> None:
            report.add(number, self.names.get(column, column), row.get(column, ""), code, params, severity)

        def read(column: str, reader: Callable[[str], Any]) -> Any:
            nonlocal held_back
            text = row.get(column, "")
            if not text:
                return None
            result = self.read_before.get((column, text))
            if result is None:
                try:
                    result = (reader(text), None)
                except values.BadValue as error:
                    result = (None, error)
                self.read_before[(column, text)] = result
            value, error = result
            if error is not None:
                if error.unknown:
                    self.tally.value(column, self.names.get(column, column), text, number, error.code)
                    held_back = True
                else:
                    problem(column, error.code, error.params)
            return value

        if row.get("full_name") and not any(row.get(c) for c in ("given_name", "family_name")):
            row = {**row, **split_full_name(row["full_name"])}
        for column, limit in MAX_LENGTH.items():
            if len(row.get(column, "")) > limit:
                problem(column, "too_long", {"n": limit})
        if report.id_source == "column":
            source_id = row.get("person_id", "")
            if not source_id:
                problem("person_id", "required")
            elif source_id in self.seen_ids:
                problem("person_id", "duplicate_id", {"row": self.seen_ids[source_id]})
            else:
                self.seen_ids[source_id] = number
        else:
            # Two rows with the same names, birth date and sex and no document may be namesakes or one person
            # listed twice: both are imported (nothing is lost) and the reader is asked to look.
            who = identity(row)
            earlier = self.identities.setdefault(who, [])
            if earlier:
                problem("", "duplicate_person", {"row": earlier[0]}, WARNING)
            earlier.append(number)
            source_id = derived_id(row, len(earlier))
        if not any(row.get(c) for c in ("given_name", "family_name", "full_name_original")):
            problem("family_name", "name_required")

        lookups = context.lookups
        sex = read("sex", lambda t: lookups.word("sex", t)) or ""
        birth = read("birth_date", lambda t: values.date(t, today=context.today))
        origin = read("country_of_origin", lookups.country)
        citizenship = read("citizenship", lookups.citizenship)
        region = read("region", lookups.region)
        if region is None and not row.get("region"):
            region = context.default_region
            if region is None:
                problem("region", "region_required")
        if region is not None:
            existing = lookups.region_rows[region]
            if not existing.existed_on(context.today):
                self.tally.value("region", self.names.get("region", "region"), row["region"], number, "region_divided")
                held_back = True
                region = None
            elif not context.scope.covers(context.organisation_id, region):
                self.tally.outside.setdefault(region, []).append(number)
                held_back = True
        document_type = read("document_type", lambda t: lookups.word("document_type", t))
        number_text = row.get("document_number", "")
        if number_text and not document_key(number_text):
            problem("document_number", "document_number_empty")
        elif number_text:
            key = document_key(number_text)
            if key in self.seen_documents:
                problem("document_number", "duplicate_document", {"row": self.seen_documents[key]})
            else:
                self.seen_documents[key] = number
        elif document_type:
            problem("document_number", "document_number_required")
        relationship = read("relationship_to_head", lambda t: lookups.word("relationship_to_head", t)) or ""
        if row.get("household_id") and not relationship and not row.get("relationship_to_head"):
            problem("relationship_to_head", "relationship_required")
        population = read("population_type", lambda t: lookups.word("population_type", t)) or ""
        if not population and not row.get("population_type"):
            population = self.file_status
        status_date = read("status_date", lambda t: values.date(t, today=context.today))
        if population and status_date is None and not row.get("status_date"):
            if self.file_date is None:
                self.tally.undated.append(number)
                held_back = True
            else:
                status_date = (self.file_date, DatePrecision.DAY)
        if status_date and birth and status_date[0] < birth[0]:
            problem("status_date", "status_before_birth")
        if row.get("status_date") and not population and not row.get("population_type"):
            problem("population_type", "status_required")
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
        if report.error_count == errors_before and not held_back:
            try:  # the model's own rules, as registration applies them
                Person(organisation_id=context.organisation_id, region_id=region, **person).clean()
            except ValidationError as error:
                for column, messages in error.message_dict.items():
                    for message in messages:
                        problem(column, "invalid", {"message": message})
        if report.error_count != errors_before or held_back:
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

    def report_tally(self) -> None:
        """What stands for many rows, once each: values no list knows (most rows first), regions the
        importer does not cover, statuses without a date."""
        report, tally = self.report, self.tally
        for entry in sorted(tally.unknown.values(), key=lambda e: (-len(e["rows"]), e["column"], e["value"])):
            rows = entry.pop("rows")
            entry.update(n=len(rows), rows=rows[:SHOWN_ROWS])
            report.unknown_values.append(entry)
            params: dict[str, Any] = {"value": entry["value"], "column": entry["column"], "n": len(rows)}
            code = "unknown_value"
            if entry["code"] == "region_divided":
                code = "region_divided"
                region = self.context.lookups.region_rows.get(
                    self.context.lookups.regions.get(fold(entry["value"]), "")
                )
                params.update(
                    region=region.code if region else entry["value"],
                    year=region.valid_to.year if region and region.valid_to else "",
                )
            report.add(None, entry["header"], entry["value"], code, params)
        for region, rows in sorted(tally.outside.items(), key=lambda item: -len(item[1])):
            report.regions_outside.append({"region": region, "n": len(rows), "rows": rows[:SHOWN_ROWS]})
            # Summarised, not imported and not an error: a department's list holds its neighbours' rows too.
            report.add(None, self.names.get("region", "region"), region, "region_not_covered",
                       {"n": len(rows), "region": region}, WARNING)  # fmt: skip
        if tally.undated:
            report.add(None, self.names.get("status_date", "status_date"), "", "status_date_missing",
                       {"n": len(tally.undated)})  # fmt: skip


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
