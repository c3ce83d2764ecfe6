"""What the importer says about a sheet that the sheet does not say itself: which column each header
stands for, what a word no list knows means, the date of the statuses, the status of every row of a
sheet without a status column, and which sheet of a workbook to read.

An import run keeps its mapping (`ImportRun.mapping`), the page edits it and checks the file again, and
the organisation's choices are saved for its next files (`ColumnMapping`, `ValueMapping`). The page lets
the user download it as a file; `panah import --mapping FILE` reads that file, so the command line uses
exactly what the user chose and no state it cannot see.

File format (JSON, UTF-8):

    {"format": "panah-import-mapping", "version": 1,
     "columns": {"№ п/п": "row_number", "Ф.И.О.": "full_name", "Примечание": ""},
     "values": {"population_type": {"мандатный беженец": "REF"}, "region": {"Жетысу": "KZ-33"}},
     "status_date": "2017-01-01", "population_type": "", "sheet": "Лист1"}

Headers and values are matched after folding (`columns.fold`), so case, ё and punctuation do not matter.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from panah.imports.columns import COLUMNS, fold
from panah.imports.values import MAPPABLE, choices

FORMAT = "panah-import-mapping"
VERSION = 1
POPULATION_TYPES = ("ASY", "REF", "STA", "UND", "OOC")


class BadMapping(ValueError):
    """A mapping file that cannot be used; the message says what and where."""


@dataclass
class ImportMapping:
    columns: dict[str, str] = field(default_factory=dict)  # header (folded) -> column, "" = not imported
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> value (folded) -> code
    status_date: dt.date | None = None  # for rows with a status and no date of their own
    population_type: str = ""  # the status of every row, for a sheet without a status column
    sheet: str = ""  # the sheet to read ("" = the first that holds a header)

    def __post_init__(self) -> None:
        self.columns = {fold(h): c for h, c in self.columns.items() if fold(h)}
        self.values = {c: {fold(v): code for v, code in m.items() if fold(v)} for c, m in self.values.items() if m}

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "columns": dict(sorted(self.columns.items())),
            "values": {c: dict(sorted(m.items())) for c, m in sorted(self.values.items())},
            "status_date": self.status_date.isoformat() if self.status_date else "",
            "population_type": self.population_type,
            "sheet": self.sheet,
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n"

    def merged(self, other: ImportMapping) -> ImportMapping:
        """This mapping with `other`'s choices over it."""
        values = {c: dict(m) for c, m in self.values.items()}
        for column, chosen in other.values.items():
            values.setdefault(column, {}).update(chosen)
        return ImportMapping(
            columns={**self.columns, **other.columns},
            values=values,
            status_date=other.status_date or self.status_date,
            population_type=other.population_type or self.population_type,
            sheet=other.sheet or self.sheet,
        )

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "mapping") -> ImportMapping:
        """Read and check a mapping (a stored run's or a file's); raises BadMapping naming the entry."""
        if not isinstance(data, dict):
            raise BadMapping(f"{source}: expected a JSON object")
        if data.get("format", FORMAT) != FORMAT:
            raise BadMapping(f"{source}: “format” is {data.get('format')!r}, not {FORMAT!r}")
        columns = data.get("columns") or {}
        if not isinstance(columns, dict):
            raise BadMapping(f"{source}: “columns” must be an object of header: column")
        for header, column in columns.items():
            if column and column not in COLUMNS:
                raise BadMapping(
                    f"{source}: columns → {header!r}: {column!r} is not a column (one of {', '.join(COLUMNS)}, "
                    'or "" for not imported)'
                )
        values = data.get("values") or {}
        if not isinstance(values, dict):
            raise BadMapping(f"{source}: “values” must be an object of column: {{value: code}}")
        for column, chosen in values.items():
            if column not in MAPPABLE:
                raise BadMapping(f"{source}: values → {column!r} is not a column whose values can be mapped")
            if not isinstance(chosen, dict):
                raise BadMapping(f"{source}: values → {column!r} must be an object of value: code")
            allowed = set(choices(column))
            for value, code in chosen.items():
                if code not in allowed:
                    raise BadMapping(f"{source}: values → {column} → {value!r}: {code!r} is not a code of {column}")
        status_date = data.get("status_date") or None
        if status_date is not None:
            try:
                status_date = dt.date.fromisoformat(str(status_date))
            except ValueError:
                raise BadMapping(f"{source}: “status_date” {status_date!r} is not a date (YYYY-MM-DD)") from None
        population_type = data.get("population_type") or ""
        if population_type and population_type not in POPULATION_TYPES:
            raise BadMapping(
                f"{source}: “population_type” {population_type!r} is not one of {', '.join(POPULATION_TYPES)}"
            )
        return cls(
            columns={str(h): str(c) for h, c in columns.items()},
            values={c: {str(v): str(code) for v, code in m.items()} for c, m in values.items()},
            status_date=status_date,
            population_type=population_type,
            sheet=str(data.get("sheet") or ""),
        )

    @classmethod
    def from_json(cls, text: str | bytes, *, source: str = "mapping") -> ImportMapping:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise BadMapping(f"{source}: not readable JSON ({error})") from None
        return cls.from_dict(data, source=source)
