"""Reading a participant list from a spreadsheet (CSV or XLSX), checked row by row before anything is written.

Columns (header row, any order, unknown columns reported and ignored): full_name, organisation,
department, position, region (ISO 3166-2:KZ code such as KZ-55, the old alpha code such as PAV, or the
region's name in Kazakh, Russian or English), sex (F or M), attended (yes/no, 1/0; yes when empty),
pre_test and post_test (0-100), feedback_rating (1-5), feedback.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from panah.geo.models import Region

COLUMNS = (
    "full_name",
    "organisation",
    "department",
    "position",
    "region",
    "sex",
    "attended",
    "pre_test",
    "post_test",
    "feedback_rating",
    "feedback",
)
REQUIRED = ("full_name", "organisation", "region", "sex")
MAX_ROWS = 1000
YES = {"yes", "y", "1", "true", "да", "иә", "+"}
NO = {"no", "n", "0", "false", "нет", "жоқ", "-"}


@dataclass
class Problem:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    value: str
    message: str


@dataclass
class ParticipantList:
    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)


def _cells(data: bytes, filename: str) -> list[list[str]]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        return [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
    text = data.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;\t")
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]


def _regions() -> dict[str, Region]:
    lookup: dict[str, Region] = {}
    for region in Region.objects.all():
        for key in (region.code, region.old_alpha_code, region.name_en, region.name_ru, region.name_kk):
            if key:
                lookup[key.casefold()] = region
    return lookup


def read(data: bytes, filename: str) -> ParticipantList:
    """Parse and check a participant list; `problems` name the row, column and value of each error."""
    result = ParticipantList()
    try:
        table = [row for row in _cells(data, filename) if any(row)]
    except (UnicodeDecodeError, csv.Error, ValueError, OSError) as error:
        result.problems.append(
            Problem(1, "", "", _("The file cannot be read as CSV (UTF-8) or XLSX: %(error)s") % {"error": error})
        )
        return result
    if not table:
        result.problems.append(Problem(1, "", "", _("The file is empty.")))
        return result
    header = [h.strip().lower() for h in table[0]]
    result.unknown_columns = [h for h in header if h and h not in COLUMNS]
    for column in REQUIRED:
        if column not in header:
            result.problems.append(Problem(1, column, "", _("The column is missing.")))
    if result.problems:
        return result
    if len(table) - 1 > MAX_ROWS:
        result.problems.append(Problem(1, "", "", _("At most %(n)s participants in one file.") % {"n": MAX_ROWS}))
        return result
    regions = _regions()
    for number, cells in enumerate(table[1:], start=2):
        raw = {column: (cells[i] if i < len(cells) else "") for i, column in enumerate(header) if column in COLUMNS}
        row: dict[str, Any] = {}

        def problem(column: str, message: str, raw: dict[str, str] = raw, number: int = number) -> None:
            result.problems.append(Problem(number, column, raw.get(column, ""), message))

        for column in REQUIRED:
            if not raw.get(column):
                problem(column, _("This is required."))
        for column in ("full_name", "organisation", "department", "position", "feedback"):
            row[column] = raw.get(column, "")
        if raw.get("region"):
            row["region"] = regions.get(raw["region"].casefold())
            if row["region"] is None:
                problem("region", _("Not a region of Kazakhstan: write its code (KZ-55) or its name."))
        sex = raw.get("sex", "").upper()
        if sex and sex not in ("F", "M"):
            problem("sex", _("Write F or M."))
        row["sex"] = sex
        attended = raw.get("attended", "").casefold()
        if attended and attended not in YES | NO:
            problem("attended", _("Write yes or no."))
        row["attended"] = attended not in NO
        for column, low, high in (("pre_test", 0, 100), ("post_test", 0, 100), ("feedback_rating", 1, 5)):
            value = raw.get(column, "")
            row[column] = None
            if value:
                try:
                    number_value = float(value.replace(",", "."))
                except ValueError:
                    number_value = -1
                if not number_value.is_integer() or not low <= number_value <= high:
                    problem(column, _("Write a whole number from %(low)s to %(high)s.") % {"low": low, "high": high})
                else:
                    row[column] = int(number_value)
        result.rows.append(row)
    return result
