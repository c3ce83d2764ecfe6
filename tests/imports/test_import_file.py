"""Importing a person file: the clean file, re-import, skip-invalid, households, rights and audit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from panah.accounts.scope import scope_for, unscoped, use_scope
from panah.audit.models import AuditEntry
from panah.imports.models import ImportRun
from panah.imports.services import import_file
from panah.imports.validate import Report
from panah.registry.models import HouseholdMember, Person
from panah.status.models import StatusEvent
from tests.imports.files import RU_HEADER, RU_ROWS, csv_bytes, snapshot


def run(cast, data, *, by=None, name="persons.csv", **options):
    run = import_file(by=by or cast.officer_a, organisation=cast.state, data=data, file_name=name, **options)
    return run, Report.from_dict(run.report)


def test_a_clean_file_in_russian_registers_every_row_as_registration_would(cast):
    before = snapshot()
    imported, report = run(cast, csv_bytes(RU_HEADER, RU_ROWS))
    assert report.error_count == 0, report.issues
    assert imported.state == ImportRun.State.IMPORTED
    assert report.created == 3 and report.encoding == "UTF-8" and report.delimiter_label == "comma (,)"
    assert dict(report.columns)["Фамилия"] == "family_name" and dict(report.columns)["Дата рождения"] == "birth_date"
    after = snapshot()
    assert after["Person"] == before["Person"] + 3
    assert after["StatusEvent"] == before["StatusEvent"] + 2
    assert after["AuditEntry.create"] >= before["AuditEntry.create"] + 3
    with use_scope(scope_for(cast.officer_a)):
        people = {p.names.first().family_name: p for p in Person.objects.filter(created_by=cast.officer_a)}
    ahmadi, nurlanova, rahimi = people["Ахмади"], people["Нурланова"], people["Rahimi"]
    assert ahmadi.registration_number.startswith("PN-")
    assert (ahmadi.sex, ahmadi.birth_date, ahmadi.birth_date_precision) == ("M", dt.date(1990, 3, 15), "day")
    assert (ahmadi.citizenship_status, ahmadi.citizenship_id, ahmadi.region_id) == ("country", "AFG", "KZ-55")
    assert ahmadi.population_type == "REF"
    assert (nurlanova.sex, nurlanova.birth_date_precision, nurlanova.citizenship_status) == ("F", "year", "stateless")
    assert nurlanova.population_type == "STA"
    assert (rahimi.birth_date, rahimi.birth_date_precision) == (dt.date(1990, 3, 1), "month")
    with unscoped("test"):
        event = StatusEvent.objects.get(person=ahmadi)
        assert (event.kind, event.effective, event.population_type) == ("refugee_granted", dt.date(2015, 2, 1), "REF")
        assert ahmadi.documents.get().number == "P 1234567"
        assert ahmadi.name_tokens.exists()
    assert AuditEntry.objects.filter(person_id=ahmadi.pk, action="create", user=cast.officer_a).exists()


def test_importing_the_same_file_again_creates_nothing_new(cast):
    data = csv_bytes(RU_HEADER, RU_ROWS)
    run(cast, data)
    before = snapshot()
    _again, report = run(cast, data)
    assert report.created == 0 and report.already_imported == 3
    assert any("already imported" in i.message for i in report.issues)
    assert {k: v for k, v in snapshot().items() if k != "AuditEntry.create"} == {
        k: v for k, v in before.items() if k != "AuditEntry.create"
    }
    # A corrected file with one more row adds only that row.
    _run, report = run(
        cast, csv_bytes(RU_HEADER, [*RU_ROWS, ["A-4", "Husseini", "Zarina", "", "F", "2001", "", "KZ-55", "", "", ""]])
    )
    assert report.created == 1 and report.already_imported == 3


def test_by_default_one_bad_row_stops_the_whole_file(cast):
    before = snapshot()
    rows = [*RU_ROWS, ["A-4", "Husseini", "Zarina", "", "F", "31.02.2001", "", "KZ-55", "", "", ""]]
    refused, report = run(cast, csv_bytes(RU_HEADER, rows))
    assert refused.state == ImportRun.State.REFUSED and report.created == 0
    assert [(i.row, i.column, i.value) for i in report.issues if i.severity == "error"] == [
        (5, "Дата рождения", "31.02.2001")
    ]
    assert snapshot() == before


def test_skip_invalid_imports_the_valid_rows_and_reports_the_others(cast):
    rows = [*RU_ROWS, ["A-4", "Husseini", "Zarina", "", "F", "31.02.2001", "", "KZ-55", "", "", ""]]
    before = snapshot()
    imported, report = run(cast, csv_bytes(RU_HEADER, rows), skip_invalid=True)
    assert imported.state == ImportRun.State.IMPORTED
    assert report.created == 3 and report.error_count == 1
    assert snapshot()["Person"] == before["Person"] + 3
    # Once corrected, the row that was refused is imported, and only that one.
    rows[-1][5] = "28.02.2001"
    _run, report = run(cast, csv_bytes(RU_HEADER, rows))
    assert report.created == 1 and report.already_imported == 3


def test_a_dry_run_reports_and_writes_nothing(cast):
    before = snapshot()
    checked, report = run(cast, csv_bytes(RU_HEADER, RU_ROWS), dry_run=True)
    assert checked.state == ImportRun.State.VALIDATED and report.valid == 3 and report.created == 0
    assert snapshot() == before


def test_households_are_formed_from_household_id_and_relationship(cast):
    header = ["person_id", "family_name", "given_name", "birth_date", "region", "household_id", "relationship_to_head"]
    rows = [
        ["H-1", "Ахмади", "Карим", "1970", "KZ-55", "F-7", "глава семьи"],
        ["H-2", "Ахмади", "Али", "2005", "KZ-55", "F-7", "сын"],
    ]
    _run, report = run(cast, csv_bytes(header, rows))
    assert report.created == 2, report.issues
    with unscoped("test"):
        members = HouseholdMember.objects.filter(household__reference="F-7").order_by("relationship")
        assert [m.relationship for m in members] == ["child", "head"]


def test_rows_outside_the_importers_regions_are_summarised_by_region_and_another_organisation_is_refused(cast):
    rows = [[f"B-{n}", "Husseini", f"Zarina {n}", "", "F", "1990", "", "Алматы", "", "", ""] for n in range(3)]
    _run, report = run(cast, csv_bytes(RU_HEADER, [*RU_ROWS, *rows]))
    assert not [i for i in report.issues if i.severity == "error"] and report.created == 3
    assert report.regions_outside == [{"region": "KZ-75", "n": 3, "rows": [5, 6, 7]}]
    [issue] = [i for i in report.issues if i.code == "region_not_covered"]
    assert issue.message == "3 rows are for Almaty, which you do not cover: they are not imported."
    with pytest.raises(PermissionDenied):
        import_file(by=cast.lawyer, organisation=cast.state, data=csv_bytes(RU_HEADER, RU_ROWS), file_name="x.csv")


def test_probable_duplicates_of_registered_persons_are_warned_without_leaking_anothers_record(cast):
    rows = [
        ["D-1", "Ahmadi", "Mohammad", "", "M", "17.05.1990", "", "KZ-55", "", "", ""],
        ["D-2", "Rahimi", "Karim", "", "M", "17.05.1990", "", "KZ-55", "", "", ""],
    ]
    _run, report = run(cast, csv_bytes(RU_HEADER, rows), dry_run=True)
    warnings = {i.row: i.message for i in report.issues if i.severity == "warning"}
    assert cast.person_a.registration_number in warnings[2]
    assert "KIBHR" in warnings[3] and cast.partner_person.registration_number not in warnings[3]


def test_registration_after_an_import_takes_the_next_number_and_search_finds_the_imported(cast):
    from panah.registry.selectors import search_persons
    from panah.registry.services import register_person
    from tests.factories import region

    run(cast, csv_bytes(RU_HEADER, RU_ROWS))
    with use_scope(scope_for(cast.officer_a)):
        found = search_persons("Нурланова Айгуль")
        assert [p.names.first().given_name for p in found.persons] == ["Айгуль"]
        newest = Person.objects.order_by("-pk").first()
        person = register_person(
            by=cast.officer_a,
            organisation=cast.state,
            person={"sex": "F"},
            names=[{"given_name": "Aigerim", "family_name": "Sadykova", "script": "latn"}],
            address={"region": region("KZ-55")},
        )
    assert person.pk > newest.pk
