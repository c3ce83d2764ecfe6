"""The department sheets of the corpus (`corpus.py`) imported through the service layer as a department's
registrar imports them: every sheet gives exactly the persons its ground truth says, importing it again creates
no one, and without the user's choices the check asks for each of them once and writes nothing."""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from panah.accounts.scope import unscoped
from panah.imports.mapping import ImportMapping
from panah.imports.models import ImportRun
from panah.imports.services import import_file
from panah.imports.validate import Report
from panah.registry.models import Person
from panah.status.models import StatusEvent
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.imports.corpus import ExpectedPerson, Sheet, corpus, write_corpus
from tests.imports.files import snapshot

SHEETS = {sheet.name: sheet for sheet in corpus()}
ASKING = [name for name, sheet in SHEETS.items() if sheet.values or sheet.status_date]


def department(sheet: Sheet):
    """The importing department: an organisation covering the sheet's regions, and its registrar there."""
    organisation = OrganisationFactory(code=f"dept-{sheet.name}", regions=sheet.covered_regions)
    user = UserFactory(username=f"registrar-{sheet.name}")
    MembershipFactory(user=user, organisation=organisation, role="registrar", regions=sheet.covered_regions)
    return organisation, user


def run(sheet: Sheet, organisation, user, mapping: ImportMapping) -> tuple[ImportRun, Report]:
    imported = import_file(
        by=user, organisation=organisation, data=sheet.data, file_name=sheet.file_name, mapping=mapping
    )
    return imported, Report.from_dict(imported.report)


def users_choices(sheet: Sheet) -> ImportMapping:
    return ImportMapping(values=sheet.values, status_date=sheet.status_date, sheet=sheet.sheet)


def registered(organisation) -> Counter:
    """The organisation's persons as ExpectedPerson, and checks every one has its one status event."""
    found: Counter = Counter()
    with unscoped("test: read back what the import wrote"):
        for person in Person.objects.filter(organisation=organisation).prefetch_related("names"):
            names = [n for n in person.names.all() if n.kind == "official"]
            events = list(StatusEvent.objects.filter(person=person))
            assert len(names) == 1 and len(events) == 1, (person, names, events)
            name, event = names[0], events[0]
            assert event.population_type == person.population_type
            found[
                ExpectedPerson(
                    family_name=name.family_name,
                    given_name=name.given_name,
                    patronymic=name.patronymic,
                    sex=person.sex,
                    birth_date=person.birth_date,
                    birth_precision=person.birth_date_precision,
                    region=person.region_id,
                    population_type=person.population_type,
                    status_date=event.effective,
                    citizenship_status=person.citizenship_status,
                    citizenship=person.citizenship_id,
                    country_of_origin=person.country_of_origin_id,
                )
            ] += 1
    return found


def errors(report: Report) -> list:
    return [(i.row, i.column, i.value, i.code, i.params) for i in report.issues if i.severity == "error"]


def test_the_corpus_is_varied_and_the_same_on_every_call():
    sheets = corpus()
    assert len(sheets) >= 12
    assert [s.data for s in sheets] == [s.data for s in corpus()]
    formats = Counter(s.file_name.rsplit(".", 1)[1] for s in sheets)
    assert {"xlsx", "xls", "ods", "csv"} <= set(formats)
    assert sum(bool(s.values) for s in sheets) >= 4 and sum(bool(s.outside) for s in sheets) >= 10
    assert any(s.status_date for s in sheets) and any(s.sheet for s in sheets)
    for sheet in sheets:
        assert sheet.rows == len(sheet.persons) + sum(sheet.outside.values())
        assert not set(sheet.outside) & set(sheet.covered_regions)


def test_the_corpus_is_written_as_files(tmp_path):
    paths = write_corpus(tmp_path)
    assert [p.read_bytes() for p in paths] == [s.data for s in corpus()]
    assert len({p.name for p in paths}) == len(paths)


@pytest.mark.parametrize("name", list(SHEETS))
def test_a_department_sheet_imports_exactly_its_persons_once(db, name):
    sheet = SHEETS[name]
    organisation, user = department(sheet)
    imported, report = run(sheet, organisation, user, users_choices(sheet))
    assert errors(report) == []
    assert imported.state == ImportRun.State.IMPORTED
    assert report.sheet == sheet.register
    assert report.title_date == (sheet.title_date.isoformat() if sheet.title_date else "")
    assert report.rows == sheet.rows
    assert {r["region"]: r["n"] for r in report.regions_outside} == sheet.outside
    assert report.unknown_values == []
    assert report.created == len(sheet.persons)
    assert registered(organisation) == Counter(sheet.persons)

    # The same file again: nobody new, and the report says the rows were imported before.
    before = snapshot()
    _again, report = run(sheet, organisation, user, users_choices(sheet))
    assert errors(report) == []
    assert report.created == 0 and report.already_imported == len(sheet.persons)
    assert {k: v for k, v in snapshot().items() if k != "AuditEntry.create"} == {
        k: v for k, v in before.items() if k != "AuditEntry.create"
    }


@pytest.mark.parametrize("name", ASKING)
def test_without_the_users_choices_each_question_is_asked_once_and_nothing_is_written(db, name):
    sheet = SHEETS[name]
    organisation, user = department(sheet)
    before = snapshot()
    refused, report = run(sheet, organisation, user, ImportMapping(sheet=sheet.sheet))
    assert refused.state == ImportRun.State.REFUSED and report.created == 0
    assert snapshot() == {**before, "AuditEntry.create": snapshot()["AuditEntry.create"]}
    asked = Counter((entry["column"], entry["value"]) for entry in report.unknown_values)
    assert all(n == 1 for n in asked.values()), asked
    assert {(e["column"], e["value"]): e["n"] for e in report.unknown_values} == {
        (column, value): n for column, values in sheet.unknown.items() for value, n in values.items()
    }
    for entry in report.unknown_values:
        assert [i.code for i in report.issues if i.value == entry["value"] and i.row is None] in (
            ["unknown_value"],
            ["region_divided"],
        )
    missing = [i.params["n"] for i in report.issues if i.code == "status_date_missing"]
    assert missing == ([sheet.undated] if sheet.status_date else [])


@pytest.mark.parametrize("name", list(SHEETS))
def test_the_command_line_with_the_pages_mapping_file_gives_the_same_persons(db, name, tmp_path):
    """`panah import FILE --org CODE --mapping MAPPING.json`: the mapping file the page downloads, nothing else."""
    sheet = SHEETS[name]
    organisation, user = department(sheet)
    path = tmp_path / sheet.file_name
    path.write_bytes(sheet.data)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(users_choices(sheet).to_json(), encoding="utf-8")
    out = io.StringIO()
    command = ["import", str(path), "--org", organisation.code, "--as", user.username, "--mapping", str(mapping)]
    call_command(*command, stdout=out)
    assert registered(organisation) == Counter(sheet.persons)
    assert f"Persons created: {len(sheet.persons)}" in out.getvalue()
    call_command(*command, stdout=out)  # again: nobody twice
    assert registered(organisation) == Counter(sheet.persons)
    if sheet.values or sheet.status_date:  # without the mapping file: the questions, and nothing written
        before = snapshot()
        with pytest.raises(CommandError):
            call_command(*command[:6], *(["--sheet", sheet.sheet] if sheet.sheet else []), stdout=io.StringIO())
        assert snapshot()["Person"] == before["Person"]
