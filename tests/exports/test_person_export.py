import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry
from panah.exports.services import Filters, export_persons
from panah.imports.columns import PERSON_FILE_COLUMNS
from panah.imports.services import import_file
from panah.imports.validate import Report
from panah.registry.models import PersonName
from tests.conftest import REGION_A, REGION_B
from tests.exports.conftest import settle
from tests.factories import PersonFactory, region
from tests.factories.cases import document, household

INJECTION = '=HYPERLINK("http://x")'


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _export(by: Any, file_format: str = "csv", **filters: str) -> bytes:
    out = io.BytesIO()
    export_persons(by=by, out=out, file_format=file_format, purpose="annual verification", filters=Filters(**filters))
    return out.getvalue()


def test_exports_only_the_persons_of_the_callers_export_scope(cast, exporter_a):
    data = _export(exporter_a)
    ids = {row["person_id"] for row in _csv_rows(data)}
    assert ids == {cast.person_a.registration_number}
    # Leakable data exists: the other region's and the partner's persons are in the database.
    assert cast.person_b.registration_number not in data.decode("utf-8-sig")
    assert cast.partner_person.registration_number not in data.decode("utf-8-sig")


def test_a_region_filter_outside_the_scope_exports_nobody(cast, exporter_a):
    assert _csv_rows(_export(exporter_a, region=REGION_B)) == []


def test_the_population_filter_keeps_only_that_population_type(cast, exporter_a):
    settle(cast.person_a, by=cast.decider_a)
    other = settle(PersonFactory(organisation=cast.state, region=region(REGION_A), name=("Ali", "Karimi")),
                   by=cast.decider_a, kind="undetermined_identified")  # fmt: skip
    rows = _csv_rows(_export(exporter_a, population_type="STA"))
    assert [r["person_id"] for r in rows] == [cast.person_a.registration_number]
    assert other.registration_number not in {r["person_id"] for r in rows}


@pytest.mark.parametrize("user", ["officer_a", "statistician", "unhcr_officer"])
def test_a_user_without_the_export_right_may_export_nobody(cast, user):
    with pytest.raises(PermissionDenied):
        _export(getattr(cast, user))


@pytest.mark.parametrize("purpose", ["", "   "])
def test_a_purpose_is_required(cast, exporter_a, purpose):
    with pytest.raises(ValidationError):
        export_persons(by=exporter_a, out=io.BytesIO(), file_format="csv", purpose=purpose)
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_one_audit_entry_with_the_purpose_the_count_and_the_filters(cast, exporter_a):
    PersonFactory(organisation=cast.state, region=region(REGION_A), name=("Ali", "Karimi"))
    _export(exporter_a, region=REGION_A)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.user == exporter_a
    assert entry.purpose == "annual verification"
    assert entry.changes == {"count": 2, "format": "csv", "filters": {"region": REGION_A}}
    assert entry.person_id is None  # one entry for the export, not one per person


def test_one_row_per_person_with_the_official_name_address_document_and_status(cast, exporter_a, today):
    person = settle(cast.person_a, by=cast.decider_a)
    with unscoped("test setup"):
        PersonName._base_manager.create(
            person=person, kind="original", script="arab", full_name="محمد احمدی", position=1
        )
        PersonName._base_manager.create(person=person, kind="alias", script="latn", given_name="Mamad", position=2)
    document(person, "passport", "P1", valid_from=dt.date(2010, 1, 1), valid_to=dt.date(2015, 1, 1))  # expired
    document(person, "stateless_cert", "SC-77", valid_from=dt.date(2016, 3, 1), valid_to=today + dt.timedelta(days=730))
    household(person)
    rows = _csv_rows(_export(exporter_a))
    assert len(rows) == 1
    row = rows[0]
    assert list(row) == list(PERSON_FILE_COLUMNS)
    assert (row["given_name"], row["family_name"], row["full_name_original"]) == ("Mohammad", "Ahmadi", "محمد احمدی")
    assert "Mamad" not in str(rows)
    assert (row["document_type"], row["document_number"]) == ("stateless_cert", "SC-77")
    assert (row["region"], row["locality"], row["phone"]) == (REGION_A, "Pavlodar", "87001234567")
    assert (row["population_type"], row["status_date"]) == ("STA", "2016-03-01")
    assert (row["household_id"], row["relationship_to_head"]) == (f"HH-{person.pk}", "head")
    assert row["birth_date"] == "1990-05-17"


def test_formula_injection_is_neutralised_in_csv_and_xlsx(cast, exporter_a):
    PersonFactory(organisation=cast.state, region=region(REGION_A), name=(INJECTION, "-1+2"))
    text = _export(exporter_a, "csv").decode("utf-8-sig")
    values = [v for row in csv.reader(io.StringIO(text)) for v in row]
    assert "'" + INJECTION in values and INJECTION not in values
    assert "'-1+2" in values
    workbook = load_workbook(io.BytesIO(_export(exporter_a, "xlsx")))
    cells = [c.value for row in workbook.active.iter_rows() for c in row if c.value]
    assert "'" + INJECTION in cells
    assert not any(isinstance(c, str) and c.startswith(("=", "+", "-", "@")) for c in cells)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_export_reads_back_through_the_import_with_zero_errors(cast, exporter_a, file_format):
    settle(cast.person_a, by=cast.decider_a)
    document(cast.person_a, "passport", "N123456")
    household(cast.person_a)
    settle(PersonFactory(organisation=cast.state, region=region(REGION_A), name=(INJECTION, "Karimi")),
           by=cast.decider_a, kind="undetermined_identified")  # fmt: skip
    data = _export(exporter_a, file_format)
    run = import_file(by=None, organisation=cast.unhcr, data=data, file_name=f"persons.{file_format}", dry_run=True)
    report = Report.from_dict(run.report)
    assert [i for i in report.issues if i.severity == "error"] == []
    assert report.valid == 2 and report.unknown_columns == []


@pytest.mark.parametrize("extra", [0, 2])
def test_the_number_of_queries_does_not_grow_with_the_persons(cast, exporter_a, extra, django_assert_num_queries):
    for n in range(extra):
        person = PersonFactory(organisation=cast.state, region=region(REGION_A), name=(f"Ali{n}", "Karimi"))
        settle(person, by=cast.decider_a)
        document(person, "passport", f"Q{n}")
    # The policy's check (the exporter's memberships and the agreements their organisation receives), the
    # scope, one batch of persons and the empty next one, one query per kind of related row, and the audit
    # entry: the same for one person as for three.
    with django_assert_num_queries(18):
        _export(exporter_a)
