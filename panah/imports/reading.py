"""Reading a person file as people send it: CSV in UTF-8 (with or without BOM), Windows-1251 or UTF-16
with any of , ; tab | as delimiter, or a sheet of a workbook (XLSX, XLS from Excel 97-2003, ODS), read
with python-calamine. What was detected is reported; what cannot be read is reported as a problem of the
file, never raised further. Submissions of the household registration form exported as JSON by KoboToolbox
or ODK Central are read by `submissions.py` into the same kind of table.

The result is a `Table`: every row of the file as a list of text cells with its row number as the file
shows it (1-based), plus what was detected. Finding the header, title rows and totals rows is
`validate.py`'s work.
"""

import csv
import datetime as dt
import io
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from panah.imports.columns import map_header

DELIMITERS = (",", ";", "\t", "|")
ZIP_MAGIC = b"PK\x03\x04"  # XLSX and ODS are zip archives
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # XLS (Excel 97-2003) is an OLE2 compound file
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
# Hostile or mistaken files: a workbook may unpack to at most this much (a person file of 500,000
# rows unpacks to about 150 MB; a zip bomb to gigabytes), and a file holds at most this many rows.
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_ROWS = 500_000
# The shape of a row: a cell holds at most what a spreadsheet cell can (Excel's 32,767 characters; a
# name or an address is a few dozen), a row at most this many cells (a department's widest sheet has
# about 60 columns), a line of text at most this many characters. A 5 MB field or a line of a million
# delimiters is a hostile or broken file, refused with the limit named, not an error of the server.
MAX_CELL_CHARS = 32_767
MAX_CELLS = 1_000
MAX_LINE_CHARS = 1_000_000


class Unreadable(ValueError):
    """The file as a whole cannot be read: `code` is the message's code (`messages.MESSAGES`)."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code)

    def __str__(self) -> str:
        from panah.imports.messages import render

        return render(self.code, self.params)


# A row as the report names it: its number in the file, or for a form submission a label such as
# "submission:4711#2" (`messages.row_label` renders it).
Row = int | str


@dataclass
class Table:
    format: str  # "csv", "xlsx", "xls", "ods", "html" (a table saved as .xls by a web system) or "json"
    rows: list[tuple[Row, list[str]]] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    sheets: list[str] = field(default_factory=list)  # a workbook's sheets, in order
    sheet: str = ""  # the sheet read
    # Errors found while reading that no column check would find (a submission without consent):
    # (row, column, value, message code).
    problems: list[tuple[Row, str, str, str]] = field(default_factory=list)


def cell_text(value: Any) -> str:
    """A spreadsheet cell as text: dates as yyyy-mm-dd, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_workbook(data: bytes, filename: str = "") -> bool:
    return data.startswith((ZIP_MAGIC, OLE_MAGIC)) or filename.lower().endswith(WORKBOOK_SUFFIXES)


