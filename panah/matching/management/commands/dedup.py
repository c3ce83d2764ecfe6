"""`panah dedup FILE --output PAIRS.csv`: batch duplicate detection over a person file, without the
database (ARCHITECTURE.md section 3.2)."""

from __future__ import annotations

import csv
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from panah.matching.comparisons import JUDGED_SAME
from panah.matching.normalise import birth_parts

# Section 3.1 of ARCHITECTURE.md: the columns of a person file.
PERSON_FILE_COLUMNS = (
    "person_id", "given_name", "family_name", "patronymic", "full_name_original", "sex", "birth_date",
    "birth_place", "country_of_origin", "citizenship", "region", "locality", "address", "document_type",
    "document_number", "phone", "household_id", "relationship_to_head", "population_type", "status_date",
)  # fmt: skip
OUTPUT_COLUMNS = ("left_id", "right_id", "score", "reason")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):  # a date cell in a spreadsheet
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_person_file(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header and (file row number, record) of a CSV (UTF-8) or XLSX person file."""
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            from openpyxl import load_workbook

            workbook = load_workbook(path, read_only=True, data_only=True)
        except (OSError, zipfile.BadZipFile, KeyError, ValueError) as error:
            raise CommandError(f"{path}: not a readable XLSX file ({error})") from error
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [_cell(v) for v in next(rows, ())]

        def xlsx_records() -> Iterator[tuple[int, dict[str, str]]]:
            for number, values in enumerate(rows, start=2):
                cells = [_cell(v) for v in values]
                if any(cells):
                    yield number, dict(zip(header, cells, strict=False))
            workbook.close()

        return header, xlsx_records()
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
        reader = csv.reader(handle)
        header = [name.strip() for name in next(reader, [])]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise CommandError(f"{path}: not a readable UTF-8 CSV file ({error})") from error

    def csv_records() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            for values in reader:
                if any(v.strip() for v in values):
                    yield reader.line_num, dict(zip(header, (v.strip() for v in values), strict=False))
        except (UnicodeDecodeError, csv.Error) as error:
            raise CommandError(f"{path}, row {reader.line_num + 1}: not readable as UTF-8 CSV ({error})") from error
        finally:
            handle.close()

    return header, csv_records()


def check_header(path: Path, header: list[str]) -> None:
    if "person_id" not in header:
        found = ", ".join(h for h in header if h) or "none"
        raise CommandError(f"{path}, row 1: no person_id column (columns found: {found})")


def checked_records(path: Path, rows: Iterator[tuple[int, dict[str, str]]]) -> Iterator[dict[str, str]]:
    """The records as they are read (a million need not be held twice), refusing an empty or repeated
    person_id, or a birth_date that is not YYYY, YYYY-MM or YYYY-MM-DD: the message names the file,
    row and column."""
    seen: dict[str, int] = {}
    for number, record in rows:
        person_id = record.get("person_id", "")
        if not person_id:
            raise CommandError(f"{path}, row {number}, column person_id: empty")
        if person_id in seen:
            raise CommandError(
                f"{path}, row {number}, column person_id: {person_id!r} is already used in row {seen[person_id]}"
            )
        seen[person_id] = number
        try:
            birth_parts(record.get("birth_date", ""))
        except ValueError as error:
            raise CommandError(f"{path}, row {number}, column birth_date: {error}") from error
        yield record


class Command(BaseCommand):
    help = (
        "Find the records of a person file (CSV or XLSX, ARCHITECTURE.md 3.1) that are the same person, "
        "across scripts and spellings, and write the pairs to a CSV file: left_id, right_id, score (0..1), "
        "reason. Reads and writes files only: the database is not touched."
    )
    requires_system_checks: list[str] = []  # the checks would read the database's settings, not needed here
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The person file (.csv in UTF-8, or .xlsx).")
        parser.add_argument("--output", type=Path, required=True, metavar="PAIRS.csv", help="Where to write the pairs.")
        parser.add_argument(
            "--threshold",
            type=float,
            default=JUDGED_SAME,
            metavar="T",
            help=f"The match probability from which a pair is judged the same person (default {JUDGED_SAME}).",
        )
        parser.add_argument(
            "--backend",
            choices=("duckdb", "spark"),
            default="duckdb",
            help="Splink's engine: DuckDB in this process (default) or Spark (local mode unless "
            "PANAH_SPARK_MASTER names a cluster).",
        )
        parser.add_argument("--language", default="en", help="The language of the reasons (en, ru or kk; default en).")

    def handle(self, *args: Any, **options: Any) -> None:
        from panah.matching.batch import InputError, find_duplicates

        path = Path(options["file"])
        threshold = options["threshold"]
        if not 0 <= threshold <= 1:
            raise CommandError(f"--threshold {threshold}: must be between 0 and 1")
        started = time.monotonic()
        header, rows = read_person_file(path)
        check_header(path, header)
        counted = [0]

        def records() -> Iterator[dict[str, str]]:
            for record in checked_records(path, rows):
                counted[0] += 1
                yield record

        unknown = [h for h in header if h and h not in PERSON_FILE_COLUMNS]
        if unknown:
            self.stderr.write(f"{path}: columns not used for matching: {', '.join(unknown)}")

        def progress(step: str, fraction: float) -> None:
            self.stderr.write(f"{step} ({time.monotonic() - started:.0f} s)")

        with translation.override(options["language"]):
            try:
                pairs = find_duplicates(records(), threshold, options["backend"], progress=progress)
            except InputError as error:
                raise CommandError(f"{path}, {error}") from error
            output = Path(options["output"])
            try:
                with output.open("w", encoding="utf-8", newline="") as handle:
                    writer = csv.writer(handle)
                    writer.writerow(OUTPUT_COLUMNS)
                    for pair in pairs:
                        writer.writerow((pair.left_id, pair.right_id, f"{pair.score:.4f}", pair.reason))
            except OSError as error:
                raise CommandError(f"{output}: cannot write ({error})") from error
        self.stdout.write(
            f"{counted[0]:,} records, {len(pairs):,} pairs judged the same person written to {output} "
            f"({time.monotonic() - started:.1f} s)"
        )
