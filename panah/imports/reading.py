"""Reading a person file as people send it: CSV in UTF-8 (with or without BOM), Windows-1251 or
UTF-16 with any of , ; tab | as delimiter, or the first sheet of an XLSX workbook. What was
detected is reported; what cannot be read is reported as a problem of the file, never raised.
Submissions of the household registration form exported as JSON by KoboToolbox or ODK Central are
read by `submissions.py` into the same kind of table.

The result is a `Table`: every row of the file as a list of text cells with its row number as the
file shows it (1-based), plus what was detected. Finding the header, title rows and totals rows is
`validate.py`'s work.
"""

import csv
import datetime as dt
import io
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma (,)", ";": "semicolon (;)", "\t": "tab", "|": "vertical bar (|)"}
XLSX_MAGIC = b"PK\x03\x04"
# Hostile or mistaken files: a workbook may unpack to at most this much (a person file of 500,000
# rows unpacks to about 150 MB; a zip bomb to gigabytes), and a file holds at most this many rows.
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_ROWS = 500_000


class Unreadable(ValueError):
    """The file as a whole cannot be read; the message says why."""


# A row as the report names it: its number in the file, or for a form submission a label such as
# "submission 4711, member 2".
Row = int | str


@dataclass
class Table:
    format: str  # "csv", "xlsx" or "json"
    rows: list[tuple[Row, list[str]]] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    # Errors found while reading that no column check would find (a submission without consent):
    # (row, column, value, message).
    problems: list[tuple[Row, str, str, str]] = field(default_factory=list)


def cell_text(value: Any) -> str:
    """A spreadsheet cell as text: dates as yyyy-mm-dd, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(data: bytes, filename: str = "") -> Table:
    """Every row of the file, or `Unreadable` saying why not."""
    if not data.strip():
        raise Unreadable(_("The file is empty."))
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    if filename.lower().endswith(".json") or data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        from panah.imports.submissions import read_submissions

        return read_submissions(data)
    text, encoding = decode(data)
    if not text.strip():
        raise Unreadable(_("The file is empty."))
    delimiter = detect_delimiter(text)
    table = Table(format="csv", encoding=encoding, delimiter=delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        line = 1
        for values in reader:
            table.rows.append((line, [v.strip() for v in values]))
            _check_rows(table)
            line = reader.line_num + 1
    except csv.Error as error:
        raise Unreadable(
            _("The file is not a readable CSV file (line %(line)s: %(error)s).")
            % {"line": reader.line_num, "error": error}
        ) from error
    return table


def _check_rows(table: Table) -> None:
    if len(table.rows) > MAX_ROWS:
        raise Unreadable(
            _("The file has more than %(rows)s rows: split it into several files.") % {"rows": f"{MAX_ROWS:,}"}
        )


def _read_xlsx(data: bytes) -> Table:
    # openpyxl parses the workbook's XML with defusedxml (a dependency for that reason): entity
    # expansion ("billion laughs") and external entities are refused, and land in the except below.
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (OSError, zipfile.BadZipFile) as error:
        raise Unreadable(_("The file is not a readable XLSX workbook.")) from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise Unreadable(
            _("The workbook unpacks to %(size)s MB, more than a person file can hold: split it into several files.")
            % {"size": f"{unpacked // 2**20:,}"}
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, TypeError) as error:
        raise Unreadable(_("The file is not a readable XLSX workbook.")) from error
    try:
        if not workbook.worksheets:
            raise Unreadable(_("The workbook has no sheet."))
        table = Table(format="xlsx", encoding="xlsx")
        # The sheet is parsed while its rows are read (read-only mode): its XML errors surface here.
        for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            table.rows.append((number, [cell_text(v) for v in values]))
            _check_rows(table)
        return table
    except Unreadable:
        raise
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, TypeError, SyntaxError) as error:
        raise Unreadable(_("The file is not a readable XLSX workbook.")) from error
    finally:
        workbook.close()


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
    raise Unreadable(
        _("The file could not be read as text in UTF-8, Windows-1251 or UTF-16: save it as CSV UTF-8 or XLSX.")
    )


def detect_delimiter(text: str) -> str:
    """The delimiter that splits the most of the first lines into the same number (above one) of
    cells: a vote over the first 50 non-blank lines, so a title line or a few rows written with
    another delimiter do not decide."""
    lines = [line for line in text.splitlines() if line.strip()][:50]
    best, best_score = ",", 0
    for delimiter in DELIMITERS:
        counts = Counter(len(row) for row in csv.reader(lines, delimiter=delimiter))
        width, votes = max(counts.items(), key=lambda item: (item[1], item[0]), default=(1, 0))
        score = votes if width > 1 else 0
        if score > best_score:
            best, best_score = delimiter, score
    return best
