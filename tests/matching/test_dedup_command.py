"""`panah dedup FILE --output PAIRS.csv` (ARCHITECTURE.md 3.2): pairs across scripts, clear errors, no database."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.backends.base.base import BaseDatabaseWrapper
from openpyxl import Workbook

HEADER = ["person_id", "given_name", "family_name", "patronymic", "sex", "birth_date", "country_of_origin",
          "region", "document_number"]  # fmt: skip
# 1-3: one man in Cyrillic, Latin and Arabic script; 4: a namesake (other father, other birth date);
# 5-6: one woman, Russian and Kazakh patronymic, date cut to the year; 7: her twin sister.
ROWS = [
    ["1", "Мухаммад", "Ахмади", "Каримович", "M", "1990-03-14", "AFG", "KZ-75", "P 1234567"],
    ["2", "Mohammad", "Ahmadi", "Karim", "M", "1990-01-01", "AFG", "KZ-71", "RC 7654321"],
    ["3", "محمد", "احمدی", "کریم", "M", "1990-03-14", "AFG", "KZ-71", ""],
    ["4", "Mohammad", "Ahmadi", "Yusuf", "M", "1975-08-02", "AFG", "KZ-75", "P 5550001"],
    ["5", "Айгуль", "Нурланова", "Нурлановна", "F", "1988-06-09", "UZB", "KZ-79", "LBG 0001112"],
    ["6", "Aigul", "Nurlanova", "Nurlan kyzy", "F", "1988", "UZB", "KZ-61", ""],
    ["7", "Aliya", "Nurlanova", "Nurlanovna", "F", "1988-06-09", "UZB", "KZ-79", "LBG 0001113"],
]
SAME = {("1", "2"), ("1", "3"), ("2", "3"), ("5", "6")}


def write_csv(path: Path, header=HEADER, rows=ROWS, encoding="utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_pairs(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_finds_the_same_person_across_scripts(tmp_path):
    output = tmp_path / "pairs.csv"
    call_command("dedup", str(write_csv(tmp_path / "persons.csv")), output=str(output))
    pairs = read_pairs(output)
    assert list(pairs[0]) == ["left_id", "right_id", "score", "reason"]
    assert {(p["left_id"], p["right_id"]) for p in pairs} == SAME
    for pair in pairs:
        assert pair["left_id"] < pair["right_id"]
        assert 0.9 <= float(pair["score"]) <= 1
    reasons = {(p["left_id"], p["right_id"]): p["reason"] for p in pairs}
    assert "family name: Ахмади ≈ Ahmadi by transliteration" in reasons["1", "2"]


def test_reads_xlsx(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    workbook.save(tmp_path / "persons.xlsx")
    output = tmp_path / "pairs.csv"
    call_command("dedup", str(tmp_path / "persons.xlsx"), output=str(output))
    assert {(p["left_id"], p["right_id"]) for p in read_pairs(output)} == SAME


def test_threshold_one_keeps_only_certain_pairs(tmp_path):
    output = tmp_path / "pairs.csv"
    call_command("dedup", str(write_csv(tmp_path / "persons.csv")), output=str(output), threshold=1.0)
    assert {(p["left_id"], p["right_id"]) for p in read_pairs(output)} <= SAME


@pytest.mark.parametrize(
    ("header", "rows", "message"),
    [
        (["id", "given_name"], [["1", "Ali"]], r"persons\.csv, row 1: no person_id column \(columns found: id, given_name\)"),
        (["person_id", "given_name"], [["1", "Ali"], ["2", "Omar"], ["1", "Ali"]],
         r"persons\.csv, row 4, column person_id: '1' is already used in row 2"),
        (["person_id", "birth_date"], [["1", "1990"], ["2", "14.03.1990"]], r"persons\.csv, row 3, column birth_date: .*YYYY"),
        (["person_id", "birth_date"], [["1", "1990-02-30"]], r"persons\.csv, row 2, column birth_date"),
        (["person_id", "given_name"], [["1", "Ali"], ["", "Omar"]], r"persons\.csv, row 3, column person_id: empty"),
    ],
)  # fmt: skip
def test_bad_files_are_refused_with_file_row_and_column(tmp_path, header, rows, message):
    path = write_csv(tmp_path / "persons.csv", header, rows)
    with pytest.raises(CommandError, match=message):
        call_command("dedup", str(path), output=str(tmp_path / "pairs.csv"))
    assert not (tmp_path / "pairs.csv").exists()


def test_unreadable_files_are_refused(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("dedup", str(tmp_path / "missing.csv"), output=str(tmp_path / "pairs.csv"))
    latin1 = write_csv(tmp_path / "latin1.csv", rows=[["1", "Müller", "Straße", "", "", "", "", "", ""]],
                       encoding="latin-1")  # fmt: skip
    with pytest.raises(CommandError, match=r"latin1\.csv.*UTF-8"):
        call_command("dedup", str(latin1), output=str(tmp_path / "pairs.csv"))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a spreadsheet")
    with pytest.raises(CommandError, match=r"broken\.xlsx: not a readable XLSX file"):
        call_command("dedup", str(broken), output=str(tmp_path / "pairs.csv"))


def test_opens_no_database_connection(tmp_path, monkeypatch):
    """Every query and connection goes through ensure_connection(): make it fail loudly."""

    def refuse(self):
        raise AssertionError(f"dedup touched the database {self.alias!r}")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)
    call_command("dedup", str(write_csv(tmp_path / "persons.csv")), output=str(tmp_path / "pairs.csv"))
    assert {(p["left_id"], p["right_id"]) for p in read_pairs(tmp_path / "pairs.csv")} == SAME


def test_runs_with_a_database_that_does_not_exist(tmp_path):
    """The installed command, with DATABASE_URL pointing nowhere: it must not need the database."""
    output = tmp_path / "pairs.csv"
    env = {**os.environ, "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/nowhere", "PANAH_TESTING": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(  # noqa: S603 - our own command with fixed arguments
        [sys.executable, "-m", "panah.cli", "dedup", str(write_csv(tmp_path / "persons.csv")), "--output", str(output)],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert {(p["left_id"], p["right_id"]) for p in read_pairs(output)} == SAME


def test_bad_input_exits_non_zero_with_the_message(tmp_path):
    path = write_csv(tmp_path / "persons.csv", ["name"], [["Ali"]])
    env = {**os.environ, "PANAH_TESTING": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "panah.cli", "dedup", str(path), "--output", str(tmp_path / "pairs.csv")],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "no person_id column" in result.stderr