def read_table(data: bytes, filename: str = "", sheet: str = "") -> Table:
    """Every row of the file (of `sheet`, or the first sheet with data, for a workbook), or `Unreadable`."""
    if not data.strip():
        raise Unreadable("empty_file")
    if is_html(data):
        return read_html(data)
    if is_workbook(data, filename):
        return _read_workbook(data, filename, sheet)
    if filename.lower().endswith(".json") or data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        from panah.imports.submissions import read_submissions

        return read_submissions(data)
    text, encoding = decode(data)
    if not text.strip():
        raise Unreadable("empty_file")
    _check_lines(text)
    delimiter = detect_delimiter(text)
    table = Table(format="csv", encoding=encoding, delimiter=delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        line = 1
        for values in reader:
            table.rows.append((line, _checked_row(line, [v.strip() for v in values])))
            _check_rows(table)
            line = reader.line_num + 1
    except csv.Error as error:
        if "field larger than field limit" in str(error):  # the csv module's own limit, above ours
            raise Unreadable("cell_too_long", line=reader.line_num, limit=f"{MAX_CELL_CHARS:,}") from error
        raise Unreadable("not_csv", line=reader.line_num) from error
    return table


def _check_lines(text: str) -> None:
    """Refuses a line longer than MAX_LINE_CHARS before any parsing reads it whole."""
    start, number = 0, 1
    while (end := text.find("\n", start)) != -1 or start < len(text):
        stop = len(text) if end == -1 else end
        if stop - start > MAX_LINE_CHARS:
            raise Unreadable("line_too_long", line=number, limit=f"{MAX_LINE_CHARS:,}")
        if end == -1:
            break
        start, number = end + 1, number + 1


def _checked_row(line: Row, values: list[str]) -> list[str]:
    if len(values) > MAX_CELLS:
        raise Unreadable("too_many_cells", line=line, limit=f"{MAX_CELLS:,}")
    if any(len(value) > MAX_CELL_CHARS for value in values):
        raise Unreadable("cell_too_long", line=line, limit=f"{MAX_CELL_CHARS:,}")
    return values


def is_html(data: bytes) -> bool:
    """An HTML page holding a table: what many information systems export as "Excel" (saved as .xls)."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml"):  # Excel's own "web page" (.htm, .xls) opens so
        return b"<html" in head
    return head.startswith((b"<html", b"<!doctype html", b"<table", b"<meta", b"<head", b"<body"))


class _HtmlTable(HTMLParser):
    """The rows of the first table of an HTML page, cells as text; a cell spanning columns (colspan) or rows
    (rowspan) is written in its first cell and leaves the others empty, as a spreadsheet's merged cell does."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.depth = 0  # tables open: only the first, outermost one is read
        self.done = False
        self.cell: list[str] | None = None
        self.span = (1, 1)  # (columns, rows) of the open cell
        self.covered: dict[int, int] = {}  # column -> rows below still covered by a rowspan
        self.in_row: set[int] = set()  # columns of the open row covered from above

    def _reading(self) -> bool:
        return not self.done and self.depth == 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.depth += 1
        if not self._reading():
            return
        if tag == "tr":
            self._end_row()
            self.rows.append([])
            self.in_row = {column for column, n in self.covered.items() if n > 0}
            self.covered = {column: n - 1 for column, n in self.covered.items() if n > 1}
        elif tag in ("td", "th") and self.rows:
            named = dict(attrs)
            self.cell, self.span = [], (_span(named.get("colspan")), _span(named.get("rowspan")))
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None and self._reading():
            row = self.rows[-1]
            while len(row) in self.in_row:
                row.append("")
            columns, rows = self.span
            for offset in range(columns):
                row.append(" ".join("".join(self.cell).split()) if offset == 0 else "")
                if rows > 1:
                    self.covered[len(row) - 1] = rows - 1
            self.cell = None
        elif tag == "table":
            if self._reading():
                self._end_row()
            self.depth -= 1
            self.done = self.done or self.depth == 0

    def _end_row(self) -> None:
        if self.rows:
            row = self.rows[-1]
            while self.in_row and len(row) <= max(self.in_row):
                row.append("")
        self.in_row = set()

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


def read_html(data: bytes) -> Table:
    text, encoding = decode(data)
    parser = _HtmlTable()
    parser.feed(text)
    parser.close()
    if not parser.rows:
        raise Unreadable("not_workbook")
    table = Table(format="html", encoding=encoding)
    table.rows = [(number, _checked_row(number, cells)) for number, cells in enumerate(parser.rows, start=1)]
    _check_rows(table)
    return table


def _check_rows(table: Table) -> None:
    if len(table.rows) > MAX_ROWS:
        raise Unreadable("too_many_rows", rows=f"{MAX_ROWS:,}")


def _workbook_format(data: bytes, filename: str) -> str:
    if data.startswith(OLE_MAGIC) or filename.lower().endswith(".xls"):
        return "xls"
    if filename.lower().endswith(".ods") or b"application/vnd.oasis.opendocument" in data[:200]:
        return "ods"
    return "xlsx"


def _read_workbook(data: bytes, filename: str, sheet: str) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook

    kind = _workbook_format(data, filename)
    if data.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                unpacked = sum(entry.file_size for entry in archive.infolist())
        except (OSError, zipfile.BadZipFile) as error:
            raise Unreadable("not_workbook") from error
        if unpacked > MAX_UNPACKED_BYTES:
            raise Unreadable("unpacks_too_big", size=f"{unpacked // 2**20:,}")
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
        if not names:
            raise Unreadable("no_sheet")
        if sheet and sheet not in names:
            raise Unreadable("no_such_sheet", sheet=sheet, sheets=", ".join(names))
        chosen = sheet or _first_with_data(workbook, names)
        table = Table(format=kind, encoding=kind, sheets=names, sheet=chosen)
        # From cell A1, so that row numbers are the sheet's own (a sheet starting lower keeps its numbering).
        chosen_sheet = workbook.get_sheet_by_name(chosen)
        # The sheet's extent is known before its cells are read: one cell at XFD500000 would otherwise
        # make a grid of eight billion.
        if chosen_sheet.total_height > MAX_ROWS:
            raise Unreadable("too_many_rows", rows=f"{MAX_ROWS:,}")
        if chosen_sheet.total_width > MAX_CELLS:
            raise Unreadable("too_wide", limit=f"{MAX_CELLS:,}")
        grid = chosen_sheet.to_python(skip_empty_area=False)
        if len(grid) > MAX_ROWS:
            raise Unreadable("too_many_rows", rows=f"{MAX_ROWS:,}")
        table.rows = [
            (number, _checked_row(number, [cell_text(v) for v in values]))
            for number, values in enumerate(grid, start=1)
        ]
        return table
    except Unreadable:
        raise
    except (CalamineError, OSError, ValueError, TypeError, KeyError, zipfile.BadZipFile) as error:
        raise Unreadable("not_workbook") from error


# Rows of a sheet looked at for a header when choosing the sheet (as many as `validate` looks at).
HEADER_ROWS = 30
NAME_COLUMNS = frozenset({"family_name", "given_name", "full_name", "full_name_original"})


def _names_persons(rows: list[list[Any]]) -> bool:
    """Whether one of these rows is (part of) the header of a list of persons: it names the persons' names
    and at least one other column. A summary sheet ("Свод": region, category, count) names no one."""
    for values in rows:
        columns = set(map_header([cell_text(v) for v in values]).values()) - {"row_number"}
        if columns & NAME_COLUMNS and len(columns) >= 2:
            return True
    return False


def _first_with_data(workbook: Any, names: list[str]) -> str:
    """The sheet a person file is on when no one says which: the first whose header names the persons
    (a workbook often opens with a summary, a cover page or instructions); failing that, the first with
    more than a title."""
    for name in names:
        if _names_persons(workbook.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=HEADER_ROWS)):
            return name
    for name in names:
        if workbook.get_sheet_by_name(name).height > 2:
            return name
    return names[0]


