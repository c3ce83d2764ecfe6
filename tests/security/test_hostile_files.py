"""Hostile uploads: a zip bomb dressed as a workbook, XML entity expansion ("billion laughs") and an
external entity in a sheet, a file of half a million rows and more. Each is refused with a clear
message, quickly and without reading the bomb, and the database is unchanged."""

import io
import zipfile

import pytest

from panah.imports.reading import MAX_CELLS, MAX_ROWS, Unreadable, read_table
from panah.imports.services import import_file
from panah.imports.validate import Report
from tests.imports.files import snapshot

CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Persons" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_START = '<?xml version="1.0"?>{doctype}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_END = "</sheetData></worksheet>"


def workbook(sheet: bytes | None = None, *, padding: int = 0, doctype: str = "", cell: str = "x") -> bytes:
    """A minimal XLSX; `padding` bytes of blank space inside the sheet make it a zip bomb."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ):
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(SHEET_START.format(doctype=doctype).encode())
            chunk = b" " * (1 << 20)
            for _ in range(padding // len(chunk)):
                out.write(chunk)
            out.write(sheet or f'<row r="1"><c r="A1" t="inlineStr"><is><t>{cell}</t></is></c></row>'.encode())
            out.write(SHEET_END.encode())
    return buffer.getvalue()


def test_the_minimal_workbook_itself_is_read():
    # The builder is right: without the attack, the cell is read.
    assert read_table(workbook(cell="Ahmadi")).rows == [(1, ["Ahmadi"])]


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    bomb = workbook(padding=600 * 2**20)  # 600 MB of blanks in a file of well under a megabyte
    assert len(bomb) < 2 * 2**20
    with pytest.raises(Unreadable, match="unpacks to 600 MB"):
        read_table(bomb, "persons.xlsx")


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
)
EXTERNAL = '<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize(
    ("doctype", "cell"), [(LAUGHS, "&lol4;"), (EXTERNAL, "&secret;")], ids=["billion laughs", "external entity"]
)
def test_entities_in_a_sheet_are_refused(doctype, cell):
    with pytest.raises(Unreadable, match="not a readable spreadsheet"):
        read_table(workbook(doctype=doctype, cell=cell), "persons.xlsx")


def test_a_file_of_too_many_rows_is_refused():
    rows = b"person_id,family_name\n" + b"".join(b"%d,X\n" % i for i in range(MAX_ROWS + 1))
    with pytest.raises(Unreadable, match="more than 500,000 rows"):
        read_table(rows, "persons.csv")


@pytest.mark.parametrize(
    "data",
    [workbook(padding=600 * 2**20), workbook(doctype=EXTERNAL, cell="&secret;")],
    ids=["zip bomb", "external entity"],
)
def test_hostile_files_through_the_import_leave_the_database_unchanged(cast, data):
    before = snapshot()
    run = import_file(by=cast.officer_a, organisation=cast.state, data=data, file_name="persons.xlsx")
    assert run.state == "refused"
    messages = [i.message for i in Report.from_dict(run.report).issues]
    assert any("XLSX" in m or "unpacks" in m for m in messages), messages
    assert snapshot() == before


# Hostile structure: each refused with a message that names the limit, never a server error.
def _wide_workbook() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.cell(row=1, column=1, value="family_name")
    book.active.cell(row=1, column=MAX_CELLS + 5, value="x")  # one cell far to the right
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HOSTILE_STRUCTURE = {
    "JSON nested 200,000 deep": (b"[" * 200_000 + b"]" * 200_000, "persons.json", "more than 32 levels deep"),
    "JSON nested 40 deep in a submission": (
        b'{"results": [' + b'{"a": ' * 40 + b"1" + b"}" * 40 + b"]}",
        "persons.json",
        "more than 32 levels deep",
    ),
    "CSV with a 5 MB field": (
        b'family_name,given_name\n"' + b"A" * 5 * 2**20 + b'",B\n',
        "persons.csv",
        "longer than 1,000,000 characters",
    ),
    "CSV with a 5 MB field over many lines": (
        b'family_name,given_name\n"' + (b"A" * 1000 + b"\n") * 5000 + b'",B\n',
        "persons.csv",
        "more than 32,767 characters",
    ),
    "CSV with a 40,000-character cell": (
        b"family_name,given_name\n" + b"A" * 40_000 + b",B\n",
        "persons.csv",
        "more than 32,767 characters",
    ),
    "CSV line of 2 million characters": (
        b"family_name;given_name\n" + b"A;" * 1_000_000 + b"\n",
        "persons.csv",
        "longer than 1,000,000 characters",
    ),
    "CSV row of 5,000 cells": (
        b"family_name,given_name\n" + b"A," * 5_000 + b"\n",
        "persons.csv",
        "more than 1,000 cells",
    ),
    "XLSX 1,005 columns wide": (_wide_workbook(), "persons.xlsx", "more than 1,000 columns"),
}


@pytest.mark.parametrize(("data", "name", "limit"), HOSTILE_STRUCTURE.values(), ids=HOSTILE_STRUCTURE.keys())
def test_hostile_structure_is_refused_naming_the_limit(data, name, limit):
    with pytest.raises(Unreadable, match=limit):
        read_table(data, name)


@pytest.mark.parametrize(
    "case",
    [
        "JSON nested 200,000 deep",
        "CSV with a 5 MB field",
        "CSV with a 5 MB field over many lines",
        "CSV row of 5,000 cells",
    ],
)
def test_hostile_structure_through_the_import_is_refused_not_failed(cast, case):
    data, name, limit = HOSTILE_STRUCTURE[case]
    before = snapshot()
    run = import_file(by=cast.officer_a, organisation=cast.state, data=data, file_name=name)

    assert run.state == "refused"
    assert any(limit in issue.message for issue in Report.from_dict(run.report).issues)
    assert snapshot() == before