def _looks_like_utf16(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd = sample[1::2].count(0) / max(1, len(sample[1::2]))
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _plausible(text: str, single_byte: bool) -> bool:
    """Text a person wrote: few control characters; and, read as Windows-1251 (which decodes almost
    any bytes), its non-ASCII letters mostly Cyrillic. UTF-8 and UTF-16 that decode are trusted:
    Arabic-script names are as legitimate as Cyrillic ones."""
    sample = text[:200_000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    if controls > len(sample) / 1000:
        return False
    if not single_byte:
        return True
    other = [ch for ch in sample if ord(ch) > 127]
    if not other:
        return True
    cyrillic = sum(1 for ch in other if "\u0400" <= ch <= "\u04ff")
    return cyrillic / len(other) >= 0.8


def decode(data: bytes) -> tuple[str, str]:
    """(text, the encoding found): a BOM first, then UTF-8, then Windows-1251; anything else is
    reported as undecodable rather than read as mojibake."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    elif guess := _looks_like_utf16(data):
        candidates = [guess]
    else:
        candidates = ["utf-8", "cp1251"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text or not _plausible(text, single_byte=encoding == "cp1251"):
            continue
        return text, {"utf-8-sig": "UTF-8 (BOM)", "utf-8": "UTF-8", "cp1251": "Windows-1251"}.get(encoding, "UTF-16")
    raise Unreadable("not_text")


def detect_delimiter(text: str) -> str:
    """The delimiter that splits the most of the first lines into the same number (above one) of
    cells: a vote over the first 50 non-blank lines, so a title line or a few rows written with
    another delimiter do not decide."""
    lines = [line for line in text.splitlines() if line.strip()][:50]
    best, best_score = ",", 0
    for delimiter in DELIMITERS:
        try:
            counts = Counter(len(row) for row in csv.reader(lines, delimiter=delimiter))
        except csv.Error:  # a field past the csv module's limit: the reading proper names the problem
            continue
        width, votes = max(counts.items(), key=lambda item: (item[1], item[0]), default=(1, 0))
        score = votes if width > 1 else 0
        if score > best_score:
            best, best_score = delimiter, score
    return best
